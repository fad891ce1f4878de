"""`dagbok serve`: Datasette started for real as a subprocess, fetched over HTTP, HTML and JSON."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
from html import escape as html_escape
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlite_utils
import yaml

from archive.schema import open_database
from archive.queries import PostQuery, find_posts
from archive.serve import METADATA_PATH, SETTINGS, fold_wal, load_metadata
from scraper.sample_site import load_posts
from test_queries import POSTS, make_archive
from tests.console_scripts import DAGBOK, script
from tests.processes import start_serving, stop

CANNED = {
    "posts_by_author": ({"author": "Kanervö"}, ["Innovationslabbet i Boden har startat", "Där vi bor"]),
    "posts_by_lab": ({"lab": "Boden"}, ["Innovationslabbet i Boden har startat", "Fyra labb, ett program"]),
    "posts_per_lab_per_month": ({}, None),
    "authors_and_roles_over_time": ({}, None),
    "search": ({"words": "innovationslabb"}, ["Innovationslabbet i Boden har startat"]),
}


@dataclass
class Served:
    url: str  # the database's URL, e.g. http://127.0.0.1:PORT/dagbok
    process: subprocess.Popen
    db: Path

    def get(self, path: str, **params) -> requests.Response:
        response = requests.get(self.url + path, params=params, timeout=10)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    def rows(self, path: str, **params) -> list[dict]:
        return self.get(path + ".json", _shape="array", **params).json()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    db = make_archive(tmp_path_factory.mktemp("serve") / "dagbok.db")
    process, base = start_serving(db)
    yield Served(url=base + "dagbok", process=process, db=db)
    stop(process)


def test_posts_table_html_and_json(served):
    html = served.get("/posts").text
    for post in POSTS:
        assert post["title"] in html
    rows = served.rows("/posts", _size="max")
    assert sorted(r["title"] for r in rows) == sorted(p["title"] for p in POSTS)


def test_post_details_is_sorted_newest_first_by_default(served):
    rows = served.rows("/post_details")
    assert [r["published"] for r in rows] == sorted((p["published"] for p in POSTS), reverse=True)
    assert "sorted by published descending" in served.get("/post_details").text


def test_foreign_keys_show_author_and_lab_names(served):
    row = served.get("/posts.json", _labels="on", _shape="array", slug="dar-vi-bor").json()[0]
    assert row["author_id"]["label"] == "Anna Kanervö" and row["lab_id"]["label"] == "Göteborg"
    html = served.get("/posts", slug="dar-vi-bor").text
    assert ">Anna Kanervö</a>" in html and ">Göteborg</a>" in html


def test_default_facets_count_posts_by_author_and_lab(served):
    data = served.get("/post_details.json", _size="0").json()
    authors = {r["value"]: r["count"] for r in data["facet_results"]["author"]["results"]}
    assert authors == {"Anna Kanervö": 2, "Åsa Öberg": 2, "Per Lindqvist": 1}
    labs = {r["value"]: r["count"] for r in data["facet_results"]["lab"]["results"]}
    assert labs == {"Boden": 1, "Göteborg": 1, "Norrköping": 1, "Södertälje": 1}
    named = {r["value"]: r["count"] for r in data["facet_results"]["labs"]["results"]}
    assert named == {"Boden": 2, "Göteborg": 2, "Norrköping": 2, "Södertälje": 2}
    html = served.get("/post_details").text
    assert 'data-column="author"' in html and "Anna Kanervö" in html


def test_facet_by_author_selects_that_authors_posts(served):
    rows = served.rows("/post_details", author="Åsa Öberg")
    assert {r["title"] for r in rows} == {"Vad hyresgästerna ska veta", "Ett inlägg som bara finns som teaser"}
    data = served.get("/posts.json", _facet="author_id", _size="0").json()
    by_label = {r["label"]: r["count"] for r in data["facet_results"]["author_id"]["results"]}
    assert by_label == {"Anna Kanervö": 2, "Åsa Öberg": 2, "Per Lindqvist": 1}


@pytest.mark.parametrize("name", list(CANNED))
def test_canned_query_html_and_json(served, name):
    params, expected_titles = CANNED[name]
    html = served.get(f"/{name}", **params).text
    rows = served.rows(f"/{name}", **params)
    assert rows, name
    if expected_titles is not None:
        assert [r["title"] for r in rows] == expected_titles
        for title in expected_titles:
            assert title in html


def test_posts_per_lab_per_month_counts(served):
    rows = served.rows("/posts_per_lab_per_month")
    assert {"month": "2019-04", "lab": "Göteborg", "posts": 1} in rows
    assert {"month": "2019-11", "lab": "(whole programme)", "posts": 1} in rows
    assert sum(r["posts"] for r in rows) == len(POSTS)


def test_authors_and_roles_over_time_keeps_each_role(served):
    rows = served.rows("/authors_and_roles_over_time")
    anna = [(r["role"], r["first_post"]) for r in rows if r["author"] == "Anna Kanervö"]
    assert anna == [("projektansvarig", "2018-09-12"),
                    ("projektansvarig för Allmännyttans innovationslabb", "2019-04-29")]


def test_search_query_highlights_matches_and_keeps_swedish_letters_apart(served):
    rows = served.rows("/search", words="bor")
    assert [r["title"] for r in rows] == ["Där vi bor"]
    assert "**bor**" in rows[0]["snippet"]
    assert [r["title"] for r in served.rows("/search", words="bör")] == ["Vad hyresgästerna ska veta"]
    assert sorted(r["title"] for r in served.rows("/search", words="göteborg")) == [
        "Där vi bor", "Fyra labb, ett program"]
    assert served.rows("/search", words='labb "program') == served.rows("/search", words="labb program")


def test_table_search_html_and_json(served):
    rows = served.rows("/posts", _search="innovationslabb*")
    assert [r["title"] for r in rows] == ["Innovationslabbet i Boden har startat"]
    html = served.get("/post_details", _search="göteborg").text
    assert "Där vi bor" in html and "Fyra labb, ett program" in html and "Portalen öppnar" not in html


def test_metadata_is_served(served):
    base = served.url.rsplit("/", 1)[0]
    metadata = requests.get(base + "/-/metadata.json", timeout=10).json()
    assert metadata["source_url"] == "https://www.allmannyttan.se/"
    assert "Sveriges Allmännytta" in metadata["license"]
    html = served.get("/posts").text
    assert "The latest version of each post" in html
    assert "Date shown on the page (local date), YYYY-MM-DD." in html  # a column description


def test_database_is_served_immutable(served):
    base = served.url.rsplit("/", 1)[0]
    databases = requests.get(base + "/-/databases.json", timeout=10).json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("dagbok", False)]


def test_metadata_follows_a_database_with_another_name(tmp_path):
    db = make_archive(tmp_path / "demo.db")
    process, base = start_serving(db)
    try:
        rows = requests.get(base + "demo/search.json", params={"words": "bor", "_shape": "array"}, timeout=10).json()
        assert [r["title"] for r in rows] == ["Där vi bor"]
    finally:
        stop(process)
    assert process.returncode == 0  # SIGTERM stops it cleanly


def test_ctrl_c_stops_the_server_with_exit_0_and_no_traceback(tmp_path):
    process, base = start_serving(make_archive(tmp_path / "dagbok.db"))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Traceback" not in stderr and "Aborted" not in stderr


def test_load_metadata_renames_the_entry_and_keeps_the_facets_of_a_current_archive(tmp_path):
    db = make_archive(tmp_path / "other.db")
    metadata = load_metadata(db)
    assert list(metadata["databases"]) == ["other"]
    facets = metadata["databases"]["other"]["tables"]["post_details"]["facets"]
    assert facets == ["author", "lab", "year", {"array": "labs"}]


def test_load_metadata_drops_the_year_facet_for_an_archive_made_before_step_4(tmp_path, monkeypatch):
    import archive.migrations as migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])  # post_details had no `year`
    open_database(tmp_path / "old.db").close()
    facets = load_metadata(tmp_path / "old.db")["databases"]["old"]["tables"]["post_details"]["facets"]
    assert facets == ["author", "lab", {"array": "labs"}]


def test_year_facet_counts_the_posts_of_each_year(served):
    data = served.get("/post_details.json", _size="0").json()
    years = {r["value"]: r["count"] for r in data["facet_results"]["year"]["results"]}
    assert years == dict(Counter(post["published"][:4] for post in POSTS))
    assert {r["year"] for r in served.rows("/post_details", year="2019")} == {"2019"}


def test_metadata_describes_every_table_and_column(tmp_path):
    db = open_database(tmp_path / "fresh.db")
    described = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))["databases"]["dagbok"]["tables"]
    missing = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                               "AND name NOT LIKE 'posts_fts%' AND name NOT LIKE 'sqlite_%'").fetchall():
        if table not in described or not described[table].get("description"):
            missing.append(table)
            continue
        for column in db[table].columns_dict:
            if not described[table].get("columns", {}).get(column):
                missing.append(f"{table}.{column}")
    db.close()
    assert missing == []


def test_fold_wal_brings_committed_pages_into_the_file(tmp_path):
    db = make_archive(tmp_path / "wal.db")
    writer = sqlite3.connect(db)
    writer.execute("INSERT INTO authors (name) VALUES ('Ny Skribent')")
    writer.commit()  # committed into the -wal file; the open connection keeps it there
    assert Path(f"{db}-wal").stat().st_size > 0
    fold_wal(db)
    immutable = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    assert immutable.execute("SELECT count(*) FROM authors WHERE name = 'Ny Skribent'").fetchone() == (1,)
    immutable.close()
    writer.close()


def test_missing_database_is_a_clean_error(tmp_path):
    result = subprocess.run([DAGBOK, "serve", "--db", str(tmp_path / "none.db")], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == f"Error: no database at {tmp_path / 'none.db'}; run `dagbok crawl --db {tmp_path / 'none.db'}` first\n"


def test_a_host_beyond_loopback_is_served_with_a_warning(served):
    process = subprocess.Popen([DAGBOK, "serve", "--db", str(served.db), "--host", "0.0.0.0", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = process.stderr.readline()
        serving = process.stdout.readline()
    finally:
        stop(process)
    assert warning == ("Warning: --host 0.0.0.0 serves the archive beyond this machine (Datasette asks no "
                       "password); --host 127.0.0.1 keeps it local\n")
    assert serving.startswith(f"Serving {served.db} read-only at http://0.0.0.0:")


def test_port_in_use_is_a_clean_error(served, tmp_path):
    port = served.url.split(":")[2].split("/")[0]
    result = subprocess.run([DAGBOK, "serve", "--db", str(served.db), "--port", port],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "choose another --port" in result.stderr


def test_serving_a_crawl_of_the_sample_site(served_crawl):
    truth = load_posts()
    facets = served_crawl.get("/post_details.json", _size="0").json()["facet_results"]
    authors = {r["value"]: r["count"] for r in facets["author"]["results"]}
    assert authors == dict(Counter(post.author for post in truth if post.author))
    found = served_crawl.rows("/search", words="innovationslabb")
    expected_titles = {post.title for post in truth if not post.teaser_only
                       and "innovationslabb" in (post.title + " " + post.body).casefold()}
    assert expected_titles and expected_titles <= {row["title"] for row in found}
    assert all("**" in row["snippet"] for row in found)


# --- for analysts: the search box, folding like the CLI, the layout -------------------------

NOT_SYNTAX = ["Lina-Hage", '"', "innovationslabb AND", "AND", "(labb", "bo*", "NEAR(", "title:labb", "-"]


@pytest.mark.parametrize("words", NOT_SYNTAX)
@pytest.mark.parametrize("table", ["posts", "post_details"])
def test_the_search_box_never_answers_400(served, table, words):
    served.get(f"/{table}", _search=words)  # HTML: asserts 200
    served.rows(f"/{table}", _search=words)
    served.rows("/search", words=words)


@pytest.mark.parametrize("words", ["innovationslabb", "göteborg", "Lina-Hage", "BOR", "labb program"])
def test_the_search_box_finds_what_the_cli_finds(served, words):
    diary = {post["title"] for post in find_posts(served.db, PostQuery(search=words))}
    everything = {post["title"] for post in find_posts(served.db, PostQuery(search=words, all_posts=True))}
    assert diary, words
    assert {row["title"] for row in served.rows("/post_details", _search=words, _size="max")} == diary
    assert {row["title"] for row in served.rows("/search", words=words)} == diary
    for table in ("posts", "all_post_details"):  # every post stored, as with --all
        assert {row["title"] for row in served.rows(f"/{table}", _search=words, _size="max")} == everything


@pytest.mark.parametrize("lab", ["goteborg", "GÖTEBORG", "Rannebergen", "Göteborg"])
def test_posts_by_lab_folds_the_lab_like_the_cli(served, lab):
    rows = served.rows("/posts_by_lab", lab=lab)
    assert [(row["title"], row["post"]) for row in rows] == [("Där vi bor", "about it"),
                                                            ("Fyra labb, ett program", "names it")]


@pytest.mark.parametrize("author", ["kanervo", "ANNA KANERVÖ", "Kanervö"])
def test_posts_by_author_folds_case_and_accents_like_the_cli(served, author):
    cli = [post["title"] for post in find_posts(served.db, PostQuery(author=author, sort="published"))]
    assert [row["title"] for row in served.rows("/posts_by_author", author=author)] == cli
    assert cli == ["Innovationslabbet i Boden har startat", "Där vi bor"]


def test_the_home_page_lists_the_posts_first_and_the_plumbing_last(served):
    html = requests.get(served.url.rsplit("/", 1)[0] + "/", timeout=10).text
    main, plumbing = html.split('class="archive-tables"', 1)[1].split('class="archive-plumbing"', 1)
    listed = re.findall(r'href="/dagbok/(\w+)"', main)
    assert listed[:3] == ["post_details", "posts", "all_post_details"]
    plumbing_tables = {"archive", "bodies", "captures", "pages", "migrations", "post_labs"}
    assert plumbing_tables.isdisjoint(listed)
    assert set(re.findall(r'href="/dagbok/(\w+)"', plumbing)) == plumbing_tables
    tables = {t["name"]: t["hidden"] for t in served.get(".json").json()["tables"]}
    assert tables["bodies"] and tables["captures"] and not tables["posts"]


def test_facets_on_the_posts_table_are_headed_by_names(served):
    html = served.get("/posts").text
    headings = re.findall(r'<p class="facet-info-name">\s*<strong>(\w+)', html)
    assert sorted(headings) == ["author", "lab", "status"]
    assert ">Anna Kanervö</a> 2" in html


@pytest.fixture(scope="module")
def served_crawl(sample_crawl) -> Iterator[Served]:
    """The sample site crawled, then served: real bodies, long enough to be cut."""
    process, base = start_serving(sample_crawl)
    yield Served(url=base + "dagbok", process=process, db=sample_crawl)
    stop(process)


def test_long_cells_are_cut_in_the_table_and_whole_on_the_row_page(served_crawl):
    post = max(find_posts(served_crawl.db, PostQuery()), key=lambda post: len(post["body"] or ""))
    assert len(post["body"]) > 1000
    post_id = served_crawl.rows("/posts", url=post["url"])[0]["id"]
    html = served_crawl.get("/posts", url=post["url"]).text
    cell = re.search(r'<td class="col-body[^"]*"[^>]*>(.*?)</td>', html, re.S).group(1)
    assert cell.endswith("…") and len(cell) <= SETTINGS["truncate_cells_html"] + 1
    row_page = served_crawl.get(f"/posts/{post_id}").text
    last_paragraph = post["body"].split("\n\n")[-1]
    assert html_escape(last_paragraph, quote=False) in row_page


def test_the_crawled_archive_searches_like_the_cli(served_crawl):
    for words in ("innovationslabb", "Lina-Hage", "Rannebergen"):
        cli = {post["url"] for post in find_posts(served_crawl.db, PostQuery(search=words))}
        everything = {post["url"] for post in find_posts(served_crawl.db, PostQuery(search=words, all_posts=True))}
        assert cli, words
        assert {row["url"] for row in served_crawl.rows("/post_details", _search=words, _size="max")} == cli
        assert {row["url"] for row in served_crawl.rows("/posts", _search=words, _size="max")} == everything


def test_the_charts_page_draws_the_canned_figures(served):
    html = served.get("/-/charts").text
    segments = {(month, lab): int(posts) for month, lab, posts in re.findall(
        r'<rect class="posts"[^>]* data-month="([^"]+)" data-lab="([^"]+)" data-posts="(\d+)"', html)}
    canned = {(row["month"], row["lab"]): row["posts"] for row in served.rows("/posts_per_lab_per_month")}
    assert segments == canned
    dots = re.findall(r'<circle class="post"[^>]* data-author="([^"]+)"', html)
    assert Counter(dots) == Counter(post["author"] for post in POSTS if post["author"])
    assert requests.get(served.url.rsplit("/", 1)[0] + "/nowhere/-/charts", timeout=10).status_code == 404
    home = requests.get(served.url.rsplit("/", 1)[0] + "/", timeout=10).text
    assert 'href="/dagbok/-/charts"' in home


SQLITE_UTILS = script("sqlite-utils")


def test_sqlite_utils_recognises_the_full_text_index(served):
    """Analysts' other tool: `sqlite-utils search dagbok.db posts WORD` finds the FTS setup."""
    db = sqlite_utils.Database(served.db)
    assert db["posts"].detect_fts() == "posts_fts"
    assert [row["title"] for row in db["posts"].search("Portalen")] == ["Portalen öppnar"]
    result = subprocess.run([SQLITE_UTILS, "search", str(served.db), "posts", "Hageby", "-c", "title"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "Portalen öppnar" in result.stdout, result.stderr
