"""End to end against a real WordPress (Debian's packages): crawl it through `dagbok` and compare every field.

The site (tests/wordpress_site) holds the sample diary in the category "Dagbok",
posted by one editor account and signed in the content, with readers' comments
under some posts, and news posts of another category. Each default theme prints
the date, the byline and the comments its own way; the archive must read the same
posts in all of them.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path

import pytest

from scraper.sample_site import load_posts
from scraper.sample_site.content import load_news
from scraper.sample_site.wordpress import content_rendered
from tests.console_scripts import DAGBOK
from tests.wordpress_site import (EDITOR, THEMES, WordPressError, WordPressSite, load_comments,
                                  local_and_gmt)

pytestmark = pytest.mark.slow

REQUIRED_THEMES = ("twentytwentyone", "twentytwentythree")
CRAWL_THEMES = tuple(dict.fromkeys(REQUIRED_THEMES + THEMES))  # any other default theme, and `ovanlig`
POSTS = load_posts()
NEWS = load_news()


def dagbok(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DAGBOK, *args], capture_output=True, text=True, timeout=600)


@dataclass
class Crawl:
    done: subprocess.CompletedProcess
    db_path: Path
    base: str

    def query(self, *args: str) -> dict[str, dict]:
        """`dagbok query --format json [args]`, by URL."""
        query = dagbok("query", "--db", str(self.db_path), "--format", "json", *args)
        assert query.returncode == 0, query.stdout + query.stderr
        return {post["url"]: post for post in json.loads(query.stdout)}

    @cached_property
    def everything(self) -> dict[str, dict]:
        """Every stored post, the diary's and the rest (`query --all`), asked once."""
        return self.query("--all")


@pytest.fixture(scope="module", params=CRAWL_THEMES)
def crawl(request, wordpress, tmp_path_factory) -> Crawl:
    """The WordPress site in one theme, crawled once through the console script."""
    wordpress.switch_theme(request.param)
    db_path = tmp_path_factory.mktemp(request.param) / "dagbok.db"
    done = dagbok("crawl", "--site", wordpress.base, "--db", str(db_path), "--delay", "0", "--json")
    return Crawl(done=done, db_path=db_path, base=wordpress.base)


@pytest.fixture(scope="module")
def crawled(crawl):
    """(crawl's process, the diary as `dagbok query` prints it by URL, the site's base URL)."""
    return crawl.done, crawl.query(), crawl.base


def test_a_missing_wordpress_is_named_not_skipped(tmp_path):
    with pytest.raises(WordPressError, match=r"WordPress is not installed at .*apt-get install wordpress"):
        WordPressSite(core=tmp_path).start()


def test_a_start_that_fails_half_way_stops_what_it_started():
    spawned = []

    class Recorded(WordPressSite):
        def _spawn(self, args, log):
            spawned.append(super()._spawn(args, log))
            return spawned[-1]

    post = POSTS[0]
    site = Recorded(posts=[post, post.copy(title="Samma adress")])  # WordPress would rename the second
    with pytest.raises(WordPressError, match=f"slug {post.slug} became {post.slug}-2"):
        site.start()
    assert len(spawned) == 2 and all(process.poll() is not None for process in spawned)  # MariaDB and php -S
    assert site.workdir is None and not port_answers(site.base)


def port_answers(base: str) -> bool:
    host, port = base.split("//")[1].rstrip("/").split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) == 0


def test_the_default_themes_are_installed():
    assert set(REQUIRED_THEMES) <= set(THEMES), "apt-get install wordpress-theme-twentytwentyone " \
                                                "wordpress-theme-twentytwentythree (as .ci/run does)"


def test_the_site_is_the_one_described(wordpress):
    """The fixture's own promises: Swedish, Stockholm dates, pretty permalinks, comments, the editor byline."""
    post = next(p for p in POSTS if p.slug == "nu_galler_det_att_anvanda_tiden_ratt")
    api = json.loads(wordpress.get(f"/wp-json/wp/v2/posts?slug={post.slug}&_embed=1"))[0]
    assert api["link"] == wordpress.url(post.path)
    assert api["date"] == post.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert api["_embedded"]["author"][0]["name"] == EDITOR["name"]
    page = wordpress.get(post.path)
    assert '<html lang="sv-SE"' in page and post.published.strftime("%-d oktober %Y") in page
    assert EDITOR["name"] in page  # the byline
    commented = wordpress.get("/god-jul-fran-innovationslabben/")
    assert all(comment["author"] in commented for comment in load_comments()["god-jul-fran-innovationslabben"])


