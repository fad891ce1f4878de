"""ReplayWeb.page, the replay tool archivists open a WACZ in, shows every post of dagbok's export.

ReplayWeb.page runs in the browser: its `ui.js` draws the viewer and its service worker,
`sw.js`, reads the WACZ with HTTP range requests and answers the replay frame's requests
from it. Both files come from the npm package (`npm pack`, into `.replaywebpage/`, made
here when missing); a small static server on 127.0.0.1 serves them beside the WACZ and a
page that embeds the viewer (`<replay-web-page>`), and headless Chromium (tests/devtools.py)
opens one post at a time and reads the replayed page's text.

Two archives are checked: live crawls of the sample site, where a post changed between two
crawls and a `--full` third crawl got 304 Not Modified for every other post (the replay
must show each post's latest state), and a crawl from a local Wayback Machine, whose
captures keep the site's own addresses (`https://www.allmannyttan.se/<slug>/`).
"""

from __future__ import annotations

import fcntl
import html
import json
import re
import subprocess
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

import pytest
import sqlite_utils

from archive.runs import run_crawl
from archive.wacz import export_wacz
from tests.devtools import NEEDS_CHROMIUM, DevTools, evaluate, open_page
from tests.test_pywb import next_second

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]

REPLAYWEBPAGE = "replaywebpage@2.5.3"
PLAYER = Path(__file__).resolve().parent.parent / ".replaywebpage"
ORIGIN = "https://www.allmannyttan.se/"
CHANGED = "vilken-resa-vi-gor"


