"""dagbok's own WARC vocabulary, written and read here in one spelling: `Dagbok-*` fields and bookkeeping records.

A WARC record holds an HTTP exchange; what the exchange does not say (how the
page was found, its kind, the run, the URL that was asked for) travels in
`Dagbok-*` header fields, which WARC/1.1 allows as extension fields. Field names
are written as spelled here and read without regard to case, as WARC readers do.

Records that are dagbok's own bookkeeping (a fetch that got no response, a
complete discovery, a listing checked, a run's end) are `metadata` records
addressed to `urn:dagbok:<event>`, never to a page's URL. Replay tools (pywb,
ReplayWeb.page) index every record by its `WARC-Target-URI`: under a page's URL,
such a record would replay in place of the page (see "Replaying the WARC files"
in the README).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from scraper.names import PageKind, Source
from scraper.records import Candidate

URN_PREFIX = "urn:dagbok:"

# Fields of the records of one page (response, revisit, or a failure's metadata record).
RUN = "Dagbok-Run"
EVENT = "Dagbok-Event"
PAGE_URI = "Dagbok-Page-URI"  # the page as the crawl knows it (may differ from the target after a redirect)
KIND = "Dagbok-Kind"
SOURCE = "Dagbok-Source"
ERROR = "Dagbok-Error"
PROVISIONAL = "Dagbok-Provisional"
PENDING = "Dagbok-Pending"
CANDIDATE = "Dagbok-Candidate"
# Fields of an HTTP exchange that the record's HTTP block does not carry.
REQUESTED_URI = "Dagbok-Requested-URI"
FINAL_URI = "Dagbok-Final-URI"
FETCHED = "Dagbok-Fetched"
WAYBACK_TIMESTAMP = "Dagbok-Wayback-Timestamp"
REPLAY_URI = "Dagbok-Replay-URI"
# A body cut at the size cap: WARC/1.1's own field, which replay tools read (`length`: the cap).
# Earlier files said `Dagbok-Truncated: true` instead; both are read.
WARC_TRUNCATED = "WARC-Truncated"
OLD_TRUNCATED = "Dagbok-Truncated"
NOT_MODIFIED = "Dagbok-Not-Modified"  # the 304 as received, when the record's block is the response it confirmed

# The `warcinfo` fields that open each file of a run.
INFO_RUN = "dagbok-run"
INFO_SITE = "dagbok-site"
INFO_SOURCE = "dagbok-source"
INFO_FULL = "dagbok-full"
INFO_PID = "dagbok-pid"
INFO_STARTED = "dagbok-started"
INFO_ARCHIVE = "dagbok-archive"  # the archive's id (database.archive_id); files written before ids had none


class Event(StrEnum):
    """A bookkeeping record's kind; each is a `metadata` record addressed to `event_target(event)`."""

    FAILURE = "failure"  # a fetch that got no response at all
    DISCOVERY = "discovery"  # the URLs a complete (or incomplete) discovery listed
    LISTING_CHECKED = "listing-checked"  # the validators a pending listing page gets
    RUN_END = "run-end"  # how a run ended, with its counts


def event_target(event: Event) -> str:
    """The `WARC-Target-URI` of a bookkeeping record: `urn:dagbok:run-end`, never a page's URL."""
    return URN_PREFIX + str(event)


def _get(fields: Mapping[str, str], name: str) -> str | None:
    """A field's value from fields read back (`dagbok_fields`, warcinfo fields): names lower-case."""
    return fields.get(name.lower())


