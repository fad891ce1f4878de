"""Captures of the site listed by the Internet Archive's CDX index, replayed raw.

docs/site.md, "The Wayback Machine": the index lists every capture of the host
(news, images and PDFs since the 2000s, the diary among them) in SURT order, cuts
an answer silently at 150,000 rows unless asked for a resume key, lists unchanged
recaptures as `warc/revisit` rows with status `-`, and answers 429 when asked too
fast. `<base>/web/<timestamp>id_/<original>` replays a capture byte for byte.

The search itself is the EDGI `wayback` client's (`WaybackClient.search`: the
query, the resume keys, the parsing of rows), sent through `FetcherSession`, so
every CDX answer goes through the one HTTP client (`scraper/fetch.py`: User-Agent,
retries, Retry-After, size cap) and is kept like any other capture. The answer
is made small on the server: only HTML, redirect and revisit rows (`filter=`),
and only the span asked for (`from=`/`to=`). Rows are not collapsed: a CDX
`collapse=` keeps the *first* row of each group and a URL's rows run oldest
first, so it would drop the latest capture of each page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from wayback import RateLimit, WaybackClient
from wayback.exceptions import WaybackException

from ..errors import DagbokError
from ..names import Source
from ..records import REPLAY_URL_HEADER, Capture
from . import Listing, PageFetcher, fetch_listing

DEFAULT_WAYBACK_URL = "https://web.archive.org/"
EDGI_CDX_URL = "https://web.archive.org/cdx/search/cdx"  # where the EDGI client sends its searches
CDX_PACE = 2.5  # seconds between CDX requests: EDGI's default, 80% of the limit the Archive's staff gave it
ARCHIVE_BACKOFF = 30.0  # first wait after a 429 or 5xx from the Archive (seconds; doubles, Retry-After wins)
ARCHIVE_RETRIES = 2  # then the run stops: the Archive blocks an address that keeps asking after 429s
PAGE_ROWS = 10_000  # rows asked per answer (`limit=`): at most ~5 MB with long URLs, under the fetcher's 8 MB cap
# Only rows that can be a page: HTML (or unknown type), its redirects and its unchanged recaptures.
FILTERS = (r"statuscode:(200|301|302|303|307|308|-)", r"mimetype:(text/html|application/xhtml\+xml|warc/revisit|unk)")


class BadTimestamp(DagbokError):
    """An `--at` or `--from` value that is not a Wayback timestamp."""


@dataclass(frozen=True)
class WaybackCapture:
    """One row of the CDX index."""

    timestamp: str  # 14 digits, UTC
    original: str
    status: str  # `200`, `301`, …; `-` on a revisit row
    digest: str  # base32 SHA-1 of the payload: equal digests, equal bodies
    mimetype: str

    @property
    def revisit(self) -> bool:
        """Unchanged since an earlier capture with the same digest (docs/site.md, "The Wayback Machine")."""
        return self.mimetype == "warc/revisit" or self.status == "-"

    @property
    def redirect(self) -> bool:
        return self.status.startswith("3")


@dataclass(frozen=True)
class IndexEnd:
    """How reading the index ended: `complete` only when the last answer had no resume key and was not cut."""

    complete: bool
    problem: str | None = None  # why not, for the run summary
    rate_limited: bool = False  # the Archive kept answering 429: ask it nothing more in this run


def _digits(text: str, *, pad: str) -> str:
    text = text.strip()
    if not text.isdigit() or not 4 <= len(text) <= 14:
        raise BadTimestamp(
            f"timestamp {text!r} is not a Wayback timestamp; give 4 to 14 digits, e.g. 20190429 or 20190429101500"
        )
    return text + pad[len(text):]


def check_timestamp(at: str) -> str:
    """Accept 4 to 14 digits (`2019`, `20190429`, `20190429101500`); pad to 14 (end of that span)."""
    return _digits(at, pad="99991231235959")  # `2019` means "by the end of 2019"


def start_timestamp(since: str) -> str:
    """Like `check_timestamp`, padded to the start of the span: `2018` means "from 1 January 2018"."""
    return _digits(since, pad="00000101000000")


def replay_url(base: str, timestamp: str, original: str) -> str:
    return base.rstrip("/") + f"/web/{timestamp}id_/{original}"


class FetcherSession:
    """The transport the EDGI client searches through: each request goes through our fetcher.

    The client builds the query and follows resume keys; this sends each request to
    `base` (the client only knows web.archive.org), `pace` seconds apart, and keeps
    each answer as a `Listing` for the crawl to store. A failed request ends the
    search with `IndexStopped`.
    """

    def __init__(self, fetcher: PageFetcher, *, base: str, pace: float, rows: int) -> None:
        self.fetcher = fetcher
        self.cdx_url = base.rstrip("/") + "/cdx/search/cdx"
        self.pace = RateLimit(1 / pace if pace > 0 else 0)
        self.rows = rows
        self.answers: list[Listing] = []
        self.cut: str | None = None  # an answer as long as asked for, with no resume key after it

    def request(self, method: str, url: str, *, params: Mapping | None = None, **_: object) -> requests.Response:
        url = self.cdx_url + url.removeprefix(EDGI_CDX_URL)
        url = requests.Request(method, url, params=params).prepare().url or url
        self.pace.wait()
        listing, capture = fetch_listing(self.fetcher, url, Source.WAYBACK)
        if capture is None or listing.error:
            rate_limited = listing.capture is not None and listing.capture.status == 429
            self.answers.append(listing)
            raise IndexStopped(listing.error or "no answer", rate_limited=rate_limited)
        if capture.status != 200:
            listing = Listing(url, Source.WAYBACK, capture, error=f"CDX index answered HTTP {capture.status}")
        self.answers.append(listing)
        lines = capture.body.splitlines()
        if capture.status == 200 and b"" not in lines and len(lines) >= self.rows:
            self.cut = url
        return _response(capture)

    def drain(self) -> Iterator[Listing]:
        """The answers fetched since the last call, oldest first."""
        while self.answers:
            yield self.answers.pop(0)

    def close(self) -> None:
        """Nothing to close: the fetcher belongs to the crawl."""


class IndexStopped(Exception):
    """A CDX request that failed after the fetcher's retries."""

    def __init__(self, reason: str, *, rate_limited: bool) -> None:
        super().__init__(reason)
        self.rate_limited = rate_limited


