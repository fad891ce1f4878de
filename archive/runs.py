"""One crawl run: the lock, the `crawl_runs` row, consuming `crawl()` page by page, and the summary.

Each page is committed on its own (see `store.py`), so a run killed at any
moment leaves a consistent database, and the next run (incremental, from the
validators stored so far) fetches what is missing without duplicating what is
there. SIGINT and SIGTERM stop the run after the current page and record it as
interrupted; a second one stops it at once, as a kill would, and the next run completes
the archive.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from scraper.errors import DagbokError, ExitCode
from scraper.labs import LabVocabulary
from scraper.names import GONE_STATUSES, PageKind
from scraper.records import DiscoveryDone, ListingChecked, PageResult, Validators
from scraper.site import same_site, site_root

from .captures import iso, parse_iso
from .database import DiskReserve, archive_id, check_for_writing, storage_errors
from .health import SiteHealth
from .lock import RunLock
from .schema import open_database
from .store import Outcome, Store, Stored
from .warc import DEFAULT_MAX_SIZE, WarcWriter, repair_open_files
from .warc_fields import Event, EventFields, RunInfo

log = logging.getLogger(__name__)

SOURCES = ("live", "wayback")


class BadOption(DagbokError):
    """An option value a crawl cannot run with."""


# A run's status in crawl_runs: `running` while it lasts, then how it ended (one per exit code).
FINISHED_STATUSES = {
    ExitCode.OK: "ok",
    ExitCode.PAGES_FAILED: "pages-failed",
    ExitCode.SITE_LOOKS_WRONG: "site-looks-wrong",
    ExitCode.INTERRUPTED: "interrupted",
}


@dataclass
class CrawlSummary:
    """What one run did, and what its exit code is (see `ExitCode`).

    `failures` are pages that failed or could not be read (exit code 1); `alerts` say how
    the site answers differently from what the archive holds (exit code 3).
    """

    run_id: int
    site: str
    source: str
    full: bool
    started: datetime
    ended: datetime | None = None
    status: str = "running"
    requests: int = 0
    bytes: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0
    errors: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    alerts: list[str] = field(default_factory=list)  # the site looks wrong: one sentence each
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (url, why its text may not be as written)
    new_posts: list[tuple[str, str | None]] = field(default_factory=list)  # (url, title)
    changed_posts: list[tuple[str, str | None]] = field(default_factory=list)
    gone_posts: list[str] = field(default_factory=list)
    warc_files: list[str] = field(default_factory=list)
    took_over_from: int | None = None  # pid of a killed run whose stale lock this run took over

    @property
    def interrupted(self) -> bool:
        return self.status == "interrupted"

    @property
    def exit_code(self) -> ExitCode:
        if self.status == "interrupted":
            return ExitCode.INTERRUPTED
        if self.alerts:
            return ExitCode.SITE_LOOKS_WRONG
        if self.errors or self.status == "failed":
            return ExitCode.PAGES_FAILED
        return ExitCode.OK

    def settle(self) -> None:
        """A run that went to its end gets the status its exit code means (never `ok` with failed pages)."""
        if self.status == "ok":
            self.status = FINISHED_STATUSES[self.exit_code]

    @property
    def seconds(self) -> float:
        return ((self.ended or datetime.now(UTC)) - self.started).total_seconds()

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(
            started=iso(self.started),
            ended=iso(self.ended) if self.ended else None,
            failures=[{"url": url, "reason": reason} for url, reason in self.failures],
            warnings=[{"url": url, "warning": warning} for url, warning in self.warnings],
            new_posts=[{"url": url, "title": title} for url, title in self.new_posts],
            changed_posts=[{"url": url, "title": title} for url, title in self.changed_posts],
            interrupted=self.interrupted,
            exit_code=int(self.exit_code),
        )
        return data

    def count(self, stored: Stored) -> None:
        if stored.outcome == Outcome.NEW:
            self.new += 1
            self.new_posts.append((stored.url, stored.title))
        elif stored.outcome == Outcome.CHANGED:
            self.changed += 1
            self.changed_posts.append((stored.url, stored.title))
        elif stored.outcome == Outcome.UNCHANGED:
            self.unchanged += 1
        elif stored.outcome == Outcome.GONE:
            self.gone += 1
            self.gone_posts.append(stored.url)
        elif stored.outcome == Outcome.FAILED:
            self.errors += 1
            self.failures.append((stored.url, stored.error or "failed"))

    def row(self) -> dict:
        """The crawl_runs columns this summary fills."""
        return {
            "ended": iso(self.ended) if self.ended else None,
            "status": self.status,
            "requests": self.requests,
            "bytes": self.bytes,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "gone": self.gone,
            "errors": self.errors,
        }


def archived_form(db: sqlite_utils.Database, site: str) -> str:
    """`site` in the form the archive already holds it (www or bare host, http or https).

    docs/site.md, "URLs": these forms are one site. Posts are keyed by their URL in the
    form of the site crawled, so a crawl of `https://allmannyttan.se/` into an archive of
    `https://www.allmannyttan.se/` crawls the latter: each post keeps its one key.
    """
    for (known,) in db.execute("SELECT site FROM crawl_runs ORDER BY id"):
        if same_site(known, site):
            if site_root(known) != site:
                log.info("crawling %s as %s, the form this archive holds the site in", site, site_root(known))
            return site_root(known)
    return site


def known_validators(db: sqlite_utils.Database) -> dict[str, Validators]:
    """What the archive knows of each live page, for conditional and incremental requests.

    The URLs are interned, as `post_url` interns its: the crawl's own entry for a known
    post then holds the same string, not a copy.
    """
    known = {}
    for row in db.query(
        """SELECT p.url, p.etag, p.last_modified, p.digest, p.modified, p.kind, p.listed_words, p.listed_as_page,
                  c.fetched
           FROM pages p LEFT JOIN captures c ON c.id = p.last_capture_id WHERE p.status = 'live'"""
    ):
        known[sys.intern(row["url"])] = Validators(
            etag=row["etag"],
            last_modified=row["last_modified"],
            digest=row["digest"],
            modified=parse_iso(row["modified"]) if row["modified"] else None,
            kind=PageKind(row["kind"]) if row["kind"] in set(PageKind) else None,
            checked=parse_iso(row["fetched"]) if row["fetched"] else None,
            words=row["listed_words"],
            listed_as_page=bool(row["listed_as_page"]),
        )
    return known


def held_captures(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """The Wayback timestamps of the captures each page holds (read whole), so replays skip them."""
    held: dict[str, set[str]] = {}
    for row in db.query("SELECT DISTINCT url, wayback_timestamp FROM captures "
                        "WHERE wayback_timestamp IS NOT NULL AND status = 200 AND error IS NULL"):
        held.setdefault(row["url"], set()).add(row["wayback_timestamp"])
    return held


def absent_pages(db: sqlite_utils.Database) -> dict[str, datetime]:
    """Pages other than posts that answered 404/410 when last asked, and when: the crawl skips them a while.

    Only addresses that never answered: a listing that served the site before and now answers
    404 is asked again next run (a site briefly down must not hide its listings for weeks).
    """
    return {
        row["url"]: parse_iso(row["fetched"])
        for row in db.query(
            """SELECT p.url, c.fetched FROM pages p JOIN captures c ON c.id = p.last_capture_id
               WHERE p.status = 'gone' AND p.kind != 'post' AND c.status IN ({gone})
                 AND NOT EXISTS (SELECT 1 FROM captures earlier WHERE earlier.url = p.url
                                 AND (earlier.status BETWEEN 200 AND 299 OR earlier.status = 304))""".format(
                gone=", ".join(map(str, GONE_STATUSES)))
        )
    }


def begin_run(db: sqlite_utils.Database, summary: CrawlSummary, *, pid: int, run_id: int | None = None) -> int:
    """Write the run's row (numbered `run_id`, or next); runs still 'running' while we hold the lock were killed."""
    with db.atomic():
        db.execute("UPDATE crawl_runs SET status = 'failed' WHERE status = 'running'")
        return db["crawl_runs"].insert(
            {
                **({"id": run_id} if run_id is not None else {}),
                "started": iso(summary.started),
                "site": summary.site,
                "source": summary.source,
                "full": int(summary.full),
                "status": "running",
                "pid": pid,
                **{name: 0 for name in ("requests", "bytes", "new", "changed", "unchanged", "gone", "errors")},
            }
        ).last_pk


