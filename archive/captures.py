"""Captures: every HTTP exchange as a row, and each distinct body once, compressed, by sha256."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from scraper.records import Capture, wayback_moment

COMPRESSION = "zlib"


def iso(moment: datetime) -> str:
    """A UTC timestamp as stored in the database: `2019-04-29T08:15:00.000000Z`.

    Microseconds are kept so that two observations in one second still order.
    """
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: dagbok stores only timezone-aware UTC times")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def stored_moment(wayback_timestamp: str | None, fetched: str) -> datetime:
    """`Capture.captured` of a stored capture, from its row: the Wayback capture time, else the fetch time."""
    return wayback_moment(wayback_timestamp) if wayback_timestamp else parse_iso(fetched)


def store_body(db: sqlite_utils.Database, capture: Capture) -> str:
    """Keep a capture's body once per sha256 digest and return the digest (`sha256:<hex>`)."""
    digest, body = capture.digest, capture.body
    if not db.execute("SELECT 1 FROM bodies WHERE digest = ?", [digest]).fetchone():
        db["bodies"].insert(
            {"digest": digest, "size": len(body), "compression": COMPRESSION, "data": zlib.compress(body, 9)}
        )
    return digest


def read_body(db: sqlite_utils.Database, digest: str) -> bytes:
    row = db.execute("SELECT compression, data FROM bodies WHERE digest = ?", [digest]).fetchone()
    if row is None:
        raise KeyError(digest)
    compression, data = row
    if compression != COMPRESSION:
        raise ValueError(f"body {digest} uses unknown compression {compression!r}")
    return zlib.decompress(data)


@dataclass(frozen=True)
class WarcLocation:
    """Where a capture's WARC record sits: file name (no directory) and byte offset."""

    file: str
    offset: int


def insert_capture(
    db: sqlite_utils.Database,
    *,
    run_id: int,
    url: str,
    kind: str,
    source: str,
    capture: Capture | None,
    fetched: datetime,
    error: str | None,
    location: WarcLocation | None,
    warning: str | None = None,
) -> int:
    """Write one captures row (and its body, when a response came back); return its id.

    A 304 has no body of its own, so its digest is NULL like a failed exchange's.
    """
    row: dict = {
        "run_id": run_id,
        "url": url,
        "kind": kind,
        "source": source,
        "fetched": iso(fetched),
        "error": error,
        "warning": warning,
        "warc_file": location.file if location else None,
        "warc_offset": location.offset if location else None,
    }
    if capture is not None:
        headers = capture.headers
        row.update(
            url=capture.url,
            final_url=capture.final_url,
            status=capture.status,
            content_type=headers.get("content-type"),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            http_date=headers.get("date"),
            wayback_timestamp=capture.wayback_timestamp,
            digest=None if capture.status == 304 else store_body(db, capture),
        )
    return db["captures"].insert(row).last_pk
