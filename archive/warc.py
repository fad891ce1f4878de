"""WARC/1.1 files through warcio: writing a run's exchanges, rotating by size, and reading them back.

Every event that changes the database is written to the WARC first, so that
`rebuild` can replay a whole archive from these files alone:

* each HTTP exchange: a `response` record (or a `revisit` when the body is one
  already archived, or for a 304) followed by its `request` record;
* a run's start (`warcinfo`, at the head of each file);
* bookkeeping: a fetch that got no response at all, a run's end, each
  discovery, and each `listing-checked` event (the validators a pending
  listing page gets once the pages it lists are stored): `metadata` records
  with a JSON payload, addressed to `urn:dagbok:<event>`.

What the HTTP exchange does not carry travels in `Dagbok-*` WARC header
fields; that vocabulary lives in `warc_fields.py`. Files are written as
`<name>.warc.gz.open` and renamed when closed, so a file left by a killed run
is recognisable and can be repaired (`repair_open_files`).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import io
import json
import os
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from scraper.errors import DagbokError
from scraper.records import REPLAY_URL_HEADER, Capture
from scraper.version import user_agent

from .captures import WarcLocation
from .warc_fields import EventFields, ExchangeFields, PageFields, RunInfo, dagbok_fields, event_target

DEFAULT_MAX_SIZE = 100_000_000  # bytes: 100 MB, as `--warc-max-size 100`
OPEN_SUFFIX = ".open"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Headers that describe the transfer, not the payload: the Fetcher hands us a decoded body.
TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


class WarcError(DagbokError):
    """A WARC directory that cannot be written or read."""


class _Sha256Writer(WARCWriter):
    """warcio's writer with sha256 block and payload digests (the archive's digest everywhere)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")


def payload_digest(digest: str) -> str:
    """The WARC form (`sha256:<base32>`) of the archive's digest (`sha256:<hex>`); `archive_digest` reverses it."""
    return "sha256:" + base64.b32encode(bytes.fromhex(digest.removeprefix("sha256:"))).decode("ascii")


def archive_digest(warc_digest: str) -> str:
    """The archive's form (`sha256:<hex>`) of a WARC payload digest (`sha256:<base32>`)."""
    algorithm, _, value = warc_digest.partition(":")
    if algorithm.lower() != "sha256":
        raise WarcError(f"payload digest {warc_digest!r} is not sha256; dagbok reads only WARC files it wrote")
    return "sha256:" + base64.b32decode(value).hex()


def warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def file_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Reference:
    """The earlier capture a revisit record points at.

    For a 304, `status`, `headers`, `digest` and `size` describe the stored
    response the 304 confirmed, so the record can say what a cache serves.
    """

    url: str
    date: datetime
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    digest: str | None = None
    size: int | None = None


