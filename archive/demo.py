"""`dagbok demo`: the whole pipeline on the bundled sample site, with no network.

The sample site (scraper.sample_site) is served on 127.0.0.1, crawled with no
delay into a fresh demo database, and the report says what was archived and
which commands to try next.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from scraper.errors import DagbokError
from scraper.paths import DEFAULT_DEMO_DB

from .database import check_for_writing, run_starts
from .runs import CrawlSummary, run_crawl
from .warc import files_of_runs, warc_archives, warc_files


class DemoError(DagbokError):
    """The demo cannot run with the given database path."""


@dataclass
class DemoReport:
    db_path: Path
    site: str
    summary: CrawlSummary
    counts: dict[str, int] = field(default_factory=dict)
    labs: dict[str, int] = field(default_factory=dict)
    example_author: str | None = None

    def commands(self) -> list[str]:
        db = shlex.quote(str(self.db_path))
        commands = [
            f"dagbok query --db {db} --lab Boden",
            f"dagbok query --db {db} --search Rannebergen --format json",
            f"dagbok query --db {db} --since 2019-01-01 --until 2019-06-30",
        ]
        if self.example_author:
            commands.append(f"dagbok query --db {db} --author {shlex.quote(self.example_author.split()[-1])}")
        commands += [f"dagbok stats --db {db}", f"dagbok check --db {db}"]
        return commands

    def text(self) -> str:
        counts = self.counts
        lines = [
            f"Crawled the sample site at {self.site} into {self.db_path}",
            f"  {counts.get('posts', 0)} posts ({counts.get('live', 0)} live, {counts.get('teaser-only', 0)} known "
            f"only from teasers) by {counts.get('authors', 0)} authors, {counts.get('revisions', 0)} revisions",
            f"  {counts.get('captures', 0)} captures in {self.summary.requests} requests, "
            f"WARC files in {self.db_path.parent / 'warc'}",
            "  posts per lab: " + ", ".join(f"{name} {number}" for name, number in self.labs.items()),
            "",
            "Try:",
            *(f"  {command}" for command in self.commands()),
            "",
            "Browse and search it in Datasette:",
            f"  dagbok serve --db {shlex.quote(str(self.db_path))}",
        ]
        if self.summary.failures:
            lines += ["", "Failed pages:", *(f"  {url}  {reason}" for url, reason in self.summary.failures)]
        return "\n".join(lines)


def _is_demo_database(path: Path) -> bool:
    """A database every run of which crawled a loopback site (the sample site) is a demo database."""
    db = sqlite_utils.Database(path)
    try:
        if "crawl_runs" not in db.table_names():
            return not db.table_names()  # an empty file holds nothing to lose
        sites = [row[0] for row in db.execute("SELECT site FROM crawl_runs")]
    finally:
        db.close()
    return all(urlsplit(site).hostname in ("127.0.0.1", "localhost") for site in sites)


def _clear(db_path: Path) -> None:
    """Remove an earlier demo database and its WARC files (the sample site's port changes every time)."""
    check_for_writing(db_path)  # another program's database, or a damaged one, is named as such
    if db_path.exists() and not _is_demo_database(db_path):
        raise DemoError(
            f"{db_path} holds crawls of a real site, and the demo starts from an empty database; "
            "give the demo another --db"
        )
    warc_dir = db_path.parent / "warc"
    own = _own_warc_files(db_path, warc_dir)
    for suffix in ("", "-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    for path in own:
        path.unlink()
    if warc_dir.is_dir() and not any(warc_dir.iterdir()):
        shutil.rmtree(warc_dir)


def _own_warc_files(db_path: Path, warc_dir: Path) -> list[Path]:
    """The WARC files of the earlier demo archive: never those of another archive sharing the folder."""
    if not db_path.exists() or not warc_dir.is_dir() or not (files := warc_files(warc_dir)):
        return []
    db = sqlite_utils.Database(db_path)
    try:
        runs = run_starts(db.conn) if "crawl_runs" in db.table_names() else set()
    finally:
        db.close()
    return files_of_runs(warc_archives(files), runs)[0]


def run_demo(db_path: Path | str = DEFAULT_DEMO_DB, *, port: int = 0) -> DemoReport:
    """Serve the sample site on loopback, crawl it into `db_path`, and report what is there.

    `port` 0 takes a free one; a fixed port gives the same URLs every time (the README's examples).
    """
    from scraper.sample_site import SampleSite

    db_path = Path(db_path)
    site = SampleSite(crawl_delay=0)
    try:
        site.start(port=port)
    except OSError as error:
        raise DemoError(f"cannot serve the sample site on port {port} ({error.strerror}); give another --port, or 0 for a free one") from None
    try:
        _clear(db_path)
        summary = run_crawl(db_path, site=site.base, delay=0, full=True)
        base = site.base
    finally:
        site.stop()
    report = DemoReport(db_path=db_path, site=base, summary=summary)
    db = sqlite_utils.Database(db_path)
    try:
        for table in ("posts", "authors", "revisions", "captures"):
            report.counts[table] = db[table].count
        for status, number in db.execute("SELECT status, count(*) FROM posts GROUP BY status"):
            report.counts[status] = number
        report.labs = {
            name: number
            for name, number in db.execute(
                "SELECT labs.name, count(posts.id) FROM labs LEFT JOIN posts ON posts.lab_id = labs.id "
                "GROUP BY labs.id ORDER BY labs.id"
            )
        }
        row = db.execute(
            "SELECT author FROM post_details WHERE author IS NOT NULL GROUP BY author ORDER BY count(*) DESC, author"
        ).fetchone()
        report.example_author = row[0] if row else None
    finally:
        db.close()
    return report
