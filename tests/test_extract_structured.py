"""The structured layers: JSON-LD, OpenGraph/article meta, <time>, canonical; site-name suffixes."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from scraper.extract.document import parse_document
from scraper.extract.lines import clean_title
from scraper.extract.structured import read_structured, to_local_date, to_utc
from scraper.records import Capture

URL = "https://www.allmannyttan.se/vilken-resa-vi-gor/"


def read(head: str, body: str = ""):
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return read_structured(parse_document(Capture(url=URL, final_url=URL, status=200, headers={},
                                                  body=html.encode(), fetched=datetime.now(timezone.utc))))


def ld(data) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def test_jsonld_graph_article_author_reference_is_resolved_to_the_editor_name():
    found = read(ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Allmännyttan"},
        {"@type": "WebPage", "@id": URL, "name": "Vilken resa vi gör! – Allmännyttan"},
        {"@type": "BlogPosting", "headline": "Vilken resa vi gör!", "datePublished": "2019-04-29T08:00:00+02:00",
         "dateModified": "2019-10-15T12:00:00+00:00", "author": {"@id": "#/person/1"}, "mainEntityOfPage": URL},
        {"@type": "Person", "@id": "#/person/1", "name": "Redaktionen"}]}))
    assert found.jsonld.type == "BlogPosting"
    assert found.jsonld.headline == "Vilken resa vi gör!"
    assert found.jsonld.authors == ("Redaktionen",)
    assert found.jsonld.published == "2019-04-29T08:00:00+02:00"
    assert "allmännyttan" in found.site_names


def test_jsonld_article_naming_this_page_wins_over_a_teasers_article():
    found = read(ld([{"@type": "Article", "headline": "En annan", "url": "https://www.allmannyttan.se/annan/"},
                     {"@type": "Article", "headline": "Vilken resa vi gör!", "url": URL}]))
    assert found.jsonld.headline == "Vilken resa vi gör!"


def test_jsonld_author_lists_and_strings_are_read():
    found = read(ld({"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Anna Kanervo"}, "Martin Kesenci"]}))
    assert found.jsonld.authors == ("Anna Kanervo", "Martin Kesenci")


def test_broken_jsonld_is_ignored():
    found = read('<script type="application/ld+json">{"@type": "Article", "headline": </script>')
    assert found.jsonld is None


def test_jsonld_wrapped_in_a_comment_is_read():
    found = read('<script type="application/ld+json"><!-- {"@type": "Article", "headline": "Hej"} --></script>')
    assert found.jsonld.headline == "Hej"


def test_opengraph_article_and_author_meta_are_read():
    found = read('<meta property="og:title" content="Vilken resa vi gör! | Allmännyttan">'
                 '<meta property="og:site_name" content="Allmännyttan.se">'
                 '<meta property="article:published_time" content="2019-04-28T22:15:00+00:00">'
                 '<meta name="author" content="admin"><link rel="canonical" href="/vilken-resa-vi-gor/">'
                 '<title>Vilken resa vi gör! – Allmännyttan</title>')
    assert found.og["og:title"] == "Vilken resa vi gör! | Allmännyttan"
    assert found.og["article:published_time"] == "2019-04-28T22:15:00+00:00"
    assert found.meta_authors == ("admin",)
    assert found.canonical == "/vilken-resa-vi-gor/"
    assert found.title_tag == "Vilken resa vi gör! – Allmännyttan"
    assert "allmännyttan.se" in found.site_names


def test_time_elements_and_itemprop_dates_are_collected_in_page_order():
    found = read("", '<time datetime="2019-04-29T08:00:00+02:00">29 april 2019</time>'
                     '<meta itemprop="datePublished" content="2019-04-29"><time>utan attribut</time>')
    assert [value for _, value in found.times] == ["2019-04-29T08:00:00+02:00", "2019-04-29"]


@pytest.mark.parametrize("raw,title", [
    ("Vilken resa vi gör! – Allmännyttan", "Vilken resa vi gör!"),
    ("Vilken resa vi gör! | Allmännyttan", "Vilken resa vi gör!"),
    ("Vilken resa vi gör! - allmännyttan.se", "Vilken resa vi gör!"),
    ("Allmännyttan | Vilken resa vi gör!", "Vilken resa vi gör!"),
    ("Vilken resa vi gör! – Allmännyttan – Sveriges Allmännytta", "Vilken resa vi gör!"),
    ("Boden – en stad i förändring", "Boden – en stad i förändring"),
    ("Boden – en stad i förändring – Allmännyttan", "Boden – en stad i förändring"),
    ("  Nu  drar vi\u00a0i gång! ", "Nu drar vi i gång!"),
])
def test_clean_title_cuts_only_a_site_name_suffix(raw, title):
    assert clean_title(raw) == title


@pytest.mark.parametrize("raw", ["Allmännyttan", "allmannyttan.se", "www.allmannyttan.se", "SABO", "", None])
def test_a_title_that_is_only_the_site_name_is_none(raw):
    assert clean_title(raw) is None


def test_a_site_name_from_og_site_name_is_cut_too():
    assert clean_title("Vilken resa vi gör! · Dagboken", frozenset({"dagboken"})) == "Vilken resa vi gör!"


@pytest.mark.parametrize("value,day", [
    ("2019-04-28T22:15:00Z", date(2019, 4, 29)),  # UTC evening is the next day in Stockholm
    ("2019-04-28T22:15:00+00:00", date(2019, 4, 29)),
    ("2019-04-29T00:15:00+02:00", date(2019, 4, 29)),
    ("2019-04-29T23:30:00", date(2019, 4, 29)),  # naive: local as given
    ("2019-04-29", date(2019, 4, 29)),
    ("29 april 2019", None),
    ("", None),
    (None, None),
])
def test_timestamps_give_the_stockholm_date_never_shifted_by_utc(value, day):
    assert to_local_date(value) == day


def test_to_utc_keeps_aware_timestamps_only():
    assert to_utc("2019-10-15T14:00:00+02:00") == datetime(2019, 10, 15, 12, tzinfo=timezone.utc)
    assert to_utc("2019-10-15T14:00:00") is None
    assert to_utc("igår") is None
