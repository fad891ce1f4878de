"""End to end through the real `dagbok` entry point: crawl, query, rebuild, export, demo; exit codes and messages."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.lock import RunLock
from archive.schema import open_database
from archive.warc import warc_files
from scraper.sample_site import MARKUPS, SampleSite, load_posts
from tests.console_scripts import DAGBOK, WARCIO, invoke

POSTS = load_posts()
TEASER_FIELDS = ("url", "title", "published", "author", "role", "excerpt")


def dagbok(*args: str, check_rc: int | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script, as a user (or cron) would."""
    done = subprocess.run([DAGBOK, *args], capture_output=True, text=True, timeout=300)
    if check_rc is not None:
        assert done.returncode == check_rc, done.stdout + done.stderr
    return done


def query_json(db_path) -> dict[str, dict]:
    out = dagbok("query", "--db", str(db_path), "--format", "json", check_rc=0).stdout
    return {post["url"]: post for post in json.loads(out)}


def content(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        posts = conn.execute("SELECT url, title, published, author, role, lab, labs, excerpt, body, status "
                             "FROM post_details ORDER BY url").fetchall()
        revisions = conn.execute("SELECT p.url, r.number, r.content_hash FROM revisions r "
                                 "JOIN posts p ON p.id = r.post_id ORDER BY 1, 2").fetchall()
        extra = conn.execute("SELECT (SELECT count(*) FROM authors), (SELECT count(*) FROM post_labs)").fetchall()
    return posts + revisions + extra


@pytest.fixture(scope="module", params=MARKUPS)
def crawled(request, tmp_path_factory):
    """The sample site in one markup, crawled once through the console script, and queried back as JSON."""
    db_path = tmp_path_factory.mktemp(request.param) / "dagbok.db"
    with SampleSite(markup=request.param, crawl_delay=0) as site:
        done = dagbok("crawl", "--site", site.base, "--db", str(db_path), "--delay", "0", "--json")
        base = site.base
    return done, query_json(db_path), base


def test_crawl_exits_0_and_summarises_as_json(crawled):
    done, _, _ = crawled
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    live = sum(1 for post in POSTS if not post.teaser_only)
    assert (summary["new"], summary["errors"], summary["exit_code"], summary["status"]) == (live, 0, 0, "ok")
    assert summary["requests"] > live


@pytest.mark.parametrize("slug", [post.slug for post in POSTS])
def test_every_field_of_every_post_matches_the_ground_truth(crawled, slug):
    _, posts, base = crawled
    post = next(p for p in POSTS if p.slug == slug)
    expected = post.expected(base)
    got = posts.get(expected["url"])
    assert got is not None, f"{expected['url']} not archived"
    if post.teaser_only:  # its page answers 404: all there is comes from teasers
        assert {key: got[key] for key in TEASER_FIELDS} == {key: expected[key] for key in TEASER_FIELDS}
        assert got["body"] is None
    else:
        assert {key: got[key] for key in expected} == expected


def test_crawling_twice_yields_identical_content(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path = str(tmp_path / "a.db")
    dagbok("crawl", "--site", site.base, "--db", db_path, "--delay", "0", "--quiet", check_rc=0)
    before = content(db_path)
    again = dagbok("crawl", "--site", site.base, "--db", db_path, "--delay", "0", "--quiet", check_rc=0)
    assert again.stdout == ""  # --quiet: nothing new, nothing changed, nothing to mail
    assert content(db_path) == before
    full = invoke("crawl", "--site", site.base, "--db", db_path, "--delay", "0", "--full")
    assert full.exit_code == 0 and "0 new, 0 changed" in full.output
    assert content(db_path) == before


def test_quiet_prints_only_new_and_changed_posts(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path = str(tmp_path / "a.db")
    first = invoke("crawl", "--site", site.base, "--db", db_path, "--delay", "0", "--quiet")
    lines = first.output.splitlines()
    assert len(lines) == len(site.live_posts) and all(line.startswith("new      ") for line in lines)
    site.update_post("vilken-resa-vi-gor", title="Vilken resa!")
    second = invoke("crawl", "--site", site.base, "--db", db_path, "--delay", "0", "--quiet")
    assert second.output == f"changed  Vilken resa!  {site.url('/vilken-resa-vi-gor/')}\n"


def test_summary_lists_failed_pages_and_exits_1(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, faults=("redirect-loop",))
    bad = site.url(site.fault_route("redirect-loop"))
    result = invoke("crawl", "--site", site.base, "--db", str(tmp_path / "a.db"), "--delay", "0")
    assert result.exit_code == 1
    assert "  errors: 1\n" in result.output  # one failed page is one error
    failed = result.output.split("Failed:\n", 1)[1]
    assert failed.startswith(f"  {bad}  could not fetch {bad}: redirect loop")
    assert len(failed.strip().splitlines()) == 1, failed  # only the page that failed, not the listings


def test_a_locked_database_exits_2_with_the_holder_named(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path = tmp_path / "a.db"
    with RunLock(db_path):
        done = dagbok("crawl", "--site", site.base, "--db", str(db_path), "--delay", "0")
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"Error: database {db_path} is locked by another dagbok crawl (pid {os.getpid()}, started ")
    assert "Traceback" not in done.stderr
    assert site.requests == []


def test_an_unreachable_site_exits_2(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    url = site.base
    site.stop()
    result = CliRunner().invoke(cli, ["crawl", "--site", url, "--db", str(tmp_path / "a.db"), "--delay", "0",
                                      "--timeout", "1"])
    assert result.exit_code == 2
    # The error ends the output; before it, off a terminal, stands the progress line of robots.txt.
    assert result.output.splitlines()[-1].startswith(f"Error: {url} did not answer (")
    assert "check the --site URL and the network" in result.output


@pytest.mark.parametrize("args, message", [
    (["--site", "nowhere"], 'Error: site "nowhere" is not an http(s) URL; give e.g. https://www.allmannyttan.se/'),
    (["--at", "2019"], "Error: --wayback-url, --at, --from and --cdx-pace only apply with --source wayback"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "a.db"), *args])
    assert result.exit_code == 2
    assert result.output.strip() == message


def test_wayback_crawl_through_the_cli(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    db_path = tmp_path / "a.db"
    result = invoke("crawl", "--site", "https://www.allmannyttan.se/", "--db", str(db_path), "--delay", "0",
                    "--source", "wayback", "--wayback-url", site.base, "--cdx-pace", "0", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["new"] == len(POSTS) + len(site.wayback.news)  # the news are stored too
    posts = query_json(db_path)
    for post in POSTS:
        expected = post.expected("https://www.allmannyttan.se/")
        assert {key: posts[expected["url"]][key] for key in expected} == expected
    bad = CliRunner().invoke(cli, ["crawl", "--site", "https://www.allmannyttan.se/", "--db", str(db_path),
                                   "--source", "wayback", "--wayback-url", site.base, "--at", "april"])
    assert bad.exit_code == 2 and "timestamp 'april' is not a Wayback timestamp" in bad.output


def test_rebuild_and_export_through_the_cli(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path, warc_dir = tmp_path / "a.db", tmp_path / "warc"
    invoke("crawl", "--site", site.base, "--db", str(db_path), "--delay", "0", "--warc-dir", str(warc_dir))
    rebuilt = invoke("rebuild", "--from-warc", str(warc_dir), "--db", str(tmp_path / "new.db"))
    assert rebuilt.exit_code == 0 and rebuilt.output.startswith(f"Rebuilt {tmp_path / 'new.db'} from 1 WARC files")
    assert content(tmp_path / "new.db") == content(db_path)
    again = CliRunner().invoke(cli, ["rebuild", "--from-warc", str(warc_dir), "--db", str(tmp_path / "new.db")])
    assert again.exit_code == 2 and "already exists" in again.output
    exported = invoke("export", "--db", str(db_path), "--format", "csv", "--out", str(tmp_path / "out"))
    assert exported.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "README.md", "manifest.json", "posts.csv", "revisions.csv"]


@pytest.mark.slow  # the demo starts the sample site and crawls it
def test_demo_crawls_the_sample_site_and_says_what_to_try(tmp_path, sample_crawl):
    db_path = tmp_path / "demo" / "dagbok.db"
    result = invoke("demo", "--db", str(db_path))
    assert result.exit_code == 0
    assert f"into {db_path}" in result.output
    assert f"{len(POSTS)} posts" in result.output
    assert f"dagbok query --db {db_path} --lab Boden" in result.output
    assert f"dagbok serve --db {db_path}" in result.output
    [first] = (tmp_path / "demo" / "warc").iterdir()
    [other] = (sample_crawl.parent / "warc").iterdir()  # another archive's file in the same folder
    shutil.copy(other, tmp_path / "demo" / "warc")
    again = invoke("demo", "--db", str(db_path))  # made afresh, not added to
    assert f"{len(POSTS)} posts" in again.output
    kept = {path.name for path in (tmp_path / "demo" / "warc").iterdir()}
    assert other.name in kept and first.name not in kept and len(kept) == 2


def test_demo_will_not_replace_a_real_archive(tmp_path):
    db_path = tmp_path / "real.db"
    db = open_database(db_path)
    db["crawl_runs"].insert({"started": "2026-01-01T00:00:00Z", "site": "https://www.allmannyttan.se/",
                             "source": "live", "status": "ok"})
    db.close()
    result = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert result.exit_code == 2 and "holds crawls of a real site" in result.output


def test_demo_will_not_touch_another_programs_database(tmp_path):
    db_path = tmp_path / "someapp.db"
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    result = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert result.exit_code == 2 and "is another program's SQLite database (tables: users)" in result.output
    assert db_path.exists()


def _signal_when(process: subprocess.Popen, db_path: Path, captures: int, signum: int = signal.SIGKILL) -> None:
    """Signal the crawler once the database holds `captures` captures (polling; never a fixed sleep)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM captures").fetchone()[0] >= captures:
                    break
        except sqlite3.OperationalError:
            pass  # the database is not created yet
        time.sleep(0.005)
    process.send_signal(signum)
    process.wait(timeout=60)


def test_sigkill_at_any_point_then_rerun_equals_a_clean_crawl(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    clean = tmp_path / "clean.db"
    dagbok("crawl", "--site", site.base, "--db", str(clean), "--delay", "0", check_rc=0)
    for point in (1, 12, 30):
        db_path, warc_dir = tmp_path / f"killed-{point}.db", tmp_path / f"warc-{point}"
        args = [DAGBOK, "crawl", "--site", site.base, "--db", str(db_path), "--delay", "0.02",
                "--warc-dir", str(warc_dir)]
        _signal_when(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), db_path, point)
        rerun = dagbok(*args[1:], "--json")
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert json.loads(rerun.stdout)["took_over_from"] is not None
        assert content(db_path) == content(clean), f"killed after {point} captures"
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall() == [("failed",), ("ok",)]
        for path in warc_files(warc_dir):
            assert subprocess.run([WARCIO, "check", str(path)], capture_output=True).returncode == 0


def test_sigterm_stops_after_the_current_page_and_records_the_run_interrupted(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    db_path = tmp_path / "a.db"
    process = subprocess.Popen([DAGBOK, "crawl", "--site", site.base, "--db", str(db_path), "--delay", "0.02",
                                "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _signal_when(process, db_path, 8, signal.SIGTERM)
    summary = json.loads(process.stdout.read())
    assert process.returncode == 130 and summary["exit_code"] == 130
    assert summary["status"] == "interrupted" and summary["interrupted"] is True
    assert "SIGTERM received: stopping after the current page" in process.stderr.read()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT status, ended IS NOT NULL FROM crawl_runs").fetchall() == [("interrupted", 1)]
        stored = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    # Listings are stored after the pages they led to (scraper/crawl.py), so an interrupted run
    # leaves them for the next run to read again; every page it stored is whole.
    assert 8 <= stored <= summary["requests"]


def test_progress_is_a_plain_line_per_page_when_stderr_is_not_a_terminal(tmp_path, sample_site_factory):
    site = sample_site_factory()
    done = dagbok("crawl", "--site", site.base, "--db", str(tmp_path / "d.db"), "--delay", "0", check_rc=0)
    lines = done.stderr.splitlines()
    assert "\r" not in done.stderr
    for post in site.live_posts:
        assert f"new       {site.url(post.path)}" in lines


def test_progress_is_one_status_line_rewritten_in_place_on_a_terminal(tmp_path, sample_site_factory):
    import pty

    site = sample_site_factory()
    reader, writer = pty.openpty()
    process = subprocess.Popen([DAGBOK, "crawl", "--site", site.base, "--db", str(tmp_path / "d.db"), "--delay", "0"],
                               stdout=subprocess.PIPE, stderr=writer)
    os.close(writer)
    seen = b""
    while True:
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # the terminal closed: the crawl has ended
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(reader)
    text = seen.decode("utf-8")
    updates = text.count("\r")
    assert updates >= len(site.live_posts)  # one rewrite of the same line per page
    assert f"{len(site.live_posts)} " in text and "new " in text and "\n" not in text.rstrip("\r\n")


# --- exit codes: one meaning each, never a traceback ------------------------------------------------


def _failing_command(error: BaseException):
    """A throwaway subcommand behind the same error handling as every `dagbok` command."""
    from archive.cli import user_errors

    @cli.command(f"fail-{type(error).__name__.lower()}", hidden=True)
    @user_errors
    def fail() -> None:
        raise error

    return fail.name


@pytest.mark.parametrize("error, code, message", [
    (RuntimeError("the parser fell over"), 70,
     "Error: dagbok stopped on an unexpected error (RuntimeError: the parser fell over); this is a bug: "
     "run the command again with -v (dagbok -v ...) to see where, and report it\n"),
    (OSError(28, "No space left on device", "data/dagbok.db"), 2,
     "Error: No space left on device (data/dagbok.db); check the path, its permissions and the free disk space\n"),
    (KeyboardInterrupt(), 130, "Error: interrupted; run the command again to finish\n"),
], ids=["bug", "os-error", "ctrl-c"])
def test_every_way_a_command_stops_has_its_exit_code_and_one_line(error, code, message):
    name = _failing_command(error)
    try:
        result = CliRunner().invoke(cli, [name])
        assert (result.exit_code, result.output) == (code, message)
        assert "Traceback" not in result.output
        verbose = CliRunner().invoke(cli, ["-v", name])
        assert verbose.exit_code == code
    finally:
        cli.commands.pop(name)


def test_exit_codes_in_the_readme_are_the_ones_dagbok_uses():
    from scraper.errors import ExitCode

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = [line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| ") and
             line.split("|")[1].strip().isdigit()]
    assert sorted(map(int, table)) == sorted(code.value for code in ExitCode)


@pytest.mark.slow
def test_verbose_crawl_names_each_page_once(tmp_path, sample_site_factory):
    site = sample_site_factory(crawl_delay=0)
    done = dagbok("-v", "crawl", "--site", site.base, "--db", str(tmp_path / "v.db"), "--delay", "0", check_rc=0)
    page_lines = [line for line in done.stderr.splitlines() if line.split()[-1:] and "://" in line.split()[-1]]
    urls = [line.split()[-1] for line in page_lines]
    assert site.url(site.live_posts[0].path) in urls
    assert len(urls) == len(set(urls)), [url for url in urls if urls.count(url) > 1][:3]
