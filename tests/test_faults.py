"""Every fault of the sample site, end to end: the crawl completes, the fault is reported, nothing is lost,
and a second crawl once the fault has cleared duplicates nothing.

Each test crawls the whole sample site with one fault switched on (through `archive.runs.run_crawl`,
or the `dagbok crawl` command where the printed summary is the point), checks that fault's own
evidence in the site's request log and the archive, then every other post against the ground truth.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import cli
from archive.rebuild import rebuild
from archive.runs import CrawlSummary, run_crawl, summary_text
from scraper.fetch import Fetcher
from scraper.sample_site import FAULTS, SamplePost, SampleSite, load_posts
from scraper.sample_site.content import POST_FIELDS

SWEDISH = "åäö’–"  # the characters a wrong charset mangles first
MAX_BYTES = Fetcher().max_bytes


def fault_posts() -> list[SamplePost]:
    """The 16 oldest posts (each post-bound fault has its own among them) and those with ’ and –.

    Half the ground truth keeps sixteen whole-site crawls fast; the faults' routes are unchanged.
    """
    posts = load_posts()
    return posts[:16] + [p for p in posts[16:] if not p.teaser_only and all(c in p.title + p.body for c in SWEDISH)]


@pytest.fixture
def make_site(sample_site_factory):
    """`make_site(faults=(...), **options)`: a started sample site (semantic markup) of `fault_posts()`."""

    def make(**options) -> SampleSite:
        return sample_site_factory(posts=fault_posts(), **options)

    return make


# --- running and reading crawls --------------------------------------------------------------


def crawl(db_path: Path, site: SampleSite, **options) -> CrawlSummary:
    options.setdefault("delay", 0)
    return run_crawl(db_path, site=site.base, warc_dir=db_path.parent / "warc", **options)


def crawl_command(db_path: Path, site: SampleSite, *args: str):
    """`dagbok crawl` through click, as a user runs it; returns the click Result."""
    argv = ["crawl", "--site", site.base, "--db", str(db_path), "--delay", "0", *args]
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def posts(db_path: Path) -> dict[str, dict]:
    """post_details by URL, with `labs` as a list: the fields the query JSON carries."""
    db = sqlite_utils.Database(db_path)
    try:
        rows = {}
        for row in db.query("SELECT * FROM post_details"):
            row["labs"] = json.loads(row["labs"]) if row["labs"] else []
            rows[row["url"]] = row
        return rows
    finally:
        db.close()


def query(db_path: Path, sql: str, params=()) -> list[dict]:
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query(sql, params))
    finally:
        db.close()


def assert_nothing_lost(db_path: Path, site: SampleSite, *, missing: tuple[str, ...] = ()) -> None:
    """Every live post of the site, except the `missing` paths, is archived with every field right."""
    stored = posts(db_path)
    for post in site.live_posts:
        url = site.url(post.path)
        if post.path in missing:
            assert url not in stored or stored[url]["status"] != "live", f"{post.path} should not be archived"
            continue
        assert url in stored, f"{post.path} was lost"
        row = stored[url]
        assert {k: row[k] for k in POST_FIELDS} == post.expected(site.base), post.path
        assert row["status"] == "live"


def assert_no_duplicates(db_path: Path) -> None:
    """One post per URL, one capture per page per run, one revision per post of an unchanged site."""
    assert query(db_path, "SELECT url, COUNT(*) n FROM posts GROUP BY url HAVING n > 1") == []
    assert query(db_path, "SELECT post_id, COUNT(*) n FROM revisions GROUP BY post_id HAVING n > 1") == []
    assert query(db_path, "SELECT name, COUNT(*) n FROM authors GROUP BY name HAVING n > 1") == []
    assert query(db_path, "SELECT url, COUNT(*) n FROM pages GROUP BY url HAVING n > 1") == []
    without_post = query(db_path, "SELECT p.id FROM posts p LEFT JOIN revisions r ON r.post_id = p.id "
                                  "WHERE r.id IS NULL")
    assert without_post == []


def clean(summary: CrawlSummary) -> None:
    """The run went well: status ok, no page failed, exit code 0."""
    assert (summary.status, summary.errors, summary.exit_code) == ("ok", 0, 0), summary.failures


def recrawl_after_fault_clears(db_path: Path, site: SampleSite) -> CrawlSummary:
    """The fault heals (the server answers normally again); an incremental run finishes the work."""
    site.faults = ()
    site.clear_requests()
    summary = crawl(db_path, site)
    clean(summary)
    assert_nothing_lost(db_path, site)
    assert_no_duplicates(db_path)
    return summary


def failure_of(summary: CrawlSummary, url: str) -> str:
    reasons = [reason for failed, reason in summary.failures if failed == url]
    assert reasons, f"{url} is not among the failures: {summary.failures}"
    return reasons[0]


def captures_of(db_path: Path, url: str) -> list[dict]:
    return query(db_path, "SELECT c.status, c.error, c.digest, b.size FROM captures c "
                          "LEFT JOIN bodies b ON b.digest = c.digest WHERE c.url = ? ORDER BY c.id", [url])


def hits(site: SampleSite, path: str) -> list:
    """Requests for `path` in order of arrival (the log is written as answers go out)."""
    return sorted((r for r in site.requests if r.path == path), key=lambda r: r.at)


def assert_retried(caplog, url: str, reason: str, *, times: int) -> None:
    """The report of a fault a retry healed: the fetcher logs each retry with URL and reason (`-v`)."""
    lines = [r.getMessage() for r in caplog.records if r.name == "scraper.fetch" and r.getMessage().startswith(url)]
    assert len(lines) == times and all(reason in line and "retry" in line for line in lines), lines


def post_with(site: SampleSite, characters: str, *, not_paths: tuple[str, ...] = ()) -> SamplePost:
    """A live post whose title and body hold every one of `characters`."""
    for post in site.live_posts:
        if post.path not in not_paths and all(c in post.title + post.body for c in characters):
            return post
    raise AssertionError(f"no sample post holds all of {characters}")


def one_page_failed(db_path: Path, site: SampleSite, path: str, *, reason: str, then=None, **options) -> list[dict]:
    """The crawl completes with exit code 1 and `path` failed for `reason`; every other post is
    archived, nothing twice; once the fault clears the next run gets the post. Returns the
    failed page's captures from the first run (kept even though the page failed)."""
    url = site.url(path)
    summary = crawl(db_path, site, **options)
    assert (summary.status, summary.exit_code) == ("pages-failed", 1)
    assert reason in failure_of(summary, url)
    assert [failed for failed, _ in summary.failures] == [url] and summary.errors == 1  # that page alone
    captures = captures_of(db_path, url)
    assert_nothing_lost(db_path, site, missing=(path,))
    assert_no_duplicates(db_path)
    if then is not None:
        then()
    second = recrawl_after_fault_clears(db_path, site)
    assert [new for new, _ in second.new_posts] == [url]
    return captures