@pytest.fixture(scope="session")
def player() -> Path:
    """A folder with ReplayWeb.page's `ui.js` and `sw.js`, unpacked once (under a lock) from the npm package."""
    with open(PLAYER.with_name(".replaywebpage.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PLAYER / "ui.js").exists() or not (PLAYER / "sw.js").exists():
            PLAYER.mkdir(exist_ok=True)
            packed = subprocess.run(["npm", "pack", REPLAYWEBPAGE, "--silent", "--pack-destination", str(PLAYER)],
                                    capture_output=True, text=True, check=True).stdout.split()[-1]
            with tarfile.open(PLAYER / packed) as package:
                for name in ("sw.js", "ui.js"):
                    (PLAYER / name).write_bytes(package.extractfile(f"package/{name}").read())
    return PLAYER


class RangeFiles(SimpleHTTPRequestHandler):
    """Static files with single byte ranges (`bytes=a-b`, `bytes=a-`, `bytes=-n`), as the service worker
    reads a WACZ: the zip's directory from its end, then each record where the index says it is."""

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if not wanted or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        if wanted[1]:
            start, end = int(wanted[1]), min(int(wanted[2] or size - 1), size - 1)
        else:  # the last n bytes
            start, end = max(size - int(wanted[2]), 0), size - 1
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        file = path.open("rb")
        file.seek(start)
        self.range_left = end - start + 1
        return file

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:
        left = getattr(self, "range_left", None)
        if left is None:
            super().copyfile(source, outputfile)
        else:
            outputfile.write(source.read(left))

    def log_message(self, format: str, *args) -> None:
        pass


# The page that embeds the viewer on one URL of the package, its replay only.
EMBED = """<!doctype html>
<html><head><meta charset="utf-8"><script src="ui.js"></script></head>
<body><replay-web-page source="archive.wacz" url="{url}" embed="replayonly"
  style="display: block; width: 100%; height: 900px"></replay-web-page></body></html>
"""

# What a replay frame shows: whether it has loaded, and its visible text.
SHOWN = "[document.readyState, document.body && document.body.innerText]"


class Viewer:
    """ReplayWeb.page in Chromium, on one WACZ served from a folder of its own."""

    def __init__(self, browser: DevTools, folder: Path, base: str) -> None:
        self.browser, self.folder, self.base = browser, folder, base
        self.session: str | None = None
        self.opened = 0

    def replay(self, url: str, *, timeout: float = 60) -> str:
        """The visible text of the replayed `url`, once the replay frame has loaded it."""
        self.opened += 1
        page = f"embed-{self.opened}.html"
        (self.folder / page).write_text(EMBED.format(url=html.escape(url)), encoding="utf-8")
        if self.session is None:
            self.session = open_page(self.browser, self.base + page)
        else:
            self.browser.send("Page.navigate", {"url": self.base + page}, session=self.session)
            self.browser.wait_for("Page.loadEventFired")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = next((f for f in self._frames() if f["url"].endswith("mp_/" + url)), None)
            if frame is not None:
                world = self.browser.send("Page.createIsolatedWorld", {"frameId": frame["id"]}, session=self.session)
                shown = evaluate(self.browser, self.session, SHOWN, context=world["executionContextId"])
                if shown and shown[0] == "complete" and shown[1]:
                    return shown[1]
            time.sleep(0.2)
        raise AssertionError(f"ReplayWeb.page showed no replay of {url} in {timeout} s: frames {self._frames()}")

    def _frames(self) -> list[dict]:
        def walk(node: dict) -> Iterator[dict]:
            yield node["frame"]
            for child in node.get("childFrames", ()):
                yield from walk(child)

        return list(walk(self.browser.send("Page.getFrameTree", session=self.session)["frameTree"]))


@pytest.fixture
def open_wacz(tmp_path, browser, player) -> Iterator:
    """`open_wacz(path)` → a `Viewer` of that WACZ, served with ReplayWeb.page from 127.0.0.1."""
    servers = []

    def open_(wacz: Path) -> Viewer:
        folder = tmp_path / f"served-{len(servers)}"
        (folder / "replay").mkdir(parents=True)
        (folder / "archive.wacz").write_bytes(wacz.read_bytes())
        (folder / "ui.js").write_bytes((player / "ui.js").read_bytes())
        (folder / "replay" / "sw.js").write_bytes((player / "sw.js").read_bytes())  # its default place
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeFiles, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return Viewer(browser, folder, f"http://127.0.0.1:{server.server_address[1]}/")

    yield open_
    for server in servers:
        server.shutdown()
        server.server_close()


def flat(text: str) -> str:
    return " ".join(text.split())


def listed(package: Path) -> list[str]:
    """The URLs of the pages a WACZ offers its reader (`pages/pages.jsonl`, past its header)."""
    with zipfile.ZipFile(package) as wacz:
        return [json.loads(line)["url"] for line in wacz.read("pages/pages.jsonl").splitlines()[1:]]


def posts_of(db_path: Path) -> dict[str, dict]:
    """The posts the export lists (those with a page of their own), by URL, as the archive holds them."""
    archive = sqlite_utils.Database(db_path)
    posts = {row["url"]: row for row in archive.query(
        "SELECT url, title, body FROM post_details WHERE status != 'teaser-only'")}
    archive.close()
    return posts


def assert_replays_as_archived(viewer: Viewer, posts: dict[str, dict]) -> None:
    """Every post replays with its archived title and every paragraph of its body."""
    for url, post in posts.items():
        text = flat(viewer.replay(url))
        assert flat(post["title"]) in text, (url, post["title"], text[:500])
        missing = [p for p in (post["body"] or "").split("\n\n") if flat(p) not in text]
        assert not missing, (url, missing, text[:1000])


def test_every_post_of_a_crawls_wacz_replays_in_replaywebpage_at_its_latest_state(tmp_path, sample_site_factory,
                                                                                  open_wacz):
    """Three crawls: the first; one after a post changed (its new capture must win); a `--full` one, to
    which every other post answers 304 Not Modified (the revisit must show the page it confirmed)."""
    site = sample_site_factory(crawl_delay=0)
    db, warc = tmp_path / "dagbok.db", tmp_path / "warc"
    assert run_crawl(db, site=site.base, delay=0, warc_dir=warc).exit_code == 0
    next_second()
    site.update_post(CHANGED, title="Vilken resa vi gör – igen", paragraphs=["Ny text i Boden.", "Och en till."])
    assert run_crawl(db, site=site.base, delay=0, warc_dir=warc).changed == 1
    next_second()
    assert run_crawl(db, site=site.base, delay=0, warc_dir=warc, full=True).exit_code == 0
    package = export_wacz(db, tmp_path / "wacz", warc_dir=warc).path
    posts = posts_of(db)
    changed = site.url(f"/{CHANGED}/")
    assert len(posts) > 30 and posts[changed]["title"] == "Vilken resa vi gör – igen"
    assert posts[changed]["body"].startswith("Ny text i Boden.")
    archive = sqlite_utils.Database(db)
    confirmed = {row["url"] for row in archive.query(
        "SELECT url FROM captures WHERE status = 304 AND run_id = (SELECT max(id) FROM crawl_runs)")}
    archive.close()
    assert len(confirmed & set(posts)) > 30  # their latest capture is a revisit
    assert sorted(listed(package)) == sorted(posts)
    assert_replays_as_archived(open_wacz(package), posts)


def test_a_wayback_crawls_wacz_replays_every_post_at_the_sites_own_address(tmp_path, sample_site_factory,
                                                                           open_wacz):
    site = sample_site_factory(crawl_delay=0, wayback=True)
    db, warc = tmp_path / "dagbok.db", tmp_path / "warc"
    summary = run_crawl(db, site=ORIGIN, delay=0, source="wayback", wayback_url=site.base, cdx_pace=0, warc_dir=warc)
    assert summary.exit_code == 0
    package = export_wacz(db, tmp_path / "wacz", warc_dir=warc).path
    posts = posts_of(db)
    assert len(posts) > 30 and all(url.startswith(ORIGIN) for url in posts)
    assert sorted(listed(package)) == sorted(posts)  # the posts, at the addresses replayed
    assert_replays_as_archived(open_wacz(package), posts)
