"""Incremental capture end to end: a recrawl of an unchanged site costs at most 5 requests beyond
robots.txt, a changed post comes back as a new revision for a handful of requests, `--full` refetches
everything, and every run reports its request count (summary, `--json`, crawl_runs).
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import cli
from archive.runs import run_crawl
from scraper.sample_site import SamplePost, SampleSite
from tests.route_server import Reply
from tests.unmarked_pages import unmarked_pages_site

UNCHANGED_BOUND = 5  # requests beyond robots.txt for a site where nothing changed (README, "Politeness")
CHANGED_BOUND = 15  # the listings, the hub pages (links to posts live there), the changed post


def crawl(db_path: Path, site: SampleSite, **options):
    return run_crawl(db_path, site=site.base, delay=0, **options)


def crawl_json(db_path: Path, site: SampleSite, *args: str) -> dict:
    """`dagbok crawl --json`: the run summary as the command prints it."""
    argv = ["crawl", "--site", site.base, "--db", str(db_path), "--delay", "0", "--json", *args]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def query(db_path: Path, sql: str, params=()) -> list[dict]:
    with closing(sqlite_utils.Database(db_path)) as db:
        return list(db.query(sql, params))


def beyond_robots(site: SampleSite) -> list[str]:
    return [r.path + ("?" + r.query if r.query else "") for r in site.requests if r.path != "/robots.txt"]


def post_pages_requested(site: SampleSite) -> set[str]:
    live = {post.path for post in site.live_posts}
    return {r.path for r in site.requests if r.path in live}


def crawl_before_the_newest_post(db_path: Path, site: SampleSite) -> SamplePost:
    """Crawl the site while its newest post is held back, then publish it; returns that post."""
    newest = site.live_posts[-1]
    held_back = site.remove_post(newest.slug)
    assert crawl(db_path, site).exit_code == 0
    site.restore_post(held_back)
    site.clear_requests()
    return newest


@pytest.fixture
def crawled(tmp_path, sample_site_factory) -> tuple[Path, SampleSite, int]:
    """A sample site crawled once into a fresh archive; its request log cleared afterwards."""
    site = sample_site_factory(crawl_delay=0)
    db_path = tmp_path / "dagbok.db"
    first = crawl(db_path, site)
    assert (first.exit_code, first.new) == (0, len(site.live_posts))
    assert first.requests == len(site.requests)
    site.clear_requests()
    return db_path, site, first.requests


def test_recrawl_of_an_unchanged_site_costs_at_most_five_requests_beyond_robots(crawled):
    db_path, site, _ = crawled
    revisions = query(db_path, "SELECT id, post_id, content_hash FROM revisions ORDER BY id")

    summary = crawl_json(db_path, site)

    extra = beyond_robots(site)
    assert len(extra) <= UNCHANGED_BOUND, extra
    assert site.count("/robots.txt") == 1
    # Each run reports its request count, and it is the count the site served.
    assert summary["requests"] == len(site.requests) == len(extra) + 1
    [run] = query(db_path, "SELECT requests, new, changed, errors, status FROM crawl_runs WHERE id = ?",
                  [summary["run_id"]])
    assert run == {"requests": len(site.requests), "new": 0, "changed": 0, "errors": 0, "status": "ok"}
    # Only conditional requests: every one beyond robots.txt carried a stored validator.
    asked = [r for r in site.requests if r.path != "/robots.txt"]
    assert all("if-none-match" in r.headers or "if-modified-since" in r.headers for r in asked), extra
    assert post_pages_requested(site) == set()
    assert query(db_path, "SELECT id, post_id, content_hash FROM revisions ORDER BY id") == revisions


def test_changed_post_becomes_a_new_revision_for_a_few_requests(crawled):
    db_path, site, first_requests = crawled
    post = site.live_posts[5]
    site.update_post(post.slug, title=post.title + " (uppdaterad)",
                     paragraphs=[*post.paragraphs, "Tillägg: mötesplatsen får en ny lokal – och fler timmar."])

    summary = crawl(db_path, site)

    url = site.url(post.path)
    assert (summary.new, summary.changed, summary.errors) == (0, 1, 0)
    assert summary.changed_posts == [(url, post.title)]  # `post` is the site's own, already changed
    assert post_pages_requested(site) == {post.path}  # no other post page was fetched again
    assert len(site.requests) <= CHANGED_BOUND < first_requests
    revisions = query(db_path, "SELECT r.number, r.title, r.body FROM revisions r JOIN posts p ON p.id = r.post_id "
                               "WHERE p.url = ? ORDER BY r.number", [url])
    assert [(r["number"], r["title"]) for r in revisions] == [(1, post.title.removesuffix(" (uppdaterad)")),
                                                           (2, post.title)]
    assert revisions[1]["body"] == post.body
    [row] = query(db_path, "SELECT title, body FROM post_details WHERE url = ?", [url])
    assert row == {"title": post.title, "body": post.body}
    # Every other post keeps its one revision.
    assert query(db_path, "SELECT post_id FROM revisions GROUP BY post_id HAVING COUNT(*) > 1 "
                          "AND post_id != (SELECT id FROM posts WHERE url = ?)", [url]) == []


def test_new_post_is_found_by_an_incremental_run(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path = tmp_path / "dagbok.db"
    newest = crawl_before_the_newest_post(db_path, site)

    summary = crawl(db_path, site)

    assert (summary.new, summary.changed, summary.errors) == (1, 0, 0)
    assert summary.new_posts == [(site.url(newest.path), newest.title)]
    assert post_pages_requested(site) == {newest.path}


def test_full_asks_for_every_page_and_changes_nothing(crawled):
    db_path, site, first_requests = crawled
    revisions = query(db_path, "SELECT id, post_id, content_hash FROM revisions ORDER BY id")

    summary = crawl_json(db_path, site, "--full")

    assert summary["full"] is True
    # all but the teaser-only post's address (it answered 404; a 304 shows no teasers to lead to it)
    assert summary["requests"] == len(site.requests) >= first_requests - 1
    assert post_pages_requested(site) == {post.path for post in site.live_posts}
    # the listings are read whole; each known post is asked conditionally (a takedown would show)
    conditional = {r.path for r in site.requests if "if-none-match" in r.headers or "if-modified-since" in r.headers}
    assert conditional == {post.path for post in site.live_posts}
    assert (summary["new"], summary["changed"], summary["unchanged"], summary["errors"]) == (
        0, 0, len(site.live_posts), 0)
    assert query(db_path, "SELECT id, post_id, content_hash FROM revisions ORDER BY id") == revisions


# --- a site whose only index is a paginated HTML archive -----------------------------------

ABSENT_ENDPOINTS = {"/wp-json/wp/v2/posts", "/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml", "/feed/"}


@pytest.fixture
def crawled_archive(tmp_path, sample_site_factory) -> tuple[Path, SampleSite, int]:
    """The "archive" sample site (no API, feed or sitemaps) crawled once; its request log cleared."""
    site = sample_site_factory(crawl_delay=0, index="archive")
    db_path = tmp_path / "dagbok.db"
    first = crawl(db_path, site)
    assert (first.exit_code, first.new) == (0, len(site.live_posts))
    assert ABSENT_ENDPOINTS <= {r.path for r in site.requests} and site.count("/kontakt/") == 1
    site.clear_requests()
    return db_path, site, first.requests


def test_unchanged_html_archive_costs_one_conditional_request_per_listing(crawled_archive):
    db_path, site, first_requests = crawled_archive

    summary = crawl_json(db_path, site)

    # The home page and the archive's first page, each answered 304; nothing behind them is asked.
    assert beyond_robots(site) == ["/", "/dagbok/"]
    assert [r.status for r in site.requests if r.path != "/robots.txt"] == [304, 304]
    assert summary["requests"] == 3 < first_requests
    assert (summary["new"], summary["changed"], summary["errors"]) == (0, 0, 0)


def test_absent_endpoints_and_non_post_pages_are_asked_again_on_full(crawled_archive):
    db_path, site, _ = crawled_archive
    crawl(db_path, site)
    assert not ABSENT_ENDPOINTS & {r.path for r in site.requests} and site.count("/kontakt/") == 0
    site.clear_requests()

    summary = crawl_json(db_path, site, "--full")

    assert ABSENT_ENDPOINTS <= {r.path for r in site.requests} and site.count("/kontakt/") == 1
    assert (summary["new"], summary["unchanged"], summary["errors"]) == (0, len(site.live_posts), 0)


def test_absent_endpoints_are_asked_again_after_the_recheck_interval(crawled_archive):
    from scraper.crawl import RECHECK_AFTER

    db_path, site, _ = crawled_archive
    with closing(sqlite_utils.Database(db_path)) as db:  # the first run's captures, made older than the interval
        db.execute("UPDATE captures SET fetched = strftime('%Y-%m-%dT%H:%M:%fZ', fetched, ?)",
                   [f"-{RECHECK_AFTER.days + 1} days"])
        db.conn.commit()

    crawl(db_path, site)

    assert ABSENT_ENDPOINTS <= {r.path for r in site.requests} and site.count("/kontakt/") == 1
    # Posts that no source dates are asked again too (conditionally), linked from a changed page or not.
    assert post_pages_requested(site) == {post.path for post in site.live_posts}
    assert all("if-none-match" in r.headers for r in site.requests if r.path in post_pages_requested(site))


def test_new_post_in_an_html_archive_is_found_for_a_few_requests(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, index="archive")
    db_path = tmp_path / "dagbok.db"
    newest = crawl_before_the_newest_post(db_path, site)

    summary = crawl(db_path, site)

    assert (summary.new, summary.changed, summary.errors) == (1, 0, 0)
    assert summary.new_posts == [(site.url(newest.path), newest.title)]
    assert not ABSENT_ENDPOINTS & {r.path for r in site.requests}
    # The home page shows the new post already, so the archive's first page adds nothing new: its
    # later pages (one of which changed, a post moved down to it) are not asked.
    assert site.count("/dagbok/") == 1 and site.count("/dagbok/page/2/") == 0
    assert len(site.requests) <= CHANGED_BOUND


def test_a_page_the_sitemap_of_pages_listed_is_still_a_page_when_asked_again_without_it(tmp_path):
    """A later run whose sitemap index is unchanged reads no sitemap behind it; a page it asks again
    after `RECHECK_AFTER` (a theme that marks none of WordPress's pages) is still known as a page
    (`pages.listed_as_page`), not failed as a post whose date was lost."""
    from scraper.crawl import RECHECK_AFTER

    db_path = tmp_path / "dagbok.db"
    with unmarked_pages_site(pages_sitemap=True) as server:
        def api(modified: str) -> Reply:
            return Reply(body=json.dumps([{"link": server.url("/alla-labb-pa-plats/"), "modified_gmt": modified}]),
                         headers={"X-WP-TotalPages": "1"})

        server.routes["/wp-json/wp/v2/posts"] = api("2019-03-06T10:00:00")
        first = run_crawl(db_path, site=server.url("/"), delay=0)
        assert (first.exit_code, query(db_path, "SELECT listed_as_page FROM pages WHERE url = ?",
                                       [server.url("/om-oss/")])) == (0, [{"listed_as_page": 1}])
        with closing(sqlite_utils.Database(db_path)) as db:
            db.execute("UPDATE captures SET fetched = strftime('%Y-%m-%dT%H:%M:%fZ', fetched, ?)",
                       [f"-{RECHECK_AFTER.days + 1} days"])
            db.conn.commit()
        server.routes["/wp-json/wp/v2/posts"] = api("2019-03-07T10:00:00")  # an edit: the API changed
        server.seen.clear()
        again = run_crawl(db_path, site=server.url("/"), delay=0)
    asked = [seen.path for seen in server.seen]
    assert "/om-oss/" in asked and "/wp-sitemap-posts-page-1.xml" not in asked
    assert (again.exit_code, again.failures) == (0, [])


@pytest.mark.slow
def test_recrawl_of_an_unchanged_real_wordpress_costs_at_most_five_requests(tmp_path, wordpress):
    """A stock WordPress sends no validators for `/kontakt/` (a page, not a post): it is not asked again,
    nor are the monthly and category archives its home page links to (the API lists every post)."""
    wordpress.switch_theme("twentytwentyone")
    db_path = tmp_path / "dagbok.db"
    first = run_crawl(db_path, site=wordpress.base, delay=0)
    assert first.exit_code == 0

    again = run_crawl(db_path, site=wordpress.base, delay=0)

    asked = [row["url"] for row in query(db_path, "SELECT url FROM captures WHERE run_id = ? ORDER BY id",
                                         [again.run_id])]
    assert asked[0] == wordpress.url("/robots.txt") and len(asked) - 1 <= UNCHANGED_BOUND, asked
    assert again.requests == len(asked) and (again.new, again.changed, again.exit_code) == (0, 0, 0)
    assert wordpress.url("/kontakt/") not in asked
