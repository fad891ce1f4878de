"""`dagbok export --format wacz`: a WACZ 1.1.1 package that `wacz validate` accepts, listing every post."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import cli
from archive.runs import run_crawl
from archive.wacz import WaczError, export_wacz
from archive.warc import warc_files
from tests.console_scripts import DAGBOK, WACZ


@pytest.fixture
def crawled(tmp_path, sample_site_factory):
    """Two crawls of the sample site (the second incremental, after a post changed)."""
    site = sample_site_factory(crawl_delay=0)
    db, warc = tmp_path / "dagbok.db", tmp_path / "warc"
    run_crawl(db, site=site.base, delay=0, warc_dir=warc)
    site.update_post("vilken-resa-vi-gor", title="Vilken resa vi gör – igen")
    run_crawl(db, site=site.base, delay=0, warc_dir=warc)
    return db, warc


def test_export_wacz_is_valid_and_lists_every_post_with_a_page(tmp_path, crawled):
    db, warc = crawled
    result = subprocess.run([DAGBOK, "export", "--db", str(db), "--format", "wacz", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    package = tmp_path / "out" / "dagbok.wacz"
    assert result.stdout.startswith(f"Packed 2 WARC files into {package}: ")
    check = subprocess.run([WACZ, "validate", "-f", str(package)], capture_output=True, text=True)
    assert check.returncode == 0 and "Version detected as 1.1.1" in check.stdout, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout

    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        lines = [json.loads(line) for line in archive.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        datapackage = json.loads(archive.read("datapackage.json"))
    assert {f"archive/{path.name}" for path in warc_files(warc)} <= names
    assert datapackage["wacz_version"] == "1.1.1"
    header, pages = lines[0], lines[1:]
    assert header["format"] == "json-pages-1.0"
    archive_db = sqlite_utils.Database(db)
    posts = {row["url"]: row["title"] for row in archive_db.query(
        "SELECT url, title FROM post_details WHERE status != 'teaser-only'")}
    archive_db.close()
    assert len(posts) > 30
    assert {page["url"]: page["title"] for page in pages} == posts  # every post, by its own title
    assert "Vilken resa vi gör – igen" in posts.values()
    assert all(page["ts"].endswith("Z") for page in pages)


def test_a_post_is_listed_at_its_latest_capture(tmp_path, crawled):
    db, warc = crawled
    summary = export_wacz(db, tmp_path / "out", warc_dir=warc)
    with zipfile.ZipFile(summary.path) as archive:
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").decode().splitlines()[1:]]
    archive_db = sqlite_utils.Database(db)
    latest = archive_db.execute("SELECT max(fetched) FROM captures WHERE url LIKE '%/vilken-resa-vi-gor/'").fetchone()[0]
    archive_db.close()
    changed = next(page for page in pages if page["url"].endswith("/vilken-resa-vi-gor/"))
    assert changed["ts"][:19] == latest[:19]  # the second crawl's capture, to the second
    assert summary.pages == len(pages)


def test_export_wacz_needs_the_warc_files(tmp_path, crawled):
    db, _ = crawled
    (tmp_path / "empty").mkdir()
    with pytest.raises(WaczError, match="no WARC files .* pass the --warc-dir the crawls wrote to"):
        export_wacz(db, tmp_path / "out", warc_dir=tmp_path / "empty")
    result = subprocess.run([DAGBOK, "export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "j"),
                             "--warc-dir", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "Error: --warc-dir applies only with --format wacz; leave it out for jsonl and csv\n"
    assert not (tmp_path / "out").exists()  # nothing is written before the inputs are checked


def test_export_wacz_packs_only_its_own_archives_files_and_says_what_it_left_out(tmp_path, two_archives):
    archives = two_archives
    for db, other in ((archives.old, archives.new), (archives.new, archives.old)):
        result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "wacz", "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
        own = archives.files_of(db)  # its files from before archive ids too (the old archive's first run)
        assert result.output.startswith(f"Packed {len(own)} WARC files into {tmp_path / db.stem}.wacz")
        left_out = f"{archives.id_of(other)} ({len(archives.files_of(other))} files, runs "
        assert f"\n  left out the WARC files of another archive in the folder: {left_out}" in result.output
        with zipfile.ZipFile(tmp_path / f"{db.stem}.wacz") as package:
            packed = {name.removeprefix("archive/") for name in package.namelist() if name.startswith("archive/")}
        assert packed == own and not packed & archives.files_of(other)


def test_export_wacz_refuses_a_folder_with_none_of_its_files(tmp_path, two_archives):
    archives = two_archives
    (tmp_path / "theirs").mkdir()
    for name in archives.files_of(archives.old):
        shutil.copy(archives.warc / name, tmp_path / "theirs")
    with pytest.raises(WaczError, match=f"none of the WARC files in {tmp_path / 'theirs'} is this archive's "
                                        f"\\({archives.id_of(archives.new)}\\): they are {archives.id_of(archives.old)} "
                                        "\\(2 files, runs .*; pass the --warc-dir its crawls wrote to"):
        export_wacz(archives.new, tmp_path / "out", warc_dir=tmp_path / "theirs")
    assert not (tmp_path / "out").exists()


def test_export_wacz_of_a_database_and_its_copy_packs_each_ones_runs(tmp_path, copied_archive):
    for db in copied_archive:
        summary = export_wacz(db, tmp_path / db.stem, warc_dir=db.parent / "warc")
        archive_db = sqlite_utils.Database(db)
        own = {row[0] for row in archive_db.execute("SELECT DISTINCT warc_file FROM captures")}
        archive_db.close()
        assert set(summary.warc_files) == own and len(own) == 2  # run 1 (theirs both) and its own run 2
        assert len(summary.left_out) == 1 and " (1 files, runs " in summary.left_out[0]
