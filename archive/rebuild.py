"""A database rebuilt from WARC files alone, with no network.

The files are read in the order they were written (their names start with the
run's start time). Each run's `warcinfo` opens its `crawl_runs` row and its
`run-end` record closes it; each response is parsed again with today's
classify/extract (so an improved extractor can be applied to old captures),
and then stored exactly as a crawl stores it. Rebuilt from the files a set of
crawls wrote, the database equals the crawled one row for row.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from scraper.errors import DagbokError
from scraper.labs import LabVocabulary
from scraper.names import PageKind
from scraper.records import DiscoveryDone, ListingChecked, PageResult, Validators
from scraper.site import site_root

from .captures import parse_iso, read_body
from .database import APPLICATION_ID, UNFINISHED_ID, archive_id, storage_errors
from .runs import CrawlSummary, begin_run
from .schema import open_database
from .store import Store
from .warc import UNNAMED, WarcArchive, WarcEntry, entry_capture, read_entries, warc_archives, warc_files
from .warc_fields import Event, EventFields, PageFields, RunInfo, record_run

log = logging.getLogger(__name__)



class RebuildError(DagbokError):
    """A rebuild that cannot start or cannot go on."""


@dataclass
class RebuildSummary:
    db_path: Path
    files: list[str] = field(default_factory=list)
    records: int = 0
    runs: int = 0
    captures: int = 0
    posts: int = 0
    revisions: int = 0
    archive: str = ""  # the rebuilt database's id: its files', or a new one when they name none
    without_id: int = 0  # files read that name no archive (written before archives had ids)
    left_out: list[str] = field(default_factory=list)  # the other archives in the folder, described


def partial_path(db_path: Path) -> Path:
    """Where a rebuild writes until it is done: beside `db_path`, under a name no command takes for it."""
    return db_path.with_name(db_path.name + ".partial")


def rebuild(warc_dir: Path | str, db_path: Path | str, *, archive: str | None = None) -> RebuildSummary:
    """Replay every WARC file of `warc_dir` into a new database at `db_path`.

    A folder holding the files of more than one archive (two databases kept side by side,
    `warc.warc_archives`) is refused before anything is written, unless `archive` names the
    one to rebuild (the first characters of its id, or `unnamed`). The new database takes
    the id of the files it was rebuilt from, so later crawls continue the same archive.

    The database is written under another name (`partial_path`), marked unfinished in its
    header, and renamed to `db_path` only once every record is in: a rebuild killed at any
    moment leaves either no `db_path` or a complete one, and nothing that passes for an archive.
    """
    warc_dir, db_path = Path(warc_dir), Path(db_path)
    if db_path.exists():
        raise RebuildError(
            f"{db_path} already exists; --db of rebuild names a new database: give a path that does not exist yet"
        )
    files = warc_files(warc_dir)
    if not files:
        raise RebuildError(f"no WARC files (dagbok-*.warc.gz) in {warc_dir}; give --from-warc the folder the "
                           "crawls wrote them to (warc/ beside the database unless crawl had --warc-dir)")
    archives = warc_archives(files)
    chosen = _chosen(archives, archive, warc_dir)
    _refuse_a_clash(chosen, warc_dir)
    files = chosen.files
    labs = LabVocabulary.load()
    partial = partial_path(db_path)
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        if leftover.exists():
            log.warning("removing %s, left by a rebuild that was stopped", leftover)
            leftover.unlink()
    summary = RebuildSummary(db_path=db_path, files=[path.name for path in files],
                             without_id=len(chosen.without_id),
                             left_out=[other.describe() for other in archives if other is not chosen])
    with storage_errors(partial):
        db = open_database(partial, lab_names=labs.names, mark=UNFINISHED_ID)
        replay = _Replay(db, labs)
        try:
            if chosen.id is not None:
                with db.atomic():
                    db.execute("UPDATE archive SET id = ?", [chosen.id])
            summary.archive = archive_id(db.conn)
            for path in files:
                for entry in read_entries(path):
                    summary.records += 1
                    replay.entry(entry)
            summary.runs, summary.captures, summary.posts, summary.revisions = (
                db[table].count for table in ("crawl_runs", "captures", "posts", "revisions")
            )
            db.execute("PRAGMA optimize")  # planner statistics for the tables just filled, as after a crawl
            db.execute("PRAGMA journal_mode = DELETE")  # every page in the one file that is renamed
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            db.close()
        if db_path.exists():
            raise RebuildError(f"{db_path} appeared while the rebuild ran; the rebuilt database is {partial}")
        os.replace(partial, db_path)
    return summary


def _chosen(archives: list[WarcArchive], wanted: str | None, warc_dir: Path) -> WarcArchive:
    """The archive to rebuild: the folder's only one, or the one whose id begins with `wanted`."""
    described = "; ".join(archive.describe() for archive in archives)
    if wanted is None:
        if len(archives) == 1:
            return archives[0]
        raise RebuildError(
            f"{warc_dir} holds the WARC files of {len(archives)} archives: {described}; a rebuild takes one: "
            f"choose it with --archive ID (the id's first characters are enough, e.g. --archive "
            f"{archives[-1].name[:8]}; --archive {UNNAMED} for files written before archives had ids)"
        )
    matches = [archive for archive in archives if archive.name.startswith(wanted.strip().lower())]
    if len(matches) != 1:
        which = "no archive" if not matches else f"{len(matches)} archives"
        raise RebuildError(f"--archive {wanted} names {which} of the WARC files in {warc_dir}, which hold: "
                           f"{described}; give more of the id")
    return matches[0]


