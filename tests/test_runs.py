"""One crawl run over the sample site: counts, crawl_runs, lock, signals, revisions across runs, Wayback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils

from archive.lock import LockedError, RunLock, lock_path
from archive.runs import run_crawl, summary_text
from scraper.errors import DagbokError, SiteUnreachable
from scraper.sample_site import load_posts

SLUG = "vilken-resa-vi-gor"


@pytest.fixture
def site(sample_site_factory):
    return sample_site_factory(crawl_delay=0)


def crawl(db_path, site, **options):
    return run_crawl(db_path, site=site.base, delay=0, **options)


def content(db_path) -> dict[str, list[dict]]:
    """What the site published, without ids or times of observation."""
    db = sqlite_utils.Database(db_path)
    tables = {
        "posts": "SELECT url, title, published, author, role, lab, labs, excerpt, body, status, gone_since "
                 "FROM post_details ORDER BY url",
        "revisions": "SELECT p.url, r.number, r.content_hash FROM revisions r JOIN posts p ON p.id = r.post_id "
                     "ORDER BY p.url, r.number",
        "authors": "SELECT name FROM authors ORDER BY name",
        "post_labs": "SELECT p.url, l.name FROM post_labs pl JOIN posts p ON p.id = pl.post_id "
                     "JOIN labs l ON l.id = pl.lab_id ORDER BY 1, 2",
    }
    try:
        return {name: list(db.query(sql)) for name, sql in tables.items()}
    finally:
        db.close()


def test_first_crawl_counts_every_post_new_and_records_the_run(tmp_path, site):
    db_path = tmp_path / "a.db"
    summary = crawl(db_path, site)
    live = len(site.live_posts)
    assert (summary.new, summary.changed, summary.errors, summary.exit_code, summary.status) == (live, 0, 0, 0, "ok")
    assert summary.requests == len(site.requests) and summary.bytes > 0
    db = sqlite_utils.Database(db_path)
    [run] = list(db.query("SELECT * FROM crawl_runs"))
    assert run["id"] == summary.run_id and run["status"] == "ok" and run["pid"] == os.getpid()
    assert (run["new"], run["requests"], run["bytes"], run["errors"]) == (live, summary.requests, summary.bytes, 0)
    assert run["started"] < run["ended"]
    assert db["captures"].count == summary.requests
    assert json.loads(json.dumps(summary.to_dict()))["exit_code"] == 0


def test_a_run_leaves_the_query_planner_statistics_of_what_it_stored(tmp_path, site):
    db_path = tmp_path / "a.db"
    crawl(db_path, site)  # a new archive: migration 4's ANALYZE saw empty tables
    db = sqlite_utils.Database(db_path)
    [(stat,)] = db.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'idx_posts_lab_id_published'").fetchall()
    assert int(stat.split()[0]) == db["posts"].count > 0  # PRAGMA optimize at the end of the run
    db.close()


def test_recrawl_of_an_unchanged_site_is_cheap_and_changes_no_content(tmp_path, site):
    db_path = tmp_path / "a.db"
    crawl(db_path, site)
    before = content(db_path)
    site.clear_requests()
    summary = crawl(db_path, site)
    assert (summary.new, summary.changed, summary.gone, summary.exit_code) == (0, 0, 0, 0)
    assert summary.requests <= 1 + 5  # robots.txt, then at most 5 to learn that nothing changed
    assert content(db_path) == before


def test_full_recrawl_refetches_everything_and_changes_no_content(tmp_path, site):
    db_path = tmp_path / "a.db"
    first = crawl(db_path, site)
    before = content(db_path)
    summary = crawl(db_path, site, full=True)
    assert summary.requests >= first.requests - 1
    assert (summary.new, summary.changed, summary.unchanged) == (0, 0, len(site.live_posts))
    assert content(db_path) == before


def test_a_changed_post_gets_a_revision_a_removed_one_is_gone_a_restored_one_live(tmp_path, site):
    db_path = tmp_path / "a.db"
    crawl(db_path, site)
    old_title = site.post(SLUG).title
    site.update_post(SLUG, title="Vilken resa vi gör – del 2", role="projektansvarig för Allmännyttans innovationslabb")
    changed = crawl(db_path, site)
    assert changed.changed == 1 and changed.changed_posts == [(site.url(f"/{SLUG}/"), "Vilken resa vi gör – del 2")]
    db = sqlite_utils.Database(db_path)
    revisions = list(db.query(
        "SELECT r.number, r.title, r.role, r.first_seen, r.last_seen FROM revisions r JOIN posts p ON p.id = r.post_id "
        "WHERE p.url = ? ORDER BY number", [site.url(f"/{SLUG}/")]))
    assert [(r["number"], r["title"]) for r in revisions] == [(1, old_title), (2, "Vilken resa vi gör – del 2")]
    assert revisions[1]["role"] == "projektansvarig för Allmännyttans innovationslabb"
    assert revisions[0]["first_seen"] <= revisions[0]["last_seen"] < revisions[1]["first_seen"]
    post = next(db.query("SELECT title, status FROM posts WHERE url = ?", [site.url(f"/{SLUG}/")]))
    assert post == {"title": "Vilken resa vi gör – del 2", "status": "live"}

    removed = site.remove_post(SLUG)
    gone = crawl(db_path, site, full=True)
    assert gone.gone == 1 and gone.gone_posts == [site.url(f"/{SLUG}/")]
    post = next(db.query("SELECT status, gone_since FROM posts WHERE url = ?", [site.url(f"/{SLUG}/")]))
    assert post["status"] == "gone" and post["gone_since"] >= revisions[1]["first_seen"]
    still_gone = crawl(db_path, site, full=True)
    assert still_gone.gone == 0
    assert next(db.query("SELECT gone_since FROM posts WHERE url = ?", [site.url(f"/{SLUG}/")]))["gone_since"] == \
        post["gone_since"]

    site.restore_post(removed)
    site.update_post(SLUG)  # restoring bumps `modified`, as WordPress does when a post is republished
    back = crawl(db_path, site)
    post = next(db.query("SELECT status, gone_since FROM posts WHERE url = ?", [site.url(f"/{SLUG}/")]))
    assert post == {"status": "live", "gone_since": None}
    assert back.exit_code == 0
    assert db.execute("SELECT count(*) FROM revisions WHERE post_id = (SELECT id FROM posts WHERE url = ?)",
                      [site.url(f"/{SLUG}/")]).fetchone()[0] == 2


def test_a_site_listing_far_fewer_posts_than_the_archive_holds_looks_wrong(tmp_path, site):
    db_path = tmp_path / "a.db"
    crawl(db_path, site)
    live = len(site.live_posts)
    for post in site.live_posts[: live - live // 3]:  # two thirds of the diary taken off the site
        site.remove_post(post.slug)
    summary = crawl(db_path, site)
    assert (summary.status, summary.exit_code) == ("site-looks-wrong", 3)
    [fewer] = [alert for alert in summary.alerts if alert.startswith("the site lists ")]
    listed = int(fewer.split()[3])
    assert listed < live / 2 and fewer.endswith(f"; the archive holds {live} live posts from earlier runs")
    assert f"known posts gone in this run: {live - live // 3} " in " ".join(summary.alerts)
    assert "The site looks wrong compared with the archive:\n  the site lists" in summary_text(summary)
    calm = crawl(db_path, site)  # the archive now knows: the next run is quiet again
    assert (calm.status, calm.exit_code, calm.alerts) == ("ok", 0, [])


def test_a_held_lock_refuses_a_second_run_and_names_the_holder(tmp_path, site):
    db_path = tmp_path / "a.db"
    with RunLock(db_path):
        with pytest.raises(LockedError, match=rf"database {tmp_path}/a.db is locked by another dagbok crawl "
                                              rf"\(pid {os.getpid()}, started .*\); wait for it to finish"):
            crawl(db_path, site)
    assert site.requests == []


def test_a_symlinked_database_is_locked_with_its_real_file(tmp_path, site):
    real = tmp_path / "real" / "a.db"
    real.parent.mkdir()
    (tmp_path / "link.db").symlink_to(real)
    (tmp_path / "linked-folder").symlink_to(real.parent, target_is_directory=True)
    with RunLock(real):
        for path in (tmp_path / "link.db", tmp_path / "linked-folder" / "a.db"):
            with pytest.raises(LockedError, match=rf"database {path} is locked by another dagbok crawl"):
                crawl(path, site)
    assert site.requests == []
    assert lock_path(tmp_path / "link.db") == lock_path(real) == real.parent / "a.db-lock"


def test_two_crawls_into_two_databases_in_one_folder_both_finish(tmp_path, site):
    """Both default to warc/ beside their database: neither run's start-up repair may touch the other's file."""
    from tests.console_scripts import DAGBOK, WARCIO

    warc_dir = tmp_path / "warc"
    first = subprocess.Popen([DAGBOK, "crawl", "--site", site.base, "--db", str(tmp_path / "a.db"), "--delay", "0.05",
                              "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list(warc_dir.glob("*.open")) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.01)
    assert list(warc_dir.glob("*.open")), "the first crawl never opened its WARC file"
    second = crawl(tmp_path / "b.db", site)  # starts while the first is writing its file
    assert (second.status, second.exit_code) == ("ok", 0)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert content(tmp_path / "a.db") == content(tmp_path / "b.db")
    for db in ("a.db", "b.db"):
        assert [r["status"] for r in sqlite_utils.Database(tmp_path / db).query("SELECT status FROM crawl_runs")] == ["ok"]
    files = sorted(warc_dir.iterdir())
    assert len(files) == 2 and all(path.name.endswith(".warc.gz") for path in files)
    for path in files:
        assert subprocess.run([WARCIO, "check", str(path)], capture_output=True).returncode == 0


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path, site):
    db_path = tmp_path / "a.db"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    lock_path(db_path).write_text(json.dumps({"pid": pid, "started": "2026-01-01T00:00:00+00:00"}))
    summary = crawl(db_path, site)
    assert summary.took_over_from == pid and summary.exit_code == 0
    assert lock_path(db_path).read_text() == ""  # released at the end


def test_a_run_left_running_by_a_killed_crawl_is_marked_failed(tmp_path, site):
    db_path = tmp_path / "a.db"
    crawl(db_path, site)
    db = sqlite_utils.Database(db_path)
    db.execute("UPDATE crawl_runs SET status = 'running', ended = NULL")
    db.conn.commit()
    crawl(db_path, site)
    assert [r["status"] for r in db.query("SELECT status FROM crawl_runs ORDER BY id")] == ["failed", "ok"]


def test_sigint_stops_after_the_current_page_and_the_next_run_completes(tmp_path, site):
    db_path = tmp_path / "a.db"
    seen = []

    def interrupt_after_five(stored):
        seen.append(stored.url)
        if len(seen) == 5:
            os.kill(os.getpid(), signal.SIGINT)

    summary = crawl(db_path, site, progress=interrupt_after_five)
    assert summary.status == "interrupted" and summary.exit_code == 130
    assert len(seen) == 5
    db = sqlite_utils.Database(db_path)
    assert next(db.query("SELECT status FROM crawl_runs"))["status"] == "interrupted"
    assert db["captures"].count == 5 + 0  # the pages stored; nothing half-written

    clean = tmp_path / "clean.db"
    crawl(clean, site)
    crawl(db_path, site)
    assert content(db_path) == content(clean)


@pytest.mark.parametrize("fault", ["always-500", "reset"])  # a reset leaves no response, so no page row
def test_one_failed_post_is_one_error_and_the_next_run_retries_it(tmp_path, sample_site_factory, fault):
    site = sample_site_factory(crawl_delay=0, faults=(fault,))
    url = site.url(site.fault_route(fault))
    db_path = tmp_path / "a.db"
    summary = crawl(db_path, site, retries=0)
    assert (summary.errors, summary.exit_code, summary.status) == (1, 1, "pages-failed")
    assert [failed for failed, _ in summary.failures] == [url]
    assert "  errors: 1\n" in summary_text(summary)
    db = sqlite_utils.Database(db_path)
    assert [(r["errors"], r["status"]) for r in db.query("SELECT errors, status FROM crawl_runs")] == [(1, "pages-failed")]
    assert [r["url"] for r in db.query("SELECT url FROM captures WHERE error IS NOT NULL")] == [url]
    # The listings that prove "nothing changed" keep no validators, so the next run reads the site again.
    checks = list(db.query("SELECT etag, last_modified, digest FROM pages WHERE kind = 'listing' AND "
                           "(url LIKE '%orderby=modified%' OR url LIKE '%/feed/' OR url LIKE '%/wp-sitemap.xml')"))
    assert len(checks) == 3 and not any(any(row.values()) for row in checks)
    db.close()
    site.faults = ()  # the server is fixed
    second = crawl(db_path, site)
    assert [new for new, _ in second.new_posts] == [url]
    assert (second.errors, second.exit_code) == (0, 0)


def test_an_unreachable_site_raises_and_the_run_is_recorded_failed(tmp_path, site):
    db_path = tmp_path / "a.db"
    url = site.base
    site.stop()
    with pytest.raises(SiteUnreachable, match="did not answer"):
        run_crawl(db_path, site=url, delay=0, timeout=2, retries=0)
    db = sqlite_utils.Database(db_path)
    assert next(db.query("SELECT status FROM crawl_runs"))["status"] == "failed"


@pytest.mark.parametrize("options, message", [
    ({"site": "ftp://example.se/"}, 'site "ftp://example.se/" is not an http\\(s\\) URL'),
    ({"source": "archive"}, 'source "archive" is not one of live, wayback'),
    ({"at": "2019"}, "--wayback-url, --at, --from and --cdx-pace only apply with --source wayback"),
])
def test_bad_options_are_refused_before_anything_runs(tmp_path, options, message):
    options = {"site": "http://127.0.0.1:9/", **options}
    with pytest.raises(DagbokError, match=message):
        run_crawl(tmp_path / "a.db", delay=0, **options)
    assert not (tmp_path / "a.db").exists()


def test_wayback_crawl_archives_every_post_with_its_capture_time(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    db_path = tmp_path / "a.db"
    origin = "https://www.allmannyttan.se/"
    summary = run_crawl(db_path, site=origin, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert summary.exit_code == 0
    db = sqlite_utils.Database(db_path)
    rows = {row["url"]: row for row in db.query("SELECT * FROM post_details")}
    for post in load_posts():
        expected = post.expected(origin)
        row = rows[expected["url"]]
        assert {key: json.loads(row[key]) if key == "labs" else row[key] for key in expected} == expected
    captures = list(db.query(
        "SELECT c.url, c.wayback_timestamp, r.first_seen FROM revisions r JOIN captures c ON c.id = r.capture_id"))
    assert captures and all(c["wayback_timestamp"] for c in captures)
    assert all(c["first_seen"].startswith(
        f"{c['wayback_timestamp'][:4]}-{c['wayback_timestamp'][4:6]}-{c['wayback_timestamp'][6:8]}") for c in captures)
    assert all(c["url"].startswith(origin) for c in captures)


# --- one site, one set of posts ---------------------------------------------------------------


@pytest.fixture
def public_site(sample_site_factory, monkeypatch):
    """The sample site as http://www.allmannyttan.test/ (bare host → 301 to www), reached as a proxy."""
    site = sample_site_factory(crawl_delay=0, markup="bare", host="www.allmannyttan.test")
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, site.proxy)
    for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return site


