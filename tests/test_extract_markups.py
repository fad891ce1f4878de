"""Every field of every sample post, in every markup, fetched over HTTP from the real sample site.

The sample site renders one ground truth (scraper/data/sample_site/posts.json) in several
unrelated markups; extraction must be exact in all of them, since the real site's
markup is unknown (docs/site.md, "What is known and what is not").
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from scraper.classify import classify
from scraper.extract import extract_post, extract_teasers, parse_document
from scraper.names import PageKind
from scraper.records import Capture
from scraper.sample_site import MARKUPS, SampleSite, load_posts
from scraper.sample_site.content import fields_of

POSTS = [p for p in load_posts() if not p.teaser_only]


@pytest.fixture(scope="module")
def sites():
    """One running sample site per markup, shared by the tests of this module."""
    started: dict[str, SampleSite] = {}
    yield lambda markup: started.setdefault(markup, _start(markup))
    for site in started.values():
        site.stop()


def _start(markup: str) -> SampleSite:
    site = SampleSite(markup=markup)
    site.start()
    return site


def fetch(url: str) -> Capture:
    response = requests.get(url, timeout=10)
    return Capture(
        url=url,
        final_url=response.url,
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=response.content,
        fetched=datetime.now(timezone.utc),
    )


@pytest.mark.parametrize(
    "markup,post", [(m, p) for m in MARKUPS for p in POSTS], ids=[f"{m}/{p.slug}" for m in MARKUPS for p in POSTS]
)
def test_every_field_of_every_post_is_exact_in_every_markup(sites, labs, markup, post):
    site = sites(markup)
    capture = fetch(site.url(post.path))
    document = parse_document(capture)
    extracted = extract_post(document, labs=labs)
    assert fields_of(extracted) == post.expected(site.url("/"))
    assert classify(capture.url, site=site.url("/"), document=document) == PageKind.POST


@pytest.mark.parametrize("markup", MARKUPS)
def test_teasers_on_every_post_page_match_the_posts_they_announce(sites, markup):
    site = sites(markup)
    truth = {site.url(p.path): p for p in load_posts()}
    seen = 0
    for post in POSTS:
        document = parse_document(fetch(site.url(post.path)))
        for teaser in extract_teasers(document):
            announced = truth[teaser.url]
            assert teaser.url != site.url(post.path)
            assert (teaser.title, teaser.published, teaser.excerpt, teaser.author, teaser.role) == (
                announced.title, announced.published, announced.excerpt, announced.author, announced.role)
            seen += 1
    assert seen > 0


@pytest.mark.parametrize("markup", MARKUPS)
def test_every_teaser_on_lab_and_home_pages_is_read_and_exact(sites, markup):
    site = sites(markup)
    truth = {site.url(p.path): p for p in load_posts()}
    for path in ("/", "/vad-vi-gor/innovationslabbet-i-boden/", "/vad-vi-gor/innovationslabbet-i-sodertalje/"):
        document = parse_document(fetch(site.url(path)))
        teasers = extract_teasers(document)
        assert teasers, path
        for teaser in teasers:
            announced = truth[teaser.url]
            assert (teaser.title, teaser.published, teaser.excerpt, teaser.author, teaser.role) == (
                announced.title, announced.published, announced.excerpt, announced.author, announced.role)
        assert classify(site.url(path), site=site.url("/"), document=document) != PageKind.POST