# --- transient faults: retried, nothing fails --------------------------------------------------


@pytest.mark.parametrize("fault, status", [("rate-limit", 429), ("unavailable", 503)])
def test_429_and_503_wait_as_long_as_retry_after_says(tmp_path, make_site, caplog, fault, status):
    site = make_site(faults=(fault,))
    path = site.fault_route(fault)
    caplog.set_level(logging.INFO, logger="scraper.fetch")
    clean(crawl(tmp_path / "a.db", site))
    first, second = hits(site, path)
    assert (first.status, second.status) == (status, 200)
    assert second.at - first.at >= 1.0 - 0.02  # Retry-After: 1, although --delay is 0
    assert_retried(caplog, site.url(path), f"HTTP {status}", times=1)
    assert_nothing_lost(tmp_path / "a.db", site)
    recrawl_after_fault_clears(tmp_path / "a.db", site)


def test_slow_answer_times_out_and_the_retry_gets_the_post(tmp_path, make_site, caplog):
    slow = 2.0  # the first answer comes only after this; the client gives up after 0.4 s and asks again
    site = make_site(faults=("slow",), slow_seconds=slow)
    path = site.fault_route("slow")
    caplog.set_level(logging.INFO, logger="scraper.fetch")
    started = time.monotonic()
    result = crawl_command(tmp_path / "a.db", site, "--timeout", "0.4")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 10
    # The slow answer is logged when it goes out, maybe after the crawl that gave up on it: wait for it.
    deadline = time.monotonic() + slow + 5
    while len(hits(site, path)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    first, second = hits(site, path)
    assert 0.4 <= second.at - first.at < slow  # the retry went out before the slow answer would have come
    assert_retried(caplog, site.url(path), "timeout", times=1)
    assert_nothing_lost(tmp_path / "a.db", site)
    recrawl_after_fault_clears(tmp_path / "a.db", site)


@pytest.mark.parametrize("fault, statuses, reason", [
    ("server-error", [500, 500, 200], "HTTP 500"),
    ("reset", [0, 200], "connection error"),  # 0: reset without a response
    ("truncated", [200, 200], "truncated body"),  # the short body is not taken for the page
])
def test_a_transient_fault_is_retried_and_the_whole_page_kept(tmp_path, make_site, caplog, fault, statuses, reason):
    site = make_site(faults=(fault,))
    path = site.fault_route(fault)
    caplog.set_level(logging.INFO, logger="scraper.fetch")
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    assert [r.status for r in hits(site, path)] == statuses
    [capture] = captures_of(db_path, site.url(path))
    assert capture["status"] == 200 and capture["error"] is None
    assert_retried(caplog, site.url(path), reason, times=len(statuses) - 1)
    assert_nothing_lost(db_path, site)
    recrawl_after_fault_clears(db_path, site)


# --- pages that fail: reported, capture kept, retried next run ----------------------------------


def test_always_500_fails_that_page_only_and_the_summary_names_it(tmp_path, make_site):
    site = make_site(faults=("always-500",))
    path = site.fault_route("always-500")
    url = site.url(path)
    db_path = tmp_path / "a.db"
    result = crawl_command(db_path, site)
    assert result.exit_code == 1, result.output
    assert "Failed:" in result.output
    assert any(url in line and "HTTP 500" in line for line in result.output.splitlines()), result.output
    assert 2 <= len(hits(site, path)) <= 5  # retried, with a cap
    [run] = query(db_path, "SELECT status, errors FROM crawl_runs")
    assert run["status"] == "pages-failed" and run["errors"] == 1  # the one page, not the listings behind it
    # The 500's response is kept, body and all.
    assert [(c["status"], c["digest"] is not None) for c in captures_of(db_path, url)] == [(500, True)]
    assert_nothing_lost(db_path, site, missing=(path,))
    assert_no_duplicates(db_path)
    second = recrawl_after_fault_clears(db_path, site)
    assert [u for u, _ in second.new_posts] == [url]


def test_redirect_loop_is_cut_short_and_reported(tmp_path, make_site):
    site = make_site(faults=("redirect-loop",))
    path = site.fault_route("redirect-loop")
    [capture] = one_page_failed(tmp_path / "a.db", site, path, reason="redirect loop")
    assert capture["status"] == 302
    assert len(hits(site, path)) <= 6


def test_huge_page_over_the_size_cap_is_reported_and_its_head_kept(tmp_path, make_site):
    site = make_site(faults=("huge",), huge_bytes=MAX_BYTES + 500_000)
    path = site.fault_route("huge")
    [capture] = one_page_failed(tmp_path / "a.db", site, path, reason="too large")
    assert capture["status"] == 200 and capture["size"] == MAX_BYTES  # what was read is kept, no more
    assert len(hits(site, path)) == 1  # a size cap is not retried


@pytest.mark.parametrize("fault", ["trickle", "trickle-headers"])
def test_a_trickling_page_fails_within_the_page_budget_retries_included(tmp_path, make_site, fault):
    """The body, or the status line and headers too, a few bytes a second: no single read waits
    long enough to time out, but the page's budget ends the wait."""
    budget = 1.0  # seconds; the default is 120 (a trickle at 3 bytes a second used to cost 4 × 120 s)
    site = make_site(faults=(fault,))
    path = site.fault_route(fault)
    started = time.monotonic()
    one_page_failed(tmp_path / "a.db", site, path, reason=f"timeout: gave up after {budget:g} s, the most one page may take",
                    page_seconds=budget)
    assert len(hits(site, path)) == 1  # the budget is spent: no retry starts a second trickle
    assert time.monotonic() - started < budget + 15  # two whole crawls of the site and the trickle's second


@pytest.mark.parametrize("asked", ["100000", "1e308"])
def test_a_huge_crawl_delay_is_capped_with_a_warning(make_site, caplog, asked):
    from scraper.crawl import crawl as crawl_site
    from scraper.labs import LabVocabulary

    ceiling = 0.05  # seconds; Fetcher's default ceiling is scraper.fetch.MAX_DELAY (60 s)
    site = make_site(faults=("robots-crawl-delay",), crawl_delay=float(asked))
    caplog.set_level(logging.WARNING, logger="scraper.crawl")
    with Fetcher(delay=0, max_delay=ceiling) as fetcher:
        items = list(crawl_site(site.base, fetcher=fetcher, known={}, labs=LabVocabulary.load()))
    assert sum(1 for item in items if getattr(item, "post", None) is not None) == len(site.live_posts)
    arrivals = sorted(r.at for r in site.requests)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    # Paced at the ceiling, not at what robots.txt asks: each request starts at least `ceiling` after the
    # one before (so the whole crawl takes that long at least; single gaps, as the server notes them, jitter).
    assert len(gaps) > 20 and arrivals[-1] - arrivals[0] >= len(gaps) * ceiling * 0.95
    assert sorted(gaps)[len(gaps) // 2] < ceiling * 4 and max(fetcher.waits) <= ceiling
    assert fetcher.delay_for(f"127.0.0.1:{site.port}") == ceiling
    [warning] = [r.getMessage() for r in caplog.records if r.name == "scraper.crawl"]
    assert warning == (f"robots.txt asks Crawl-delay: {float(asked):g}; waiting {ceiling:g} s between requests "
                       "instead, the most dagbok waits (README, Politeness)")


def test_offsite_redirect_is_never_followed(tmp_path, make_site):
    site = make_site(faults=("offsite-redirect",))
    path = site.fault_route("offsite-redirect")
    hosts_asked: set[str] = set()

    def before_recrawl() -> None:
        hosts_asked.update(r.headers.get("host", "").split(":")[0] for r in site.requests)

    [capture] = one_page_failed(tmp_path / "a.db", site, path, reason="another host", then=before_recrawl)
    assert capture["status"] == 302
    assert hosts_asked == {"127.0.0.1"}  # the redirect pointed at "localhost": never asked


# --- pages that are odd but readable --------------------------------------------------------


def test_wrong_charset_declared_utf8_still_gives_the_swedish_text(tmp_path, make_site):
    post = post_with(SampleSite(posts=fault_posts()), SWEDISH)
    site = make_site(faults=("wrong-charset",), fault_routes={"wrong-charset": post.path})
    db_path = tmp_path / "a.db"
    summary = crawl(db_path, site)
    clean(summary)
    assert hits(site, post.path)[0].status == 200
    row = posts(db_path)[site.url(post.path)]
    assert (row["title"], row["body"]) == (post.title, post.body)
    # ... and the contradiction is named: in the run summary and on the capture.
    warning = "the charset label utf-8 contradicts the bytes, read as windows-1252"
    assert summary.warnings == [(site.url(post.path), warning)]
    assert f"Warnings (read, but perhaps not as written):\n  {site.url(post.path)}  {warning}" in summary_text(summary)
    db = sqlite_utils.Database(db_path)
    assert [row["url"] for row in db.query("SELECT url FROM captures WHERE warning = ?", [warning])] == \
        [site.url(post.path)]
    checked = CliRunner().invoke(cli, ["check", "--db", str(db_path), "--format", "json"])
    assert [(w["url"], w["warning"]) for w in json.loads(checked.output)["warnings"]] == [(site.url(post.path), warning)]
    shown = CliRunner().invoke(cli, ["check", "--db", str(db_path)]).output
    assert "pages read with a warning: 1" in shown and warning in shown
    assert_nothing_lost(db_path, site)
    recrawl_after_fault_clears(db_path, site)


def test_no_charset_anywhere_still_gives_the_swedish_text(tmp_path, make_site):
    post = post_with(SampleSite(posts=fault_posts()), SWEDISH)
    site = make_site(faults=("no-charset",), fault_routes={"no-charset": post.path})
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    row = posts(db_path)[site.url(post.path)]
    assert all(c in row["title"] + row["body"] for c in SWEDISH)
    assert (row["title"], row["body"], row["excerpt"]) == (post.title, post.body, post.excerpt)
    assert_nothing_lost(db_path, site)
    recrawl_after_fault_clears(db_path, site)


def test_malformed_html_is_still_read_whole(tmp_path, make_site):
    site = make_site(faults=("malformed",))
    path = site.fault_route("malformed")
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    assert site.url(path) in posts(db_path)
    assert_nothing_lost(db_path, site)  # the malformed page's fields too
    recrawl_after_fault_clears(db_path, site)


def test_undated_page_takes_the_api_date_and_says_so(tmp_path, make_site):
    site = make_site(faults=("undated",))
    path = site.fault_route("undated")
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    assert_nothing_lost(db_path, site)  # its date too, from the REST API
    layers = query(db_path, "SELECT layers FROM posts WHERE url = ?", [site.url(path)])[0]["layers"]
    assert json.loads(layers)["published"] == "api"
    rebuilt = tmp_path / "rebuilt.db"
    rebuild(db_path.parent / "warc", rebuilt)  # the WARC record keeps the API's date with the page
    assert posts(rebuilt)[site.url(path)]["published"] == posts(db_path)[site.url(path)]["published"]
    recrawl_after_fault_clears(db_path, site)


# --- the site's listings and robots.txt ----------------------------------------------------------


def test_hostile_sitemap_reads_no_file_expands_no_entities_and_loses_no_post(tmp_path, make_site):
    site = make_site(faults=("hostile-sitemap",))
    path = site.fault_route("hostile-sitemap")
    db_path = tmp_path / "a.db"
    started = time.monotonic()
    summary = crawl(db_path, site)
    assert time.monotonic() - started < 15  # a billion laughs would not finish
    assert (summary.status, summary.exit_code) == ("pages-failed", 1)
    assert hits(site, path), "the hostile sitemap was not even asked for"
    # The sitemap is reported (it could not be read), and the API and feed still find every post.
    failure_of(summary, site.url(path))
    assert_nothing_lost(db_path, site)
    passwd = Path("/etc/passwd").read_text(errors="replace").splitlines()[0]
    for table, column in (("pages", "url"), ("captures", "url"), ("captures", "error"), ("posts", "url")):
        values = [row[column] or "" for row in query(db_path, f"SELECT {column} FROM {table}")]
        assert not any(passwd in value or "lollol" in value for value in values), (table, column)
        assert max(map(len, values)) < 2000, (table, column)
    assert query(db_path, "SELECT MAX(size) m FROM bodies")[0]["m"] < 2_000_000
    recrawl_after_fault_clears(db_path, site)


def test_robots_crawl_delay_spaces_every_request(tmp_path, make_site):
    delay = 0.06
    site = make_site(faults=("robots-crawl-delay",), crawl_delay=delay)
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))  # --delay 0: only robots.txt asks for the wait
    arrivals = sorted(r.at for r in site.requests)
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert len(gaps) > 20
    # The server notes an arrival when its thread gets to it, now and then some ms late (the crawl runs in
    # the same process), so one gap can look short while the one before it looks as much longer. So: no
    # burst, and any ten requests in a row span at least ten delays (5 % for the server's noting).
    assert min(gaps) >= delay / 2, f"shortest gap {min(gaps):.3f} s, Crawl-delay {delay} s"
    spans = [later - earlier for earlier, later in zip(arrivals, arrivals[10:])]
    assert min(spans) >= 10 * delay * 0.95, f"shortest span of ten gaps {min(spans):.3f} s, Crawl-delay {delay} s"
    assert_nothing_lost(db_path, site)
    site.clear_requests()
    second = crawl(db_path, site)  # still asked: robots.txt keeps the line
    clean(second)
    assert_no_duplicates(db_path)


