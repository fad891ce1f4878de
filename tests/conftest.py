"""Shared fixtures: the sample site (a real HTTP server on 127.0.0.1) and its ground truth."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from scraper.sample_site import SamplePost, SampleSite, load_posts
from tests.wordpress_site import WordPressError, WordPressSite


@pytest.fixture
def ground_truth() -> list[SamplePost]:
    """The sample posts, oldest first (a fresh copy each test, so tests may change them)."""
    return load_posts()


@pytest.fixture
def sample_site() -> Iterator[SampleSite]:
    """The sample site in the "semantic" markup, started on a free port, stopped after the test."""
    with SampleSite(markup="semantic") as site:
        yield site


@pytest.fixture
def sample_site_factory() -> Iterator[Callable[..., SampleSite]]:
    """`make(markup=..., faults=..., posts=..., wayback=..., **options)` → a started SampleSite.

    Every site it made is stopped at teardown.
    """
    sites: list[SampleSite] = []

    def make(**options) -> SampleSite:
        site = SampleSite(**options)
        sites.append(site)
        site.start()
        return site

    yield make
    for site in sites:
        site.stop()


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """A real WordPress with the sample diary (tests/wordpress_site), started once per session.

    It fails, never skips, when WordPress cannot start: the message names what is missing.
    """
    site = WordPressSite()
    try:
        site.start()
    except WordPressError as error:
        pytest.fail(f"the WordPress test site could not start: {error}", pytrace=False)
    try:
        yield site
    finally:
        site.stop()
