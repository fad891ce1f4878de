"""The scheduling recipes in deploy/ run as written: each file is parsed, and the exact command it names
is run against the sample site in a temporary working directory.

Only the install path of the `dagbok` binary is swapped for this environment's, and the site and delay
come from DAGBOK_SITE and DAGBOK_DELAY, which a real installation leaves unset (the live site, 1 s).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from archive.cli import cli
from tests.console_scripts import DAGBOK

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CRON = DEPLOY / "cron" / "dagbok.cron"
SERVICE = DEPLOY / "systemd" / "dagbok.service"
TIMER = DEPLOY / "systemd" / "dagbok.timer"
WORKFLOW = DEPLOY / "github-actions" / "dagbok-scrape.yml"
INSTALL_DIR = "/opt/dagbok"  # where the recipes say the checkout lives
INSTALLED_BINARY = re.compile(r"(?:/opt/dagbok/)?\.venv/bin/dagbok(?=\s|$)")
RUN_TIMEOUT = 60


def here(command: str, workdir: Path) -> str:
    """The recipe's command for this machine: this venv's dagbok, the temp dir for /opt/dagbok."""
    command = INSTALLED_BINARY.sub(lambda match: shlex.quote(DAGBOK), command)
    return command.replace(INSTALL_DIR, shlex.quote(str(workdir)))


def environment(site) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DAGBOK_SITE=site.base, DAGBOK_DELAY="0")
    env["PATH"] = os.pathsep.join([str(Path(DAGBOK).parent), env.get("PATH", "")])
    return env


def run_shell(shell: list[str], command: str, *, cwd: Path, site) -> subprocess.CompletedProcess:
    return subprocess.run([*shell, command], cwd=cwd, env=environment(site), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)


def archived_urls(db_path: Path) -> set[str]:
    with closing(sqlite_utils.Database(db_path)) as db:
        return {row["url"] for row in db.query("SELECT url FROM posts WHERE status = 'live'")}


def every_post(site) -> set[str]:
    return {site.url(post.path) for post in site.live_posts}


@pytest.fixture
def site(sample_site_factory):
    return sample_site_factory(crawl_delay=0)


def test_crawl_takes_site_and_delay_from_the_environment():
    """What the tests below rely on: without it they would crawl the live site, slowly."""
    options = {param.name: param for param in cli.commands["crawl"].params}
    assert options["site"].envvar == "DAGBOK_SITE"
    assert options["delay"].envvar == "DAGBOK_DELAY"


# --- cron -------------------------------------------------------------------------------------

CRON_FIELDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def cron_entries(path: Path) -> list[tuple[list[str], str]]:
    """(five schedule fields, command) for each line that is not a comment or blank."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"not a cron line: {line!r}"
        entries.append((fields[:5], fields[5]))
    return entries


def test_cron_line_is_a_daily_schedule_and_its_command_captures_every_post(tmp_path, site):
    [(schedule, command)] = cron_entries(CRON)
    for value, (low, high) in zip(schedule, CRON_FIELDS):
        assert value == "*" or low <= int(value) <= high, schedule
    assert schedule[2:] == ["*", "*", "*"]  # every day
    assert "dagbok crawl" in command and "--quiet" in command

    first = run_shell(["/bin/sh", "-c"], here(command, tmp_path), cwd=Path("/"), site=site)

    assert first.returncode == 0, first.stderr
    assert archived_urls(tmp_path / "data" / "dagbok.db") == every_post(site)
    # --quiet: the mail cron sends lists each new post once, with its title ...
    lines = first.stdout.splitlines()
    assert len(lines) == len(site.live_posts)
    for post in site.live_posts:
        [line] = [line for line in lines if line.endswith(" " + site.url(post.path))]
        assert line.startswith("new") and post.title in line
    second = run_shell(["/bin/sh", "-c"], here(command, tmp_path), cwd=Path("/"), site=site)
    # ... and an unchanged site prints nothing, so cron sends no mail at all.
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")


