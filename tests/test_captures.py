"""Captures: provenance of every exchange, bodies kept once per digest, compressed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from archive.captures import WarcLocation, insert_capture, iso, read_body, store_body
from archive.schema import open_database
from scraper.records import Capture

MOMENT = datetime(2026, 3, 1, 6, 30, 5, 123456, tzinfo=UTC)
PAGE = ("<p>Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se.</p>\n" * 200).encode()


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "archive.db", lab_names=["Boden"])
    database["crawl_runs"].insert({"id": 1, "started": iso(MOMENT), "site": "x", "source": "live", "status": "running"})
    yield database
    database.close()


def capture(status=200, body=PAGE, **extra) -> Capture:
    headers = {
        "content-type": "text/html; charset=utf-8",
        "etag": '"abc"',
        "last-modified": "Mon, 29 Apr 2019 08:00:00 GMT",
        "date": "Sun, 01 Mar 2026 06:30:05 GMT",
    }
    return Capture(
        url="https://www.allmannyttan.se/a",
        final_url="https://www.allmannyttan.se/a/",
        status=status,
        headers=headers,
        body=body,
        fetched=MOMENT,
        **extra,
    )


def add(db, cap, **kwargs):
    options = dict(run_id=1, url=cap.url if cap else "https://x/", kind="post", source="api", capture=cap,
                   fetched=MOMENT, error=None, location=WarcLocation("f.warc.gz", 0))
    options.update(kwargs)
    return insert_capture(db, **options)


def test_a_body_is_stored_once_per_digest_and_compressed(db):
    first = store_body(db, capture())
    second = store_body(db, capture(status=404))  # another exchange, the same bytes
    assert first == second == "sha256:" + hashlib.sha256(PAGE).hexdigest()
    row = next(db.query("SELECT * FROM bodies"))
    assert db["bodies"].count == 1
    assert row["size"] == len(PAGE) and row["compression"] == "zlib"
    assert len(row["data"]) < len(PAGE) / 10
    assert read_body(db, first) == PAGE


def test_capture_row_keeps_the_provenance_of_the_exchange(db):
    capture_id = add(db, capture())
    row = db["captures"].get(capture_id)
    assert row["url"] == "https://www.allmannyttan.se/a"
    assert row["final_url"] == "https://www.allmannyttan.se/a/"
    assert row["status"] == 200
    assert row["content_type"] == "text/html; charset=utf-8"
    assert row["etag"] == '"abc"'
    assert row["last_modified"] == "Mon, 29 Apr 2019 08:00:00 GMT"
    assert row["http_date"] == "Sun, 01 Mar 2026 06:30:05 GMT"
    assert row["fetched"] == "2026-03-01T06:30:05.123456Z"
    assert row["digest"] == capture().digest
    assert (row["run_id"], row["kind"], row["source"]) == (1, "post", "api")
    assert (row["warc_file"], row["warc_offset"]) == ("f.warc.gz", 0)


def test_two_captures_of_one_body_share_it(db):
    add(db, capture())
    add(db, capture())
    assert db["captures"].count == 2
    assert db["bodies"].count == 1


def test_not_modified_has_no_body_of_its_own(db):
    row = db["captures"].get(add(db, capture(status=304, body=b"")))
    assert row["status"] == 304 and row["digest"] is None
    assert db["bodies"].count == 0


def test_failure_without_response_keeps_url_time_and_error(db):
    row = db["captures"].get(add(db, None, url="https://x/slow/", error="read timeout"))
    assert (row["url"], row["status"], row["digest"], row["error"]) == ("https://x/slow/", None, None, "read timeout")
    assert row["fetched"] == "2026-03-01T06:30:05.123456Z"


def test_error_page_body_is_kept_too(db):
    row = db["captures"].get(add(db, capture(status=500, body=b"Internal error"), error="HTTP 500"))
    assert read_body(db, row["digest"]) == b"Internal error"


def test_wayback_capture_keeps_its_timestamp_and_is_observed_then(db):
    cap = capture(wayback_timestamp="20190429101500")
    row = db["captures"].get(add(db, cap))
    assert row["wayback_timestamp"] == "20190429101500"
    assert cap.captured == datetime(2019, 4, 29, 10, 15, tzinfo=UTC)
    assert capture().captured == MOMENT


def test_timestamps_are_stored_as_utc_text():
    stockholm = timezone(timedelta(hours=2))
    assert iso(datetime(2019, 4, 29, 10, 0, tzinfo=stockholm)) == "2019-04-29T08:00:00.000000Z"
    with pytest.raises(ValueError, match="naive"):
        iso(datetime(2019, 4, 29, 10, 0))