def dagbok_fields(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The fields of a record's headers that dagbok reads back (`Dagbok-*`, `WARC-Truncated`), names lower-case."""
    return {name.lower(): value for name, value in headers
            if name.lower().startswith("dagbok-") or name.lower() == WARC_TRUNCATED.lower()}


@dataclass(frozen=True)
class PageFields:
    """What the crawl knew of a page beyond its HTTP exchange; on its response, revisit or failure record."""

    run: str
    page_uri: str
    kind: PageKind
    source: Source
    error: str | None = None
    provisional: str | None = None
    pending: bool = False
    candidate: Candidate | None = None

    def write(self) -> dict[str, str]:
        headers = {RUN: self.run, PAGE_URI: self.page_uri, KIND: str(self.kind), SOURCE: str(self.source)}
        if self.error:
            headers[ERROR] = self.error
        if self.provisional:
            headers[PROVISIONAL] = self.provisional
        if self.pending:
            headers[PENDING] = "true"
        if self.candidate is not None:
            modified = self.candidate.modified
            headers[CANDIDATE] = json.dumps(
                {
                    "url": self.candidate.url,
                    "source": str(self.candidate.source),
                    "modified": modified.isoformat() if modified else None,
                    "published": self.candidate.published.isoformat() if self.candidate.published else None,
                    **({"categories": list(self.candidate.categories)} if self.candidate.categories else {}),
                    **({"title": self.candidate.title} if self.candidate.title else {}),
                    **({"words": self.candidate.words} if self.candidate.words else {}),
                    **({"listed_as_page": True} if self.candidate.listed_as_page else {}),
                }
            )
        return headers

    @classmethod
    def read(cls, fields: Mapping[str, str], *, target: str) -> PageFields:
        candidate = None
        if data := _get(fields, CANDIDATE):
            found = json.loads(data)
            modified = datetime.fromisoformat(found["modified"]) if found.get("modified") else None
            published = date.fromisoformat(found["published"]) if found.get("published") else None
            candidate = Candidate(found["url"], Source(found["source"]), modified, published,
                                  tuple(found.get("categories", ())), found.get("title"), found.get("words"),
                                  bool(found.get("listed_as_page")))
        return cls(
            run=_get(fields, RUN) or "",
            page_uri=_get(fields, PAGE_URI) or target,
            kind=PageKind(_get(fields, KIND) or PageKind.OTHER),
            source=Source(_get(fields, SOURCE) or Source.START),
            error=_get(fields, ERROR),
            provisional=_get(fields, PROVISIONAL),
            pending=_get(fields, PENDING) == "true",
            candidate=candidate,
        )


@dataclass(frozen=True)
class ExchangeFields:
    """What a response or revisit record says of its exchange beyond the HTTP block.

    `not_modified` holds the status and headers of a 304 whose record block is
    the response it confirmed (see `warc.WarcWriter.write_exchange`).
    """

    requested_uri: str
    final_uri: str
    fetched: str  # WARC-Date form
    wayback_timestamp: str | None = None
    replay_uri: str | None = None
    truncated: bool = False
    not_modified: list[tuple[str, str]] | None = None

    def write(self) -> dict[str, str]:
        headers = {REQUESTED_URI: self.requested_uri, FINAL_URI: self.final_uri, FETCHED: self.fetched}
        if self.wayback_timestamp:
            headers[WAYBACK_TIMESTAMP] = self.wayback_timestamp
        if self.replay_uri:
            headers[REPLAY_URI] = self.replay_uri
        if self.truncated:
            headers[WARC_TRUNCATED] = "length"
        if self.not_modified is not None:
            headers[NOT_MODIFIED] = json.dumps(self.not_modified, ensure_ascii=False)
        return headers

    @classmethod
    def read(cls, fields: Mapping[str, str], *, target: str, date: str) -> ExchangeFields:
        not_modified = _get(fields, NOT_MODIFIED)
        return cls(
            requested_uri=_get(fields, REQUESTED_URI) or target,
            final_uri=_get(fields, FINAL_URI) or target,
            fetched=_get(fields, FETCHED) or date,
            wayback_timestamp=_get(fields, WAYBACK_TIMESTAMP),
            replay_uri=_get(fields, REPLAY_URI),
            truncated=_get(fields, WARC_TRUNCATED) is not None or _get(fields, OLD_TRUNCATED) == "true",
            not_modified=[tuple(pair) for pair in json.loads(not_modified)] if not_modified else None,
        )


@dataclass(frozen=True)
class EventFields:
    """The fields of a bookkeeping record: its run, its event and, for a page's event, the page."""

    run: str
    event: Event
    page_uri: str | None = None

    def write(self) -> dict[str, str]:
        headers = {RUN: self.run, EVENT: str(self.event)}
        if self.page_uri:
            headers[PAGE_URI] = self.page_uri
        return headers

    @classmethod
    def read(cls, fields: Mapping[str, str]) -> EventFields | None:
        """The fields of a bookkeeping record, or None for a record that is not one."""
        event = _get(fields, EVENT)
        if event is None:
            return None
        return cls(run=_get(fields, RUN) or "", event=Event(event), page_uri=_get(fields, PAGE_URI))


def record_run(fields: Mapping[str, str]) -> str | None:
    """The run a record belongs to."""
    return _get(fields, RUN)


@dataclass(frozen=True)
class RunInfo:
    """A run as its `warcinfo` records describe it (one at the head of each of its files)."""

    run: str
    site: str
    source: str
    full: bool
    pid: int
    started: str  # the database's ISO form
    archive: str | None = None  # the archive's id; None in files written before archives had one

    def write(self) -> dict[str, str]:
        fields = {
            INFO_RUN: self.run,
            INFO_SITE: self.site,
            INFO_SOURCE: self.source,
            INFO_FULL: str(int(self.full)),
            INFO_PID: str(self.pid),
            INFO_STARTED: self.started,
        }
        if self.archive:
            fields[INFO_ARCHIVE] = self.archive
        return fields

    @classmethod
    def read(cls, info: Mapping[str, str]) -> RunInfo | None:
        """The run a warcinfo record describes, or None for a warcinfo that names no run."""
        run = _get(info, INFO_RUN)
        if run is None:
            return None
        return cls(
            run=run,
            site=_get(info, INFO_SITE) or "",
            source=_get(info, INFO_SOURCE) or "live",
            full=_get(info, INFO_FULL) == "1",
            pid=int(_get(info, INFO_PID) or 0),
            started=_get(info, INFO_STARTED) or "",
            archive=_get(info, INFO_ARCHIVE),
        )
