"""Opening an archive database: WAL mode, foreign keys, schema steps and the lab vocabulary.

The column names are the contract with `queries.py` (the README,
"Schema"); the tables themselves are built by the numbered steps in
`migrations.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlite_utils

from scraper.labs import LabVocabulary

from .database import APPLICATION_ID, check_for_writing, storage_errors
from .migrations import migrate


def open_database(path: Path | str, *, lab_names: Sequence[str] | None = None,
                  mark: int = APPLICATION_ID) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database, bring its schema up to date and seed the labs.

    Only a new file, an empty database or an archive is opened (see `database.py`): another
    program's database is refused before anything is written to it. WAL mode lets readers
    (`query`, `serve`) run beside a crawl, and makes each page's commit durable on its own.
    `lab_names` defaults to the vocabulary in scraper/data/labs.toml; `mark` is the header's
    application id (a rebuild marks its file unfinished until it is done).
    """
    path = Path(path)
    check_for_writing(path)
    with storage_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            db.enable_wal()
            # In WAL mode NORMAL keeps every commit safe from a killed process; only a power cut may undo the last.
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            if db.execute("PRAGMA application_id").fetchone()[0] != mark:
                db.execute(f"PRAGMA application_id = {int(mark)}")
            migrate(db)
            seed_labs(db, LabVocabulary.load().names if lab_names is None else lab_names)
        except BaseException:
            db.close()
            raise
    return db


def seed_labs(db: sqlite_utils.Database, names: Sequence[str]) -> None:
    """Insert the labs not yet present, in vocabulary order (so ids follow that order)."""
    known = {row["name"] for row in db.query("SELECT name FROM labs")}
    missing = [name for name in names if name not in known]
    if missing:
        with db.atomic():
            for name in missing:
                db["labs"].insert({"name": name})


def lab_ids(db: sqlite_utils.Database) -> dict[str, int]:
    return {row["name"]: row["id"] for row in db.query("SELECT id, name FROM labs")}