def test_robots_disallow_keeps_that_post_unrequested(tmp_path, make_site):
    site = make_site(faults=("robots-disallow",))
    path = site.fault_route("robots-disallow")
    db_path = tmp_path / "a.db"
    summary = crawl(db_path, site)
    assert summary.status == "ok"
    assert hits(site, path) == []
    assert_nothing_lost(db_path, site, missing=(path,))
    site.clear_requests()
    crawl(db_path, site, full=True)  # robots.txt still says no, even when everything is refetched
    assert hits(site, path) == []
    assert_nothing_lost(db_path, site, missing=(path,))
    assert_no_duplicates(db_path)


# --- the site looks wrong compared with the archive: exit code 3 ------------------------------------


def test_a_site_answering_404_to_everything_after_a_good_crawl_looks_wrong_and_full_marks_posts_gone(
        tmp_path, make_site):
    from scraper.sources.feed import feed_page_url
    from scraper.sources.wp_api import api_page_url

    site = make_site()
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    stored = posts(db_path)
    live = len(site.live_posts)
    site.faults = (FAULTS["everything-404"],)

    result = crawl_command(db_path, site)  # incremental: the listings fail, the posts are not asked
    assert result.exit_code == 3, result.output
    alerts = result.output.split("The site looks wrong compared with the archive:\n", 1)[1].splitlines()
    for url in (site.url("/robots.txt"), api_page_url(site.base, 1), site.url("/wp-sitemap.xml"),
                feed_page_url(site.base, 1), site.base):
        assert f"  {url} answered in earlier runs and now answers HTTP 404" in alerts, url
    assert f"  the site lists 0 posts; the archive holds {live} live posts from earlier runs" in alerts
    assert posts(db_path) == stored  # nothing is proven gone yet: the posts were not asked

    full = crawl(db_path, site, full=True)  # every known post asked again: each answers 404
    assert (full.status, full.exit_code, full.gone) == ("site-looks-wrong", 3, live)
    assert sorted(full.gone_posts) == sorted(site.url(post.path) for post in site.live_posts)
    assert f"known posts gone in this run: {live} (their pages answer 404 or 410, or the site no longer lists " \
           "them; under Gone)" in full.alerts
    gone = posts(db_path)
    assert {row["status"] for row in gone.values() if row["url"] in full.gone_posts} == {"gone"}
    assert {url: {**row, "status": None, "gone_since": None} for url, row in gone.items()} == \
        {url: {**row, "status": None, "gone_since": None} for url, row in stored.items()}  # gone, not deleted
    assert query(db_path, "SELECT status FROM crawl_runs ORDER BY id") == [
        {"status": "ok"}, {"status": "site-looks-wrong"}, {"status": "site-looks-wrong"}]

    recrawl_after_fault_clears(db_path, site)  # the site is back: every post live again, nothing twice


