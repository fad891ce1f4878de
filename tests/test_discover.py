"""URL normalisation and the union of sources."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scraper.discover import discover, hub_url, is_embed_url, normalise_url, post_url
from scraper.site import site_root
from scraper.errors import DagbokError
from scraper.names import Source
from scraper.records import Candidate

SITE = "https://www.allmannyttan.se/"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://www.allmannyttan.se/vilken-resa-vi-gor/", "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("HTTP://WWW.Allmannyttan.SE/vilken-resa-vi-gor/", "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("https://allmannyttan.se/vilken-resa-vi-gor/", "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("https://www.allmannyttan.se:443/vilken-resa-vi-gor/", "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("https://www.allmannyttan.se/vilken-resa-vi-gor/#kommentarer", "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("https://www.allmannyttan.se/vilken-resa-vi-gor/?utm_source=nyhetsbrev&utm_medium=epost&fbclid=x",
         "https://www.allmannyttan.se/vilken-resa-vi-gor/"),
        ("https://www.allmannyttan.se/s%c3%a5-valdes/", "https://www.allmannyttan.se/s%C3%A5-valdes/"),
        ("https://www.allmannyttan.se/så-valdes/", "https://www.allmannyttan.se/s%C3%A5-valdes/"),
        ("https://www.allmannyttan.se/%76ilken/", "https://www.allmannyttan.se/vilken/"),
    ],
    ids=["plain", "case", "bare-host", "default-port", "fragment", "tracking", "lower-hex", "unicode", "unreserved"],
)
def test_normalise_url_folds_equivalent_forms(given, expected):
    assert normalise_url(given, site=SITE) == expected


def test_other_hosts_are_not_ours():
    assert normalise_url("https://www.sabo.se/vilken-resa-vi-gor/", site=SITE) is None
    assert normalise_url("https://evil.allmannyttan.se.example.com/x/", site=SITE) is None
    assert normalise_url("mailto:info@sabo.se", site=SITE) is None


def test_the_site_form_wins_for_a_bare_host_site():
    assert normalise_url("https://www.allmannyttan.se/x/", site="https://allmannyttan.se") == "https://allmannyttan.se/x/"


def test_non_tracking_query_is_kept_by_normalise_but_dropped_for_posts():
    assert normalise_url("https://www.allmannyttan.se/?p=123", site=SITE) == "https://www.allmannyttan.se/?p=123"
    assert post_url("https://www.allmannyttan.se/vilken-resa-vi-gor/?amp=1", site=SITE) == (
        "https://www.allmannyttan.se/vilken-resa-vi-gor/")


@pytest.mark.parametrize(
    "path",
    ["/vilken-resa-vi-gor/", "/nu_galler_det_att_anvanda_tiden_ratt/", "/vilken-resa-vi-gor", "/vilken-resa-vi-gor/embed/"],
)
def test_root_level_slugs_are_posts(path):
    expected = "https://www.allmannyttan.se/" + path.strip("/").removesuffix("/embed") + "/"
    assert post_url("https://www.allmannyttan.se" + path, site=SITE) == expected


@pytest.mark.parametrize(
    "path",
    ["/", "/wp-admin/", "/wp-json/wp/v2/posts", "/feed/", "/vad-vi-gor/", "/vad-vi-gor/innovationslabbet-i-boden/",
     "/innovationslabb/", "/innovationslabb/om-programmet/", "/kategori/dagbok/", "/tag/boden/",
     "/author/redaktionen/", "/page/2/", "/2019/04/29/vilken-resa/", "/wp-sitemap.xml", "/favicon.ico",
     "/vilken-resa-vi-gor/feed/", "/?p=123", "/?s=boden"],
)
def test_other_paths_are_not_posts(path):
    assert post_url("https://www.allmannyttan.se" + path, site=SITE) is None


def test_embed_urls_are_recognised():
    assert is_embed_url("https://www.allmannyttan.se/vilken-resa-vi-gor/embed/")
    assert not is_embed_url("https://www.allmannyttan.se/vilken-resa-vi-gor/")


def test_hub_pages_are_home_lab_and_programme_pages():
    assert hub_url("https://allmannyttan.se", site=SITE) == "https://www.allmannyttan.se/"
    assert hub_url("https://www.allmannyttan.se/vad-vi-gor/innovationslabbet-i-boden/", site=SITE)
    assert hub_url("https://www.allmannyttan.se/innovationslabb/om-programmet", site=SITE) == (
        "https://www.allmannyttan.se/innovationslabb/om-programmet/")
    assert hub_url("https://www.allmannyttan.se/vad-vi-gor/hyresgaster/", site=SITE) is None
    assert hub_url("https://www.allmannyttan.se/vilken-resa-vi-gor/", site=SITE) is None


def test_union_keeps_the_surest_source_and_the_newest_modified():
    early, late = datetime(2019, 4, 29, tzinfo=UTC), datetime(2019, 5, 2, tzinfo=UTC)
    found = discover(
        [
            Candidate("https://www.allmannyttan.se/vilken-resa-vi-gor/", Source.FEED),
            Candidate("http://allmannyttan.se/vilken-resa-vi-gor/embed/", Source.LINKS),
            Candidate("https://www.allmannyttan.se/vilken-resa-vi-gor/", Source.API, late),
            Candidate("https://www.allmannyttan.se/vilken-resa-vi-gor/", Source.SITEMAP, early),
            Candidate("https://www.allmannyttan.se/vad-vi-gor/innovationslabbet-i-boden/", Source.SITEMAP),
            Candidate("https://example.com/vilken-resa-vi-gor/", Source.LINKS),
        ],
        site=SITE,
    )
    assert len(found) == 1
    entry = found[0]
    assert entry.url == "https://www.allmannyttan.se/vilken-resa-vi-gor/"
    assert entry.source is Source.API  # the surest source names the candidate, whichever came first
    assert entry.candidate() == Candidate(entry.url, Source.API, late)


def test_bad_site_is_refused_with_an_example():
    with pytest.raises(DagbokError, match=r'site "allmannyttan.se" is not an http\(s\) URL; give e.g. https://'):
        site_root("allmannyttan.se")
