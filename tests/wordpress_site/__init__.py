"""A real WordPress (Debian's packages) holding the sample diary, for end-to-end tests.

    from tests.wordpress_site import WordPressSite

    with WordPressSite(theme="twentytwentythree") as site:
        site.url("/vilken-resa-vi-gor/")      # http://127.0.0.1:PORT/vilken-resa-vi-gor/
        site.switch_theme("twentytwentyone")

What it is: MariaDB on a socket in a temporary folder (no network), WordPress 6.1
installed by `install.php` through `wp_install()` (Debian has no wp-cli), served by
`php -S 127.0.0.1:0` with `router.php` for pretty permalinks. Swedish locale,
Europe/Stockholm, date format `j F Y`, permalinks `/%postname%/`. Every post is
posted by one editor account, whose byline shows a person's name; the author is
the signature in the content (docs/site.md, "What stock WordPress prints").

What it holds: the sample posts (scraper/data/sample_site/posts.json) in the category
"Dagbok", at their exact slugs and Stockholm publication times, their body,
photo credit and signature in the content; the lab and programme pages as
WordPress pages; the sample site's news posts (scraper/data/sample_site/news.json)
in the category "Nyheter" (not the diary, some signed with a name and a role); and `comments.json`'s readers' comments,
some ending in a name and a role-like line, under diary and news posts.

Nothing is written outside the temporary folder, and `stop()` ends every process
`start()` began, also when starting failed half-way.

`python -m tests.wordpress_site --pages DIR` writes each theme's rendered pages to
DIR/<theme>/<slug>.html; without `--pages` it serves the site until Ctrl-C.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scraper.sample_site import SamplePost, load_posts
from scraper.sample_site.content import STOCKHOLM, load_news, load_pages
from scraper.sample_site.wordpress import content_rendered, texturize
from tests.processes import stop

HERE = Path(__file__).parent
CORE = Path("/usr/share/wordpress")
# Debian's default themes, newest last; `THEMES` keeps those installed on this machine, then adds
# the test site's own: `ovanlig` (themes/ovanlig), written with none of WordPress's class names.
DEFAULT_THEMES = ("twentytwenty", "twentytwentyone", "twentytwentytwo", "twentytwentythree")
OWN_THEMES = HERE / "themes"
THEMES = tuple(theme for theme in DEFAULT_THEMES if (CORE / "wp-content" / "themes" / theme / "style.css").exists()) \
    + tuple(sorted(path.parent.name for path in OWN_THEMES.glob("*/style.css")))
PACKAGES = ("wordpress", "wordpress-l10n", "wordpress-theme-twentytwentyone", "wordpress-theme-twentytwentythree",
            "mariadb-server", "php-cli", "php-mysql", "php-xml", "php-mbstring")

DIARY_CATEGORY = {"name": "Dagbok", "slug": "dagbok"}
NEWS_CATEGORY = {"name": "Nyheter", "slug": "nyheter"}
# The account that posts every post: a person's name in the byline, never the author (the signature is).
EDITOR = {"login": "lena.wikstrom", "name": "Lena Wikström"}
SITE_OPTIONS = {
    "blogdescription": "Vad allmännyttan är och gör",
    "timezone_string": "Europe/Stockholm",
    "gmt_offset": "",
    "date_format": "j F Y",
    "time_format": "H:i",
    "permalink_structure": "/%postname%/",
    "start_of_week": 1,
    "posts_per_page": 10,
    "default_comment_status": "open",
    "blog_public": 1,
}
PARENT_TITLES = {"vad-vi-gor": "Vad vi gör"}  # parent pages of the lab pages that have no text of their own
WIDGET_BLOCKS = {  # block markup of the default widgets → the same widget showing dates and excerpts
    "<!-- wp:latest-posts /-->": '<!-- wp:latest-posts {"displayPostDate":true} /-->',
    '<!-- wp:latest-comments {"displayAvatar":false,"displayDate":false,"displayExcerpt":false} /-->':
        '<!-- wp:latest-comments {"displayAvatar":false,"displayDate":true,"displayExcerpt":true} /-->',
}
# A contact page, and an about page of running text: in a theme that marks none of WordPress's pages
# (`ovanlig`), only WordPress's sitemap of pages tells the about page from a post whose date is lost.
EXTRA_PAGES = {
    "/kontakt/": {"title": "Kontakt", "paragraphs": [
        "Sveriges Allmännytta, Box 474, 101 29 Stockholm.", "Telefon 08-406 55 00, e-post info@sverigesallmannytta.se."]},
    "/om-oss/": {"title": "Om oss", "paragraphs": [
        "Allmännyttan.se drivs av Sveriges Allmännytta, bransch- och intresseorganisation för drygt 300 allmännyttiga "
        "bostadsföretag över hela landet. Tillsammans äger och förvaltar våra medlemmar cirka 800 000 lägenheter.",
        "Här berättar vi om vad allmännyttan är och gör: om bostäderna, om människorna som bor och arbetar i dem och "
        "om de idéer som gör områdena bättre att leva i, från nyproduktion och renovering till sommarjobb för unga.",
        "Den 25 april 2019 bytte vi namn från SABO till Sveriges Allmännytta. Namnet är nytt men uppdraget är "
        "detsamma: att vara en stark röst för allmännyttan och ett stöd för de bostadsföretag som är medlemmar.",
        "Följ arbetet i vår dagbok, där projektledare och labbrepresentanter berättar om vad som händer i labben – "
        "om det som lyckas och om det som inte blev som vi hade tänkt oss."]},
}
STARTED_RE = re.compile(r"Development Server \((http://127\.0\.0\.1:\d+)\) started")
START_TIMEOUT = 90.0  # seconds; a cold MariaDB on a busy CI machine takes a few


class WordPressError(RuntimeError):
    """The WordPress test site could not start; the message says which part failed and how to fix it."""


def load_comments() -> dict[str, list[dict[str, str]]]:
    """Readers' comments by post slug: author, local date ("YYYY-MM-DD HH:MM") and text."""
    return json.loads((HERE / "comments.json").read_text(encoding="utf-8"))