class WarcWriter:
    """Writes one run's WARC files, `dagbok-<run start>-<n>.warc.gz`, rotated once past `max_size`.

    Each file opens with a `warcinfo` record describing the run, so every file
    can be read on its own.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        started: datetime,
        run_info: dict[str, str],
        max_size: int = DEFAULT_MAX_SIZE,
    ) -> None:
        self.directory = Path(directory)
        self.started = started
        self.run_info = run_info
        self.max_size = max_size
        self.files: list[Path] = []
        self._number = 0
        self._handle: io.BufferedWriter | None = None
        self._writer: _Sha256Writer | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WarcError(f"cannot create WARC directory {self.directory}: {error.strerror}; choose another --warc-dir") from error

    # -- files -------------------------------------------------------------

    @property
    def current_name(self) -> str:
        return f"dagbok-{file_stamp(self.started)}-{self._number:05d}.warc.gz"

    def _open_next(self) -> None:
        self._close_current()
        self._number += 1
        path = self.directory / (self.current_name + OPEN_SUFFIX)
        try:
            self._handle = _create_locked(path)
        except OSError as error:
            raise WarcError(f"cannot create WARC file {path}: {error.strerror}") from error
        self._writer = _Sha256Writer(self._handle, gzip=True, warc_version="WARC/1.1")
        info = {"software": user_agent(), "format": "WARC File Format 1.1", **self.run_info}
        record = self._writer.create_warcinfo_record(self.current_name, info)
        record.rec_headers.replace_header("WARC-Date", warc_date(self.started))
        self._writer.write_record(record)

    def _close_current(self) -> None:
        if self._handle is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        open_path = self.directory / (self.current_name + OPEN_SUFFIX)
        final = open_path.with_name(open_path.name.removesuffix(OPEN_SUFFIX))
        open_path.rename(final)  # still locked: no repair can take the file between its last byte and its name
        self._handle.close()
        self.files.append(final)
        self._handle = None
        self._writer = None

    def _ready(self) -> _Sha256Writer:
        if self._handle is None or self._handle.tell() >= self.max_size:
            self._open_next()
        assert self._writer is not None
        return self._writer

    def _location(self) -> WarcLocation:
        assert self._handle is not None
        return WarcLocation(self.current_name, self._handle.tell())

    def _flush(self) -> None:
        # The record must reach the OS before the database commits the row that points at it; a
        # killed process loses nothing flushed. (fsync at close; the database itself runs with
        # synchronous=NORMAL, so a power cut can cost both the same last pages.)
        assert self._handle is not None
        self._handle.flush()

    def close(self) -> None:
        self._close_current()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- records -----------------------------------------------------------

    def write_exchange(
        self,
        capture: Capture,
        *,
        meta: dict[str, str],
        revisit_of: Reference | None = None,
    ) -> WarcLocation:
        """Write a response (or revisit) record and its request record; return where the first starts.

        The target is the final URL. A Wayback capture comes re-addressed to its
        original URL; then WARC-Date is the Wayback capture time and
        `Dagbok-Replay-URI` names the replay URL it was fetched from.

        A 304 is a `revisit` with WARC/1.1's server-not-modified profile. When
        the body it confirmed is known (`revisit_of` with a digest), the record's
        HTTP block is that stored response refreshed by the 304's headers, as a
        cache serves it after revalidation (RFC 9111, 4.3.4), with the body's
        payload digest: replay tools then show the page, where a 304 block
        replays as an empty 304. The 304 as received is kept in
        `Dagbok-Not-Modified`.
        """
        writer = self._ready()
        location = self._location()
        target = capture.final_url
        date = capture.captured
        confirms = capture.status == 304 and _confirms_body(revisit_of)
        exchange = ExchangeFields(
            requested_uri=capture.url,
            final_uri=capture.final_url,
            fetched=warc_date(capture.fetched),
            wayback_timestamp=capture.wayback_timestamp,
            replay_uri=capture.request_headers.get(REPLAY_URL_HEADER) if capture.wayback_timestamp else None,
            truncated=capture.truncated,
            not_modified=_kept_headers(capture) if confirms else None,
        )
        headers = {**exchange.write(), **meta, "WARC-Date": warc_date(date)}
        record = _exchange_record(writer, capture, headers, revisit_of)
        request = writer.create_warc_record(
            target,
            "request",
            http_headers=_request_headers(capture),
            warc_headers_dict={"WARC-Date": headers["WARC-Date"]},
        )
        writer.write_request_response_pair(request, record)
        self._flush()
        return location

    def write_event(
        self, fields: EventFields, payload: dict, *, date: datetime, page: PageFields | None = None
    ) -> WarcLocation:
        """Write a bookkeeping `metadata` record (JSON payload) addressed to `urn:dagbok:<event>`.

        A failed fetch's record also carries its page's fields, so rebuild knows what was asked for.
        """
        writer = self._ready()
        location = self._location()
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        record = writer.create_warc_record(
            event_target(fields.event),
            "metadata",
            payload=io.BytesIO(data),
            length=len(data),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": warc_date(date), **(page.write() if page else {}), **fields.write()},
        )
        writer.write_record(record)
        self._flush()
        return location


def _exchange_record(writer: _Sha256Writer, capture: Capture, headers: dict[str, str],
                     revisit_of: Reference | None):
    """The record of an exchange: a response, an identical-payload revisit, or a 304's revisit."""
    target = capture.final_url
    if capture.status == 304 and _confirms_body(revisit_of):
        record = writer.create_revisit_record(
            target,
            payload_digest(revisit_of.digest),
            revisit_of.url,
            warc_date(revisit_of.date),
            http_headers=_refreshed_headers(revisit_of, capture),
            warc_headers_dict=headers,
        )
        record.rec_headers.replace_header("WARC-Profile", PROFILE_NOT_MODIFIED)
        return record
    if capture.status == 304:  # no body known to point at: the 304 as it came
        record = writer.create_warc_record(
            target, "revisit", http_headers=_response_headers(capture), warc_headers_dict=headers
        )
        record.rec_headers.add_header("WARC-Profile", PROFILE_NOT_MODIFIED)
        if revisit_of is not None:
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", revisit_of.url)
            record.rec_headers.add_header("WARC-Refers-To-Date", warc_date(revisit_of.date))
        return record
    if revisit_of is not None:
        return writer.create_revisit_record(
            target,
            payload_digest(capture.digest),
            revisit_of.url,
            warc_date(revisit_of.date),
            http_headers=_response_headers(capture),
            warc_headers_dict=headers,
        )
    return writer.create_warc_record(
        target,
        "response",
        payload=io.BytesIO(capture.body),
        length=len(capture.body),
        http_headers=_response_headers(capture),
        warc_headers_dict={**headers, "WARC-Payload-Digest": payload_digest(capture.digest)},
    )


