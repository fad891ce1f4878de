"""Shared fixtures (the sample site, a real HTTP server on 127.0.0.1, and its ground truth) and the test tiers.

Tiers: a test is marked `slow` when it, its fixtures or the test-module functions it
calls start the sample site, run a crawl, or spawn a process (the `dagbok` and
`warcio` scripts, Datasette, Chromium, cog). Everything else is the fast tier:

    python -m pytest -m "not slow"     # the fast tier, well under a minute
    python -m pytest                   # everything, as CI runs it

The rule is read from the code (the names a test reaches), so a new test is put in
its tier without anyone remembering to mark it; `@pytest.mark.slow` by hand works too.
"""

from __future__ import annotations

import inspect
import shutil
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FunctionType
from typing import Callable, Iterator

import pytest

import archive.migrations as migrations
from archive.database import archive_id
from archive.runs import run_crawl
from scraper.labs import LabVocabulary
from scraper.sample_site import SamplePost, SampleSite, load_posts
from tests.devtools import DevTools
from tests.wordpress_site import WordPressError, WordPressSite

TESTS = Path(__file__).resolve().parent
# What makes a test slow: a sample site, a crawl, a process. Names, as the code spells them.
SLOW_NAMES = frozenset({"SampleSite", "run_crawl", "crawl", "subprocess", "DAGBOK", "WARCIO", "script"})


def _is_test_code(function: object) -> bool:
    try:
        return isinstance(function, FunctionType) and Path(inspect.getfile(function)).resolve().is_relative_to(TESTS)
    except TypeError:
        return False


def _reaches_slow(code: CodeType, scope: dict, seen: set[CodeType]) -> bool:
    """`code`, or a function of the tests it names (followed through), uses one of SLOW_NAMES."""
    if code in seen:
        return False
    seen.add(code)
    for name in code.co_names:
        if name in SLOW_NAMES:
            return True
        function = inspect.unwrap(scope[name]) if callable(scope.get(name)) else None
        if _is_test_code(function) and _reaches_slow(function.__code__, function.__globals__, seen):
            return True
    return any(isinstance(const, CodeType) and _reaches_slow(const, scope, seen) for const in code.co_consts)


def is_slow(item: pytest.Item) -> bool:
    """Whether the test, or a fixture it uses, reaches a sample site, a crawl or a process."""
    if item.get_closest_marker("slow"):
        return True
    function = getattr(item, "function", None)
    if function is None:
        return False
    scope = vars(sys.modules[function.__module__])
    seen: set[CodeType] = set()
    codes = [inspect.unwrap(function)]
    for name in item.fixturenames:
        fixture = scope.get(name, globals().get(name))
        if fixture is not None and callable(fixture):
            codes.append(inspect.unwrap(fixture))
    return any(_is_test_code(code) and _reaches_slow(code.__code__, code.__globals__, seen) for code in codes)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def ground_truth() -> list[SamplePost]:
    """The sample posts, oldest first (a fresh copy each test, so tests may change them)."""
    return load_posts()


@pytest.fixture(scope="session")
def labs() -> LabVocabulary:
    """The lab vocabulary (scraper/data/labs.toml), loaded once a session."""
    return LabVocabulary.load()


@pytest.fixture
def browser(tmp_path) -> Iterator[DevTools]:
    """Headless Chromium with a fresh profile, closed after the test."""
    devtools = DevTools(tmp_path / "chromium-profile")
    yield devtools
    devtools.close()


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
def sample_crawl(tmp_path_factory) -> Path:
    """The sample site ("semantic" markup) crawled once a session into an archive, WARC files beside it.

    Shared by every test that asks for it: read it, never write to it.
    """
    db = tmp_path_factory.mktemp("crawled") / "dagbok.db"
    with SampleSite(markup="semantic", crawl_delay=0) as site:
        assert run_crawl(db, site=site.base, delay=0, warc_dir=db.parent / "warc").exit_code == 0
    return db


@dataclass(frozen=True)
class TwoArchives:
    """Two archives kept in one folder, their WARC files in the one default `warc/` beside them."""

    old: Path  # crawled first by a dagbok from before archive ids (its first files name none), then by today's
    new: Path  # made by today's dagbok, of another site (other markup, 8 posts)
    warc: Path

    def files_of(self, db: Path) -> set[str]:
        with closing(sqlite3.connect(db)) as conn:
            return {row[0] for row in conn.execute("SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL")}

    def id_of(self, db: Path) -> str:
        with closing(sqlite3.connect(db)) as conn:
            return archive_id(conn)


@pytest.fixture(scope="session")
def two_archives(tmp_path_factory) -> TwoArchives:
    """`TwoArchives`, crawled once a session: read them, never write to them."""
    data = tmp_path_factory.mktemp("data")
    old, new = data / "dagbok.db", data / "other.db"
    with SampleSite(crawl_delay=0) as site, SampleSite(markup="bare", posts=load_posts()[:8], crawl_delay=0) as other:
        with pytest.MonkeyPatch.context() as patch:  # every step but 8: an archive from before archive ids
            patch.setattr(migrations, "MIGRATIONS", [step for step in migrations.MIGRATIONS if step.number != 8])
            run_crawl(old, site=site.base, delay=0)
        site.update_post("vilken-resa-vi-gor", title="Vilken resa vi gör – igen")
        run_crawl(old, site=site.base, delay=0)
        run_crawl(new, site=other.base, delay=0)
    return TwoArchives(old, new, data / "warc")


@pytest.fixture(scope="session")
def copied_archive(tmp_path_factory) -> tuple[Path, Path]:
    """An archive and a copy of it (`cp a.db b.db`: one id), each crawled once since, into one warc/ folder."""
    data = tmp_path_factory.mktemp("copied")
    original, copy = data / "a.db", data / "b.db"
    with SampleSite(markup="bare", posts=load_posts()[:5], crawl_delay=0) as site:
        run_crawl(original, site=site.base, delay=0)
        shutil.copy(original, copy)
        site.update_post(site.posts[0].slug, title="Ändrad rubrik")
        run_crawl(original, site=site.base, delay=0)
        run_crawl(copy, site=site.base, delay=0)
    return original, copy


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