# --- systemd ----------------------------------------------------------------------------------


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, comment_prefixes=("#", ";"))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_systemd_timer_starts_the_service_daily():
    timer = unit(TIMER)
    calendar = timer["Timer"]["OnCalendar"]
    assert timer["Timer"].get("Unit", SERVICE.name) == SERVICE.name  # by default a timer starts its namesake
    assert TIMER.stem == SERVICE.stem
    assert timer["Install"]["WantedBy"] == "timers.target"
    analyze = shutil.which("systemd-analyze")
    if analyze:
        checked = subprocess.run([analyze, "calendar", calendar], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        normalized = re.search(r"Normalized form: (.+)", checked.stdout).group(1).strip()
    else:
        normalized = calendar
    assert re.fullmatch(r"\*-\*-\* \d{2}:\d{2}:\d{2}", normalized), f"not once a day: {calendar}"


def test_systemd_service_execstart_captures_every_post(tmp_path, site):
    service = unit(SERVICE)["Service"]
    assert service["Type"] == "oneshot"
    assert service["WorkingDirectory"] == INSTALL_DIR
    command = service["ExecStart"]
    assert command.startswith(INSTALL_DIR + "/.venv/bin/dagbok crawl")

    # systemd runs ExecStart without a shell, split into words, in WorkingDirectory.
    argv = shlex.split(here(command, tmp_path))
    done = subprocess.run(argv, cwd=tmp_path, env=environment(site), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)

    assert done.returncode == 0, done.stderr
    assert archived_urls(tmp_path / "data" / "dagbok.db") == every_post(site)
    assert "errors: 0" in done.stdout  # the journal gets the run summary


# --- GitHub Actions ---------------------------------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def workflow_steps() -> tuple[dict, dict, list[dict]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    [job] = workflow["jobs"].values()
    return workflow, triggers, job["steps"]


def run_step(step: dict, *, cwd: Path, site, outputs: Path) -> subprocess.CompletedProcess:
    """One `run:` step as GitHub runs it on Linux (bash -e), with a GITHUB_OUTPUT file."""
    env = environment(site)
    env["GITHUB_OUTPUT"] = str(outputs)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)


def run_workflow(steps: list[dict], *, remote: Path, checkout: Path, site) -> tuple[dict[str, str], int]:
    """The workflow's run steps, in order, in a fresh clone of `remote` (as on a fresh runner).

    Returns the crawl step's outputs and the job's exit status: 0, or that of a step whose
    `if:` (a comparison of a step output, the only form the workflow uses) held and which failed.
    """
    git("clone", "-q", str(remote), str(checkout), cwd=checkout.parent)
    outputs = checkout.parent / f"{checkout.name}.outputs"
    outputs.write_text("")
    for step in steps:
        if "run" not in step or "pip install" in step["run"]:
            continue  # dagbok is installed here already (tests/test_packaging.py installs the wheel)
        if step.get("if"):
            [(name, expected)] = re.findall(r"^steps\.crawl\.outputs\.(\w+) == '(\w+)'$", step["if"])
            if dict(line.split("=", 1) for line in outputs.read_text().splitlines()).get(name) != expected:
                continue
            return dict(line.split("=", 1) for line in outputs.read_text().splitlines()), \
                run_step(step, cwd=checkout, site=site, outputs=outputs).returncode
        done = run_step(step, cwd=checkout, site=site, outputs=outputs)
        assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines()), 0


