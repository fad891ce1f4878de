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

from .migrations import migrate


def open_database(path: Path | str, *, lab_names: Sequence[str] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database, bring its schema up to date and seed the labs.

    WAL mode lets readers (`query`, `serve`) run beside a crawl, and makes each
    page's commit durable on its own. `lab_names` defaults to the vocabulary in
    scraper/data/labs.toml.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    # In WAL mode NORMAL keeps every commit safe from a killed process; only a power cut may undo the last.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    seed_labs(db, LabVocabulary.load().names if lab_names is None else lab_names)
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
