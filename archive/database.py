"""What a database file is before dagbok reads or writes it, and what SQLite's failures mean to a user.

An archive is marked in the SQLite header (`PRAGMA application_id`), so dagbok
never takes another program's database for its own: `crawl --db someapp.db` is
refused before a table is added. Archives made before the mark existed are
recognised by their `migrations` table. A rebuild writes under a second mark
until it has finished, so a file it left behind when killed never passes for an
archive. A file on read-only media is read as it is (SQLite's `immutable`
mode, since it cannot make the files WAL mode needs beside it); a damaged one
is named as damaged, and a full disk as a full disk. Each archive also has an id
of its own (`archive_id`), which its WARC files name, so that files of two archives
sharing a folder are never taken for one archive's.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from scraper.errors import DagbokError

log = logging.getLogger(__name__)

APPLICATION_ID = 0x64616762  # "dagb": a dagbok archive
UNFINISHED_ID = 0x64616775  # "dagu": a rebuild still writing it, or killed while it did
SQLITE_MAGIC = b"SQLite format 3\0"  # the first bytes of every SQLite database file
FIRST_STEP = (1, "initial tables")  # the first row of `migrations` in every archive (archive/migrations.py)


class NoDatabase(DagbokError):
    """The database file to read does not exist, or holds nothing yet."""


class ForeignDatabase(DagbokError):
    """A SQLite database that another program made."""


class UnfinishedArchive(DagbokError):
    """A database a rebuild was still writing when it stopped."""


class DamagedArchive(DagbokError):
    """A file SQLite cannot read as a database, or one whose pages do not check out."""


class ReadOnlyArchive(DagbokError):
    """An archive dagbok must write to, on read-only media or without write permission."""


class DiskFull(DagbokError):
    """No space left for the archive, its WARC files or its lock."""


RESERVE_BYTES = 256 * 1024  # room for a run's last writes once the disk is full: its row, the WARC's end


class DiskReserve:
    """Disk space held beside the database through a run (`<db>-reserve`) and given back when the
    disk fills up, so that the run's row can still say how the run ended. `hold()` takes it; leaving
    the `with` block gives it back."""

    def __init__(self, db_path: Path, size: int = RESERVE_BYTES) -> None:
        self.path = db_path.with_name(db_path.name + "-reserve")
        self.size = size

    def __enter__(self) -> DiskReserve:
        return self

    def hold(self) -> None:
        try:
            with open(self.path, "wb") as file:
                file.write(bytes(self.size))  # written, not sparse: the blocks are really taken
        except OSError:
            self.release()
            raise

    def release(self) -> None:
        self.path.unlink(missing_ok=True)

    def __exit__(self, *exc: object) -> None:
        self.release()


class Kind(StrEnum):
    EMPTY = "empty"  # no tables: a new archive may be made in it
    ARCHIVE = "archive"
    UNFINISHED = "unfinished"
    FOREIGN = "foreign"


def identify(conn: sqlite3.Connection) -> tuple[Kind, list[str]]:
    """What the open database is, and its table names (reads the header and the schema only)."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = sorted(row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    if application_id == APPLICATION_ID:
        return Kind.ARCHIVE, tables
    if application_id == UNFINISHED_ID:
        return Kind.UNFINISHED, tables
    if application_id == 0 and "migrations" in tables:
        try:
            first = conn.execute("SELECT number, name FROM migrations ORDER BY number LIMIT 1").fetchone()
        except sqlite3.OperationalError:  # a `migrations` table with other columns: another program's
            first = ()
        if first is None and tables == ["migrations"]:
            return Kind.EMPTY, tables  # killed before the first step was recorded
        if first is not None and tuple(first) == FIRST_STEP:
            return Kind.ARCHIVE, tables
    if application_id == 0 and not tables:
        return Kind.EMPTY, tables
    return Kind.FOREIGN, tables


def refuse_unless_archive(kind: Kind, tables: list[str], path: Path, *, creating: bool = False) -> None:
    """Raise the error that says what `path` is, unless it is an archive (or, when `creating`, empty)."""
    if kind is Kind.ARCHIVE or (kind is Kind.EMPTY and creating):
        return
    if kind is Kind.EMPTY:
        raise NoDatabase(f"{path} is not a dagbok archive (no posts table); run `dagbok crawl --db {path}` to make one")
    if kind is Kind.UNFINISHED:
        raise UnfinishedArchive(
            f"{path} is an unfinished rebuild (it stopped before the end), not an archive; delete it and run "
            "`dagbok rebuild --from-warc DIR --db NEW.db` again"
        )
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    raise ForeignDatabase(
        f"{path} is another program's SQLite database (tables: {shown}), not a dagbok archive; "
        "dagbok leaves it alone: give --db a new file or an archive dagbok made"
    )


