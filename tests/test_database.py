"""Archives that cannot be mistaken: another program's database, a damaged one, one on read-only
media, a rebuild killed half way and a disk that fills up mid-crawl, each through the real `dagbok`.

Every refusal is exit 2 with a message that names the file and what to do, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from archive.cli import cli
from archive.runs import run_crawl
from scraper.sample_site import SampleSite
from tests.console_scripts import DAGBOK
from tests.processes import start_serving, stop

NOWHERE = "http://127.0.0.1:9/"  # a site never asked: each refusal comes before the first request
READING_COMMANDS = [
    ["check"],
    ["stats"],
    ["query", "--search", "Rannebergen"],
    ["export", "--out", "{tmp}/deposit"],
    ["serve", "--port", "0"],
]


def dagbok(*args: str) -> tuple[int, str]:
    """`dagbok` in this process; (exit code, what it printed). A traceback fails the test."""
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def command(words: list[str], db: Path, tmp: Path) -> list[str]:
    return [words[0], "--db", str(db), *(word.format(tmp=tmp) for word in words[1:])]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> tuple[Path, Path, int]:
    """An archive of the sample site, its WARC folder and its number of captures."""
    folder = tmp_path_factory.mktemp("archive")
    with SampleSite(crawl_delay=0) as site:
        run_crawl(folder / "dagbok.db", site=site.base, delay=0)
    with sqlite3.connect(folder / "dagbok.db") as conn:
        captures = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    return folder / "dagbok.db", folder / "warc", captures


@pytest.fixture
def archive(crawled, tmp_path) -> Path:
    copy = tmp_path / "dagbok.db"
    shutil.copy(crawled[0], copy)
    return copy


def schema(path: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


# --- another program's database ---------------------------------------------------------------


def someapp(path: Path, *tables: str) -> Path:
    with sqlite3.connect(path) as conn:
        for sql in tables:
            conn.execute(sql)
    return path


FOREIGN = {
    "someapp": ("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "CREATE TABLE orders (id INTEGER)"),
    # Laravel keeps a `migrations` table too, with other columns: still not ours.
    "laravel": ("CREATE TABLE migrations (id INTEGER PRIMARY KEY, migration TEXT, batch INTEGER)",
                "INSERT INTO migrations (migration, batch) VALUES ('create_users_table', 1)",
                "CREATE TABLE users (id INTEGER)"),
}


@pytest.mark.parametrize("app", FOREIGN)
def test_crawl_never_adds_tables_to_another_programs_database(tmp_path, app):
    db = someapp(tmp_path / f"{app}.db", *FOREIGN[app])
    before, tables_before = db.read_bytes(), schema(db)
    code, output = dagbok("crawl", "--site", NOWHERE, "--db", str(db))
    names = ", ".join(sorted(row[1] for row in tables_before if row[0] == "table"))
    assert code == 2
    assert output == (f"Error: {db} is another program's SQLite database (tables: {names}), not a dagbok "
                      "archive; dagbok leaves it alone: give --db a new file or an archive dagbok made\n")
    assert schema(db) == tables_before and db.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [db.name]  # no lock, no WARC folder


@pytest.mark.parametrize("words", READING_COMMANDS, ids=lambda words: words[0])
def test_reading_commands_name_another_programs_database(tmp_path, words):
    db = someapp(tmp_path / "someapp.db", *FOREIGN["someapp"])
    code, output = dagbok(*command(words, db, tmp_path))
    assert code == 2
    assert output.startswith(f"Error: {db} is another program's SQLite database (tables: orders, users)")
    assert not (tmp_path / "deposit").exists()


def test_an_archive_is_marked_in_the_sqlite_header_and_an_older_unmarked_one_is_still_recognised(archive):
    with sqlite3.connect(archive) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == int.from_bytes(b"dagb", "big")
        conn.execute("PRAGMA application_id = 0")  # as an archive made before the mark
    code, output = dagbok("query", "--db", str(archive), "--search", "Rannebergen", "--format", "json")
    assert code == 0 and json.loads(output)


# --- a damaged database -----------------------------------------------------------------------


def truncated(path: Path) -> str:
    with open(path, "r+b") as file:
        file.truncate(path.stat().st_size // 2)
    return "is damaged"


def scribbled(path: Path) -> str:
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.seek(size // 3)
        file.write(bytes(range(256)) * (size // 3 // 256))
    return "is damaged"


def wiped_header(path: Path) -> str:
    with open(path, "r+b") as file:
        file.write(b"\0" * 100)
    return "is not a SQLite database (damaged, or another kind of file)"


DAMAGE = {"truncated": truncated, "scribbled": scribbled, "wiped-header": wiped_header}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("words", [*READING_COMMANDS, ["crawl", "--site", NOWHERE]], ids=lambda words: words[0])
def test_a_damaged_archive_is_named_as_damaged(tmp_path, archive, damage, words):
    said = DAMAGE[damage](archive)
    before = archive.read_bytes()
    code, output = dagbok(*command(words, archive, tmp_path))
    assert code == 2, output
    assert output.startswith(f"Error: {archive} {said} (")
    assert output.endswith("; restore it from a backup, or rebuild it from its WARC files: "
                           "`dagbok rebuild --from-warc DIR --db NEW.db`\n")
    assert archive.read_bytes() == before  # nothing written into it
    assert not (tmp_path / "deposit").exists()


# --- read-only media --------------------------------------------------------------------------


@contextmanager
def read_only_folder(folder: Path):
    """`folder` made read-only: a read-only tmpfs mount as root (root writes through file modes),
    else the folder's and its files' write permission taken away."""
    if os.geteuid() == 0:
        mount = folder.with_name(folder.name + "-ro")
        mount.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=True)
        try:
            for path in folder.iterdir():
                shutil.copy(path, mount / path.name)
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            yield mount
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in [folder, *folder.iterdir()]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


@pytest.fixture
def read_only_archive(crawled, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    shutil.copy(crawled[0], folder / "dagbok.db")
    with read_only_folder(folder) as mounted:
        yield mounted / "dagbok.db"


def test_a_read_only_archive_is_read_by_every_reading_command(tmp_path, read_only_archive):
    for words in (["query", "--search", "Rannebergen", "--format", "json"], ["stats"], ["check"]):
        code, output = dagbok(words[0], "--db", str(read_only_archive), *words[1:])
        assert code == 0, output
        assert "not a dagbok archive" not in output
    code, output = dagbok("export", "--db", str(read_only_archive), "--out", str(tmp_path / "deposit"))
    assert code == 0, output
    assert json.loads((tmp_path / "deposit" / "manifest.json").read_text(encoding="utf-8"))["files"]


@pytest.mark.slow
def test_a_read_only_archive_is_served(read_only_archive):
    process, base = start_serving(read_only_archive)
    try:
        rows = requests.get(base + "dagbok/posts.json", params={"_shape": "array"}, timeout=5)
        assert rows.status_code == 200 and len(rows.json()) > 30
    finally:
        stop(process)


def test_crawl_into_a_read_only_archive_says_it_is_read_only_and_does_not_suggest_crawling(read_only_archive):
    code, output = dagbok("crawl", "--site", NOWHERE, "--db", str(read_only_archive))
    assert code == 2
    assert output == (f"Error: {read_only_archive} is read-only (read-only media or no write permission), and this "
                      "command writes to it; query, stats, check, export and serve read it as it is, or copy it "
                      "somewhere writable\n")


# --- a rebuild killed half way ----------------------------------------------------------------


def captures_in(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.Error:
        return -1  # not made yet, or no captures table yet


def kill_when(process: subprocess.Popen, partial: Path, captures: int) -> int:
    """SIGKILL the rebuild once its unfinished file holds `captures` captures (polling); return what it held."""
    deadline = time.monotonic() + 60
    held = -1
    while process.poll() is None and time.monotonic() < deadline:
        held = captures_in(partial)
        if held >= captures:
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return held


@pytest.mark.slow
@pytest.mark.parametrize("moment", [0.0, 0.5, 0.95])
def test_a_rebuild_killed_at_any_moment_leaves_nothing_that_passes_for_an_archive(tmp_path, crawled, moment):
    _, warc_dir, total = crawled
    rebuilt = tmp_path / "rebuilt.db"
    partial = tmp_path / "rebuilt.db.partial"
    process = subprocess.Popen([DAGBOK, "rebuild", "--from-warc", str(warc_dir), "--db", str(rebuilt)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    held = kill_when(process, partial, int(total * moment))

    if rebuilt.exists():  # the kill came after the rename: then it is whole
        assert captures_in(rebuilt) == total
    else:
        code, output = dagbok("query", "--db", str(rebuilt))
        assert (code, output) == (2, f"Error: no database at {rebuilt}; run `dagbok crawl --db {rebuilt}` first\n")
        assert held < total or not partial.exists()
        if partial.exists():
            for words in (["query"], ["stats"], ["check"], ["crawl", "--site", NOWHERE]):
                code, output = dagbok(words[0], "--db", str(partial), *words[1:])
                assert code == 2
                assert output.startswith(f"Error: {partial} is an unfinished rebuild (it stopped before the end)")
        # Run again, it completes: what the killed one left is cleared first.
        code, output = dagbok("rebuild", "--from-warc", str(warc_dir), "--db", str(rebuilt))
        assert code == 0, output
        assert captures_in(rebuilt) == total
    assert not partial.exists()
    code, output = dagbok("check", "--db", str(rebuilt))
    assert code == 0, output


# --- a disk that fills up mid-crawl -----------------------------------------------------------


@pytest.mark.slow
def test_a_full_disk_mid_crawl_is_named_exit_2_and_the_run_is_recorded_as_failed(tmp_path, crawled):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(disk)], check=True)
    try:
        with SampleSite(crawl_delay=0) as site:
            db = disk / "dagbok.db"
            done = subprocess.run([DAGBOK, "crawl", "--site", site.base, "--db", str(db), "--delay", "0"],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 2, done.stdout + done.stderr
            assert "Traceback" not in done.stderr
            assert re.search(rf"^Error: no space left on the disk of {re.escape(str(disk))}/\S+; free some space "
                             r"and run the command again \(what was stored before is kept\)$", done.stderr, re.M), \
                done.stderr
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                runs = conn.execute("SELECT status FROM crawl_runs").fetchall()
                stored = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
            assert runs == [("failed",)]
            assert 0 < stored < crawled[2]  # it filled up part way through
            assert not (disk / "dagbok.db-reserve").exists()  # the room held for the run's row is given back

            # Room again: the next run completes the archive from what was kept.
            subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)
            again = subprocess.run([DAGBOK, "crawl", "--site", site.base, "--db", str(db), "--delay", "0"],
                                   capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stdout + again.stderr
        code, output = dagbok("query", "--db", str(db), "--format", "json")
        _, whole = dagbok("query", "--db", str(crawled[0]), "--format", "json")
        assert code == 0 and len(json.loads(output)) == len(json.loads(whole)) > 30
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_crawl_into_a_new_file_in_a_read_only_folder_says_where_to_put_it(read_only_archive):
    new = read_only_archive.with_name("new.db")
    code, output = dagbok("crawl", "--site", NOWHERE, "--db", str(new))
    assert (code, output) == (2, f"Error: cannot make {new}: its folder is read-only (read-only media or no write "
                                 "permission); give --db a path in a writable folder\n")
    assert not new.exists()
