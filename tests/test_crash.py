"""Crash safety end to end: `dagbok crawl` killed with SIGKILL at several points, then run again, leaves
the same archive as one clean crawl; SIGTERM and SIGINT stop after the current page, recorded as
interrupted, and a second SIGINT stops at once, as a kill would.

The crawler runs as a real process (the installed `dagbok` entry point); the sample site's request log
tells when to strike. Every wait is a bounded poll.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import sqlite_utils

from archive.lock import lock_path
from archive.runs import run_crawl
from scraper.sample_site import SampleSite
from tests.console_scripts import DAGBOK

POLL = 0.005  # seconds between looks at the request log
DEADLINE = 30.0  # no single wait in this file may take longer

# The content tables, without ids and the columns that say when (or in which capture) a thing was seen.
CONTENT = {
    "posts": """SELECT p.url, p.slug, p.title, p.published, a.name AS author, p.role, l.name AS lab, p.excerpt,
                       p.body, p.status, p.layers, r.number AS revision
                FROM posts p LEFT JOIN authors a ON a.id = p.author_id LEFT JOIN labs l ON l.id = p.lab_id
                LEFT JOIN revisions r ON r.id = p.revision_id ORDER BY p.url""",
    "authors": "SELECT name FROM authors ORDER BY name",
    "labs": "SELECT name FROM labs ORDER BY name",
    "post_labs": """SELECT p.url, l.name FROM post_labs pl JOIN posts p ON p.id = pl.post_id
                    JOIN labs l ON l.id = pl.lab_id ORDER BY 1, 2""",
    "revisions": """SELECT p.url, r.number, r.title, r.published, a.name AS author, r.role, l.name AS lab, r.labs,
                           r.excerpt, r.body, r.layers, r.content_hash
                    FROM revisions r JOIN posts p ON p.id = r.post_id LEFT JOIN authors a ON a.id = r.author_id
                    LEFT JOIN labs l ON l.id = r.lab_id ORDER BY p.url, r.number""",
    "pages": """SELECT g.url, g.kind, g.status, g.etag, g.last_modified, g.digest, g.modified, p.url AS post
                FROM pages g LEFT JOIN posts p ON p.id = g.post_id WHERE g.kind != 'listing' ORDER BY g.url""",
}
# Listing pages (robots.txt, API, sitemaps, feed) as the last run left them. A resumed run is incremental:
# it reads the first page of each listing but need not page through the feed again once every post it
# lists is archived, so its listings are a subset of a first crawl's; the first pages must be equal.
LATER_PAGE = re.compile(r"[?&](paged|page)=([2-9]|\d\d)")  # feed ?paged=2, API &page=2, ...
LISTINGS = """SELECT url, status, etag, last_modified, digest FROM pages WHERE kind = 'listing' ORDER BY url"""


def start_crawl(db_path: Path, site: SampleSite, *options: str, stderr: IO[str] | int = subprocess.PIPE
                ) -> subprocess.Popen:
    """`dagbok crawl` as a process; its stderr piped, or written to `stderr` (a file read while it runs)."""
    argv = [DAGBOK, "crawl", "--site", site.base, "--db", str(db_path), "--quiet", *options]
    return subprocess.Popen(argv, cwd=db_path.parent, stdout=subprocess.PIPE, stderr=stderr, text=True)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(POLL)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=DEADLINE)
    return process.returncode, out, err


def strike(process: subprocess.Popen, site: SampleSite, *, after: int, sig: int) -> int:
    """Send `sig` once the site has served `after` requests; return how many it had served then."""
    wait_for(lambda: site.count() >= after or process.poll() is not None, f"{after} requests")
    assert process.poll() is None, f"the crawl ended before {after} requests ({site.count()} served)"
    served = site.count()
    os.kill(process.pid, sig)
    return served


def content(db_path: Path) -> dict[str, list[dict]]:
    db = sqlite_utils.Database(db_path)
    try:
        return {name: list(db.query(sql)) for name, sql in CONTENT.items()}
    finally:
        db.close()


def listings(db_path: Path) -> dict[str, dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return {row["url"]: row for row in db.query(LISTINGS)}
    finally:
        db.close()


def assert_same_archive(db_path: Path, clean: dict) -> None:
    """The content tables equal a clean crawl's; the listings are the clean crawl's or a part of them."""
    got = content(db_path)
    for table in CONTENT:
        assert got[table] == clean[table], f"table {table} differs from a clean crawl's"
    resumed, first = listings(db_path), clean["listings"]
    assert {url: first.get(url) for url in resumed} == resumed
    page_ones = {url for url in first if not LATER_PAGE.search(url)}
    assert page_ones <= set(resumed), sorted(page_ones - set(resumed))


def assert_sound(db_path: Path) -> None:
    """SQLite finds the file intact, every reference resolves, and nothing is archived twice."""
    db = sqlite_utils.Database(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert list(db.query("SELECT url FROM posts GROUP BY url HAVING COUNT(*) > 1")) == []
        assert list(db.query("SELECT post_id, number FROM revisions GROUP BY 1, 2 HAVING COUNT(*) > 1")) == []
        # The site never changed, so each post has exactly one revision, and it is the post's latest.
        assert list(db.query("SELECT post_id FROM revisions GROUP BY post_id HAVING COUNT(*) > 1")) == []
        assert list(db.query("SELECT p.id FROM posts p JOIN revisions r ON r.id = p.revision_id "
                             "WHERE r.post_id != p.id")) == []
    finally:
        db.close()


def runs(db_path: Path) -> list[dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query("SELECT id, status, pid, requests FROM crawl_runs ORDER BY id"))
    finally:
        db.close()


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    """One unchanging sample site for the whole file, so every archive has the same URLs."""
    with SampleSite(markup="semantic", crawl_delay=0) as shared:
        yield shared


@pytest.fixture(scope="module")
def clean(site, tmp_path_factory) -> dict:
    """The content of one uninterrupted crawl: what every crashed-and-resumed archive must equal."""
    db_path = tmp_path_factory.mktemp("clean") / "dagbok.db"
    summary = run_crawl(db_path, site=site.base, delay=0)
    assert summary.exit_code == 0, summary.failures
    assert_sound(db_path)
    tables = content(db_path)
    assert len(tables["posts"]) >= len(site.live_posts) and tables["post_labs"]
    return {**tables, "listings": listings(db_path)}


@pytest.mark.parametrize("after", [3, 12, 30], ids=lambda n: f"after-{n}-requests")
def test_sigkill_at_any_point_then_a_rerun_equals_a_clean_crawl(tmp_path, site, clean, after):
    db_path = tmp_path / "dagbok.db"
    site.clear_requests()
    process = start_crawl(db_path, site, "--delay", "0")
    strike(process, site, after=after, sig=signal.SIGKILL)
    code, _, _ = finish(process)
    assert code == -signal.SIGKILL
    killed = process.pid
    assert lock_path(db_path).exists()  # the dead run's record is left in the lock file

    summary = run_crawl(db_path, site=site.base, delay=0)

    assert summary.took_over_from == killed
    assert (summary.status, summary.exit_code) == ("ok", 0), summary.failures
    assert_sound(db_path)
    assert_same_archive(db_path, clean)
    recorded = runs(db_path)
    # The killed run (if it got as far as writing its row) is marked failed, not left running.
    assert [r["status"] for r in recorded] in (["ok"], ["failed", "ok"])
    if len(recorded) == 2:
        assert recorded[0]["pid"] == killed


def test_killed_again_and_again_the_archive_still_converges(tmp_path, site, clean):
    """Two kills in a row on one archive, each run picking up from the last, then one to the end."""
    db_path = tmp_path / "dagbok.db"
    for after in (5, 15):
        site.clear_requests()
        process = start_crawl(db_path, site, "--delay", "0")
        strike(process, site, after=after, sig=signal.SIGKILL)
        assert finish(process)[0] == -signal.SIGKILL
        assert_sound(db_path)
    summary = run_crawl(db_path, site=site.base, delay=0)
    assert summary.exit_code == 0, summary.failures
    assert_sound(db_path)
    assert_same_archive(db_path, clean)
    assert [r["status"] for r in runs(db_path)][-1] == "ok"
    assert "running" not in [r["status"] for r in runs(db_path)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: signal.Signals(s).name)
def test_sigterm_and_sigint_stop_after_the_current_page_as_interrupted(tmp_path, site, clean, sig):
    db_path = tmp_path / "dagbok.db"
    site.clear_requests()
    # A small delay between requests, so the signal finds the run between two pages; 15 requests
    # are past robots.txt and the listings (read as one step), among the hub and post pages.
    process = start_crawl(db_path, site, "--delay", "0.03")
    served = strike(process, site, after=15, sig=sig)
    code, out, err = finish(process)
    assert code == 130, err  # stopped before the end of the work: interrupted
    # At most the page in flight when the signal came was finished; nothing was asked after it.
    assert site.count() <= served + 1
    assert "stopping after the current page" in err
    [run] = runs(db_path)
    assert run["status"] == "interrupted" and run["pid"] == process.pid
    assert run["requests"] == site.count()
    assert_sound(db_path)

    summary = run_crawl(db_path, site=site.base, delay=0)
    assert summary.exit_code == 0 and summary.took_over_from is None  # the lock was released cleanly
    assert_sound(db_path)
    assert_same_archive(db_path, clean)
    assert [r["status"] for r in runs(db_path)] == ["interrupted", "ok"]



def test_a_second_sigint_stops_at_once_and_the_next_run_completes_the_archive(tmp_path):
    """Ctrl-C pressed again while a slow page finishes: the process ends at once, as a kill would
    (the run row still says running, the lock is left), and the next run takes over and completes."""
    db_path, log = tmp_path / "dagbok.db", tmp_path / "stderr.txt"
    with SampleSite(markup="semantic", crawl_delay=0, faults=("slow",), slow_seconds=15) as slow, \
            log.open("w") as stderr:
        process = start_crawl(db_path, slow, "--delay", "0", stderr=stderr)
        wait_for(lambda: slow.fault_hits.get("slow", 0) >= 1, "the slow page asked")  # it answers in 15 s
        os.kill(process.pid, signal.SIGINT)
        wait_for(lambda: "stopping after the current page" in log.read_text(), "the first signal's warning")
        os.kill(process.pid, signal.SIGINT)
        assert finish(process)[0] == 130
        assert "received again: stopping now" in log.read_text()
        [run] = runs(db_path)
        assert run["status"] == "running" and lock_path(db_path).exists()  # left as a kill leaves them
        assert_sound(db_path)

        summary = run_crawl(db_path, site=slow.base, delay=0)
    assert (summary.status, summary.exit_code, summary.took_over_from) == ("ok", 0, process.pid), summary.failures
    assert_sound(db_path)
    assert [r["status"] for r in runs(db_path)] == ["failed", "ok"]