def _refuse_a_clash(archive: WarcArchive, warc_dir: Path) -> None:
    """Refuse files of two databases that nothing tells apart (`WarcArchive.clash`), before writing anything."""
    clash = archive.clash()
    if clash is None:
        return
    first, second = clash
    run = archive.runs[first]
    raise RebuildError(
        f"{warc_dir}: {first.name} and {second.name} are both of run {run.run} of archive {archive.name}, started at "
        f"{run.started} and at {archive.runs[second].started}: the files of two databases (a copy of one, or two "
        "from before archives had ids) share the folder and nothing in them tells them apart; move each database's "
        "files (its captures.warc_file names them) to a folder of its own and rebuild from that"
    )


class _Replay:
    """Applies records one at a time, keeping one Store per run."""

    def __init__(self, db: sqlite_utils.Database, labs: LabVocabulary) -> None:
        self.db = db
        self.labs = labs
        self.runs: dict[str, tuple[int, str, Store]] = {}  # run id in the files → (id here, site, store)

    def entry(self, entry: WarcEntry) -> None:
        if entry.record_type == "warcinfo":
            self._run_start(entry)
            return
        run = record_run(entry.meta)
        if run not in self.runs:
            raise RebuildError(
                f"{entry.location.file} at offset {entry.location.offset}: a record of run {run} with no "
                "warcinfo before it: the files of --from-warc must all be dagbok's, with the first file of each run"
            )
        run_id, site, store = self.runs[run]
        if entry.record_type in ("response", "revisit"):
            store.store(self._page_result(entry, site), location=entry.location)
            return
        event = EventFields.read(entry.meta)
        if event is None:
            return
        if event.event == Event.FAILURE:
            result = self._bare_result(entry, capture=None)
            store.store(result, fetched=entry.date, location=entry.location)
        elif event.event == Event.DISCOVERY:
            done = DiscoveryDone(frozenset(entry.payload["urls"]), complete=bool(entry.payload["complete"]))
            store.discovery_done(done, when=entry.date)
        elif event.event == Event.LISTING_CHECKED:
            data = entry.payload
            validators = Validators(data["etag"], data["last_modified"], data["digest"])
            url = event.page_uri or entry.target
            store.listing_checked(ListingChecked(url, validators, data["provisional"]), when=entry.date)
        elif event.event == Event.RUN_END:
            row = {key: value for key, value in entry.payload.items() if key != "run"}
            with self.db.atomic():
                self.db["crawl_runs"].update(run_id, row)

    def _run_start(self, entry: WarcEntry) -> None:
        info = RunInfo.read(entry.info)
        if info is None or info.run in self.runs:
            return  # a later file of the same run repeats its warcinfo
        summary = CrawlSummary(
            run_id=0, site=info.site, source=info.source, full=info.full, started=parse_iso(info.started)
        )
        # The run keeps its number: a database rebuilt from files that lack one (a run killed before
        # it wrote any) numbers its next run after the last, never as a run its files already hold.
        run_id = begin_run(self.db, summary, pid=info.pid, run_id=int(info.run) if info.run.isdigit() else None)
        store = Store(self.db, run_id=run_id, source=summary.source, labs=self.labs)
        self.runs[info.run] = (run_id, summary.site, store)

    def _bare_result(self, entry: WarcEntry, *, capture) -> PageResult:
        page = PageFields.read(entry.meta, target=entry.target)
        return PageResult(
            url=page.page_uri,
            kind=page.kind,
            source=page.source,
            capture=capture,
            error=page.error,
            candidate=page.candidate,
            provisional=page.provisional,
            pending=page.pending,
        )

    def _page_result(self, entry: WarcEntry, site: str) -> PageResult:
        """The PageResult the crawl made of this response, with the page parsed again."""
        if entry.body is not None:
            body = entry.body
        elif entry.status == 304 or entry.digest is None:
            body = b""
        else:
            try:
                body = read_body(self.db, entry.digest)
            except KeyError:
                raise RebuildError(
                    f"{entry.location.file} at offset {entry.location.offset} repeats a body ({entry.digest}) "
                    "that no earlier file holds; give --from-warc the folder with all of the archive's WARC files"
                ) from None
        # The crawl's own classify-and-extract step, so a rebuilt page is read exactly as a crawled
        # one. Imported here, as in runs.py: extraction (dateparser) would slow every CLI command.
        from scraper.crawl import READING_ERRORS, read_page

        result = self._bare_result(entry, capture=entry_capture(entry, body))
        parse = (
            # HTML listings (home page, archives) are read as the crawl read them: their teasers are rows too
            (result.kind != PageKind.LISTING or result.capture.content_type == "text/html")
            and entry.status == 200
            # a page the crawl could not read is read again (a fetch's or the run's own verdict is kept)
            and (result.error is None or result.error.startswith(READING_ERRORS))
        )
        if parse:
            result.error = None
            result = read_page(result, site_root(site), self.labs)
        return result