@pytest.mark.parametrize("fault, reason", [
    ("empty-page", "an empty page (0 bytes)"),
    ("maintenance-page", "a page without the post's title or text (a maintenance page?) beginning "
                         "“Webbplatsen uppdateras”"),
])
def test_a_known_post_answering_an_empty_or_maintenance_page_fails_and_the_post_is_kept(
        tmp_path, make_site, fault, reason):
    site = make_site()
    path = site.fault_route(fault)
    url = site.url(path)
    db_path = tmp_path / "a.db"
    clean(crawl(db_path, site))
    stored = posts(db_path)
    site.faults = (FAULTS[fault],)
    summary = crawl(db_path, site, full=True)
    assert (summary.status, summary.exit_code) == ("site-looks-wrong", 3)
    assert summary.failures == [(url, f"the page no longer holds the post: {reason}")]
    assert summary.alerts == ["known posts answering a page that is not the post: 1 (empty, or without the post's "
                              "title and text; under Failed, the archived post kept as it was)"]
    assert posts(db_path) == stored  # no revision from the maintenance page; still live
    assert len(query(db_path, "SELECT id FROM revisions")) == len(stored)
    [*_, last] = captures_of(db_path, url)
    assert last["status"] == 200 and last["error"] == f"the page no longer holds the post: {reason}"
    recrawl_after_fault_clears(db_path, site)


