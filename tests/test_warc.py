"""WARC writing through warcio: records, digests, revisits, rotation, reading back, repair."""

from __future__ import annotations

import gc
import gzip
import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from archive.warc import (
    OPEN_SUFFIX,
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    Reference,
    WarcError,
    WarcWriter,
    entry_capture,
    read_entries,
    repair_open_files,
    warc_files,
)
from archive.warc_fields import Event, EventFields, PageFields, RunInfo
from scraper.names import PageKind, Source
from scraper.records import REPLAY_URL_HEADER, Capture
from tests.console_scripts import WARCIO

STARTED = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def page(path: str, body: bytes, *, status: int = 200, minutes: int = 0, **extra) -> Capture:
    url = f"http://127.0.0.1:8000/{path}"
    return Capture(
        url=url,
        final_url=url,
        status=status,
        headers={"content-type": "text/html; charset=utf-8", "etag": f'"{len(body)}"', "content-encoding": "gzip"},
        body=body,
        fetched=STARTED + timedelta(minutes=minutes),
        request_headers={"User-Agent": "dagbok/test"},
        **extra,
    )


def writer(directory, **options) -> WarcWriter:
    info = RunInfo(run="1", site="http://127.0.0.1:8000/", source="live", full=False, pid=1, started="2026-03-01T06:00:00Z")
    return WarcWriter(directory, started=STARTED, run_info=info.write(), **options)


def test_warcinfo_names_the_archive_and_files_written_before_ids_name_none(tmp_path):
    info = RunInfo(run="3", site="http://127.0.0.1:8000/", source="live", full=True, pid=9,
                   started="2026-03-01T06:00:00Z", archive="5f0c6e1a-0000-4000-8000-000000000001")
    with WarcWriter(tmp_path / "named", started=STARTED, run_info=info.write()) as w:
        w.write_event(EventFields("3", Event.RUN_END), {"run": 3}, date=STARTED)
    with writer(tmp_path / "legacy") as w:
        w.write_event(EventFields("1", Event.RUN_END), {"run": 1}, date=STARTED)
    [named] = [e for e in read_entries(warc_files(tmp_path / "named")[0]) if e.record_type == "warcinfo"]
    [legacy] = [e for e in read_entries(warc_files(tmp_path / "legacy")[0]) if e.record_type == "warcinfo"]
    assert RunInfo.read(named.info) == info and named.info["dagbok-archive"] == info.archive
    assert RunInfo.read(legacy.info).archive is None


def warcio(*args) -> subprocess.CompletedProcess:
    return subprocess.run([WARCIO, *args], capture_output=True, text=True, check=False)


def test_exchanges_pass_warcio_check_and_index_lists_every_url(tmp_path):
    with writer(tmp_path) as w:
        w.write_exchange(page("a/", "Hej på dig – ”citat”".encode()), meta={"Dagbok-Kind": "post"})
        w.write_exchange(page("b/", b"<p>B</p>", minutes=1), meta={"Dagbok-Kind": "post"})
        w.write_event(EventFields("1", Event.FAILURE, page_uri="http://127.0.0.1:8000/c/"), {"error": "read timeout"},
                      date=STARTED)
    files = warc_files(tmp_path)
    assert [f.name for f in files] == ["dagbok-20260301T060000000000Z-00001.warc.gz"]
    check = warcio("check", "-v", str(files[0]))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    index = [json.loads(line) for line in warcio("index", str(files[0])).stdout.splitlines()]
    assert [(r["warc-type"], r.get("warc-target-uri")) for r in index] == [
        ("warcinfo", None),
        ("response", "http://127.0.0.1:8000/a/"),
        ("request", "http://127.0.0.1:8000/a/"),
        ("response", "http://127.0.0.1:8000/b/"),
        ("request", "http://127.0.0.1:8000/b/"),
        ("metadata", "urn:dagbok:failure"),  # bookkeeping never takes a page's URL: replay tools would show it
    ]


def test_response_and_request_records_carry_warc_1_1_headers(tmp_path):
    with writer(tmp_path) as w:
        location = w.write_exchange(page("a/", b"body"), meta={"Dagbok-Kind": "post"})
    raw = gzip.open(warc_files(tmp_path)[0]).read().decode()
    assert raw.startswith("WARC/1.1\r\n")
    assert "WARC-Payload-Digest: sha256:" in raw
    assert "WARC-Concurrent-To:" in raw
    assert "GET /a/ HTTP/1.1" in raw
    assert "content-encoding" not in raw.lower()  # the stored body is the decoded one
    assert location.offset > 0