def local_and_gmt(moment: datetime) -> tuple[str, str]:
    """WordPress's two columns for one moment: Stockholm wall time and UTC, as MySQL DATETIME text."""
    return (moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S"),
            moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))


def site_content(base: str, *, theme: str, posts: list[SamplePost]) -> dict[str, Any]:
    """Everything install.php loads, decided here: texts, dates (local and UTC), categories, comments."""
    comments = load_comments()

    def with_comments(slug: str) -> list[dict[str, str]]:
        out = []
        for number, comment in enumerate(comments.get(slug, [])):
            moment = datetime.fromisoformat(comment["date"]).replace(tzinfo=STOCKHOLM)
            local, gmt = local_and_gmt(moment)
            out.append({"author": comment["author"], "text": comment["text"], "date": local, "date_gmt": gmt,
                        "email": f"lasare{number}@example.invalid"})
        return out

    items = []
    for path, page in {**load_pages(), **EXTRA_PAGES}.items():
        if path == "/":
            continue  # the home page is WordPress's list of newest posts
        parts = path.strip("/").split("/")
        if len(parts) == 2 and f"/{parts[0]}/" not in {item["path"] for item in items}:
            items.append(page_item(f"/{parts[0]}/", PARENT_TITLES[parts[0]], []))
        links = [f'<li><a href="{base.rstrip("/")}{target}">{texturize(text)}</a></li>'
                 for text, target in page.get("links", [])]
        items.append(page_item(path, page["title"], page["paragraphs"], links))
    for post in [*posts, *load_news()]:
        local, gmt = local_and_gmt(post.published_at)
        # a news post was never edited: WordPress shows its publication as its last change
        modified, modified_gmt = local_and_gmt(post.modified if post.diary else post.published_at)
        category = DIARY_CATEGORY if post.diary else NEWS_CATEGORY
        items.append({"type": "post", "slug": post.slug, "path": post.path, "parent": None,
                      "category": category["slug"], "title": post.title,
                      "content": content_rendered(post, base), "date": local, "date_gmt": gmt,
                      "modified": modified, "modified_gmt": modified_gmt, "comments": with_comments(post.slug)})
    return {"site": {"name": "Allmännyttan", "locale": "sv_SE", "theme": theme, "options": SITE_OPTIONS,
                     "editor": EDITOR, "widget_blocks": WIDGET_BLOCKS},
            "categories": [DIARY_CATEGORY, NEWS_CATEGORY], "posts": items}


