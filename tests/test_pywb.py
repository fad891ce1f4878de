"""pywb, the replay tool archivists use, reads dagbok's WARC files right.

After a first crawl and incremental ones (a changed post; then nothing changed,
so listings answer 304), `wb-manager add` indexes the WARC files and `wayback`
replays them: the latest capture of every URL the crawls fetched is the site's
own bytes, never one of dagbok's bookkeeping records and never an empty 304.

pywb lives in a virtual environment of its own (`.venv-pywb`, made here when
missing): it installs a top-level `tests` package that would shadow this
project's `tests` package in the project's environment.
"""

from __future__ import annotations

import fcntl
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import sqlite_utils

from archive.captures import read_body
from archive.runs import run_crawl
from archive.wacz import export_wacz
from archive.warc import warc_files
from tests.processes import stop

pytestmark = pytest.mark.slow

PYWB_REQUIREMENT = "pywb>=2.10,<2.11"
PYWB_VENV = Path(__file__).resolve().parent.parent / ".venv-pywb"
COLLECTION = "dagbok"
CHANGED = "vilken-resa-vi-gor"


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    """The bin directory of a virtual environment with pywb, made once (under a lock) when missing."""
    with open(PYWB_VENV.with_name(".venv-pywb.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PYWB_VENV / "bin" / "wayback").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(PYWB_VENV)], check=True)
            subprocess.run([PYWB_VENV / "bin" / "pip", "install", "-q", PYWB_REQUIREMENT], check=True)
    return PYWB_VENV / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def next_second() -> None:
    """Wait for the next whole second: pywb's index orders captures by 14-digit timestamps."""
    time.sleep(1.01 - time.time() % 1)


@pytest.fixture
def crawled(tmp_path, sample_site_factory):
    """Three crawls of the sample site: the first, one after a post changed, one with nothing changed."""
    site = sample_site_factory(crawl_delay=0)
    db, warc = tmp_path / "dagbok.db", tmp_path / "warc"
    assert run_crawl(db, site=site.base, delay=0, warc_dir=warc).exit_code == 0
    next_second()
    site.update_post(CHANGED, title="Vilken resa vi gör – igen", paragraphs=["Ny text i Boden.", "Och en till."])
    second = run_crawl(db, site=site.base, delay=0, warc_dir=warc)
    assert (second.exit_code, second.changed) == (0, 1)
    next_second()
    assert run_crawl(db, site=site.base, delay=0, warc_dir=warc).exit_code == 0
    return site, db, warc


@contextmanager
def pywb_collection(pywb_bin: Path, root: Path, *add: str) -> Iterator[str]:
    """`wb-manager init` and `wb-manager add *add`, then `wayback` on 127.0.0.1, polled until it answers."""
    root.mkdir()
    manager = str(pywb_bin / "wb-manager")
    subprocess.run([manager, "init", COLLECTION], cwd=root, check=True, capture_output=True)
    subprocess.run([manager, "add", *add], cwd=root, check=True, capture_output=True)
    port = free_port()
    log = open(root / "wayback.log", "wb")
    process = subprocess.Popen([pywb_bin / "wayback", "-b", "127.0.0.1", "-p", str(port)], cwd=root,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/{COLLECTION}/"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                requests.get(base, timeout=5)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((root / "wayback.log").read_text(errors="replace")) from None
                time.sleep(0.1)
        yield base
    finally:
        stop(process)
        log.close()


@pytest.fixture
def wayback(tmp_path, pywb_bin, crawled) -> Iterator[str]:
    """The crawls' WARC files in a pywb collection, replayed by `wayback`."""
    _, _, warc = crawled
    with pywb_collection(pywb_bin, tmp_path / "pywb", COLLECTION, *map(str, warc_files(warc))) as base:
        yield base


def latest_states(db: Path) -> dict[str, tuple[int, bytes]]:
    """Each fetched URL's latest archived state from the database: status and body (a 304's is the body it confirmed)."""
    archive = sqlite_utils.Database(db)
    states = {}
    rows = archive.query("SELECT final_url, status, digest FROM captures WHERE status IS NOT NULL ORDER BY id")
    for row in rows:
        if row["status"] == 304:
            status, body = states[row["final_url"]]
            assert status == 200
        else:
            states[row["final_url"]] = (row["status"], read_body(archive, row["digest"]))
    archive.close()
    return states


def test_pywb_replays_every_urls_latest_capture_as_the_sites_own_bytes(crawled, wayback):
    site, db, _ = crawled
    archive = sqlite_utils.Database(db)
    last_run = archive.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    not_modified = {row["final_url"] for row in archive.query(
        "SELECT final_url FROM captures WHERE status = 304 AND run_id = ?", [last_run])}
    posts = {row["url"] for row in archive.query("SELECT url FROM posts WHERE status = 'live'")}
    archive.close()
    states = latest_states(db)
    assert site.url("/feed/") in not_modified  # the last crawl's feed is a 304
    assert posts <= set(states) and site.url("/") in states and len(posts) > 30

    replayed = 0
    for url, (status, body) in states.items():
        replay = requests.get(wayback + "id_/" + url, timeout=30)
        assert (replay.status_code, replay.content) == (status, body), (url, replay.status_code, replay.content[:200])
        replayed += 1
    assert replayed == len(states)
    for path in ("/feed/", f"/{CHANGED}/"):  # confirmed by the last crawl's 304; changed in the second
        now = requests.get(site.url(path), timeout=10)
        replay = requests.get(wayback + "id_/" + site.url(path), timeout=30)
        assert (replay.status_code, replay.content) == (200, now.content)
        assert replay.headers["content-type"] == now.headers["content-type"]
    assert "Ny text i Boden." in requests.get(wayback + "id_/" + site.url(f"/{CHANGED}/"), timeout=30).text


def test_the_wacz_export_replays_every_post_in_pywb(tmp_path, pywb_bin, crawled):
    _, db, warc = crawled
    package = export_wacz(db, tmp_path / "wacz", warc_dir=warc).path
    states = latest_states(db)
    archive = sqlite_utils.Database(db)
    posts = [row["url"] for row in archive.query("SELECT url FROM post_details WHERE status != 'teaser-only'")]
    archive.close()
    with pywb_collection(pywb_bin, tmp_path / "pywb-wacz", "--unpack-wacz", COLLECTION, str(package)) as base:
        for url in posts:
            replay = requests.get(base + "id_/" + url, timeout=30)
            assert (replay.status_code, replay.content) == states[url], url
    assert len(posts) > 30
