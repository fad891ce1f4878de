"""A database rebuilt from WARC files alone equals the crawled one, row for row; the WARC files pass warcio."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import sqlite_utils
from click.testing import CliRunner

import archive.migrations as migrations
from archive.check import check_archive
from archive.cli import cli
from archive.rebuild import RebuildError, partial_path, rebuild
from archive.runs import run_crawl
from archive.warc import read_entries, warc_files
from archive.warc_fields import RunInfo
from scraper.sample_site import SampleSite, load_posts
from tests.console_scripts import WARCIO
from tests.unmarked_pages import unmarked_pages_site

SLUG = "vilken-resa-vi-gor"


def table_rows(db_path) -> dict[str, list[dict]]:
    """Every row of every table (FTS shadow tables, migration times and planner statistics aside), in rowid order."""
    db = sqlite_utils.Database(db_path)
    try:
        return {
            name: list(db.query(f"SELECT * FROM [{name}] ORDER BY rowid"))
            for name in db.table_names()
            if not name.startswith(("posts_fts", "sqlite_")) and name != "migrations"
        }
    finally:
        db.close()


def assert_same_rows(crawled, rebuilt) -> None:
    a, b = table_rows(crawled), table_rows(rebuilt)
    assert a.keys() == b.keys()
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for row_a, row_b in zip(a[name], b[name]):
            assert row_a == row_b, name


@pytest.fixture
def history(tmp_path, sample_site_factory):
    """Four runs with a change, a removal, an unchanged recrawl (304s) and a rotation of WARC files."""
    site = sample_site_factory(crawl_delay=0)
    db_path, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"

    def crawl(**options):
        return run_crawl(db_path, site=site.base, delay=0, warc_dir=warc_dir, warc_max_size=200_000, **options)

    crawl()
    site.update_post(SLUG, title="Vilken resa vi gör – igen", paragraphs=["Ny text i Boden.", "Och en till."])
    crawl()
    site.remove_post("ett-ar-med-portalen")
    crawl(full=True)
    crawl()
    return db_path, warc_dir


def test_rebuild_from_warc_equals_the_crawled_database_row_for_row(tmp_path, history):
    crawled, warc_dir = history
    summary = rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert summary.runs == 4 and summary.posts > 30 and summary.revisions == summary.posts + 1
    assert_same_rows(crawled, tmp_path / "rebuilt.db")
    db = sqlite_utils.Database(tmp_path / "rebuilt.db")
    assert next(db.query("SELECT status FROM posts WHERE slug = 'ett-ar-med-portalen'"))["status"] == "gone"


def test_rebuild_of_a_run_with_a_failed_page_keeps_its_listings_unproven(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, faults=("always-500",))
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    summary = run_crawl(crawled, site=site.base, delay=0, warc_dir=warc_dir, retries=0)
    assert summary.errors == 1
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")  # pages included: the listings keep no validators


@pytest.mark.parametrize("markup", ["semantic", "bare"])
def test_rebuild_reads_again_the_pages_a_crawl_could_not_read_and_equals_it(tmp_path, sample_site_factory, markup):
    site = sample_site_factory(crawl_delay=0, markup=markup, faults=("undated", "no-api"))
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    summary = run_crawl(crawled, site=site.base, delay=0, warc_dir=warc_dir)
    [(url, reason)] = summary.failures  # 'no date found' (semantic), 'looks like a post but …' (bare)
    assert url == site.url(site.fault_route("undated")) and "no date" in reason
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")


def test_rebuild_finds_an_undated_post_by_the_api_title_its_warc_record_keeps(tmp_path, sample_site_factory):
    """Bare markup names a post's title nowhere but in the layout: the crawl finds the post of a
    page without a date by the REST API's title, which the page's WARC record keeps for rebuild."""
    site = sample_site_factory(crawl_delay=0, markup="bare", faults=("undated",))
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    summary = run_crawl(crawled, site=site.base, delay=0, warc_dir=warc_dir)
    assert summary.failures == []
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")
    url = site.url(site.fault_route("undated"))
    [post] = sqlite_utils.Database(tmp_path / "rebuilt.db").query("SELECT title, published FROM posts WHERE url = ?",
                                                                 [url])
    [truth] = [p for p in site.live_posts if site.url(p.path) == url]
    assert post == {"title": truth.title, "published": truth.published.isoformat()}


def test_rebuild_knows_the_pages_a_sitemap_listed_as_pages_from_their_warc_records(tmp_path):
    """A page in a theme that marks none of WordPress's pages is no post because the sitemap of
    pages lists it: the page's WARC record keeps that, so a rebuild does not fail it as a post."""
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    with unmarked_pages_site(pages_sitemap=True) as server:
        summary = run_crawl(crawled, site=server.url("/"), delay=0, warc_dir=warc_dir)
    assert (summary.failures, summary.new) == ([], 1)
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")
    assert check_archive(tmp_path / "rebuilt.db").exit_code == 0