def test_same_body_again_is_a_revisit_pointing_at_the_first(tmp_path):
    first = page("a/", b"same body")
    with writer(tmp_path) as w:
        w.write_exchange(first, meta={})
        w.write_exchange(page("a/", b"same body", minutes=5), meta={}, revisit_of=Reference(first.url, first.fetched))
    entries = [e for e in read_entries(warc_files(tmp_path)[0]) if e.record_type != "warcinfo"]
    assert [e.record_type for e in entries] == ["response", "revisit"]
    assert entries[1].profile == PROFILE_IDENTICAL
    assert entries[1].digest == entries[0].digest == first.digest
    assert entries[1].body is None
    assert warcio("check", str(warc_files(tmp_path)[0])).returncode == 0


def test_not_modified_is_a_server_not_modified_revisit(tmp_path):
    first = page("a/", b"v1")
    with writer(tmp_path) as w:
        w.write_exchange(first, meta={})
        w.write_exchange(page("a/", b"", status=304, minutes=5), meta={}, revisit_of=Reference(first.url, first.fetched))
    entry = list(read_entries(warc_files(tmp_path)[0]))[-1]
    assert (entry.record_type, entry.status, entry.profile) == ("revisit", 304, PROFILE_NOT_MODIFIED)


def test_not_modified_on_a_known_body_shows_that_body_and_reads_back_as_the_304(tmp_path):
    first = page("a/", "Vi åt lunch".encode())
    not_modified = Capture(url=first.url, final_url=first.url, status=304, headers={"etag": '"new"', "date": "x"},
                           body=b"", fetched=STARTED + timedelta(minutes=5))
    stored = Reference(first.url, first.fetched, status=200, headers={"content-type": "text/html; charset=utf-8",
                       "etag": '"old"', "last-modified": None, "date": "y"}, digest=first.digest, size=len(first.body))
    with writer(tmp_path) as w:
        w.write_exchange(first, meta={})
        w.write_exchange(not_modified, meta={}, revisit_of=stored)
    path = warc_files(tmp_path)[0]
    raw = gzip.open(path).read().decode()
    block = raw.split("WARC-Type: revisit", 1)[1]
    assert "HTTP/1.1 200 OK" in block and "content-type: text/html; charset=utf-8" in block
    assert 'etag: "new"' in block and f"content-length: {len(first.body)}" in block  # refreshed by the 304
    entries = list(read_entries(path))
    assert entries[-1].profile == PROFILE_NOT_MODIFIED and entries[-1].digest == first.digest
    back = entry_capture(entries[-1], b"")
    assert (back.status, back.headers) == (304, {"etag": '"new"', "date": "x"})  # the 304 as received
    assert warcio("check", str(path)).returncode == 0


def test_files_rotate_at_the_size_limit_and_each_passes_check(tmp_path):
    with writer(tmp_path, max_size=4000) as w:
        for number in range(12):
            w.write_exchange(page(f"p{number}/", bytes(range(256)) * 4 + str(number).encode()), meta={})
    files = warc_files(tmp_path)
    assert len(files) > 2
    assert [f.name[-13:] for f in files[:2]] == ["00001.warc.gz", "00002.warc.gz"]
    urls = []
    for f in files:
        assert warcio("check", str(f)).returncode == 0
        entries = list(read_entries(f))
        assert entries[0].record_type == "warcinfo" and RunInfo.read(entries[0].info).run == "1"
        urls += [e.target for e in entries[1:]]
    assert urls == [f"http://127.0.0.1:8000/p{n}/" for n in range(12)]


def test_reading_back_gives_the_capture_that_was_written(tmp_path):
    original = page("a/", "Vi åt lunch".encode(), status=200)
    with writer(tmp_path) as w:
        page_fields = PageFields(run="1", page_uri=original.url, kind=PageKind.POST, source=Source.API)
        location = w.write_exchange(original, meta=page_fields.write())
    entry = list(read_entries(warc_files(tmp_path)[0]))[1]
    assert entry.location == location
    fields = PageFields.read(entry.meta, target=entry.target)
    assert (fields.kind, fields.source) == (PageKind.POST, Source.API)
    back = entry_capture(entry, entry.body)
    assert (back.url, back.final_url, back.status, back.body, back.fetched) == (
        original.url, original.final_url, 200, original.body, original.fetched)
    assert back.headers["etag"] == original.headers["etag"]
    assert back.charset == "utf-8"


