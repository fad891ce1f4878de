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
import subprocess

import pytest

from scraper.sample_site import load_posts
from tests.console_scripts import DAGBOK
from tests.wordpress_site import EDITOR, THEMES, WordPressError, WordPressSite, load_comments

pytestmark = pytest.mark.slow

REQUIRED_THEMES = ("twentytwentyone", "twentytwentythree")
CRAWL_THEMES = tuple(dict.fromkeys(REQUIRED_THEMES + THEMES))  # and any other default theme installed
POSTS = load_posts()


def dagbok(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DAGBOK, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module", params=CRAWL_THEMES)
def crawled(request, wordpress, tmp_path_factory):
    """The WordPress site in one theme, crawled once through the console script, its diary queried as JSON."""
    wordpress.switch_theme(request.param)
    db_path = tmp_path_factory.mktemp(request.param) / "dagbok.db"
    done = dagbok("crawl", "--site", wordpress.base, "--db", str(db_path), "--delay", "0", "--json")
    query = dagbok("query", "--db", str(db_path), "--format", "json")
    assert query.returncode == 0, query.stdout + query.stderr
    return done, {post["url"]: post for post in json.loads(query.stdout)}, wordpress.base


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
