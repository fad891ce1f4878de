"""One crawl at a time per database: an advisory lock file beside it, naming its holder.

The lock is an `flock` on `<db>-lock`, which the kernel releases when the
holding process dies, however it dies. The file also records the holder's pid
and start time, so a refusal can say who holds it, and a run that finds the
record of a holder that no longer holds the lock knows it is taking over a
stale lock (a killed run).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scraper.errors import DagbokError


class LockedError(DagbokError):
    """Another crawl holds the database."""


@dataclass(frozen=True)
class Holder:
    pid: int
    started: str
    host: str = ""


def lock_path(db_path: Path | str) -> Path:
    """`<db>-lock` beside the database's real file: a symlink (or a path through one) locks the same file."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + "-lock")  # beside -wal and -shm, under the same ignore rules


class RunLock:
    """Hold the lock for a database while a run lasts: `with RunLock(db) as lock: ...`.

    `stale` is the record of a previous holder found in the file, i.e. a run
    that ended without releasing (killed); None when the file was clean.
    """

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.stale: Holder | None = None
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            who = f"pid {holder.pid}, started {holder.started}" if holder else "another process"
            raise LockedError(
                f"database {self.db_path} is locked by another dagbok crawl ({who}); "
                f"wait for it to finish, or stop that process (the lock file is {self.path})"
            ) from None
        self.stale = _read_holder(fd)
        me = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat(timespec="seconds"),
              "host": socket.gethostname()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        """Empty the record, then unlock. The file stays: deleting it could let two runs lock two files."""
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> Holder | None:
    data = os.pread(fd, 4096, 0)
    if not data.strip():
        return None
    try:
        record = json.loads(data)
        return Holder(pid=int(record["pid"]), started=str(record.get("started", "?")), host=str(record.get("host", "")))
    except (ValueError, KeyError, TypeError):
        return Holder(pid=0, started="?")
