"""Captures of the site listed by the Internet Archive's CDX index, replayed raw.

docs/site.md, "The Wayback Machine": the CDX index answers
`<base>/cdx/search/cdx?url=<host>/*&output=json&fl=timestamp,original,statuscode,digest,mimetype`
with a JSON table whose first row names the fields; `<base>/web/<timestamp>id_/<original>`
replays a capture byte for byte (no toolbar, no rewritten links). The base is
configurable so tests can run against a local server that speaks both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import DagbokError
from ..names import Source
from ..records import Capture
from . import Listing, PageFetcher, fetch_listing

DEFAULT_WAYBACK_URL = "https://web.archive.org/"
FIELDS = "timestamp,original,statuscode,digest,mimetype"


class BadTimestamp(DagbokError):
    """An `--at` value that is not a Wayback timestamp."""


@dataclass(frozen=True)
class WaybackCapture:
    """One row of the CDX index."""

    timestamp: str  # 14 digits, UTC
    original: str
    status: str
    digest: str
    mimetype: str


def check_timestamp(at: str) -> str:
    """Accept 4 to 14 digits (`2019`, `20190429`, `20190429101500`); pad to 14 (end of that span)."""
    text = at.strip()
    if not text.isdigit() or not 4 <= len(text) <= 14:
        raise BadTimestamp(
            f"timestamp {at!r} is not a Wayback timestamp; give 4 to 14 digits, e.g. 20190429 or 20190429101500"
        )
    return text + "99991231235959"[len(text) :]  # `2019` means "by the end of 2019"


def cdx_url(base: str, host: str) -> str:
    return base.rstrip("/") + f"/cdx/search/cdx?url={quote(host, safe='')}/*&output=json&fl={FIELDS}"


def replay_url(base: str, timestamp: str, original: str) -> str:
    return base.rstrip("/") + f"/web/{timestamp}id_/{original}"


def parse_cdx(body: bytes) -> list[WaybackCapture]:
    """Rows of a CDX JSON answer; the first row names the fields (an empty body means none)."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    table = json.loads(text)
    if not isinstance(table, list) or not table:
        return []
    header = [str(name) for name in table[0]]
    rows: list[WaybackCapture] = []
    for row in table[1:]:
        if not isinstance(row, list) or len(row) != len(header):
            continue
        record = dict(zip(header, (str(value) for value in row)))
        rows.append(
            WaybackCapture(
                timestamp=record.get("timestamp", ""),
                original=record.get("original", ""),
                status=record.get("statuscode", ""),
                digest=record.get("digest", ""),
                mimetype=record.get("mimetype", ""),
            )
        )
    return rows


def pick_captures(
    rows: list[WaybackCapture], *, key: Callable[[str], str | None], at: str | None = None
) -> dict[str, WaybackCapture]:
    """One capture per page: status 200 HTML, the latest, or the latest at/before `at`.

    `key` maps an original URL to the page it belongs to (None drops the row), so
    `http://` and `https://`, `www.` and bare captures of one page compete together.
    """
    limit = check_timestamp(at) if at else None
    chosen: dict[str, WaybackCapture] = {}
    for row in rows:
        if row.status != "200" or "html" not in row.mimetype.lower():
            continue
        if not (row.timestamp.isdigit() and len(row.timestamp) == 14):
            continue
        if limit is not None and row.timestamp > limit:
            continue
        page = key(row.original)
        if page is None:
            continue
        best = chosen.get(page)
        if best is None or row.timestamp > best.timestamp:
            chosen[page] = row
    return chosen


def read_cdx(fetcher: PageFetcher, *, base: str, site: str) -> tuple[Listing, list[WaybackCapture]]:
    """Fetch and parse the CDX index of the site's host; errors come back in the Listing."""
    host = urlsplit(site).netloc.lower()
    if host.startswith("www."):
        host = host[4:]  # the CDX index folds `www.` away (SURT), so the bare host covers both
    url = cdx_url(base, host)
    listing, capture = fetch_listing(fetcher, url, Source.WAYBACK)
    if capture is None or listing.error:
        return listing, []
    if capture.status != 200:
        return Listing(url, Source.WAYBACK, capture, error=f"CDX index answered HTTP {capture.status}"), []
    try:
        rows = parse_cdx(capture.body)
    except (json.JSONDecodeError, ValueError) as error:
        return Listing(url, Source.WAYBACK, capture, error=f"CDX index is not JSON ({error})"), []
    return listing, rows


def as_original(capture: Capture, row: WaybackCapture, *, url: str, replay: str) -> Capture:
    """A replayed capture re-addressed to the original URL, keeping the replay URL for provenance."""
    timestamp = row.timestamp
    final_path = urlsplit(capture.final_url).path
    marker = final_path.find("/web/")
    if marker >= 0:
        stamp = final_path[marker + 5 :].split("/", 1)[0].removesuffix("id_")
        if stamp.isdigit() and len(stamp) == 14:
            timestamp = stamp  # the archive redirected to the nearest capture it holds
    request_headers = dict(capture.request_headers)
    request_headers["X-Dagbok-Replay-URL"] = capture.final_url or replay
    return Capture(
        url=url,
        final_url=url,
        status=capture.status,
        headers=capture.headers,
        body=capture.body,
        fetched=capture.fetched,
        request_headers=request_headers,
        truncated=capture.truncated,
        wayback_timestamp=timestamp,
    )