# --- never silent: a page that should have been a post and is not ------------------------------------


@pytest.mark.parametrize("markup, reason", [
    ("semantic", "no date found"),  # read as a post (its metadata says article), stored without a date
    # no date and no metadata: nothing on the page reads as its post (the teasers under it are other posts')
    ("bare", "looks like a post but could not be read as one: no date found, no title found, no body found"),
    ("pagebuilder", "looks like a post but could not be read as one: no date found"),
])
def test_a_post_whose_date_cannot_be_read_is_named_in_the_summary_and_check_and_exits_1(
        tmp_path, make_site, markup, reason):
    site = make_site(markup=markup, faults=("undated", "no-api"))  # no REST API to lend its date
    url = site.url(site.fault_route("undated"))
    db_path = tmp_path / "a.db"
    result = crawl_command(db_path, site)
    assert result.exit_code == 1, result.output
    assert result.output.split("Failed:\n", 1)[1] == f"  {url}  {reason}\n"
    [run] = query(db_path, "SELECT status, errors FROM crawl_runs")
    assert run == {"status": "pages-failed", "errors": 1}
    checked = CliRunner().invoke(cli, ["check", "--db", str(db_path)], catch_exceptions=False)
    assert checked.exit_code == 1
    [line] = [line for line in checked.output.splitlines() if line.startswith(url)]
    assert line.split(None, 2)[1:] == ["200", reason]
    assert hits(site, "/wp-json/wp/v2/posts")[0].status == 404


