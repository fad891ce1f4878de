"""The fetcher tests crawl with: no politeness delay and no real sleeping."""

from __future__ import annotations

from scraper.fetch import Fetcher


def fetcher(**options) -> Fetcher:
    """A Fetcher with delay 0 that never sleeps: the waits it would make are recorded in `fetcher.waits`."""
    options.setdefault("delay", 0)
    options.setdefault("backoff", 0.01)
    return Fetcher(sleep=lambda seconds: None, **options)