def finish_run(db: sqlite_utils.Database, summary: CrawlSummary) -> None:
    with db.atomic():
        db["crawl_runs"].update(summary.run_id, summary.row())


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set an event instead of raising, so the current page finishes first; a
    second one (Ctrl-C pressed again while a slow page finishes) ends the process at once.

    Ending it at once is what a kill does, which the archive is built to survive: each page is
    committed on its own and the next run repairs the WARC file and takes over the lock. Raising
    instead could stop a WARC record half-written, and the run's end would be written after it.
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame):
        name = signal.Signals(signum).name
        if stop.is_set():
            log.warning("%s received again: stopping now; run the command again to finish", name)
            os._exit(ExitCode.INTERRUPTED)
        log.warning("%s received: stopping after the current page (again to stop now)", name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_crawl(
    db_path: Path | str,
    *,
    site: str,
    delay: float = 1.0,
    full: bool = False,
    source: str = "live",
    wayback_url: str | None = None,
    at: str | None = None,
    since: str | None = None,
    cdx_pace: float | None = None,
    warc_dir: Path | str | None = None,
    timeout: float = 20.0,
    retries: int | None = None,
    backoff: float | None = None,
    max_pages: int | None = None,
    page_seconds: float | None = None,
    warc_max_size: int = DEFAULT_MAX_SIZE,
    progress: Callable[[Stored], None] | None = None,
) -> CrawlSummary:
    """Crawl `site` (live, or its Wayback Machine captures) into the database at `db_path`.

    Raises `LockedError` when another run holds the database, `BadOption` and
    `BadSite` for unusable options, the errors of `database.py` for a file that is
    not a writable, whole archive or a disk that fills up (the run row still says
    how it ended); `SiteUnreachable` from the crawler ends the run as
    failed and is raised on. Failed pages do not raise: they are counted and
    listed in the summary (exit code 1). `retries` and `backoff` default to the
    fetcher's for the live site and to the Archive's (fewer, longer waits) for the
    Wayback Machine; `cdx_pace` is the seconds between CDX requests.
    """
    from scraper.crawl import crawl, crawl_wayback
    from scraper.fetch import MAX_DELAY, PAGE_SECONDS, Fetcher
    from scraper.sources.wayback import ARCHIVE_BACKOFF, ARCHIVE_RETRIES, CDX_PACE, check_timestamp, start_timestamp

    site = site_root(site)
    if source not in SOURCES:
        raise BadOption(f'source "{source}" is not one of {", ".join(SOURCES)}')
    if not 0 < timeout < math.inf:
        raise BadOption(f"timeout {timeout!r} must be a number of seconds more than 0")
    if not 0 <= delay <= MAX_DELAY:
        raise BadOption(f"delay {delay!r} is not a number of seconds from 0 to {MAX_DELAY:g}")
    if source == "live" and (wayback_url or at or since or cdx_pace is not None):
        raise BadOption("--wayback-url, --at, --from and --cdx-pace only apply with --source wayback")
    if at is not None:
        check_timestamp(at)
    if since is not None and start_timestamp(since) > (check_timestamp(at) if at else "99999999999999"):
        raise BadOption(f"--from {since} is after --at {at}: no capture is in that span; give --from before --at")
    if cdx_pace is not None and cdx_pace < 0:
        raise BadOption(f"cdx pace {cdx_pace!r} is negative; give 0 or more seconds")
    wayback = source == "wayback"
    if retries is None:
        retries = ARCHIVE_RETRIES if wayback else 3
    if backoff is None:
        backoff = ARCHIVE_BACKOFF if wayback else 0.5
    db_path = Path(db_path)
    warc_dir = Path(warc_dir) if warc_dir is not None else db_path.parent / "warc"
    labs = LabVocabulary.load()

    # A full disk, read-only media or damage met on the way is named as such (exit 2), and the run row
    # still says how the run ended: `_finish` records it after a failure the WARC file cannot take.
    check_for_writing(db_path, pages=True)  # before the lock file: nothing is put beside another's database
    with storage_errors(db_path), RunLock(db_path) as lock, DiskReserve(db_path) as reserve:
        db = open_database(db_path, lab_names=labs.names)
        try:
            reserve.hold()
            site = archived_form(db, site)
            for path in repair_open_files(warc_dir):
                log.warning("repaired %s, left open by a run that was killed", path.name)
            summary = CrawlSummary(run_id=0, site=site, source=source, full=full, started=datetime.now(UTC))
            warc = WarcWriter(warc_dir, started=summary.started, run_info={}, max_size=warc_max_size)
            if lock.stale is not None:
                summary.took_over_from = lock.stale.pid
                log.warning("took over a stale lock from pid %s (started %s)", lock.stale.pid, lock.stale.started)
            summary.run_id = begin_run(db, summary, pid=os.getpid())
            warc.run_info = RunInfo(
                run=str(summary.run_id),
                site=site,
                source=source,
                full=full,
                pid=os.getpid(),
                started=iso(summary.started),
                archive=archive_id(db.conn),
            ).write()
            fetcher = Fetcher(delay=delay, timeout=(min(timeout, 10.0), timeout), retries=retries, backoff=backoff,
                              max_seconds=page_seconds or PAGE_SECONDS)
            store = Store(db, run_id=summary.run_id, source=source, labs=labs, warc=warc)
            health = None if wayback else SiteHealth.before_run(db, site=site)
            if wayback:
                items = crawl_wayback(site, fetcher=fetcher, wayback_url=wayback_url, at=at, since=since,
                                      held={} if full else held_captures(db), labs=labs,
                                      cdx_pace=CDX_PACE if cdx_pace is None else cdx_pace)
            else:
                items = crawl(site, fetcher=fetcher, known=known_validators(db), full=full, labs=labs,
                              max_pages=max_pages, absent=absent_pages(db))
            with stop_on_signals() as stop:  # until the run's end is written: a second signal then stops at once
                try:
                    _consume(items, store, summary, stop, progress, health)
                except BaseException:
                    summary.status = "failed"
                    reserve.release()  # room for the run's row and the WARC file's end, should the disk be full
                    raise
                finally:
                    if health is not None:
                        summary.alerts += health.alerts(gone_posts=summary.gone_posts)
                    _finish(db, summary, items=items, fetcher=fetcher, warc=warc)
        finally:
            db.close()
    return summary


def _finish(db: sqlite_utils.Database, summary: CrawlSummary, *, items, fetcher, warc: WarcWriter) -> None:
    """Close the crawl and its files, then record how the run ended (also in the WARC, for rebuild)."""
    close = getattr(items, "close", None)
    if close:
        close()
    summary.requests, summary.bytes = fetcher.requests, fetcher.bytes
    summary.ended = datetime.now(UTC)
    summary.settle()
    fetcher.close()
    try:
        warc.write_event(
            EventFields(str(summary.run_id), Event.RUN_END), {"run": summary.run_id, **summary.row()}, date=summary.ended
        )
        warc.close()
    except OSError as error:
        if summary.status != "failed":
            raise
        # The run already failed (a full disk, say): its row matters more than the WARC file's last
        # record, and the next run repairs a file left open.
        log.warning("the WARC file could not be closed (%s); the next run repairs it", error)
    summary.warc_files = [path.name for path in warc.files]
    finish_run(db, summary)
    if summary.status != "failed":
        # SQLite's advice before closing a connection that wrote much: refresh the query planner's
        # statistics (from migration 4's ANALYZE on) for the tables that have grown since.
        db.execute("PRAGMA optimize")


def _consume(
    items: Iterator[PageResult | ListingChecked | DiscoveryDone],
    store: Store,
    summary: CrawlSummary,
    stop: threading.Event,
    progress: Callable[[Stored], None] | None,
    health: SiteHealth | None,
) -> None:
    started = time.monotonic()
    for item in items:
        if isinstance(item, DiscoveryDone):
            if item.alert:
                summary.alerts.append(item.alert)
            if health is not None:
                health.discovered(item)
            for url in store.discovery_done(item):
                summary.gone += 1
                summary.gone_posts.append(url)
        elif isinstance(item, ListingChecked):
            store.listing_checked(item)
        else:
            if health is not None:
                health.inspect(item)
            stored = store.store(item)
            summary.count(stored)
            if item.warning:
                summary.warnings.append((item.url, item.warning))
            log.info("%-9s %s", stored.outcome, stored.url)
            if progress is not None:
                progress(stored)
        if stop.is_set():
            summary.status = "interrupted"
            break
    else:
        summary.status = "ok"
    log.debug("consumed the crawl in %.1f s", time.monotonic() - started)


def _post_line(url: str, title: str | None) -> str:
    return f"  {title or '(no title)'}  {url}"


def summary_text(summary: CrawlSummary) -> str:
    """The summary `dagbok crawl` prints: counts, then new, changed, gone and failed pages."""
    mode = "full" if summary.full else "incremental"
    lines = [
        f"Run {summary.run_id}: {summary.source} crawl of {summary.site} ({mode}), {summary.status}, "
        f"{summary.seconds:.1f} s",
        f"  {summary.requests} requests, {summary.bytes} bytes received",
        f"  posts: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, {summary.gone} gone",
        f"  errors: {summary.errors}",
    ]
    if summary.took_over_from is not None:
        lines.append(f"  took over the stale lock of a killed run (pid {summary.took_over_from})")
    if summary.alerts:
        lines.append(alerts_text(summary))
    for heading, posts in (("New", summary.new_posts), ("Changed", summary.changed_posts)):
        if posts:
            lines.append(f"{heading}:")
            lines += [_post_line(url, title) for url, title in posts]
    if summary.gone_posts:
        lines.append("Gone:")
        lines += [f"  {url}" for url in summary.gone_posts]
    if summary.warnings:
        lines.append("Warnings (read, but perhaps not as written):")
        lines += [f"  {url}  {warning}" for url, warning in summary.warnings]
    if summary.failures:
        lines.append(failures_text(summary))
    return "\n".join(lines)


def quiet_text(summary: CrawlSummary) -> str:
    """Only new and changed posts, one a line (empty when nothing changed: cron then mails nothing)."""
    lines = [f"new      {title or '(no title)'}  {url}" for url, title in summary.new_posts]
    lines += [f"changed  {title or '(no title)'}  {url}" for url, title in summary.changed_posts]
    return "\n".join(lines)


def failures_text(summary: CrawlSummary) -> str:
    return "\n".join(["Failed:", *(f"  {url}  {reason}" for url, reason in summary.failures)])


def alerts_text(summary: CrawlSummary) -> str:
    """The alerts (exit code 3), then what to do: nothing archived was deleted or overwritten."""
    return "\n".join([
        "The site looks wrong compared with the archive:",
        *(f"  {alert}" for alert in summary.alerts),
        "  (nothing archived was deleted or overwritten; look at the site, and once it answers as before, "
        "`dagbok crawl --full` asks for every known post again)",
    ])