def post_urls(db_path) -> list[str]:
    return [row["url"] for row in sqlite_utils.Database(db_path).query("SELECT url FROM posts ORDER BY url")]


@pytest.mark.parametrize("other_form", ["http://allmannyttan.test/", "https://www.allmannyttan.test/",
                                        "https://allmannyttan.test"])
def test_the_bare_host_or_https_crawled_into_an_archive_of_www_keeps_one_post_each(tmp_path, public_site,
                                                                                   other_form):
    db_path = tmp_path / "a.db"
    first = run_crawl(db_path, site="http://www.allmannyttan.test/", delay=0)
    assert first.exit_code == 0, summary_text(first)
    urls = post_urls(db_path)
    assert len(urls) >= len(public_site.live_posts)
    assert all(url.startswith("http://www.allmannyttan.test/") for url in urls)

    again = run_crawl(db_path, site=other_form, delay=0, full=True)

    assert again.exit_code == 0, summary_text(again)
    assert again.site == "http://www.allmannyttan.test/"  # the form the archive holds the site in
    assert post_urls(db_path) == urls  # not one post doubled
    assert (again.new, again.changed) == (0, 0)
    sites = [row["site"] for row in sqlite_utils.Database(db_path).query("SELECT site FROM crawl_runs ORDER BY id")]
    assert sites == ["http://www.allmannyttan.test/"] * 2


def test_a_first_crawl_of_the_bare_host_follows_its_redirects_and_keys_posts_one_way(tmp_path, public_site):
    db_path = tmp_path / "a.db"
    summary = run_crawl(db_path, site="http://allmannyttan.test/", delay=0)
    assert summary.exit_code == 0, summary_text(summary)
    urls = post_urls(db_path)
    slugs = [url.rstrip("/").rsplit("/", 1)[-1] for url in urls]
    assert len(slugs) == len(set(slugs)) >= len(public_site.live_posts)  # each post once, in one form


def test_a_wayback_index_that_lists_nothing_of_the_site_looks_wrong(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    origin = "https://www.allmannyttan.se/"
    summary = run_crawl(tmp_path / "a.db", site=origin, delay=0, source="wayback", wayback_url=site.base, at="1990",
                        cdx_pace=0)
    assert (summary.status, summary.exit_code, summary.new) == ("site-looks-wrong", 3, 0)
    assert summary.alerts == [f"the Wayback Machine at {site.base} lists no capture of {origin} up to 1990; "
                              "check --site and --at"]