def test_wayback_capture_is_dated_by_its_timestamp_and_names_the_replay_url(tmp_path):
    replay = "http://127.0.0.1:9000/web/20190429101500id_/https://www.allmannyttan.se/a/"
    capture = Capture(
        url="https://www.allmannyttan.se/a/",
        final_url="https://www.allmannyttan.se/a/",
        status=200,
        headers={"content-type": "text/html"},
        body=b"<p>2019</p>",
        fetched=STARTED,
        request_headers={REPLAY_URL_HEADER: replay},
        wayback_timestamp="20190429101500",
    )
    with writer(tmp_path) as w:
        w.write_exchange(capture, meta={})
    entry = list(read_entries(warc_files(tmp_path)[0]))[1]
    assert entry.target == "https://www.allmannyttan.se/a/"
    assert entry.date == datetime(2019, 4, 29, 10, 15, tzinfo=UTC)
    back = entry_capture(entry, entry.body)
    assert back.fetched == STARTED and back.wayback_timestamp == "20190429101500"
    raw = gzip.open(warc_files(tmp_path)[0]).read().decode()
    assert "GET /web/20190429101500id_/https://www.allmannyttan.se/a/ HTTP/1.1" in raw


def test_a_file_left_open_by_a_killed_run_is_cut_at_the_last_whole_record(tmp_path):
    w = writer(tmp_path)
    w.write_exchange(page("a/", b"kept"), meta={})
    second = w.write_exchange(page("b/", bytes(range(256)) * 20), meta={})
    open_file = w.directory / (w.current_name + OPEN_SUFFIX)
    with open(open_file, "r+b") as f:  # what a SIGKILL in the middle of the second response leaves
        f.truncate(second.offset + 200)
    assert warc_files(tmp_path) == []  # an open file is not a finished one
    assert repair_open_files(tmp_path) == [] and open_file.exists()  # its writer still lives: never touched
    del w  # the writer is gone without closing its file (as in a kill): the kernel drops its lock
    gc.collect()
    repaired = repair_open_files(tmp_path)
    assert [f.name for f in repaired] == ["dagbok-20260301T060000000000Z-00001.warc.gz"]
    assert warcio("check", str(repaired[0])).returncode == 0
    assert [e.target for e in read_entries(repaired[0])][1:] == ["http://127.0.0.1:8000/a/"]


def test_a_live_writer_keeps_its_file_through_another_runs_repair(tmp_path):
    """Two databases in one folder share warc/: one run's start-up repair must not take the other's file."""
    first = writer(tmp_path)
    first.write_exchange(page("a/", b"den ena"), meta={})
    second = WarcWriter(tmp_path, started=STARTED + timedelta(seconds=1), run_info={"dagbok-run": "2"})
    assert repair_open_files(tmp_path) == []  # what the second run does before it writes
    second.write_exchange(page("b/", b"den andra"), meta={})
    first.write_exchange(page("c/", b"den ena igen"), meta={})
    first.close()
    second.close()
    assert [path.name for path in warc_files(tmp_path)] == [
        "dagbok-20260301T060000000000Z-00001.warc.gz", "dagbok-20260301T060001000000Z-00001.warc.gz"]
    for path in warc_files(tmp_path):
        assert warcio("check", str(path)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in warc_files(tmp_path)]  # nothing left over


def test_a_missing_directory_is_reported_with_the_option_to_use(tmp_path):
    with pytest.raises(WarcError, match="no WARC directory at .*--warc-dir"):
        warc_files(tmp_path / "nowhere")


def test_a_body_cut_at_the_size_cap_says_so_in_warc_truncated(tmp_path):
    cut = page("stor/", b"x" * 100, truncated=True)
    with writer(tmp_path) as w:
        w.write_exchange(cut, meta={})
    path = warc_files(tmp_path)[0]
    assert "WARC-Truncated: length" in gzip.open(path).read().decode()
    assert warcio("check", str(path)).returncode == 0
    entry = list(read_entries(path))[1]
    assert entry_capture(entry, entry.body).truncated is True