def _confirms_body(reference: Reference | None) -> bool:
    return reference is not None and reference.digest is not None and reference.size is not None


def _kept_headers(capture: Capture) -> list[tuple[str, str]]:
    """The response headers that describe the payload (the Fetcher hands us a decoded body)."""
    return [(name, value) for name, value in capture.headers.items() if name.lower() not in TRANSFER_HEADERS]


def _status_line(status: int) -> str:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return f"{status} {reason}".strip()


def _refreshed_headers(stored: Reference, capture: Capture) -> StatusAndHeaders:
    """The stored response's status and headers, updated by a 304's headers (RFC 9111, 4.3.4)."""
    merged = {name.lower(): (name, value) for name, value in stored.headers.items() if value is not None}
    for name, value in _kept_headers(capture):
        merged[name.lower()] = (name, value)
    merged.pop("content-length", None)
    headers = [*merged.values(), ("content-length", str(stored.size))]
    return StatusAndHeaders(_status_line(stored.status), headers, protocol="HTTP/1.1")


def _response_headers(capture: Capture) -> StatusAndHeaders:
    headers = _kept_headers(capture)
    if capture.status != 304:
        headers.append(("content-length", str(len(capture.body))))
    return StatusAndHeaders(_status_line(capture.status), headers, protocol="HTTP/1.1")