@pytest.mark.slow
def test_github_actions_workflow_commits_the_posts_as_text_and_only_when_they_changed(tmp_path, site):
    """The git-scraping pattern, run for real in a clone of this repository, with its own .gitignore:
    a daily run on a fresh runner rebuilds the database from the committed WARC files, crawls, exports
    the posts as sorted JSONL and commits them with the new WARC files; an unchanged site changes no
    file; a changed post is a one-line diff."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    workflow, triggers, steps = workflow_steps()
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"]["contents"] == "write"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    [install] = [step for step in steps if "pip install" in step.get("run", "")]
    assert install["run"].strip() == "pip install ."  # no -e: the wheel carries its data (test_packaging.py)
    [fail] = [step for step in steps if step.get("if")]
    assert fail["if"] == "steps.crawl.outputs.code == '3'" and "exit 3" in fail["run"]

    remote = tmp_path / "remote.git"
    git("clone", "-q", "--bare", str(ROOT), str(remote), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "-q", str(remote), str(seed), cwd=tmp_path)
    shutil.copy(ROOT / ".gitignore", seed / ".gitignore")  # this checkout's, committed or not
    (seed / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, seed / ".github" / "workflows" / WORKFLOW.name)
    git("add", ".", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "workflow",
        cwd=seed)
    git("push", "-q", "origin", "HEAD:refs/heads/scrape", cwd=seed)
    git("symbolic-ref", "HEAD", "refs/heads/scrape", cwd=remote)
    start = git("rev-parse", "HEAD", cwd=remote).strip()

    # Day 1: everything is new.
    assert run_workflow(steps, remote=remote, checkout=tmp_path / "day1", site=site) == ({"code": "0"}, 0)
    assert git("log", "--format=%s", "-1", cwd=remote).startswith("Capture ")
    added = git("diff", "--name-status", start, "HEAD", cwd=remote).splitlines()
    names = sorted(line.split("\t")[1] for line in added)
    assert all(line.startswith("A\t") for line in added)
    assert [name for name in names if not name.startswith("diary/warc/")] == [
        "diary/export/README.md", "diary/export/manifest.json", "diary/export/posts.jsonl",
        "diary/export/revisions.jsonl"]
    assert any(re.fullmatch(r"diary/warc/dagbok-\S+\.warc\.gz", name) for name in names)
    assert not any(name.endswith((".db", "-wal", "-shm", "-lock", ".open")) for name in names)
    posts = git("show", "HEAD:diary/export/posts.jsonl", cwd=remote).splitlines()
    rows = [json.loads(line) for line in posts]
    assert {row["url"] for row in rows if row["status"] == "live"} == every_post(site)
    assert [(row["published"] or "", row["url"]) for row in rows] == sorted((row["published"] or "", row["url"])
                                                                           for row in rows)
    day1 = git("rev-parse", "HEAD", cwd=remote).strip()

    # Day 2: the site is unchanged: no commit, and the checkout is as it was.
    assert run_workflow(steps, remote=remote, checkout=tmp_path / "day2", site=site) == ({"code": "0"}, 0)
    assert git("rev-parse", "HEAD", cwd=remote).strip() == day1
    assert git("status", "--porcelain", cwd=tmp_path / "day2") == ""

    # Day 3: one post changed: a one-line diff of posts.jsonl; in revisions.jsonl the old version's
    # span ends (last_seen) and the new version is a line of its own; the WARC files are only added.
    post = site.live_posts[0]
    title = post.title + " (uppdaterad)"
    site.update_post(post.slug, title=title)
    assert run_workflow(steps, remote=remote, checkout=tmp_path / "day3", site=site) == ({"code": "0"}, 0)
    changes = git("diff", "--numstat", day1, "HEAD", cwd=remote).splitlines()
    counted = {line.split("\t")[2]: line.split("\t")[:2] for line in changes}
    assert counted["diary/export/posts.jsonl"] == ["1", "1"]
    assert counted["diary/export/revisions.jsonl"] == ["2", "1"]
    status = git("diff", "--name-status", day1, "HEAD", cwd=remote).splitlines()
    assert {line.split("\t")[0] for line in status if "diary/warc/" in line} == {"A"}  # WARC files never rewritten
    changed = [json.loads(line) for line in git("show", "HEAD:diary/export/posts.jsonl", cwd=remote).splitlines()]
    assert [row["url"] for row in changed if row["title"] == title] == [site.url(post.path)]
    day3 = git("rev-parse", "HEAD", cwd=remote).strip()

    # Day 4: most posts are taken down: the crawl exits 3 (the site looks wrong); what it saw is
    # still committed (the posts marked gone), and then the job fails so someone looks.
    for gone in site.live_posts[:25]:
        site.remove_post(gone.slug)
    assert run_workflow(steps, remote=remote, checkout=tmp_path / "day4", site=site) == ({"code": "3"}, 3)
    assert git("rev-parse", "HEAD~1", cwd=remote).strip() == day3
    rows = [json.loads(line) for line in git("show", "HEAD:diary/export/posts.jsonl", cwd=remote).splitlines()]
    assert sum(row["status"] == "gone" for row in rows) == 25
