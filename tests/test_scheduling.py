"""The scheduling recipes in deploy/ run as written: each file is parsed, and the exact command it names
is run against the sample site in a temporary working directory.

Only the install path of the `dagbok` binary is swapped for this environment's, and the site and delay
come from DAGBOK_SITE and DAGBOK_DELAY, which a real installation leaves unset (the live site, 1 s).
"""

from __future__ import annotations

import configparser
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

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
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


def step_named(steps: list[dict], pattern: str) -> dict:
    [step] = [step for step in steps if re.search(pattern, step.get("run", ""))]
    return step


def test_github_actions_workflow_crawls_and_pushes_the_database(tmp_path, site):
    """The git-scraping pattern, run for real: a checkout of a repo with a local bare remote, the
    crawl step, then the commit-and-push step; the pushed database alone holds every post."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    workflow, triggers, steps = workflow_steps()
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"]["contents"] == "write"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    crawl_step = step_named(steps, r"\bdagbok crawl\b")
    commit_step = step_named(steps, r"\bgit push\b")

    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "-q", str(remote), str(seed), cwd=tmp_path)
    (seed / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, seed / ".github" / "workflows" / WORKFLOW.name)
    git("add", ".", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "workflow", cwd=seed)
    git("push", "-q", "origin", "HEAD", cwd=seed)
    checkout = tmp_path / "checkout"
    git("clone", "-q", str(remote), str(checkout), cwd=tmp_path)

    bash = ["bash", "-e", "-c"]  # GitHub's default shell for `run:` on Linux
    crawled = run_shell(bash, crawl_step["run"], cwd=checkout, site=site)
    assert crawled.returncode == 0, crawled.stderr
    pushed = run_shell(bash, commit_step["run"], cwd=checkout, site=site)
    assert pushed.returncode == 0, pushed.stderr

    log = git("log", "--format=%s", cwd=remote)
    assert log.splitlines()[0].startswith("Capture ")
    files = git("ls-tree", "-r", "--name-only", "HEAD", cwd=remote).splitlines()
    assert "data/dagbok.db" in files and any(name.startswith("data/warc/") for name in files)
    assert not any(name.endswith(("-wal", "-shm", ".lock")) for name in files)
    # What was pushed is complete by itself (no write-ahead log left behind).
    fresh = tmp_path / "fresh"
    git("clone", "-q", str(remote), str(fresh), cwd=tmp_path)
    assert archived_urls(fresh / "data" / "dagbok.db") == every_post(site)
