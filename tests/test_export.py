"""Deposit export: posts and revisions (jsonl or csv) with the post URL on every row, manifest, README."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import sqlite_utils

from archive.database import NoDatabase
from archive.export import POST_FIELDS, REVISION_FIELDS, ExportError, export
from archive.runs import run_crawl
from scraper.sample_site import load_posts

SLUG = "vilken-resa-vi-gor"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A crawled sample site with one post changed between two runs (two revisions)."""
    from scraper.sample_site import SampleSite

    db_path = tmp_path_factory.mktemp("export") / "a.db"
    with SampleSite(crawl_delay=0) as site:
        run_crawl(db_path, site=site.base, delay=0)
        site.update_post(SLUG, title="Vilken resa vi gör – igen")
        run_crawl(db_path, site=site.base, delay=0)
        base = site.base
    return db_path, base


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_export_has_every_post_and_revision_with_its_url(tmp_path, archive):
    db_path, base = archive
    summary = export(db_path, tmp_path, fmt="jsonl")
    posts = read_jsonl(tmp_path / "posts.jsonl")
    revisions = read_jsonl(tmp_path / "revisions.jsonl")
    assert len(posts) == summary.posts == len(load_posts())
    assert len(revisions) == summary.revisions == len(posts) + 1
    assert all(list(post) == list(POST_FIELDS) for post in posts)
    assert all(list(revision) == list(REVISION_FIELDS) and revision["url"].startswith(base) for revision in revisions)
    changed = [r for r in revisions if r["url"] == base + SLUG + "/"]
    assert [(r["number"], r["title"]) for r in changed] == [(1, "Vilken resa vi gör!"), (2, "Vilken resa vi gör – igen")]
    assert changed[0]["last_seen"] < changed[1]["first_seen"]
    truth = {base.rstrip("/") + p.path: p for p in load_posts()}
    for post in posts:
        sample = truth[post["url"]]
        assert post["labs"] == sample.labs and post["published"] == sample.published.isoformat()
        if not sample.teaser_only:
            assert post["body"] == sample.body and post["status"] == "live"


def test_csv_export_keeps_swedish_text_and_joins_labs(tmp_path, archive):
    db_path, base = archive
    export(db_path, tmp_path, fmt="csv")
    with open(tmp_path / "posts.csv", encoding="utf-8", newline="") as f:
        posts = list(csv.DictReader(f))
    with open(tmp_path / "revisions.csv", encoding="utf-8", newline="") as f:
        revisions = list(csv.DictReader(f))
    assert list(posts[0]) == list(POST_FIELDS)
    assert all(row["url"].startswith(base) for row in posts + revisions)
    wide = [row for row in posts if row["labs"].count(";") == 3]
    assert wide and wide[0]["labs"] == "Boden; Göteborg; Norrköping; Södertälje"
    assert any("”" in row["title"] or "–" in row["title"] for row in posts)
    assert json.loads(revisions[0]["layers"])


def test_manifest_lists_source_captures_with_digests_and_the_files_own_digests(tmp_path, archive):
    db_path, _ = archive
    export(db_path, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((tmp_path / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    db = sqlite_utils.Database(db_path)
    digests = {row["digest"] for row in db.query("SELECT digest FROM bodies")}
    revision_captures = {row[0] for row in db.execute("SELECT DISTINCT capture_id FROM revisions")}
    assert {c["capture_id"] for c in manifest["captures"]} == revision_captures
    assert all(c["digest"] in digests and c["warc_file"] for c in manifest["captures"])
    posts = read_jsonl(tmp_path / "posts.jsonl")
    assert {p["capture_digest"] for p in posts} <= {c["digest"] for c in manifest["captures"]}


def test_readme_describes_every_field(tmp_path, archive):
    db_path, _ = archive
    export(db_path, tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    for name in set(POST_FIELDS) | set(REVISION_FIELDS):
        assert name in readme, name


def test_the_same_database_exports_the_same_bytes(tmp_path, archive):
    db_path, _ = archive
    export(db_path, tmp_path / "one")
    export(db_path, tmp_path / "two")
    for name in ("posts.jsonl", "revisions.jsonl", "manifest.json", "README.md"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_export_of_a_missing_database_says_what_to_do(tmp_path):
    with pytest.raises(NoDatabase, match=f"no database at {tmp_path}/none.db; run `dagbok crawl --db"):
        export(tmp_path / "none.db", tmp_path / "out")


def test_export_into_an_earlier_export_leaves_only_the_files_its_manifest_lists(tmp_path, archive):
    db_path, _ = archive
    out = tmp_path / "deposit"
    export(db_path, out, fmt="csv")
    summary = export(db_path, out, fmt="jsonl")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["name"] for entry in manifest["files"]} | {"manifest.json"}
    assert {path.name for path in out.iterdir()} == listed == {path.name for path in summary.files}
    assert not (out / "posts.csv").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["deposit"]  # no partial or previous folder left


def test_export_never_writes_over_a_folder_of_other_files(tmp_path, archive):
    db_path, _ = archive
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.txt").write_text("mitt arbete", encoding="utf-8")
    with pytest.raises(ExportError, match=f"{out} holds files that are not an earlier dagbok export "
                                          r"\(chapter1.txt\); give --out a new or empty folder"):
        export(db_path, out)
    assert [path.name for path in out.iterdir()] == ["chapter1.txt"]
    assert [path.name for path in tmp_path.iterdir()] == ["thesis"]


def test_what_a_stopped_export_left_beside_the_folder_is_cleared_by_the_next(tmp_path, archive):
    """An export writes beside `--out` and swaps at the end; a stopped one leaves only that folder."""
    db_path, _ = archive
    out = tmp_path / "deposit"
    export(db_path, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    left = tmp_path / ".deposit.partial"  # what an export killed before its swap leaves
    left.mkdir()
    (left / "posts.csv").write_text("url\r\nhalf", encoding="utf-8")
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before  # the earlier export is whole
    export(db_path, out, fmt="csv")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deposit"]
    assert (out / "posts.csv").read_text(encoding="utf-8").startswith("url,slug,")
    assert not (out / "posts.jsonl").exists()


def test_export_into_an_empty_working_directory_keeps_the_folder(tmp_path, archive, monkeypatch):
    db_path, _ = archive
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    export(db_path, ".")
    assert sorted(path.name for path in out.iterdir()) == ["README.md", "manifest.json", "posts.jsonl",
                                                           "revisions.jsonl"]
    assert Path.cwd() == out and out.is_dir()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["here"]
