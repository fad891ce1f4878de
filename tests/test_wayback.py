"""The Wayback Machine at scale: the CDX index read whole, the captures chosen, the Archive's limits, reruns.

Against the sample site's local archive: thousands of other URLs of the host in SURT
order, answers cut at a row cap, revisit rows, a bare-host 301, and a 429 rate limit.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlite_utils
from click.testing import CliRunner

from archive.cli import cli
from archive.rebuild import rebuild
from archive.runs import BadOption, run_crawl
from scraper.sample_site import MARKUPS, load_posts
from scraper.sources import Listing
from scraper.sources.wayback import (FILTERS, BadTimestamp, IndexEnd, WaybackCapture, check_timestamp,
                                     choose_captures, read_index, replay_url, start_timestamp)
from tests.fetchers import fetcher
from tests.route_server import Reply, RouteServer

ORIGIN = "https://www.allmannyttan.se/"


def row(timestamp: str, path: str, status: str = "200", digest: str = "A", mimetype: str = "text/html",
        host: str = "https://www.allmannyttan.se") -> WaybackCapture:
    return WaybackCapture(timestamp, host + path, status, digest, mimetype)


def pages(rows: list[WaybackCapture]) -> list[tuple[str, WaybackCapture]]:
    """Each row with its page (the URL's path), as the crawl pairs them."""
    return [(urlsplit(r.original).path, r) for r in rows]


def index(site, **options) -> tuple[list[Listing], list[WaybackCapture], IndexEnd]:
    options.setdefault("pace", 0)
    events = list(read_index(options.pop("fetcher", None) or fetcher(), base=site.base, site=ORIGIN, **options))
    assert isinstance(events[-1], IndexEnd) and sum(isinstance(e, IndexEnd) for e in events) == 1
    return ([e for e in events if isinstance(e, Listing)], [e for e in events if isinstance(e, WaybackCapture)],
            events[-1])


def cdx_requests(site) -> list:
    return [r for r in site.requests if r.path == "/cdx/search/cdx"]


def replays(site) -> list:
    return [r for r in site.requests if r.path.startswith("/web/")]


# --- choosing the capture to replay ------------------------------------------------------


def test_the_latest_content_capture_of_each_page_is_chosen_whatever_its_scheme_or_host():
    rows = [row("20190501000000", "/vilken-resa-vi-gor/", digest="A"),
            row("20200101000000", "/vilken-resa-vi-gor/", digest="B", host="http://allmannyttan.se"),
            row("20210101000000", "/vilken-resa-vi-gor/", status="404", digest="C")]
    chosen = choose_captures(pages(rows), held={})
    assert {p: r.digest for p, r in chosen.items()} == {"/vilken-resa-vi-gor/": "B"}


def test_a_revisit_is_the_latest_capture_of_the_body_it_repeats():
    rows = [row("20190501000000", "/a/", digest="A"), row("20200101000000", "/a/", "-", "A", "warc/revisit")]
    assert choose_captures(pages(rows), held={})["/a/"].timestamp == "20200101000000"


def test_a_later_bare_host_redirect_never_wins_over_the_page_it_points_at():
    rows = [row("20190501000000", "/a/", digest="A"),
            row("20200101000000", "/a/", "301", "R", host="http://allmannyttan.se"),
            row("20200601000000", "/a/", "-", "R", "warc/revisit", host="http://allmannyttan.se")]
    assert choose_captures(pages(rows), held={})["/a/"].digest == "A"


def test_a_page_known_only_by_a_redirect_is_not_replayed():
    rows = [row("20190501000000", "/gammal-adress/", "301", "R"),
            row("20190601000000", "/gammal-adress/", "-", "R", "warc/revisit")]
    assert choose_captures(pages(rows), held={}) == {}


def test_captures_the_archive_holds_by_timestamp_or_by_digest_are_not_replayed_again():
    rows = [row("20190501000000", "/a/", digest="A"), row("20200101000000", "/a/", "-", "A", "warc/revisit"),
            row("20190501000000", "/b/", digest="B"), row("20200101000000", "/b/", digest="C")]
    assert choose_captures(pages(rows), held={"/a/": {"20200101000000"}, "/b/": {"20200101000000"}}) == {}
    unchanged = choose_captures(pages(rows), held={"/a/": {"20190501000000"}, "/b/": {"20190501000000"}})
    assert {p: r.timestamp for p, r in unchanged.items()} == {"/b/": "20200101000000"}  # /a/ only recaptured


def test_at_chooses_the_latest_capture_by_that_moment():
    rows = [row("20190501000000", "/a/", digest="A"), row("20200101000000", "/a/", digest="B")]
    assert choose_captures(pages(rows), held={}, at="20191231")["/a/"].digest == "A"
    assert choose_captures(pages(rows), held={}, at="2018") == {}


def test_timestamps_are_checked_and_padded_to_the_end_or_start_of_their_span():
    with pytest.raises(BadTimestamp, match=r"timestamp 'igår' is not a Wayback timestamp; give 4 to 14 digits"):
        check_timestamp("igår")
    assert check_timestamp("20190429") == "20190429235959"
    assert start_timestamp("2018") == "20180101000000"
    assert replay_url("https://web.archive.org/", "20190501000000", "https://www.allmannyttan.se/x/") == (
        "https://web.archive.org/web/20190501000000id_/https://www.allmannyttan.se/x/")


# --- the sample site's archive -----------------------------------------------------------


def cdx(site, **params) -> requests.Response:
    return requests.get(site.url("/cdx/search/cdx"), params={"url": "allmannyttan.se/*", **params}, timeout=10)


def test_the_local_index_holds_thousands_of_urls_in_surt_order_and_cuts_answers_silently(sample_site_factory):
    site = sample_site_factory(wayback=True)
    archive = site.wayback
    assert len(archive.captures) >= 5_000 and archive.row_cap < len(archive.captures)
    assert {c.mimetype for c in archive.captures} >= {"text/html", "image/jpeg", "image/png", "application/pdf"}
    assert min(c.timestamp for c in archive.captures) < "2005"
    lines = cdx(site).text.splitlines()
    assert len(lines) == archive.row_cap and "" not in lines  # cut, and nothing says so
    keys = [line.split(" ")[0] for line in lines]
    assert keys == sorted(keys) and keys[0].startswith("se,allmannyttan)/")


def test_a_resume_key_follows_a_cut_answer_and_continues_where_it_stopped(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap = 1_000
    rows, key, answers = [], None, 0
    while True:
        params = {"showResumeKey": "true", **({"resumeKey": key} if key else {})}
        lines = cdx(site, **params).text.splitlines()
        answers += 1
        if "" in lines:
            rows += lines[:lines.index("")]
            key = lines[lines.index("") + 1]
        else:
            rows += lines
            break
    assert len(rows) == len(site.wayback.captures) and len(set(rows)) == len(rows)
    assert answers == -(-len(rows) // 1_000)
    as_json = cdx(site, showResumeKey="true", output="json").json()
    assert as_json[-2] == [] and len(as_json[-1]) == 1


def test_revisit_and_redirect_rows_are_listed_as_the_archive_lists_them(sample_site_factory):
    site = sample_site_factory(wayback=True)
    revisit, redirect = site.wayback.revisited, site.wayback.redirected
    rows = cdx(site, url=revisit.original, output="json").json()
    assert [revisit.timestamp, revisit.original, "warc/revisit", "-"] in [r[1:5] for r in rows[1:]]
    replayed = requests.get(site.url(f"/web/{revisit.timestamp}id_/{revisit.original}"), timeout=10)
    assert replayed.status_code == 200 and replayed.content == revisit.body
    rows = cdx(site, url=redirect.original, output="json").json()
    assert [redirect.timestamp, "http://allmannyttan.se/" + redirect.original.split("/", 3)[3], "text/html", "301"] \
        in [r[1:5] for r in rows[1:]]
    assert redirect.location == ORIGIN + redirect.original.split("/", 3)[3]


def test_the_local_archive_answers_429_with_retry_after_when_throttled(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.throttle, site.wayback.retry_after = (1, 2), "3"
    assert cdx(site).status_code == 200
    throttled = [cdx(site) for _ in range(2)]
    assert [r.status_code for r in throttled] == [429, 429] and throttled[0].headers["Retry-After"] == "3"
    assert cdx(site).status_code == 200


# --- reading the index ---------------------------------------------------------------------


def test_the_index_query_asks_for_resume_keys_filters_and_the_span_given(sample_site_factory):
    site = sample_site_factory(wayback=True)
    index(site, at="2019", since="2018")
    params = parse_qs(urlsplit(cdx_requests(site)[0].path + "?" + cdx_requests(site)[0].query).query)
    assert params["url"] == ["allmannyttan.se/*"] and params["matchType"] == ["prefix"]
    assert params["showResumeKey"] == ["true"] and params["filter"] == list(FILTERS)
    assert params["from"] == ["20180101000000"] and params["to"] == ["20191231235959"]
    assert "collapse" not in params  # a collapse keeps the first (oldest) row of each URL


def test_the_index_is_read_to_its_end_through_resume_keys_and_each_answer_is_kept(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap = 700
    listings, rows, end = index(site)
    wanted = [c for c in site.wayback.captures
              if c.field("mimetype") in ("text/html", "warc/revisit") and c.field("statuscode") in ("200", "301", "-")]
    assert end == IndexEnd(complete=True)
    assert [(r.timestamp, r.original) for r in rows] == [(c.timestamp, c.original) for c in wanted]
    assert len(wanted) > 2_000 and len(listings) == len(cdx_requests(site)) == -(-len(wanted) // 700)
    assert all(listing.capture.status == 200 and listing.error is None for listing in listings)
    revisits = [r for r in rows if r.revisit]
    assert revisits and all(r.status == "-" for r in revisits)


def test_an_answer_as_long_as_asked_for_without_a_resume_key_is_not_taken_for_the_whole_index(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap, site.wayback.resume_keys = 500, False  # an index that ignores showResumeKey
    _, rows, end = index(site, rows=500)
    assert len(rows) == 500 and not end.complete and "no resume key" in end.problem


def test_an_index_that_fails_halfway_is_incomplete_and_says_why(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap = 1_000
    site.wayback.throttle, site.wayback.retry_after = (2, None), None
    listings, rows, end = index(site, fetcher=fetcher(retries=1))
    assert len(rows) == 2_000 and not end.complete and end.rate_limited
    assert "429" in end.problem and listings[-1].capture.status == 429


def test_a_429_is_waited_out_as_retry_after_asks_and_the_index_goes_on(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap = 2_000
    site.wayback.throttle, site.wayback.retry_after = (1, 1), "7"
    patient = fetcher(retries=2)
    _, rows, end = index(site, fetcher=patient)
    assert end.complete and len(rows) > 2_000
    statuses = [r.status for r in cdx_requests(site)]
    assert 7 in patient.waits and statuses == [200, 429, 200]  # two answers; the 429 was asked once more


def test_an_unreadable_or_failing_index_answer_is_incomplete_and_kept():
    for reply, reason in ((Reply(200, "inte ett index\n"), "Could not parse CDX output"), (Reply(503, "upptagen"), "503")):
        with RouteServer({"/cdx/search/cdx": reply}) as server:
            events = list(read_index(fetcher(retries=0), base=server.url("/"), site=ORIGIN, pace=0))
        assert events[-1].complete is False and not events[-1].rate_limited
        assert "could not be read to its end" in events[-1].problem and reason in events[-1].problem
        assert isinstance(events[0], Listing) and events[0].capture is not None


# --- whole runs ----------------------------------------------------------------------------


def fields(row: dict, expected: dict) -> dict:
    """The row's values of the fields `expected` names, as `dagbok query --format json` prints them."""
    return {key: json.loads(row[key]) if key == "labs" else row[key] for key in expected}


def post_rows(db_path) -> dict[str, dict]:
    db = sqlite_utils.Database(db_path)
    return {r["url"]: r for r in db.query("SELECT * FROM post_details")}


@pytest.mark.slow
@pytest.mark.parametrize("markup", MARKUPS)
def test_every_post_is_archived_from_its_latest_capture_and_a_second_run_replays_nothing(tmp_path, markup,
                                                                                        sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True, markup=markup)
    archive = site.wayback
    assert len(archive.captures) >= 5_000 and archive.row_cap <= 3_000
    db_path = tmp_path / "a.db"
    summary = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert summary.exit_code == 0 and summary.alerts == [] and summary.errors == 0
    assert len(cdx_requests(site)) >= 2  # the index came in more than one answer
    db = sqlite_utils.Database(db_path)
    diary = post_rows(db_path)
    latest = archive.latest_posts()
    assert len(diary) == len(latest) == len(load_posts())  # no other page is a diary post
    for post, capture in latest:
        expected = post.expected(ORIGIN)
        assert fields(diary[expected["url"]], expected) == expected
        stamp = db.execute("SELECT c.wayback_timestamp FROM posts p JOIN captures c ON c.id = p.capture_id "
                           "WHERE p.url = ?", [expected["url"]]).fetchone()[0]
        assert stamp == capture.timestamp
    # The site's news: stored with their fields, outside the diary, also where a page shows no category
    # (the category archives that list them say it).
    others = {r["url"]: r for r in db.query("SELECT * FROM all_post_details WHERE diary = 0")}
    assert len(others) == len(archive.news)
    for item in archive.news:  # which lab a news post is about is not the diary's question: not compared
        expected = {key: value for key, value in item.expected(ORIGIN).items() if key not in ("lab", "labs")}
        assert fields(others[expected["url"]], expected) == expected
    assert archive.revisited.timestamp in {c.timestamp for _, c in latest}  # a revisit is a latest capture
    assert not [r for r in replays(site) if any(x in r.path for x in (".jpg", ".png", ".pdf", "/embed/", "/press/"))]
    kinds = dict(db.execute("SELECT url, kind FROM captures WHERE url LIKE ? OR url LIKE ?",
                            [ORIGIN + "dagbok/%", ORIGIN + "kontakt/"]).fetchall())
    assert kinds == {ORIGIN + "dagbok/": "listing", ORIGIN + "dagbok/page/2/": "listing",
                     ORIGIN + "dagbok/page/3/": "listing", ORIGIN + "dagbok/page/4/": "listing",
                     ORIGIN + "kontakt/": "other"}  # the diary's archive and other root-level pages: replayed, no post

    site.clear_requests()
    again = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert again.exit_code == 0 and again.new == again.changed == 0
    assert replays(site) == [] and again.requests == len(cdx_requests(site))
    answers = list(db.query("SELECT kind, status FROM captures WHERE url LIKE ?", [f"{site.base}cdx/search/cdx?%"]))
    assert answers == [{"kind": "listing", "status": 200}] * 2 * len(cdx_requests(site))  # every CDX answer is kept


@pytest.mark.slow
def test_an_index_that_fails_halfway_makes_a_run_that_says_so_and_the_next_run_completes(tmp_path,
                                                                                         sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    site.wayback.row_cap = 1_000
    site.wayback.throttle, site.wayback.throttle_status = (1, 3), 503  # the second answer fails, retries too
    db_path = tmp_path / "a.db"
    summary = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0,
                        backoff=0.01)
    assert summary.exit_code == 3 and len(summary.alerts) == 1
    assert summary.alerts[0].startswith("the CDX index could not be read to its end (could not fetch")
    assert "HTTP 503 after 3 attempts" in summary.alerts[0]
    first = set(post_rows(db_path))  # the pages the first answer listed are replayed and kept
    assert 0 < len(first) < len(load_posts())
    assert [url.split("?")[0] for url, _ in summary.failures] == [f"{site.base}cdx/search/cdx"]  # the failed answer

    site.wayback.throttle = None
    rest = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert rest.exit_code == 0 and len(post_rows(db_path)) == len(load_posts()) and first <= set(post_rows(db_path))


@pytest.mark.slow
def test_repeated_429s_stop_the_run_which_says_why_and_keeps_what_it_stored(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    site.wayback.throttle, site.wayback.retry_after = (20, None), None  # the Archive stops answering
    db_path = tmp_path / "a.db"
    summary = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0,
                        backoff=0.01)
    assert summary.exit_code == 3 and summary.status == "site-looks-wrong"
    assert len(summary.alerts) == 1 and "429 Too Many Requests" in summary.alerts[0]
    assert "run the same command again in an hour" in summary.alerts[0]
    assert site.wayback.served == 20 + 3  # one request and two retries after the first 429, then nothing
    stored = post_rows(db_path)
    assert 0 < len(stored) < len(load_posts())

    site.wayback.throttle = None
    site.clear_requests()
    rest = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert rest.exit_code == 0 and len(post_rows(db_path)) == len(load_posts())
    replayed = {urlsplit(r.path.split("id_/", 1)[1]).path for r in replays(site)}
    assert not replayed & {urlsplit(url).path for url in stored}  # what the first run stored is not asked again


def test_a_429_asking_for_an_hour_stops_the_index_at_once(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.throttle, site.wayback.retry_after = (0, None), "3600"
    patient = fetcher(retries=2)
    _, rows, end = index(site, fetcher=patient)
    assert rows == [] and end.rate_limited and "asks to wait 3600 s (Retry-After)" in end.problem
    assert len(cdx_requests(site)) == 1 and patient.waits == []


@pytest.mark.slow
def test_the_cli_says_why_it_stopped_on_429s_and_exits_3(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    site.wayback.throttle, site.wayback.retry_after = (25, None), "3600"
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["crawl", "--source", "wayback", "--wayback-url", site.base, "--db", str(db_path),
                                      "--delay", "0", "--cdx-pace", "0", "--quiet"])
    assert result.exit_code == 3
    assert "The site looks wrong compared with the archive:" in result.output
    assert (f"the Wayback Machine at {site.base} answered 429 Too Many Requests (could not fetch "
            f"{site.base}web/") in result.output
    assert "asks to wait 3600 s (Retry-After)" in result.output and "run the same command again in an hour" in result.output
    assert site.wayback.served == 26 and len(post_rows(db_path)) > 0
    runs = list(sqlite_utils.Database(db_path).query("SELECT status FROM crawl_runs"))
    assert runs == [{"status": "site-looks-wrong"}]


@pytest.mark.slow
def test_a_later_run_replays_only_the_newer_capture_with_a_new_body(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    archive = site.wayback
    db_path = tmp_path / "a.db"
    run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    (changed, changed_capture), (same, same_capture) = archive.latest_posts()[:2]
    later = changed_capture.moment + timedelta(days=400)
    archive.post_capture(changed.copy(title=changed.title + " – uppdaterad"), later)
    archive.captures.append(replace(same_capture, timestamp=(same_capture.moment + timedelta(days=400))
                                    .strftime("%Y%m%d%H%M%S"), revisit=True))  # recaptured, unchanged
    archive.captures.sort(key=lambda c: c.order)
    site.clear_requests()
    again = run_crawl(db_path, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0)
    assert [urlsplit(r.path.split("id_/", 1)[1]).path for r in replays(site)] == [changed.path]
    assert again.changed_posts == [(ORIGIN.rstrip("/") + changed.path, changed.title + " – uppdaterad")]
    assert again.exit_code == 0 and again.new == 0


def test_a_span_that_ends_before_it_starts_is_refused_before_any_request(tmp_path):
    with pytest.raises(BadOption, match=r"^--from 2020 is after --at 2019: no capture is in that span; "
                                        r"give --from before --at$"):
        run_crawl(tmp_path / "a.db", site=ORIGIN, source="wayback", wayback_url="http://127.0.0.1:9/", since="2020",
                  at="2019")
    with pytest.raises(BadTimestamp, match="timestamp 'maj' is not a Wayback timestamp"):
        run_crawl(tmp_path / "a.db", site=ORIGIN, source="wayback", wayback_url="http://127.0.0.1:9/", since="maj")
    assert not (tmp_path / "a.db").exists()


@pytest.mark.slow
def test_a_rebuilt_wayback_archive_tells_the_diary_apart_as_the_crawl_did(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True, markup="bare")  # no category on the pages
    run_crawl(tmp_path / "a.db", site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0,
              warc_dir=tmp_path / "warc")
    rebuild(tmp_path / "warc", tmp_path / "b.db")
    for name in ("a.db", "b.db"):
        db = sqlite_utils.Database(tmp_path / name)
        diary = {r["url"] for r in db.query("SELECT url FROM all_post_details WHERE diary = 1")}
        others = {r["url"] for r in db.query("SELECT url FROM all_post_details WHERE diary = 0")}
        assert len(diary) == len(load_posts()), name
        assert others == {ORIGIN.rstrip("/") + item.path for item in site.wayback.news}, name