def test_crawl_exits_0(crawled):
    done, _, _ = crawled
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("slug", [post.slug for post in POSTS])
def test_every_field_of_every_diary_post_matches_the_ground_truth(crawled, slug):
    _, posts, base = crawled
    expected = next(p for p in POSTS if p.slug == slug).expected(base)
    got = posts.get(expected["url"])
    assert got is not None, f"{expected['url']} is not in the diary"
    assert {key: got[key] for key in expected} == expected


def test_no_news_post_is_in_the_diary(crawled):
    _, posts, base = crawled
    diary = {base.rstrip("/") + post.path for post in POSTS}
    assert sorted(set(posts) - diary) == []


@pytest.mark.parametrize("slug", [news.slug for news in NEWS])
def test_news_posts_are_kept_outside_the_diary_with_their_own_fields(crawl, slug):
    """Stored, never thrown away unseen (`--all` shows them); an unsigned one has no author,
    even under a reader's comment signed with a name and a role."""
    news = next(n for n in NEWS if n.slug == slug)
    got = crawl.everything.get(crawl.base.rstrip("/") + news.path)
    assert got is not None, f"{news.path} is not archived"
    assert {key: got[key] for key in ("title", "published", "author", "role", "body")} == {
        "title": news.title, "published": news.published.isoformat(), "author": news.author, "role": news.role,
        "body": "\n\n".join(news.paragraphs)}


def test_an_unchanged_site_costs_five_requests_at_most_beyond_robots_txt(crawl):
    again = dagbok("crawl", "--site", crawl.base, "--db", str(crawl.db_path), "--delay", "0", "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["changed"], summary["errors"]) == (0, 0, 0)
    assert summary["requests"] <= 1 + 5


def test_an_edited_post_is_archived_as_a_new_revision(wordpress, tmp_path):
    post = next(p for p in POSTS if p.slug == "vilken-resa-vi-gor")
    added = "Tillägg: rapporten från våren finns nu att läsa på vår webbplats."
    edited = post.copy(paragraphs=[*post.paragraphs, added], modified=post.modified + timedelta(days=3))
    db_path = str(tmp_path / "dagbok.db")
    crawl = ("crawl", "--site", wordpress.base, "--db", db_path, "--delay", "0", "--json")
    theme = wordpress.theme
    wordpress.switch_theme("twentytwentyone")  # revisions do not depend on the theme
    try:
        assert dagbok(*crawl).returncode == 0
        wordpress.update_post(post.slug, post_content=content_rendered(edited, wordpress.base),
                              **dict(zip(("post_modified", "post_modified_gmt"), local_and_gmt(edited.modified))))
        again = dagbok(*crawl)
    finally:
        wordpress.update_post(post.slug, post_content=content_rendered(post, wordpress.base),
                              **dict(zip(("post_modified", "post_modified_gmt"), local_and_gmt(post.modified))))
        wordpress.switch_theme(theme)
    assert again.returncode == 0, again.stdout + again.stderr
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["changed"]) == (0, 1)
    got = Crawl(done=again, db_path=Path(db_path), base=wordpress.base).query()[wordpress.url(post.path)]
    assert (got["body"], got["author"], got["published"]) == (edited.body, post.author, post.published.isoformat())
    with sqlite3.connect(db_path) as conn:
        numbers = conn.execute("SELECT r.number FROM revisions r JOIN posts p ON p.id = r.post_id "
                               "WHERE p.url = ? ORDER BY 1", (wordpress.url(post.path),)).fetchall()
    assert numbers == [(1,), (2,)]


def test_the_sites_pages_are_not_stored_as_posts(crawl):
    """The contact page, lab and programme pages are WordPress pages: no date of their own, never posts."""
    stored = set(crawl.everything)
    posts = {crawl.base.rstrip("/") + item.path for item in (*POSTS, *NEWS)}
    assert sorted(stored - posts) == []