@pytest.mark.parametrize("api", [True, False])
def test_a_body_cut_short_by_its_page_is_kept_named_and_read_again(tmp_path, make_site, api):
    """The page hides all but the first paragraph behind a `Visa mer` button: the shown text is
    stored as published, the summary and `check` name the post as cut short against the REST
    API's text of it (or, with no API, the feed's) and exit 1, and the next run reads the page
    again instead of taking it as done."""
    site = make_site(faults=("collapsed-text",) if api else ("collapsed-text", "no-api"))
    url = site.url(site.fault_route("collapsed-text"))
    db_path = tmp_path / "a.db"
    for _ in range(2):
        result = crawl_command(db_path, site)
        assert result.exit_code == 1, result.output
        [(failed, reason)] = [line.split(None, 1) for line in result.output.split("Failed:\n", 1)[1].splitlines()]
        assert failed == url and reason.startswith("body cut short: ")
    assert [r.status for r in hits(site, site.fault_route("collapsed-text"))] == [200, 200]  # no 304: read again
    [truth] = [p for p in site.live_posts if site.url(p.path) == url]
    assert posts(db_path)[url]["body"] == truth.body.split("\n\n")[0]
    assert len(query(db_path, "SELECT r.id FROM revisions r JOIN posts p ON p.id = r.post_id WHERE p.url = ?",
                     [url])) == 1
    checked = CliRunner().invoke(cli, ["check", "--db", str(db_path)], catch_exceptions=False)
    assert checked.exit_code == 1
    [line] = [line for line in checked.output.splitlines() if line.startswith(url)]
    assert line.split(None, 2)[1:] == ["200", reason]


