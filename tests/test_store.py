"""Storing one PageResult: one transaction, revisions, gone and live, teasers kept apart from their host."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from archive import store as store_module
from archive.schema import open_database
from archive.store import Outcome, Store
from archive.warc import WarcWriter, read_entries, warc_files
from archive.warc_fields import Event, EventFields
from scraper.labs import LabVocabulary
from scraper.names import Layer, PageKind, Source
from scraper.records import Capture, Candidate, DiscoveryDone, ListingChecked, PageResult, Post, Teaser, Validators

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
SITE = "http://127.0.0.1:8000/"
URL = SITE + "vilken-resa-vi-gor/"
OTHER = SITE + "nu_galler_det_att_anvanda_tiden_ratt/"

POST = Post(
    url=URL,
    title="Vilken resa vi gör!",
    published=date(2019, 4, 29),
    author="Karin Nilsson",
    role="projektledare, Bodens Integration och Samverkan",
    excerpt="Vi har nu kommit halvvägs...",
    body="Vi har nu kommit halvvägs i Boden.\n\nNästa steg – ”prototyper”.",
    lab="Boden",
    labs=["Boden"],
    layers={"title": Layer.JSONLD, "published": Layer.LAYOUT, "author": Layer.LAYOUT, "body": Layer.LAYOUT},
)
TEASER = Teaser(
    url=OTHER,
    title="Nu gäller det att använda tiden rätt",
    published=date(2019, 5, 2),
    excerpt="I Rannebergen har vi börjat...",
    author="Olle Ek",
    role="hyresgäst",
)


@pytest.fixture
def archive(tmp_path):
    db = open_database(tmp_path / "archive.db")
    run_id = db["crawl_runs"].insert({"started": "2026-03-01T06:00:00Z", "site": SITE, "source": "live",
                                      "status": "running"}).last_pk
    with WarcWriter(tmp_path / "warc", started=T0, run_info={}) as warc:
        yield Store(db, run_id=run_id, source="live", labs=LabVocabulary.load(), warc=warc)
    db.close()


def page(url=URL, *, status=200, body=b"<html>v1</html>", days=0, post=POST, teasers=(), kind=PageKind.POST,
         error=None, wayback=None) -> PageResult:
    capture = Capture(url=url, final_url=url, status=status, headers={"content-type": "text/html", "etag": '"v"'},
                      body=body, fetched=T0 + timedelta(days=days), wayback_timestamp=wayback)
    return PageResult(url=url, kind=kind, source=Source.API, capture=capture,
                      post=post if 200 <= status < 300 else None, teasers=list(teasers), error=error,
                      candidate=Candidate(url, Source.API, T0 - timedelta(days=400)))


def rows(store, sql, params=()):
    return list(store.db.query(sql, params))


def test_a_new_post_writes_post_author_labs_revision_and_capture(archive):
    stored = archive.store(page())
    assert (stored.outcome, stored.url, stored.title) == (Outcome.NEW, URL, "Vilken resa vi gör!")
    [post] = rows(archive, "SELECT * FROM all_post_details")
    assert post["title"] == POST.title and post["body"] == POST.body and post["excerpt"] == POST.excerpt
    assert (post["published"], post["author"], post["role"]) == ("2019-04-29", POST.author, POST.role)
    assert (post["lab"], json.loads(post["labs"]), post["status"]) == ("Boden", ["Boden"], "live")
    assert post["slug"] == "vilken-resa-vi-gor"
    [raw] = rows(archive, "SELECT layers, capture_id, revision_id FROM posts")
    assert json.loads(raw["layers"])["title"] == "jsonld"
    [revision] = rows(archive, "SELECT * FROM revisions")
    assert revision["number"] == 1 and revision["id"] == raw["revision_id"]
    assert revision["capture_id"] == raw["capture_id"] == stored.capture_id
    [capture] = rows(archive, "SELECT * FROM captures")
    assert capture["warc_file"].startswith("dagbok-") and capture["warc_offset"] > 0
    [page_row] = rows(archive, "SELECT * FROM pages")
    assert (page_row["status"], page_row["etag"], page_row["post_id"]) == ("live", '"v"', 1)
    assert page_row["modified"] == "2025-01-25T06:00:00.000000Z"


def test_same_content_again_only_widens_the_revision_span(archive):
    archive.store(page())
    stored = archive.store(page(days=1))
    assert stored.outcome == Outcome.UNCHANGED
    [revision] = rows(archive, "SELECT first_seen, last_seen FROM revisions")
    assert revision == {"first_seen": "2026-03-01T06:00:00.000000Z", "last_seen": "2026-03-02T06:00:00.000000Z"}
    assert len(rows(archive, "SELECT * FROM captures")) == 2
    assert len(rows(archive, "SELECT * FROM bodies")) == 1


def test_changed_content_is_a_new_revision_and_posts_shows_the_latest(archive):
    archive.store(page())
    archive.store(page(days=1))
    changed = replace(POST, body=POST.body + "\n\nTillägg.", role="projektansvarig")
    assert archive.store(page(body=b"v2", days=2, post=changed)).outcome == Outcome.CHANGED
    revisions = rows(archive, "SELECT number, role, first_seen, last_seen FROM revisions ORDER BY number")
    assert [(r["number"], r["role"]) for r in revisions] == [(1, POST.role), (2, "projektansvarig")]
    assert revisions[0]["last_seen"] == "2026-03-02T06:00:00.000000Z"
    assert revisions[1]["first_seen"] == "2026-03-03T06:00:00.000000Z"
    [post] = rows(archive, "SELECT role, body, first_seen FROM posts")
    assert post["role"] == "projektansvarig" and post["body"].endswith("Tillägg.")
    assert post["first_seen"] == "2026-03-01T06:00:00.000000Z"


def test_layers_alone_do_not_make_a_revision(archive):
    archive.store(page())
    other_layers = replace(POST, layers={"title": Layer.LAYOUT})
    assert archive.store(page(days=1, post=other_layers)).outcome == Outcome.UNCHANGED


def test_disagreements_are_kept_with_the_revision(archive):
    from scraper.records import Disagreement

    post = replace(POST, disagreements=[Disagreement("published", Layer.OPENGRAPH, "2019-04-28")])
    archive.store(page(post=post))
    [row] = rows(archive, "SELECT field, layer, value, revision_id FROM disagreements")
    assert row == {"field": "published", "layer": "opengraph", "value": "2019-04-28", "revision_id": 1}


def test_not_modified_confirms_the_current_revision(archive):
    archive.store(page())
    stored = archive.store(page(status=304, body=b"", days=3))
    assert (stored.outcome, stored.url) == (Outcome.UNCHANGED, URL)
    [revision] = rows(archive, "SELECT last_seen FROM revisions")
    assert revision["last_seen"] == "2026-03-04T06:00:00.000000Z"
    [page_row] = rows(archive, "SELECT digest, last_seen FROM pages")
    assert page_row["digest"] is not None and page_row["last_seen"] == "2026-03-04T06:00:00.000000Z"


def test_404_marks_a_post_gone_from_the_first_miss_and_keeps_it(archive):
    archive.store(page())
    assert archive.store(page(status=404, body=b"not found", days=1)).outcome == Outcome.GONE
    assert archive.store(page(status=410, body=b"gone", days=2)).outcome == Outcome.PAGE
    [post] = rows(archive, "SELECT status, gone_since, title FROM posts")
    assert post == {"status": "gone", "gone_since": "2026-03-02T06:00:00.000000Z", "title": POST.title}


def test_a_gone_post_seen_again_is_live(archive):
    archive.store(page())
    archive.store(page(status=404, body=b"not found", days=1))
    assert archive.store(page(days=2)).outcome == Outcome.UNCHANGED
    [post] = rows(archive, "SELECT status, gone_since FROM posts")
    assert post == {"status": "live", "gone_since": None}


def test_complete_discovery_marks_unlisted_posts_gone_and_incomplete_marks_none(archive):
    archive.store(page())
    assert archive.discovery_done(DiscoveryDone(frozenset(), complete=False)) == []
    assert rows(archive, "SELECT status FROM posts") == [{"status": "live"}]
    assert archive.discovery_done(DiscoveryDone(frozenset({URL}), complete=True)) == []
    when = T0 + timedelta(days=5)
    assert archive.discovery_done(DiscoveryDone(frozenset({OTHER}), complete=True), when=when) == [URL]
    assert rows(archive, "SELECT status, gone_since FROM posts") == [
        {"status": "gone", "gone_since": "2026-03-06T06:00:00.000000Z"}]


def test_wayback_discovery_says_nothing_about_the_live_site(archive):
    archive.store(page())
    archive.source = "wayback"
    assert archive.discovery_done(DiscoveryDone(frozenset(), complete=True)) == []


def test_teasers_are_kept_with_their_host_capture_and_never_fill_its_fields(archive):
    unsigned = replace(POST, author=None, role=None)
    stored = archive.store(page(post=unsigned, teasers=[TEASER]))
    [teaser] = rows(archive, "SELECT * FROM teasers")
    assert teaser["capture_id"] == stored.capture_id and teaser["host_url"] == URL and teaser["position"] == 1
    assert (teaser["url"], teaser["author"], teaser["published"]) == (OTHER, "Olle Ek", "2019-05-02")
    [post] = rows(archive, "SELECT author, role, published FROM all_post_details")
    assert post == {"author": None, "role": None, "published": "2019-04-29"}
    assert len(rows(archive, "SELECT * FROM posts")) == 1  # a teaser alone does not make a post


@pytest.mark.parametrize("order", ["teaser-first", "404-first"])
def test_a_post_known_only_from_a_teaser_is_kept_as_teaser_only(archive, order):
    missing = page(OTHER, status=404, body=b"not found", days=1)
    host = page(teasers=[TEASER])
    for result in ([host, missing] if order == "teaser-first" else [missing, host]):
        archive.store(result)
    [post] = rows(archive, "SELECT * FROM all_post_details WHERE url = ?", [OTHER])
    assert post["status"] == "teaser-only"
    assert (post["title"], post["author"], post["role"], post["published"]) == (
        TEASER.title, "Olle Ek", "hyresgäst", "2019-05-02")
    assert post["excerpt"] == TEASER.excerpt and post["body"] is None
    assert post["lab"] == "Göteborg"
    layers = json.loads(rows(archive, "SELECT layers FROM posts WHERE url = ?", [OTHER])[0]["layers"])
    assert set(layers.values()) == {"teaser"}
    host_post = rows(archive, "SELECT author, status FROM all_post_details WHERE url = ?", [URL])[0]
    assert host_post == {"author": POST.author, "status": "live"}


def test_a_teaser_only_post_whose_page_appears_becomes_live_with_its_own_fields(archive):
    archive.store(page(OTHER, status=404, body=b"not found"))
    archive.store(page(teasers=[TEASER]))
    own = replace(POST, url=OTHER, title=TEASER.title)
    assert archive.store(page(OTHER, days=2, body=b"own", post=own)).outcome == Outcome.CHANGED
    [post] = rows(archive, "SELECT status, author, body FROM all_post_details WHERE url = ?", [OTHER])
    assert post == {"status": "live", "author": POST.author, "body": POST.body}


def test_a_failure_without_response_is_recorded_and_counted(archive):
    result = PageResult(url=OTHER, kind=PageKind.POST, source=Source.FEED, error="read timeout")
    stored = archive.store(result)
    assert (stored.outcome, stored.error) == (Outcome.FAILED, "read timeout")
    [capture] = rows(archive, "SELECT url, status, error, warc_file FROM captures")
    assert capture["url"] == OTHER and capture["status"] is None and capture["error"] == "read timeout"
    assert capture["warc_file"] is not None
    assert rows(archive, "SELECT * FROM posts") == []


def test_a_page_that_failed_to_parse_keeps_its_capture(archive):
    stored = archive.store(page(post=None, error="no title found"))
    assert stored.outcome == Outcome.FAILED
    assert len(rows(archive, "SELECT * FROM bodies")) == 1
    assert rows(archive, "SELECT * FROM posts") == []


def test_listing_pages_are_archived_as_pages(archive):
    stored = archive.store(page(SITE + "wp-json/wp/v2/posts", kind=PageKind.LISTING, post=None, body=b"[]"))
    assert stored.outcome == Outcome.PAGE
    assert rows(archive, "SELECT kind, status FROM pages") == [{"kind": "listing", "status": "live"}]


@pytest.mark.parametrize("provisional", [None, "1 page(s) failed in this run"], ids=["checked", "provisional"])
def test_a_pending_listing_keeps_its_old_validators_until_it_is_checked(archive, provisional):
    api = SITE + "wp-json/wp/v2/posts"
    listing = page(api, kind=PageKind.LISTING, post=None, body=b"[]")
    archive.store(listing)  # an earlier run's
    validators = "SELECT etag, last_modified, digest FROM pages"
    before = rows(archive, validators)
    fresh = replace(page(api, kind=PageKind.LISTING, post=None, body=b"[1]", days=1), pending=True)
    archive.store(fresh)
    assert rows(archive, validators) == before  # a run killed now leaves the page as it was: read again next run
    archive.listing_checked(ListingChecked(api, Validators('"w"', None, fresh.capture.digest), provisional))
    after = {"etag": '"w"', "last_modified": None, "digest": fresh.capture.digest}
    assert rows(archive, validators) == [dict.fromkeys(after) if provisional else after]
    archive.warc.close()
    events = [(e, EventFields.read(e.meta)) for path in warc_files(archive.warc.directory) for e in read_entries(path)]
    checked = [(e.target, fields.page_uri, e.payload["provisional"]) for e, fields in events
               if fields is not None and fields.event == Event.LISTING_CHECKED]
    assert checked == [("urn:dagbok:listing-checked", api, provisional)]  # never the listing's own URL


def test_one_page_is_one_transaction(archive, monkeypatch):
    archive.store(page())

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "record_revision", broken)
    counts = {t: archive.db[t].count for t in ("captures", "pages", "revisions", "authors", "bodies")}
    with pytest.raises(RuntimeError):
        archive.store(page(body=b"v2", days=1, post=replace(POST, author="Ny Person")))
    assert {t: archive.db[t].count for t in counts} == counts
    assert rows(archive, "SELECT last_capture_id FROM pages") == [{"last_capture_id": 1}]


def test_a_wayback_copy_older_than_the_live_text_is_an_earlier_revision(archive):
    archive.store(page())
    old = replace(POST, body="Första versionen.")
    stored = archive.store(page(body=b"2019", days=1, post=old, wayback="20190430120000"))
    assert stored.outcome == Outcome.CHANGED
    revisions = rows(archive, "SELECT number, body, first_seen FROM revisions ORDER BY number")
    assert [(r["number"], r["body"]) for r in revisions] == [(1, "Första versionen."), (2, POST.body)]
    assert revisions[0]["first_seen"] == "2019-04-30T12:00:00.000000Z"
    assert rows(archive, "SELECT body FROM posts") == [{"body": POST.body}]


def test_a_wayback_copy_of_a_gone_post_leaves_it_gone(archive):
    archive.store(page(status=404, body=b"not found"))
    archive.store(page(body=b"2019", days=1, wayback="20190430120000"))
    [post] = rows(archive, "SELECT status, gone_since, title FROM posts")
    assert post == {"status": "gone", "gone_since": "2026-03-01T06:00:00.000000Z", "title": POST.title}


def test_repeated_body_is_written_as_a_revisit(archive, tmp_path):
    archive.store(page())
    archive.store(page(days=1))
    archive.warc.close()
    types = [e.record_type for f in warc_files(tmp_path / "warc") for e in read_entries(f)]
    assert types == ["warcinfo", "response", "revisit"]