def page_item(path: str, title: str, paragraphs: list[str], links: list[str] = ()) -> dict[str, Any]:
    """A WordPress page at `path` (its parent page, if any, comes earlier in the list)."""
    parts = path.strip("/").split("/")
    content = "\n".join(f"<p>{texturize(text)}</p>" for text in paragraphs)
    if links:
        content += "\n<ul>\n" + "\n".join(links) + "\n</ul>"
    stamp, stamp_gmt = "2018-09-01 12:00:00", "2018-09-01 10:00:00"
    return {"type": "page", "slug": parts[-1], "path": path, "parent": parts[-2] if len(parts) > 1 else None,
            "category": None, "title": title, "content": content + "\n", "date": stamp, "date_gmt": stamp_gmt,
            "modified": stamp, "modified_gmt": stamp_gmt, "comments": []}


def die_with_parent() -> None:
    """In a child before exec: ask Linux to end it when the test process dies, even by SIGKILL."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def program(name: str, *fallbacks: str) -> str:
    """The path of an installed program, or a WordPressError naming the Debian packages to install."""
    for candidate in (name, *fallbacks):
        found = shutil.which(candidate) or shutil.which(candidate, path="/usr/sbin:/usr/bin:/sbin")
        if found:
            return found
    raise WordPressError(f"{name} is not installed: apt-get install {' '.join(PACKAGES)} (as .ci/run does)")


class WordPressSite:
    """A started WordPress with the sample diary; use as a context manager or call start()/stop()."""

    def __init__(self, *, theme: str = "twentytwentyone", posts: list[SamplePost] | None = None,
                 core: Path = CORE) -> None:
        self.theme = theme
        self.posts = posts if posts is not None else load_posts()
        self.core = core
        self.base = ""
        self.started_in = 0.0  # seconds start() took
        self.workdir: Path | None = None
        self.processes: list[subprocess.Popen] = []

    # -- life cycle ------------------------------------------------------------------------------------
    def start(self) -> WordPressSite:
        began = time.monotonic()
        if not (self.core / "wp-settings.php").exists():
            raise WordPressError(f"WordPress is not installed at {self.core}: apt-get install {' '.join(PACKAGES)} "
                                 "(as .ci/run does)")
        if self.theme not in THEMES:
            raise WordPressError(f'theme "{self.theme}" is not installed (installed: {", ".join(THEMES) or "none"})')
        self.workdir = Path(tempfile.mkdtemp(prefix="dagbok-wp-"))
        try:
            self._start_mariadb()
            self._start_php()
            self._install()
            self._wait_for(self.url("/wp-json/"))
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - began
        return self

    def stop(self) -> None:
        """End every process start() began (newest first), then remove the temporary folder."""
        for process in reversed(self.processes):
            stop(process, timeout=20)
        self.processes.clear()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> WordPressSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use ---------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base.rstrip("/") + path

    def switch_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise WordPressError(f'theme "{theme}" is not installed (installed: {", ".join(THEMES) or "none"})')
        self._php("theme.php", theme)
        self.theme = theme

    def update_post(self, slug: str, **columns: str) -> None:
        """Change a post's `wp_posts` columns (`post_content`, `post_modified_gmt`, …) in place."""
        self._php("update.php", slug, json.dumps(columns, ensure_ascii=False))

    def get(self, path: str) -> str:
        """The page at `path` as the site serves it (UTF-8 text); 4xx/5xx raise urllib's HTTPError."""
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            return response.read().decode("utf-8")

    # -- parts ----------------------------------------------------------------------------------------------
    @property
    def socket_path(self) -> Path:
        return self.workdir / "mysqld.sock"

    def _env(self) -> dict[str, str]:
        return {**os.environ, "DAGBOK_WP_CORE": str(self.core), "DAGBOK_WP_SOCKET": str(self.socket_path),
                "DAGBOK_WP_CONTENT": str(self.workdir / "root" / "wp-content")}

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        with open(self.workdir / log, "wb") as out:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                       env=self._env(), cwd=self.workdir, preexec_fn=die_with_parent)
        self.processes.append(process)
        return process

    def _log(self, name: str) -> str:
        path = self.workdir / name
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _start_mariadb(self) -> None:
        datadir = self.workdir / "mysql"
        user = ["--user=root"] if os.geteuid() == 0 else []
        done = subprocess.run([program("mariadb-install-db", "mysql_install_db"), "--no-defaults",
                               f"--datadir={datadir}", "--auth-root-authentication-method=normal",
                               "--skip-test-db", "--skip-name-resolve", *user],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise WordPressError(f"mariadb-install-db failed:\n{done.stdout}{done.stderr}")
        server = self._spawn([program("mariadbd", "mysqld"), "--no-defaults", f"--datadir={datadir}",
                              f"--socket={self.socket_path}", "--skip-networking", "--skip-log-bin",
                              f"--pid-file={self.workdir / 'mysqld.pid'}", "--innodb-flush-log-at-trx-commit=0",
                              "--innodb-buffer-pool-size=32M", *user], "mysqld.log")
        deadline = time.monotonic() + START_TIMEOUT
        while not self._socket_answers():
            if server.poll() is not None or time.monotonic() > deadline:
                raise WordPressError(f"MariaDB did not start (exit {server.poll()}):\n{self._log('mysqld.log')}")
            time.sleep(0.02)  # polling the socket, not waiting for a guessed start time

    def _socket_answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(self.socket_path))
                return True
            except OSError:
                return False

    def _start_php(self) -> None:
        root = self.workdir / "root"
        content = root / "wp-content"
        for folder in (content / "plugins", content / "uploads"):
            folder.mkdir(parents=True)
        for name in ("wp-includes", "wp-admin"):
            (root / name).symlink_to(self.core / name)
        (content / "languages").symlink_to(self.core / "wp-content" / "languages")
        (content / "themes").mkdir()
        for theme in (*(self.core / "wp-content" / "themes").iterdir(), *OWN_THEMES.iterdir()):
            (content / "themes" / theme.name).symlink_to(theme)
        server = self._spawn([program("php"), "-S", "127.0.0.1:0", "-t", str(root), str(HERE / "router.php")],
                             "php.log")
        deadline = time.monotonic() + START_TIMEOUT
        while not (match := STARTED_RE.search(self._log("php.log"))):
            if server.poll() is not None or time.monotonic() > deadline:
                raise WordPressError(f"php -S did not start (exit {server.poll()}):\n{self._log('php.log')}")
            time.sleep(0.02)
        self.base = match.group(1) + "/"

    def _install(self) -> None:
        content_file = self.workdir / "content.json"
        content_file.write_text(json.dumps(site_content(self.base, theme=self.theme, posts=self.posts),
                                           ensure_ascii=False), encoding="utf-8")
        self._php("install.php", self.base.rstrip("/"), str(content_file))

    def _php(self, script: str, *args: str) -> str:
        done = subprocess.run([program("php"), str(HERE / script), *args], capture_output=True, text=True,
                              env=self._env(), cwd=self.workdir, timeout=300)
        if done.returncode != 0 or "Fatal error" in done.stdout:
            raise WordPressError(f"php {script} failed (exit {done.returncode}):\n"
                                 f"{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    def _wait_for(self, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if response.status == 200:
                        return
                    problem = f"status {response.status}"
            except (urllib.error.URLError, OSError) as error:
                problem = error
            if time.monotonic() > deadline:
                raise WordPressError(f"WordPress does not answer {url}: {problem}\n{self._log('php.log')}")
            time.sleep(0.05)