# --- every fault has its test --------------------------------------------------------------------

TESTED = {
    "server-error": test_a_transient_fault_is_retried_and_the_whole_page_kept,
    "always-500": test_always_500_fails_that_page_only_and_the_summary_names_it,
    "rate-limit": test_429_and_503_wait_as_long_as_retry_after_says,
    "unavailable": test_429_and_503_wait_as_long_as_retry_after_says,
    "slow": test_slow_answer_times_out_and_the_retry_gets_the_post,
    "reset": test_a_transient_fault_is_retried_and_the_whole_page_kept,
    "truncated": test_a_transient_fault_is_retried_and_the_whole_page_kept,
    "redirect-loop": test_redirect_loop_is_cut_short_and_reported,
    "wrong-charset": test_wrong_charset_declared_utf8_still_gives_the_swedish_text,
    "no-charset": test_no_charset_anywhere_still_gives_the_swedish_text,
    "huge": test_huge_page_over_the_size_cap_is_reported_and_its_head_kept,
    "malformed": test_malformed_html_is_still_read_whole,
    "offsite-redirect": test_offsite_redirect_is_never_followed,
    "hostile-sitemap": test_hostile_sitemap_reads_no_file_expands_no_entities_and_loses_no_post,
    "robots-crawl-delay": test_robots_crawl_delay_spaces_every_request,
    "robots-disallow": test_robots_disallow_keeps_that_post_unrequested,
    "trickle": test_a_trickling_page_fails_within_the_page_budget_retries_included,
    "trickle-headers": test_a_trickling_page_fails_within_the_page_budget_retries_included,
    "undated": test_undated_page_takes_the_api_date_and_says_so,
    "everything-404": test_a_site_answering_404_to_everything_after_a_good_crawl_looks_wrong_and_full_marks_posts_gone,
    "no-api": test_a_post_whose_date_cannot_be_read_is_named_in_the_summary_and_check_and_exits_1,
    "empty-page": test_a_known_post_answering_an_empty_or_maintenance_page_fails_and_the_post_is_kept,
    "maintenance-page": test_a_known_post_answering_an_empty_or_maintenance_page_fails_and_the_post_is_kept,
    "collapsed-text": test_a_body_cut_short_by_its_page_is_kept_named_and_read_again,
}


def test_every_fault_of_the_sample_site_has_its_test():
    assert sorted(TESTED) == sorted(FAULTS)
