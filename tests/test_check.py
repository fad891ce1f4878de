"""`dagbok check`: coverage per field, layers, disagreements, failed pages, thresholds and exit codes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.check import BadThreshold, check_archive, parse_thresholds
from archive.cli import cli
from archive.runs import run_crawl
from archive.schema import open_database
from scraper.sample_site import load_posts
from tests.console_scripts import invoke
from test_queries import BASE, POSTS, make_archive

SIGNED = [post for post in POSTS if post["author"]]


def coverage(report) -> dict[str, tuple[int, int]]:
    return {c.field: (c.present, c.total) for c in report.coverage}


def test_full_coverage_exits_0(tmp_path):
    db = make_archive(tmp_path / "a.db", SIGNED)
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "coverage: every field at or above its minimum" in result.output
    report = check_archive(db)
    # the teaser-only post is counted apart and not held to the thresholds
    assert report.posts == 4 and report.teaser_only == 1
    assert coverage(report) == {"published": (4, 4), "title": (4, 4), "author": (4, 4), "role": (4, 4),
                                "excerpt": (4, 4), "body": (4, 4), "lab": (3, 4)}


def test_missing_signatures_report_the_gap_and_exit_1(tmp_path):
    unsigned = [{**post, "author": None, "role": None} for post in SIGNED]
    db = make_archive(tmp_path / "a.db", unsigned)
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 1
    assert "coverage below the minimum: author 0.0% < 90%, role 0.0% < 90%" in result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["author"][:5] == ["author", "0/4", "0.0%", "90%", "BELOW"]
    assert lines["title"][:4] == ["title", "4/4", "100.0%", "100%"] and "BELOW" not in lines["title"]


def test_one_unsigned_post_in_five_is_under_the_default_but_meets_a_lower_minimum(tmp_path):
    db = make_archive(tmp_path / "a.db")  # five posts with a page, one without signature
    assert invoke("check", "--db", str(db)).exit_code == 1
    result = invoke("check", "--db", str(db), "--min-coverage", "author=80", "--min-coverage", "role=80%")
    assert result.exit_code == 0, result.output
    assert check_archive(db, thresholds={"author": 80.1}).exit_code == 1


def test_zero_turns_a_minimum_off(tmp_path):
    db = make_archive(tmp_path / "a.db", [{**p, "body": None} for p in SIGNED])
    assert invoke("check", "--db", str(db), "--min-coverage", "body=0").exit_code == 0
    assert invoke("check", "--db", str(db)).exit_code == 1


def test_an_archive_without_posts_fails_the_check(tmp_path):
    db = make_archive(tmp_path / "a.db", [])
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 1
    assert "posts checked: 0" in result.output


def test_layers_that_produced_each_field_are_counted(tmp_path):
    posts = [
        {**SIGNED[0], "layers": {"published": "jsonld", "title": "opengraph", "author": "layout"}},
        {**SIGNED[1], "layers": {"published": "jsonld", "title": "layout", "author": "layout"}},
        {**SIGNED[2], "layers": {"published": "time", "title": "layout", "author": "layout"}},
    ]
    db = make_archive(tmp_path / "a.db", posts)
    layers = {c.field: c.layers for c in check_archive(db).coverage}
    assert layers["published"] == {"jsonld": 2, "time": 1}
    assert layers["title"] == {"layout": 2, "opengraph": 1}
    assert layers["author"] == {"layout": 3}
    result = invoke("check", "--db", str(db))
    assert "jsonld 2, time 1" in result.output and "layout 2, opengraph 1" in result.output


def test_disagreements_are_counted_by_field_and_layer_for_the_latest_revisions_only(tmp_path):
    posts = [
        {**SIGNED[0], "disagreements": [("author", "jsonld", "Redaktör Sabo"), ("published", "feed", "2018-09-11")]},
        {**SIGNED[1], "disagreements": [("author", "jsonld", "Redaktör Sabo")]},
        SIGNED[2],
    ]
    db = make_archive(tmp_path / "a.db", posts)
    with sqlite3.connect(db) as conn:  # an old revision's disagreement no longer counts
        post_id = conn.execute("SELECT id FROM posts ORDER BY id LIMIT 1").fetchone()[0]
        old = conn.execute(
            "INSERT INTO revisions (post_id, number, content_hash, first_seen, last_seen) "
            "VALUES (?, 0, 'sha256:old', '2026-01-01', '2026-01-02')", [post_id]).lastrowid
        conn.execute("INSERT INTO disagreements (revision_id, field, layer, value) VALUES (?, 'title', 'jsonld', 'x')",
                     [old])
    conn.close()
    assert check_archive(db).disagreements == [
        {"field": "author", "layer": "jsonld", "posts": 2},
        {"field": "published", "layer": "feed", "posts": 1},
    ]
    assert "disagreements between layers: none" in invoke("check", "--db", str(make_archive(tmp_path / "b.db", SIGNED))).output


def test_pages_that_failed_are_listed_with_their_reason(tmp_path):
    db = make_archive(tmp_path / "a.db", SIGNED, failed_pages=[
        (BASE + "trasig-sida/", "no title found"),
    ])
    with sqlite3.connect(db) as conn:
        # a post page that fetched fine but produced no post
        capture = conn.execute(
            "INSERT INTO captures (url, final_url, status, kind, fetched) VALUES (?, ?, 200, 'post', '2026-11-20')",
            [BASE + "tom-sida/", BASE + "tom-sida/"]).lastrowid
        conn.execute("INSERT INTO pages (url, kind, status, last_capture_id) VALUES (?, 'post', 'live', ?)",
                     [BASE + "tom-sida/", capture])
        # failed once, fetched fine later: not a failure now
        conn.execute("INSERT INTO captures (url, status, fetched, error) VALUES (?, 500, '2026-11-19', 'HTTP 500')",
                     [BASE + SIGNED[0]["slug"] + "/"])
        conn.execute("INSERT INTO captures (url, status, fetched) VALUES (?, 200, '2026-11-21')",
                     [BASE + SIGNED[0]["slug"] + "/"])
    conn.close()
    report = check_archive(db)
    assert [(p.url, p.reason) for p in report.failed_pages] == [
        (BASE + "tom-sida/", "no post was extracted from this post page"),
        (BASE + "trasig-sida/", "no title found"),
    ]
    # coverage of the posts that parsed is still full, but two pages came back and could not be read
    assert report.exit_code == 1 and all(page.unread for page in report.failed_pages)
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 1
    assert "pages that failed: 2" in result.output and "no title found" in result.output


def test_a_failure_a_retry_may_heal_is_listed_but_does_not_fail_the_check(tmp_path):
    db = make_archive(tmp_path / "a.db", SIGNED)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO captures (url, status, fetched, error) VALUES (?, 503, '2026-11-21', 'HTTP 503')",
                     [BASE + "upptagen/"])
    conn.close()
    report = check_archive(db)
    assert [(p.url, p.status, p.unread) for p in report.failed_pages] == [(BASE + "upptagen/", 503, False)]
    assert report.exit_code == 0


def test_posts_stored_without_a_date_title_or_body_are_named_with_what_is_missing(tmp_path):
    db = make_archive(tmp_path / "a.db", SIGNED)
    with sqlite3.connect(db) as conn:  # as an archive of a run before dates could be read there holds them
        conn.execute("UPDATE posts SET published = NULL WHERE slug IN (?, ?)", [SIGNED[0]["slug"], SIGNED[1]["slug"]])
        conn.execute("UPDATE posts SET body = '' WHERE slug = ?", [SIGNED[1]["slug"]])
    conn.close()
    report = check_archive(db)
    assert [(p.url, p.reason) for p in report.failed_pages] == sorted([
        (BASE + SIGNED[0]["slug"] + "/", "no date found"),
        (BASE + SIGNED[1]["slug"] + "/", "no date found, no body found"),
    ])
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith(f"{BASE}{SIGNED[1]['slug']}/"))
    assert line.split()[1:] == ["200", "no", "date", "found,", "no", "body", "found"]
    # a field whose minimum is turned off is not required of every post
    relaxed = check_archive(db, thresholds=parse_thresholds(["published=0"]))
    assert [(p.url, p.reason) for p in relaxed.failed_pages] == [(BASE + SIGNED[1]["slug"] + "/", "no body found")]


def test_json_report(tmp_path):
    db = make_archive(tmp_path / "a.db")
    result = invoke("check", "--db", str(db), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["posts"] == 5 and data["exit_code"] == 1
    author = next(c for c in data["coverage"] if c["field"] == "author")
    assert author == {"field": "author", "present": 4, "total": 5, "layers": {"layout": 4},
                      "threshold": 90.0, "percent": 80.0, "below": True}


@pytest.mark.parametrize("bad, message", [
    ("authr=80", '--min-coverage "authr=80" is not FIELD=PERCENT; fields: published, title, author, role, '
                 'excerpt, body, lab (e.g. author=80)'),
    ("author", '--min-coverage "author" is not FIELD=PERCENT'),
    ("author=120", '--min-coverage "author=120": "120" is not a percentage from 0 to 100'),
    ("author=many", '--min-coverage "author=many": "many" is not a percentage from 0 to 100'),
])
def test_bad_thresholds_are_refused_with_exit_2(tmp_path, bad, message):
    with pytest.raises(BadThreshold, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_thresholds([bad])
    result = invoke("check", "--db", str(make_archive(tmp_path / "a.db")), "--min-coverage", bad)
    assert result.exit_code == 2 and result.output.startswith("Error: " + message)


def test_thresholds_override_only_the_fields_given():
    assert parse_thresholds(["lab=50", "author=75.5%"]) == {
        "published": 100.0, "title": 100.0, "body": 100.0, "author": 75.5, "role": 90.0, "lab": 50.0}


def test_missing_database(tmp_path):
    result = invoke("check", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no database at" in result.output


# --- on a real crawl of the sample site ---------------------------------------------------

def crawl_sample_site(make_site, db: Path, **site_options) -> Path:
    site = make_site(crawl_delay=0, **site_options)
    summary = run_crawl(db, site=site.base, delay=0, warc_dir=db.parent / "warc")
    assert summary.exit_code == 0, summary.to_dict()["failures"]
    return db


@pytest.mark.parametrize("markup", ["semantic", "bare"])
def test_check_on_a_crawl_of_the_sample_site_reports_full_coverage(sample_site_factory, tmp_path, markup):
    db = crawl_sample_site(sample_site_factory, tmp_path / "dagbok.db", markup=markup)
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 0, result.output
    report = check_archive(db)
    truth = [post for post in load_posts() if not post.teaser_only]
    assert report.posts == len(truth) and report.failed_pages == []
    present = coverage(report)
    for name in ("published", "title", "excerpt", "body"):
        assert present[name] == (len(truth), len(truth)), name
    assert present["author"][0] == sum(1 for post in truth if post.author)
    assert present["lab"][0] == sum(1 for post in truth if post.lab)


def test_check_on_a_crawl_without_signatures_reports_the_gap_and_exits_1(sample_site_factory, tmp_path):
    unsigned = [post.copy(author=None, role=None) for post in load_posts()]
    db = crawl_sample_site(sample_site_factory, tmp_path / "dagbok.db", markup="bare", posts=unsigned)
    result = invoke("check", "--db", str(db))
    assert result.exit_code == 1
    assert "coverage below the minimum: author 0.0% < 90%, role 0.0% < 90%" in result.output


def test_a_post_stored_under_two_forms_of_the_site_is_named_and_exit_1(tmp_path):
    """What crawling the bare host into an archive of www did before a run took the archive's form."""
    db_path = tmp_path / "twice.db"
    db = open_database(db_path)
    for url in ("https://www.allmannyttan.se/dar-vi-bor/", "https://allmannyttan.se/dar-vi-bor/",
                "http://allmannyttan.se/dar-vi-bor/", "https://www.allmannyttan.se/en-annan/"):
        db["posts"].insert({"url": url, "slug": url.rstrip("/").rsplit("/", 1)[-1], "status": "live",
                            "first_seen": "2026-01-01T00:00:00Z"})
    db.close()
    result = CliRunner().invoke(cli, ["check", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["stored_twice"] == [[
        "http://allmannyttan.se/dar-vi-bor/", "https://allmannyttan.se/dar-vi-bor/",
        "https://www.allmannyttan.se/dar-vi-bor/"]]
    shown = CliRunner().invoke(cli, ["check", "--db", str(db_path)]).output
    assert "posts stored twice, under two forms of the site: 1\n  http://allmannyttan.se/dar-vi-bor/  " in shown


def test_check_names_the_other_archives_whose_warc_files_share_the_folder(two_archives):
    archives = two_archives
    result = invoke("check", "--db", str(archives.old))
    assert result.exit_code == 0, result.output  # a warning: the archive itself is whole
    new = f"{archives.id_of(archives.new)} ({len(archives.files_of(archives.new))} files, runs "
    assert f"WARC files of other archives in this one's WARC folder (a rebuild of the folder needs --archive; " \
           f"export --format wacz leaves them out): 1\n  {new}" in result.output
    assert check_archive(archives.new).other_archives[0].startswith(f"{archives.id_of(archives.old)} (2 files, ")


def test_check_looks_for_other_archives_in_the_warc_folder_it_is_given(two_archives, tmp_path):
    """An archive whose WARC files were written elsewhere (`crawl --warc-dir`): `check --warc-dir`
    looks there; without it, check looks beside the database."""
    moved = tmp_path / "old.db"
    shutil.copy(two_archives.old, moved)  # alone in its folder; its WARC files stay where they were
    assert invoke("check", "--db", str(moved)).exit_code == 0
    assert check_archive(moved).other_archives == []
    given = invoke("check", "--db", str(moved), "--warc-dir", str(two_archives.warc))
    assert given.exit_code == 0, given.output
    assert f"\n  {two_archives.id_of(two_archives.new)} (" in given.output


def test_check_of_an_archive_alone_in_its_folder_names_no_other(sample_crawl):
    assert check_archive(sample_crawl).other_archives == []
    assert "other archives" not in invoke("check", "--db", str(sample_crawl)).output