def _request_headers(capture: Capture) -> StatusAndHeaders:
    """The request as sent; a Wayback capture's request went to its replay URL."""
    headers = dict(capture.request_headers)
    parts = urlsplit(headers.pop(REPLAY_URL_HEADER, None) or capture.url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if not any(name.lower() == "host" for name in headers):
        headers = {"Host": parts.netloc, **headers}
    return StatusAndHeaders(f"GET {path} HTTP/1.1", list(headers.items()), is_http_request=True)


# -- reading ---------------------------------------------------------------


@dataclass
class WarcEntry:
    """One record read back: its type, where it is, its Dagbok headers and what it carried."""

    record_type: str  # warcinfo | response | revisit | metadata
    location: WarcLocation
    target: str
    date: datetime
    meta: dict[str, str] = field(default_factory=dict)  # Dagbok-* headers, names lower-case
    info: dict[str, str] = field(default_factory=dict)  # warcinfo fields
    payload: dict | None = None  # metadata JSON
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # HTTP response headers, lower-case
    body: bytes | None = None  # None for revisits: the body is one already archived
    digest: str | None = None  # archive form, sha256:<hex>
    profile: str | None = None


def warc_files(directory: Path | str) -> list[Path]:
    """The finished WARC files of a directory, oldest run first (names start with the run's start)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise WarcError(f"no WARC directory at {directory}; pass the --warc-dir the crawls wrote to")
    return sorted(path for path in directory.iterdir() if path.name.endswith(".warc.gz"))


UNNAMED = "unnamed"  # the name rebuild and export give the files written before archives had ids


@dataclass
class WarcArchive:
    """The WARC files of one archive in a folder, known by the id their `warcinfo` names (None: no id).

    `without_id` are those of `files` that name no id (written before archives had one).
    """

    id: str | None
    files: list[Path] = field(default_factory=list)
    without_id: list[Path] = field(default_factory=list)
    runs: dict[Path, RunInfo] = field(default_factory=dict)  # the run of each file, as its warcinfo describes it

    @property
    def name(self) -> str:
        return self.id or UNNAMED

    def describe(self) -> str:
        """`<id> (3 files, runs 2026-11-01 to 2026-11-29, <site>)`: enough for a user to tell it."""
        days = sorted(run.started[:10] for run in self.runs.values() if run.started)
        span = "" if not days else f", runs {days[0]}" + (f" to {days[-1]}" if days[-1] != days[0] else "")
        sites = ", ".join(sorted({run.site for run in self.runs.values() if run.site}))
        return f"{self.name} ({len(self.files)} files{span}{', ' + sites if sites else ''})"

    def take(self, other: WarcArchive) -> None:
        self.files = sorted(self.files + other.files)
        self.without_id += other.files
        self.runs.update(other.runs)

    def only(self, files: list[Path]) -> WarcArchive:
        """This archive with only those of its files that are in `files`."""
        kept = [path for path in self.files if path in files]
        return WarcArchive(self.id, kept, [path for path in self.without_id if path in kept],
                           {path: run for path, run in self.runs.items() if path in kept})

    def clash(self) -> tuple[Path, Path] | None:
        """Two files of runs numbered alike that started at different times: files of two databases
        (a copied one, or two from before ids) that nothing tells apart; None when there are none."""
        first: dict[str, Path] = {}
        for path, run in self.runs.items():
            seen = first.setdefault(run.run, path)
            if self.runs[seen].started != run.started:
                return seen, path
        return None


def warc_archives(files: list[Path]) -> list[WarcArchive]:
    """The archives `files` belong to, by the id each file's `warcinfo` names, oldest first.

    Files that name no id were written before archives had ids. They are the files of the
    one archive whose named files begin after its run 1 (an archive older than its id: its
    first runs wrote them); with no such archive, or more than one, they form an archive of
    their own, `unnamed`, since nothing tells whose they are.
    """
    found: dict[str | None, WarcArchive] = {}
    for path in files:
        info = _run_info(path)
        archive = found.setdefault(info.archive if info else None, WarcArchive(info.archive if info else None))
        archive.files.append(path)
        if info is not None:
            archive.runs[path] = info
    unnamed = found.pop(None, None)
    if unnamed is not None:
        unnamed.without_id = list(unnamed.files)
        older = [archive for archive in found.values()
                 if min((int(run.run) for run in archive.runs.values() if run.run.isdigit()), default=1) > 1]
        if len(older) == 1:
            older[0].take(unnamed)
        else:
            found[None] = unnamed
    return sorted(found.values(), key=lambda archive: archive.files[0].name)


def files_of_runs(archives: list[WarcArchive], started: Collection[str]) -> tuple[list[Path], list[WarcArchive]]:
    """The files a database's runs wrote, and the folder's other files by archive.

    A database knows its runs (`crawl_runs.started`, to the microsecond, as each file's
    warcinfo says it), so this tells its files exactly whatever their ids say: those
    written before archives had ids, and not those of a copy of the database sharing its id.
    """
    own = sorted(path for archive in archives for path, run in archive.runs.items() if run.started in started)
    others = [archive.only([path for path in archive.files if path not in own]) for archive in archives]
    return own, [other for other in others if other.files]


def _run_info(path: Path) -> RunInfo | None:
    """The run a file's opening `warcinfo` describes (None for a file that opens with none)."""
    with contextlib.closing(read_entries(path)) as entries:
        first = next(entries, None)
    return RunInfo.read(first.info) if first is not None and first.record_type == "warcinfo" else None


def read_entries(path: Path) -> Iterator[WarcEntry]:
    """Read one WARC file back; request records are skipped (the response carries what matters)."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                record_type = record.rec_type
                if record_type == "request":
                    continue
                rec = record.rec_headers
                # Read the content before asking for the offset: asking reads the record to its end.
                content = record.content_stream().read()
                entry = WarcEntry(
                    record_type=record_type,
                    location=WarcLocation(path.name, iterator.get_record_offset()),
                    target=rec.get_header("WARC-Target-URI") or "",
                    date=_parse_warc_date(rec.get_header("WARC-Date")),
                    meta=dagbok_fields(rec.headers),
                    profile=rec.get_header("WARC-Profile"),
                )
                if record_type == "warcinfo":
                    entry.info = _parse_fields(content)
                elif record_type == "metadata":
                    entry.payload = json.loads(content.decode("utf-8"))
                elif record_type in ("response", "revisit"):
                    http = record.http_headers
                    entry.status = int(http.get_statuscode())
                    entry.headers = {name.lower(): value for name, value in http.headers}
                    exchange = ExchangeFields.read(entry.meta, target=entry.target, date="")
                    if exchange.not_modified is not None:  # the block is the response the 304 confirmed
                        entry.status = 304
                        entry.headers = {name.lower(): value for name, value in exchange.not_modified}
                    digest = rec.get_header("WARC-Payload-Digest")
                    entry.digest = archive_digest(digest) if digest else None
                    if record_type == "response":
                        entry.body = content
                yield entry
        except ArchiveLoadFailed as error:
            raise WarcError(f"{path.name} is damaged ({error}); run `dagbok crawl` once to repair it, or move it aside") from error


def _parse_warc_date(text: str | None) -> datetime:
    if not text:
        raise WarcError("a WARC record without WARC-Date")
    return iso_date_to_datetime(text).replace(tzinfo=UTC)


def _parse_fields(content: bytes) -> dict[str, str]:
    fields = {}
    for line in content.decode("utf-8").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def entry_capture(entry: WarcEntry, body: bytes) -> Capture:
    """The Capture a response or revisit record was written from."""
    exchange = ExchangeFields.read(entry.meta, target=entry.target, date=warc_date(entry.date))
    return Capture(
        url=exchange.requested_uri,
        final_url=exchange.final_uri,
        status=entry.status or 0,
        headers=dict(entry.headers),
        body=body,
        fetched=_parse_warc_date(exchange.fetched),
        truncated=exchange.truncated,
        wayback_timestamp=exchange.wayback_timestamp,
    )


CREATING_SUFFIX = ".new"  # a file being created, before it is locked and named `.open`


def _create_locked(path: Path) -> io.BufferedWriter:
    """Create `path` for writing, holding an `flock` on it from before it has its name.

    The kernel releases the lock when the writer dies, however it dies, so a `.open` file
    whose lock is free is one a dead run left; one whose lock is held belongs to a live run
    (of this or another database sharing the folder) and is never repaired.
    """
    hidden = path.with_name("." + path.name + CREATING_SUFFIX)
    handle = open(hidden, "xb")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        if path.exists():
            raise FileExistsError(17, "File exists", str(path))
        hidden.rename(path)
    except BaseException:
        handle.close()
        hidden.unlink(missing_ok=True)
        raise
    return handle


def _lock_if_abandoned(path: Path) -> io.BufferedRandom | None:
    """Open and lock a `.open` file its writer has left (dead, or finished meanwhile); None if it is live."""
    try:
        stream = open(path, "r+b")
    except FileNotFoundError:
        return None  # its writer finished it since the directory was listed
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(stream.fileno()).st_ino != os.stat(path).st_ino:
            raise FileNotFoundError(path)
    except (BlockingIOError, FileNotFoundError):
        stream.close()
        return None
    return stream


def repair_open_files(directory: Path | str) -> list[Path]:
    """Finish WARC files left open by killed runs: cut any half-written record, then rename.

    A run renames its files when it closes them, so a `.open` file whose lock is free
    means its run died; files another live run holds locked are left alone. Records
    before the damage are kept; the database never points past them because each record
    is on disk before its row commits.
    """
    directory = Path(directory)
    repaired = []
    if not directory.is_dir():
        return repaired
    for path in sorted(directory.glob(".*.warc.gz" + OPEN_SUFFIX + CREATING_SUFFIX)):
        stream = _lock_if_abandoned(path)
        if stream is not None:  # a run killed while creating a file: nothing in it yet
            with stream:
                path.unlink()
    for path in sorted(directory.glob("*.warc.gz" + OPEN_SUFFIX)):
        stream = _lock_if_abandoned(path)
        if stream is None:
            continue
        with stream:
            good_end = _whole_members_end(stream.read())
            stream.truncate(good_end)
            stream.flush()
            os.fsync(stream.fileno())
            if good_end == 0:
                path.unlink()
                continue
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            path.rename(final)
        repaired.append(final)
    return repaired


def _whole_members_end(data: bytes, chunk: int = 2**16) -> int:
    """Where the last complete gzip member (one WARC record each) ends."""
    view = memoryview(data)
    end = 0
    while end < len(data):
        inflater = zlib.decompressobj(wbits=31)
        head = b""
        position = end
        try:
            while not inflater.eof and position < len(data):
                piece = view[position : position + chunk]
                position += len(piece)
                out = inflater.decompress(piece)
                if len(head) < 5:
                    head += out[:5]
        except zlib.error:
            break
        if not inflater.eof or not head.startswith(b"WARC/"):
            break
        end = position - len(inflater.unused_data)
    return end