def test_rebuild_names_a_body_cut_short_as_the_crawl_did(tmp_path, sample_site_factory):
    """The length of the listed text travels in the page's WARC record: a rebuild reads the
    collapsed page as the crawl did, keeps what it shows and names it as cut short again."""
    site = sample_site_factory(crawl_delay=0, faults=("collapsed-text",))
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    summary = run_crawl(crawled, site=site.base, delay=0, warc_dir=warc_dir)
    [(url, reason)] = summary.failures
    assert url == site.url(site.fault_route("collapsed-text")) and reason.startswith("body cut short: ")
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")
    report = check_archive(tmp_path / "rebuilt.db")
    assert [(page.url, page.reason) for page in report.failed_pages] == [(url, reason)]
    assert report.exit_code == 1


def test_every_warc_file_passes_warcio_check_and_the_index_lists_every_fetched_url(history):
    crawled, warc_dir = history
    files = warc_files(warc_dir)
    assert len(files) > 4  # rotated at 200 kB
    indexed = set()
    for path in files:
        check = subprocess.run([WARCIO, "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run([WARCIO, "index", str(path)], capture_output=True, text=True, check=True)
        indexed |= {json.loads(line).get("warc-target-uri") for line in index.stdout.splitlines()}
    db = sqlite_utils.Database(crawled)
    fetched = {row["final_url"] for row in db.query("SELECT final_url FROM captures WHERE status IS NOT NULL")}
    assert fetched and fetched <= indexed
    located = list(db.query("SELECT warc_file, warc_offset FROM captures"))
    assert all(row["warc_file"] in {path.name for path in files} and row["warc_offset"] >= 0 for row in located)


def test_rebuild_from_a_wayback_crawl_keeps_capture_times(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    crawled, warc_dir = tmp_path / "crawled.db", tmp_path / "warc"
    origin = "https://www.allmannyttan.se/"
    run_crawl(crawled, site=origin, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0, warc_dir=warc_dir)
    run_crawl(crawled, site=origin, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0, warc_dir=warc_dir,
              at="20190101")
    rebuild(warc_dir, tmp_path / "rebuilt.db")
    assert_same_rows(crawled, tmp_path / "rebuilt.db")


def test_rebuild_refuses_to_write_over_a_database(tmp_path, history):
    _, warc_dir = history
    existing = tmp_path / "crawled.db"
    with pytest.raises(RebuildError, match=f"{existing} already exists; --db of rebuild names a new database"):
        rebuild(warc_dir, existing)


def test_rebuild_needs_warc_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RebuildError, match="no WARC files"):
        rebuild(tmp_path / "empty", tmp_path / "new.db")


def test_every_warc_file_names_the_archive_that_wrote_it(two_archives):
    archives = two_archives
    named = {path.name: RunInfo.read(next(read_entries(path)).info).archive for path in warc_files(archives.warc)}
    old_id, new_id = archives.id_of(archives.old), archives.id_of(archives.new)
    assert old_id != new_id
    assert {named[name] for name in archives.files_of(archives.new)} == {new_id}
    assert sorted(named[name] or "" for name in archives.files_of(archives.old)) == ["", old_id]  # run 1, run 2


def test_rebuild_refuses_a_folder_of_two_archives_and_writes_nothing(tmp_path, two_archives):
    archives = two_archives
    result = CliRunner().invoke(cli, ["rebuild", "--from-warc", str(archives.warc), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    old_id, new_id = archives.id_of(archives.old), archives.id_of(archives.new)
    assert line.startswith(f"Error: {archives.warc} holds the WARC files of 2 archives: {old_id} (2 files, runs ")
    assert f"; {new_id} (1 files, runs " in line and "choose it with --archive ID" in line
    assert not (tmp_path / "r.db").exists() and not partial_path(tmp_path / "r.db").exists()


def test_rebuild_of_one_archive_equals_it_row_for_row(tmp_path, two_archives):
    archives = two_archives
    for db in (archives.old, archives.new):
        rebuilt = tmp_path / f"rebuilt-{db.name}"
        result = CliRunner().invoke(cli, ["rebuild", "--from-warc", str(archives.warc), "--db", str(rebuilt),
                                          "--archive", archives.id_of(db)[:8].upper()])
        assert result.exit_code == 0, result.output
        assert_same_rows(db, rebuilt)  # the archive's id too: the next crawl continues the same archive
        other = archives.new if db == archives.old else archives.old
        assert f"left out the files of another archive: {archives.id_of(other)} (" in result.output
        assert ("; 1 files read without an archive id" in result.output) == (db == archives.old)
    summary = rebuild(archives.warc, tmp_path / "again.db", archive=archives.id_of(archives.old))
    assert summary.without_id == 1 and summary.runs == 2  # its files from before ids were read with it


def test_rebuild_names_an_archive_it_cannot_tell(tmp_path, two_archives):
    with pytest.raises(RebuildError, match="--archive 0123 names no archive of the WARC files in"):
        rebuild(two_archives.warc, tmp_path / "r.db", archive="0123")
    with pytest.raises(RebuildError, match="--archive  names 2 archives of the WARC files"):
        rebuild(two_archives.warc, tmp_path / "r.db", archive="")


def test_files_from_before_archive_ids_rebuild_alone_and_get_a_new_id(tmp_path, two_archives):
    archives = two_archives
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    [first] = [path for path in warc_files(archives.warc) if RunInfo.read(next(read_entries(path)).info).archive is None]
    shutil.copy(first, legacy)
    summary = rebuild(legacy, tmp_path / "r.db")
    assert summary.without_id == 1 and summary.runs == 1 and summary.posts > 30
    assert summary.archive not in (archives.id_of(archives.old), archives.id_of(archives.new))
    # Files without an id beside an archive born with one (its files begin at run 1) are not its files.
    for path in warc_files(archives.warc):
        if path.name in archives.files_of(archives.new):
            shutil.copy(path, legacy)
    with pytest.raises(RebuildError, match=f"holds the WARC files of 2 archives: unnamed \\(1 files"):
        rebuild(legacy, tmp_path / "mixed.db")
    only_new = rebuild(legacy, tmp_path / "new.db", archive=archives.id_of(archives.new)[:6])
    assert only_new.without_id == 0
    assert_same_rows(archives.new, tmp_path / "new.db")


def test_rebuild_refuses_the_files_of_a_database_and_its_copy(tmp_path, copied_archive):
    original, _ = copied_archive
    with pytest.raises(RebuildError, match=r"\.warc\.gz are both of run 2 of archive [0-9a-f-]{36}, started at .*"
                                           r"the files of two databases \(a copy of one"):
        rebuild(original.parent / "warc", tmp_path / "r.db")
    assert not (tmp_path / "r.db").exists() and not partial_path(tmp_path / "r.db").exists()


def test_rebuild_refuses_files_of_two_archives_from_before_ids(tmp_path):
    warc = tmp_path / "warc"
    with SampleSite(markup="bare", posts=load_posts()[:3], crawl_delay=0) as site, pytest.MonkeyPatch.context() as patch:
        # every step but 8: an archive from before archive ids
        patch.setattr(migrations, "MIGRATIONS", [step for step in migrations.MIGRATIONS if step.number != 8])
        for name in ("a.db", "b.db"):
            run_crawl(tmp_path / name, site=site.base, delay=0, warc_dir=warc)
    with pytest.raises(RebuildError, match="are both of run 1 of archive unnamed"):
        rebuild(warc, tmp_path / "r.db")


def test_a_rebuilt_database_keeps_the_run_numbers_of_its_files(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, posts=load_posts()[:3])
    crawled, warc = tmp_path / "crawled.db", tmp_path / "warc"
    for _ in range(3):
        run_crawl(crawled, site=site.base, delay=0, warc_dir=warc)
    [second] = [path for path in warc_files(warc) if RunInfo.read(next(read_entries(path)).info).run == "2"]
    second.unlink()  # as if run 2 was killed before it wrote a record
    rebuild(warc, tmp_path / "rebuilt.db")
    db = sqlite_utils.Database(tmp_path / "rebuilt.db")
    assert [row["id"] for row in db.query("SELECT id FROM crawl_runs ORDER BY id")] == [1, 3]
    db.close()
    run_crawl(tmp_path / "rebuilt.db", site=site.base, delay=0, warc_dir=warc)  # run 4, not a second run 3
    assert rebuild(warc, tmp_path / "again.db").runs == 3