def _response(capture: Capture) -> requests.Response:
    """A Capture as the `requests.Response` the EDGI client reads (status, headers, body)."""
    response = requests.Response()
    response.status_code = capture.status
    response.headers = CaseInsensitiveDict(capture.headers)
    response.url = capture.final_url
    response.reason = ""
    response._content = capture.body  # the body is already read whole, as the client expects
    response.encoding = "utf-8"
    return response


def read_index(
    fetcher: PageFetcher,
    *,
    base: str,
    site: str,
    at: str | None = None,
    since: str | None = None,
    pace: float = CDX_PACE,
    rows: int = PAGE_ROWS,
) -> Iterator[Listing | WaybackCapture | IndexEnd]:
    """Every row of the host's index, following resume keys, and each answer as a `Listing`.

    Ends with an `IndexEnd` saying whether the index was read to its end; a failed
    request, an unreadable answer or an answer cut without a resume key make it
    incomplete (and say why).
    """
    host = urlsplit(site).netloc.lower().removeprefix("www.")  # the index folds `www.` away (SURT)
    session = FetcherSession(fetcher, base=base, pace=pace, rows=rows)
    client = WaybackClient(session=session)  # type: ignore[arg-type]  # duck-typed: request() and close()
    search = client.search(
        f"{host}/*",
        match_type="prefix",
        limit=rows,
        from_date=start_timestamp(since) if since else None,
        to_date=check_timestamp(at) if at else None,
        filter_field=list(FILTERS),
        resolve_revisits=False,  # rows as the index has them; revisits are read below
    )
    end = IndexEnd(complete=True)
    try:
        for record in search:
            yield from session.drain()
            yield WaybackCapture(
                timestamp=record.timestamp.strftime("%Y%m%d%H%M%S"),
                original=record.original,
                status="-" if record.statuscode is None else str(record.statuscode),
                digest=record.digest,
                mimetype=record.mimetype,
            )
    except IndexStopped as stopped:
        end = IndexEnd(complete=False, problem=f"the CDX index could not be read to its end ({stopped})",
                       rate_limited=stopped.rate_limited)
    except WaybackException as error:
        end = IndexEnd(complete=False, problem=f"the CDX index could not be read to its end ({error})")
    yield from session.drain()
    if end.complete and session.cut:
        end = IndexEnd(complete=False, problem=f"the CDX answer {session.cut} holds as many rows as asked for and "
                                               "no resume key: the index may go on past it")
    yield end


def choose_captures(
    rows: Iterable[tuple[str, WaybackCapture]],
    *,
    held: Mapping[str, set[str]],
    at: str | None = None,
) -> dict[str, WaybackCapture]:
    """One capture to replay per page: its latest, unless the archive already holds that content.

    `rows` pairs each row with the page it belongs to, so `http://` and `https://`,
    `www.` and bare captures of one page compete together.
    The latest content capture wins (status 200, or a revisit of one). A redirect
    (a bare-host `http://` 301 to the canonical page, an old address) is never
    replayed: it has no body of its own, and the page it points at is listed with
    captures of its own. `held` maps a page to the timestamps
    the archive holds: a capture is skipped when its timestamp is held, or when its
    digest equals that of a held capture (the same body, recaptured).
    """
    limit = check_timestamp(at) if at else None
    pages: dict[str, list[WaybackCapture]] = {}
    for page, row in rows:
        if not (row.timestamp.isdigit() and len(row.timestamp) == 14):
            continue
        if limit is not None and row.timestamp > limit:
            continue
        pages.setdefault(page, []).append(row)
    chosen: dict[str, WaybackCapture] = {}
    for page, captures in pages.items():
        captures.sort(key=lambda row: row.timestamp)
        redirects = {row.digest for row in captures if row.redirect}
        latest: WaybackCapture | None = None
        for row in captures:
            # a revisit repeats the body of an earlier capture with its digest: content, unless that was a redirect
            if (row.revisit and row.digest not in redirects) or row.status == "200":
                latest = row
        if latest is None:
            continue
        stamps = held.get(page, set())
        held_digests = {row.digest for row in captures if row.timestamp in stamps}
        if latest.timestamp in stamps or latest.digest in held_digests:
            continue
        chosen[page] = latest
    return chosen


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
    request_headers[REPLAY_URL_HEADER] = capture.final_url or replay
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