def damaged(path: Path, detail: str) -> DamagedArchive:
    try:
        with open(path, "rb") as file:
            sqlite_file = file.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        sqlite_file = True
    what = "is damaged" if sqlite_file else "is not a SQLite database (damaged, or another kind of file)"
    return DamagedArchive(
        f"{path} {what} ({detail}); restore it from a backup, or rebuild it from its WARC files: "
        "`dagbok rebuild --from-warc DIR --db NEW.db`"
    )


def read_only(path: Path) -> ReadOnlyArchive:
    return ReadOnlyArchive(
        f"{path} is read-only (read-only media or no write permission), and this command writes to it; "
        "query, stats, check, export and serve read it as it is, or copy it somewhere writable"
    )


def disk_full(path: Path) -> DiskFull:
    return DiskFull(f"no space left on the disk of {path}; free some space and run the command again "
                    "(what was stored before is kept)")


def named_error(error: BaseException, path: Path) -> DagbokError | None:
    """The user's name for a SQLite or file-system failure on `path`, or None when it means a bug."""
    if isinstance(error, OSError):
        where = Path(error.filename) if error.filename else path
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(where)
        if error.errno == errno.EROFS:
            return read_only(where)
        return None
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, str(error))
    if name.startswith("SQLITE_FULL"):
        return disk_full(path)
    if name.startswith("SQLITE_READONLY"):
        return read_only(path)
    if name.startswith("SQLITE_IOERR"):
        return DamagedArchive(f"{path} could not be read or written ({error}); check the disk it is on")
    return None


@contextmanager
def storage_errors(path: Path | str) -> Iterator[None]:
    """Turn SQLite's and the file system's failures on `path` into the errors a user can act on."""
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as error:
        named = named_error(error, Path(path))
        if named is None:
            raise
        raise named from error


def writable(path: Path) -> bool:
    """Whether dagbok may write to `path` (or create it): the file and its folder both writable."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return not folder.exists() or os.access(folder, os.W_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; on read-only media, SQLite's immutable mode (it cannot make a -shm file)."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.OperationalError as error:
        conn.close()
        if writable(path) or not (getattr(error, "sqlite_errorname", "") or "").startswith("SQLITE_CANTOPEN"):
            raise
    if Path(f"{path}-wal").exists():
        log.warning("%s-wal cannot be folded in on read-only media: the last pages of a killed crawl may be "
                    "missing from what is shown", path)
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def connect_archive(db_path: Path | str) -> sqlite3.Connection:
    """Open an archive read-only; any other file (missing, empty, foreign, unfinished, damaged) is refused."""
    path = Path(db_path)
    if not path.is_file():
        raise NoDatabase(f"no database at {path}; run `dagbok crawl --db {path}` first")
    with storage_errors(path):
        conn = connect_read_only(path)
        try:
            kind, tables = identify(conn)
            refuse_unless_archive(kind, tables, path)
            if "post_details" not in {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}:
                raise NoDatabase(f"{path} is not a dagbok archive (no posts table); "
                                 f"run `dagbok crawl --db {path}` to make one")
        except BaseException:
            conn.close()
            raise
    return conn


def archive_id(conn: sqlite3.Connection) -> str | None:
    """The archive's id (migrations step 8), named by its WARC files; None for an archive older than that.

    An archive on read-only media is never migrated, so it may have none: its files name none either.
    """
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive'").fetchone():
        return None
    row = conn.execute("SELECT id FROM archive").fetchone()
    return row[0] if row else None


def run_starts(conn: sqlite3.Connection) -> set[str]:
    """When each of the archive's runs started: what tells its WARC files from others' (`warc.files_of_runs`)."""
    return {row[0] for row in conn.execute("SELECT started FROM crawl_runs")}


def check_pages(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick check of every page (reads the whole file once): raises `DamagedArchive` if it fails."""
    with storage_errors(path):
        [problem] = conn.execute("PRAGMA quick_check(1)").fetchone()
    if problem != "ok":
        raise damaged(path, f"SQLite's quick check: {problem.strip()}")


def check_for_writing(path: Path, *, pages: bool = False) -> None:
    """Refuse to write to `path` unless it is missing, empty, or an archive on writable media.

    With `pages`, an archive's every page is checked too (SQLite's quick check), so no damage is
    written over: worth its one read of the file before a crawl, not on every open.
    """
    if not path.exists():
        if not writable(path):
            raise ReadOnlyArchive(f"cannot make {path}: its folder is read-only (read-only media or no write "
                                  "permission); give --db a path in a writable folder")
        return
    if not path.is_file():
        raise NoDatabase(f"{path} is not a file; give --db a database file")
    with storage_errors(path):
        conn = connect_read_only(path)
        try:
            kind, tables = identify(conn)
            refuse_unless_archive(kind, tables, path, creating=True)
            if kind is Kind.ARCHIVE and pages:
                check_pages(conn, path)
        finally:
            conn.close()
    if not writable(path):
        raise read_only(path)
