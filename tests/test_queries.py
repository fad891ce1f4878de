"""`dagbok query` and `dagbok stats` over a real SQLite archive built by the project's store.

`make_archive` (also used by test_serve, test_check and test_browser) stores hand-made
`PageResult`s through `archive.store.Store`, so each test controls exactly which posts
exist while the rows are the ones a crawl would write.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive.database import NoDatabase
from archive.queries import (
    BadQuery, PostQuery, build_post_query, collect_stats, find_posts, fts_terms, open_archive,
    swedish_key, searches_newest_first,
)
from archive.runs import run_crawl
from archive.schema import open_database
from archive.store import Store
from scraper.errors import UnknownLab
from scraper.labs import LabVocabulary
from scraper.names import Layer, PageKind, Source
from scraper.records import Capture, Disagreement, PageResult, Post, Teaser
from scraper.sample_site import load_posts
from tests.console_scripts import invoke

BASE = "https://www.allmannyttan.se/"

# Small, deliberate archive: accents in names, `bor` and `bör` in different posts,
# `GÖTEBORG` in capitals, a compound (`Innovationslabbet`), a programme-wide post,
# a post without signature, a teaser-only post.
POSTS: list[dict] = [
    {
        "slug": "innovationslabbet-i-boden-har-startat", "published": "2018-09-12",
        "title": "Innovationslabbet i Boden har startat",
        "author": "Anna Kanervö", "role": "projektansvarig", "lab": "Boden", "labs": ["Boden"],
        "body": "Nu är Innovationslabbet i Boden igång.\n\nBIS och Bodenbo träffade hyresgästerna på torget.",
    },
    {
        "slug": "vad-hyresgasterna-ska-veta", "published": "2019-03-06",
        "title": "Vad hyresgästerna ska veta",
        "author": "Åsa Öberg", "role": "verksamhetsutvecklare, Telge Bostäder",
        "lab": "Södertälje", "labs": ["Södertälje"],
        "body": "Varje hyresgäst bör få veta vad som händer i Lina Hage.\n\nDet handlar om förtroende.",
    },
    {
        "slug": "dar-vi-bor", "published": "2019-04-29", "title": "Där vi bor",
        "author": "Anna Kanervö", "role": "projektansvarig för Allmännyttans innovationslabb",
        "lab": "Göteborg", "labs": ["Göteborg"],
        "body": "BESÖK I GÖTEBORG\n\nMånga som bor i Rannebergen vill vara med. ”Vi bor här”, säger de.",
    },
    {
        "slug": "fyra-labb-ett-program", "published": "2019-11-11", "title": "Fyra labb, ett program",
        "author": "Per Lindqvist", "role": "kommunikatör, Allmänyttans innovationslabb",
        "lab": None, "labs": ["Boden", "Göteborg", "Norrköping", "Södertälje"],
        "body": "Boden, Göteborg, Norrköping och Södertälje – fyra labb i samma program.",
    },
    {
        "slug": "portalen-oppnar", "published": "2020-02-03", "title": "Portalen öppnar",
        "author": None, "role": None, "lab": "Norrköping", "labs": ["Norrköping"],
        "body": "Portalen i Hageby öppnar sina dörrar för alla.",
    },
    {
        "slug": "ett-inlagg-som-bara-finns-som-teaser", "published": "2019-06-18",
        "title": "Ett inlägg som bara finns som teaser", "author": "Åsa Öberg",
        "role": "verksamhetsutvecklare", "lab": None, "labs": [],
        "body": None, "excerpt": "Sidan finns inte längre, men teasern gör det...", "status": "teaser-only",
    },
]


def excerpt_of(body: str | None) -> str | None:
    if body is None:
        return None
    joined = " ".join(body.split("\n\n"))
    return joined if len(joined) <= 250 else joined[:250].rstrip() + "..."


def expected(post: dict) -> dict:
    """The query-JSON object `dagbok query --format json` must print for a POSTS entry."""
    return {
        "url": BASE + post["slug"] + "/", "title": post["title"], "published": post["published"],
        "author": post["author"], "role": post["role"], "lab": post["lab"], "labs": post["labs"],
        "excerpt": post.get("excerpt", excerpt_of(post["body"])), "body": post["body"],
    }


def make_archive(path: Path, posts: list[dict] = POSTS, *, crawl: bool = True,
                 failed_pages: list[tuple[str, str]] = ()) -> Path:
    """Write `posts` (POSTS-shaped dicts) into a new archive at `path` through `archive.store`.

    Each post is stored as a fetched post page showing `post["categories"]` (default
    `Dagbok`: the diary's), whose `Post` carries `post["layers"]`
    (default: every present field from `layout`) and `post["disagreements"]` ((field,
    layer, value) tuples). A `teaser-only` post is a page that answered 404 and a lab page
    teasing it. `failed_pages` are (url, error) post pages that came back but did not parse.
    """
    db = open_database(path)
    run_id = None
    if crawl:
        run_id = db["crawl_runs"].insert({
            "started": "2026-11-20T03:00:00+00:00", "ended": "2026-11-20T03:02:10+00:00",
            "site": BASE, "source": "live", "full": 1, "status": "ok", "requests": 42,
            "bytes": 123456, "new": len(posts), "changed": 0, "unchanged": 0, "gone": 0,
            "errors": len(failed_pages), "pid": 1,
        }).last_pk
    store = Store(db, run_id=run_id, source="live", labs=LabVocabulary.load())
    fetched = datetime(2026, 11, 20, 3, 1, tzinfo=UTC)

    def capture(url: str, status: int = 200) -> Capture:
        return Capture(url=url, final_url=url, status=status, headers={"content-type": "text/html; charset=utf-8"},
                       body=f"<html><body>{url} {status}</body></html>".encode(), fetched=fetched)

    teasers = []
    for post in posts:
        url = BASE + post["slug"] + "/"
        if post.get("status") == "teaser-only":
            store.store(PageResult(url=url, kind=PageKind.POST, source=Source.LINKS, capture=capture(url, 404)))
            teasers.append(Teaser(url=url, title=post["title"], published=date.fromisoformat(post["published"]),
                                  excerpt=post["excerpt"], author=post["author"], role=post["role"]))
            continue
        fields = {"title": post["title"], "published": post["published"], "author": post["author"],
                  "role": post["role"], "excerpt": excerpt_of(post["body"]), "body": post["body"]}
        layers = post.get("layers", {name: Layer.LAYOUT for name, value in fields.items() if value is not None})
        extracted = Post(
            url=url, title=post["title"], published=date.fromisoformat(post["published"]),
            author=post["author"], role=post["role"], excerpt=fields["excerpt"], body=post["body"],
            lab=post["lab"], labs=list(post["labs"]), layers=layers,
            disagreements=[Disagreement(field, Layer(layer), value)
                           for field, layer, value in post.get("disagreements", [])],
        )
        store.store(PageResult(url=url, kind=PageKind.POST, source=Source.API, capture=capture(url),
                               post=extracted, categories=tuple(post.get("categories", ["Dagbok"]))))
    if teasers:
        lab_page = BASE + "vad-vi-gor/innovationslabbet-i-sodertalje/"
        store.store(PageResult(url=lab_page, kind=PageKind.LAB, source=Source.LINKS, capture=capture(lab_page),
                               teasers=teasers))
    for url, error in failed_pages:
        store.store(PageResult(url=url, kind=PageKind.POST, source=Source.SITEMAP, capture=capture(url),
                               error=error))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def archive(tmp_path) -> Path:
    return make_archive(tmp_path / "dagbok.db")


def titles(db: Path, **options) -> list[str]:
    return [post["title"] for post in find_posts(db, PostQuery(**options))]


# --- the query itself ---------------------------------------------------------------------

def test_json_output_has_every_field_of_every_post_newest_first(archive):
    result = invoke("query", "--db", str(archive), "--format", "json")
    assert result.exit_code == 0, result.output
    by_date = sorted(POSTS, key=lambda p: p["published"], reverse=True)
    assert json.loads(result.output) == [expected(post) for post in by_date]


def test_author_matching_ignores_case_and_accents_but_returns_exact_names(archive):
    for typed in ("anna kanervo", "ANNA KANERVÖ", "Anna Kanervö", "kanervo"):
        posts = find_posts(archive, PostQuery(author=typed, sort="published"))
        assert [p["title"] for p in posts] == ["Innovationslabbet i Boden har startat", "Där vi bor"], typed
        assert {p["author"] for p in posts} == {"Anna Kanervö"}
    assert {p["author"] for p in find_posts(archive, PostQuery(author="asa oberg"))} == {"Åsa Öberg"}


def test_author_that_nobody_is_finds_nothing(archive):
    assert titles(archive, author="Kerstin") == []


def test_role_matches_part_of_the_role_line_ignoring_case(archive):
    assert titles(archive, role="PROJEKTANSVARIG", sort="published") == [
        "Innovationslabbet i Boden har startat", "Där vi bor"]
    assert titles(archive, role="telge bostader") == ["Vad hyresgästerna ska veta"]


def test_lab_is_the_lab_a_post_is_about_and_accepts_any_case_or_accent(archive):
    assert titles(archive, lab="goteborg") == ["Där vi bor"]
    assert titles(archive, lab="Göteborg") == ["Där vi bor"]
    # named in passing by the programme-wide post, but not about it
    assert "Fyra labb, ett program" not in titles(archive, lab="Boden")


def test_unknown_lab_is_refused_with_the_known_labs(archive):
    with pytest.raises(UnknownLab) as error:
        find_posts(archive, PostQuery(lab="Kiruna"))
    assert str(error.value) == 'no lab called "Kiruna" (known labs: Boden, Göteborg, Norrköping, Södertälje)'


def test_since_and_until_include_both_ends(archive):
    assert titles(archive, since=date(2019, 3, 6), until=date(2019, 4, 29), sort="published") == [
        "Vad hyresgästerna ska veta", "Där vi bor"]


def test_sort_orders(archive):
    assert titles(archive, sort="published")[0] == "Innovationslabbet i Boden har startat"
    assert titles(archive, sort="-published")[0] == "Portalen öppnar"
    assert titles(archive, sort="title") == [
        "Där vi bor", "Ett inlägg som bara finns som teaser", "Fyra labb, ett program",
        "Innovationslabbet i Boden har startat", "Portalen öppnar", "Vad hyresgästerna ska veta"]
    by_author = [p["author"] for p in find_posts(archive, PostQuery(sort="author"))]
    # Swedish alphabetical order: Å after Z; unsigned posts last
    assert by_author == ["Anna Kanervö", "Anna Kanervö", "Per Lindqvist", "Åsa Öberg", "Åsa Öberg", None]


def test_swedish_order_puts_a_ring_a_diaeresis_o_diaeresis_after_z():
    assert sorted(["Östen", "Åsa", "Ärla", "Zelda", "Eva", "Émile"], key=swedish_key) == [
        "Émile", "Eva", "Zelda", "Åsa", "Ärla", "Östen"]


def test_limit(archive):
    assert titles(archive, limit=2) == ["Portalen öppnar", "Fyra labb, ett program"]
    assert titles(archive, limit=0) == []


def test_filters_combine(archive):
    assert titles(archive, author="kanervo", lab="Boden") == ["Innovationslabbet i Boden har startat"]
    assert titles(archive, author="kanervo", since=date(2019, 1, 1)) == ["Där vi bor"]


# --- full-text search: the tokenizer's promises -------------------------------------------

def test_search_bor_does_not_find_bor_with_diaeresis(archive):
    assert titles(archive, search="bor") == ["Där vi bor"]


def test_search_bor_with_diaeresis_does_not_find_bor(archive):
    assert titles(archive, search="bör") == ["Vad hyresgästerna ska veta"]


def test_search_lower_case_goteborg_finds_capitalised_and_upper_case_goteborg(archive):
    assert titles(archive, search="göteborg") == ["Fyra labb, ett program", "Där vi bor"]
    assert titles(archive, search="GÖTEBORG") == ["Fyra labb, ett program", "Där vi bor"]


def test_search_word_is_a_prefix_so_innovationslabb_finds_innovationslabbet(archive):
    assert titles(archive, search="innovationslabb") == ["Innovationslabbet i Boden har startat"]


def test_search_needs_every_word(archive):
    assert titles(archive, search="labb program") == ["Fyra labb, ett program"]
    assert titles(archive, search="labb hyresgäst") == []


def test_search_treats_fts_syntax_as_plain_words(archive):
    assert fts_terms('bor" OR -NEAR(') == '"bor"* "OR"* "NEAR"*'
    assert titles(archive, search='"bor" AND') == []  # `AND` is a word here, and no post has it


def test_search_without_words_is_refused(archive):
    with pytest.raises(BadQuery, match='--search "…" has no words'):
        find_posts(archive, PostQuery(search="…"))


def test_sql_is_parameterised_and_never_contains_user_values():
    sql, params = build_post_query(PostQuery(author="x' OR 1=1 --", role="r", lab="Boden",
                                             since=date(2019, 1, 1), until=date(2019, 2, 1),
                                             search="bor", limit=3))
    assert "x' OR" not in sql and "Boden" not in sql and "2019" not in sql and "bor" not in sql
    assert params == ["x' OR 1=1 --", "r", "Boden", "2019-01-01", "2019-02-01", '"bor"*', 3]


def test_injection_attempt_in_author_is_only_a_name(archive):
    assert titles(archive, author="x' OR 1=1 --") == []


# --- the CLI's errors ------------------------------------------------------------------------

def test_bad_date_is_an_error_with_exit_code_2(archive):
    result = invoke("query", "--db", str(archive), "--since", "2019-13-01")
    assert result.exit_code == 2
    assert result.output == 'Error: "2019-13-01" is not a date; use YYYY-MM-DD, e.g. 2019-04-29\n'


def test_date_in_another_form_is_refused(archive):
    result = invoke("query", "--db", str(archive), "--until", "29 april 2019")
    assert result.exit_code == 2
    assert '"29 april 2019" is not a date; use YYYY-MM-DD' in result.output


def test_unknown_lab_on_the_command_line(archive):
    result = invoke("query", "--db", str(archive), "--lab", "Kiruna")
    assert result.exit_code == 2
    assert result.output == ('Error: no lab called "Kiruna" (known labs: Boden, Göteborg, Norrköping, '
                             'Södertälje)\n')


def test_missing_database_says_how_to_make_one(tmp_path):
    missing = tmp_path / "nowhere.db"
    result = invoke("query", "--db", str(missing))
    assert result.exit_code == 2
    assert result.output == f"Error: no database at {missing}; run `dagbok crawl --db {missing}` first\n"
    assert not missing.exists()  # reading never creates a database


def test_query_never_writes_to_the_database(archive):
    before = archive.read_bytes()
    invoke("query", "--db", str(archive), "--search", "bor", "--author", "anna")
    assert archive.read_bytes() == before


def test_since_after_until_is_refused(archive):
    result = invoke("query", "--db", str(archive), "--since", "2019-05-01", "--until", "2019-04-01")
    assert result.exit_code == 2
    assert "--since 2019-05-01 is after --until 2019-04-01" in result.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "jsonl", "markdown"])
def test_every_format_prints_the_matching_posts(archive, fmt):
    result = invoke("query", "--db", str(archive), "--author", "anna kanervo", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "Där vi bor" in result.output and "Innovationslabbet i Boden har startat" in result.output
    assert "Portalen öppnar" not in result.output


def test_empty_result_in_json_is_an_empty_list(archive):
    result = invoke("query", "--db", str(archive), "--author", "Kerstin", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.parametrize("command", ["query", "stats"])
def test_a_file_that_is_not_an_archive_is_a_clear_error(tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = invoke(command, "--db", str(empty))
    assert result.exit_code == 2
    assert result.output == (f"Error: {empty} is not a dagbok archive (no posts table); "
                             f"run `dagbok crawl --db {empty}` to make one\n")


def test_missing_database_is_no_database_error(tmp_path):
    with pytest.raises(NoDatabase):
        find_posts(tmp_path / "x.db", PostQuery())


# --- stats --------------------------------------------------------------------------------

def test_stats_counts_per_year_lab_and_author(archive):
    stats = collect_stats(archive)
    assert stats.posts == 6
    assert stats.per_year == [{"year": "2018", "posts": 1}, {"year": "2019", "posts": 4},
                              {"year": "2020", "posts": 1}]
    assert stats.per_lab == [
        {"lab": "Boden", "posts": 1, "named_in": 2},
        {"lab": "Göteborg", "posts": 1, "named_in": 2},
        {"lab": "Norrköping", "posts": 1, "named_in": 2},
        {"lab": "Södertälje", "posts": 1, "named_in": 2},
        {"lab": None, "posts": 2, "named_in": None},
    ]
    assert stats.per_author == [
        {"author": "Anna Kanervö", "posts": 2, "first": "2018-09-12", "last": "2019-04-29"},
        {"author": "Åsa Öberg", "posts": 2, "first": "2019-03-06", "last": "2019-06-18"},
        {"author": "Per Lindqvist", "posts": 1, "first": "2019-11-11", "last": "2019-11-11"},
        {"author": None, "posts": 1, "first": "2020-02-03", "last": "2020-02-03"},
    ]
    assert stats.first_post["title"] == "Innovationslabbet i Boden har startat"
    assert stats.last_post["title"] == "Portalen öppnar"
    assert stats.last_crawl["status"] == "ok" and stats.last_crawl["started"] == "2026-11-20T03:00:00+00:00"


def test_stats_json_on_the_command_line(archive):
    result = invoke("stats", "--db", str(archive), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["posts"] == 6 and data["last_crawl"]["requests"] == 42
    assert data["first_post"]["published"] == "2018-09-12" and data["last_post"]["published"] == "2020-02-03"


def test_stats_table_is_readable(archive):
    result = invoke("stats", "--db", str(archive))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "posts: 6" in lines
    assert "first post: 2018-09-12  Innovationslabbet i Boden har startat (Anna Kanervö)" in lines
    assert any(line.split() == ["2019", "4"] for line in lines)
    assert any(line.startswith("(whole programme)") and line.split()[-1] == "2" for line in lines)
    assert any(line.startswith("(no signature)") for line in lines)


def test_stats_of_an_archive_never_crawled(tmp_path):
    db = make_archive(tmp_path / "empty.db", [], crawl=False)
    stats = collect_stats(db)
    assert stats.posts == 0 and stats.first_post is None and stats.last_crawl is None
    result = invoke("stats", "--db", str(db))
    assert result.exit_code == 0 and "last crawl: never" in result.output


# --- on a real crawl of the sample site ---------------------------------------------------

def test_query_json_of_a_crawled_sample_site_equals_the_ground_truth(sample_site, tmp_path):
    db = tmp_path / "dagbok.db"
    summary = run_crawl(db, site=sample_site.base, delay=0, warc_dir=tmp_path / "warc")
    assert summary.exit_code == 0
    result = invoke("query", "--db", str(db), "--format", "json", "--sort", "published")
    assert result.exit_code == 0, result.output
    printed = {post["url"]: post for post in json.loads(result.output)}
    truth = load_posts()
    assert set(printed) == {post.expected(sample_site.base)["url"] for post in truth}
    for post in truth:
        expected_post = post.expected(sample_site.base)
        if post.teaser_only:  # known only from a teaser: the teaser's fields, no body
            assert printed[expected_post["url"]]["body"] is None
            assert printed[expected_post["url"]]["title"] == post.title
        else:
            assert printed[expected_post["url"]] == expected_post
    dates = [post["published"] for post in json.loads(result.output)]
    assert dates == sorted(dates)


@pytest.mark.parametrize("sort", ["-published", "published"])
@pytest.mark.parametrize(("all_posts", "walk"), [
    (False, "SEARCH posts USING INDEX idx_posts_diary_published (diary=?)"),  # the diary's posts in date order
    (True, "SCAN posts USING INDEX idx_posts_published"),
], ids=["diary", "all"])
def test_a_search_in_date_order_walks_the_date_index_instead_of_sorting_every_match(archive, sort, all_posts, walk):
    sql, params = build_post_query(PostQuery(search="innovationslabb", sort=sort, limit=20, all_posts=all_posts))
    with open_archive(archive) as conn:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert plan[0] == walk  # not every match looked up, then sorted
    assert plan[-1] == "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"  # only ties on the date are sorted


@pytest.mark.slow  # the crawl retries the silent site before it gives up
def test_query_after_a_first_crawl_that_failed_says_so_instead_of_an_empty_table(tmp_path):
    db = tmp_path / "new.db"
    crawled = invoke("crawl", "--site", "http://127.0.0.1:9/", "--db", str(db), "--delay", "0", "--timeout", "2")
    assert crawled.exit_code == 2  # nothing answers on port 9
    result = invoke("query", "--db", str(db))
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"Error: {re.escape(str(db))} holds no posts: no crawl of it has finished \(the last, started \S+, ended "
        rf"failed\); see `dagbok stats --db {re.escape(str(db))}`, then run `dagbok crawl --db {re.escape(str(db))}` "
        r"again\n", result.output), result.output


@pytest.fixture(scope="module")
def common_word_archive(tmp_path_factory) -> Path:
    """Forty posts that all say `och` (the oldest also `ek`), one newer whose only `och…` word is `ochsa`."""
    posts = [{"slug": f"inlagg-{n:02d}", "published": f"2019-{1 + n % 12:02d}-{1 + n // 12:02d}",
              "title": f"Inlägg {n}", "author": None, "role": None, "lab": None, "labs": [],
              "body": "Boende och personal träffades." + (" Under en ek." if n == 0 else "")} for n in range(40)]
    posts.append({"slug": "nyast", "published": "2020-01-01", "title": "Nyast", "author": None, "role": None,
                  "lab": None, "labs": [], "body": "Ochsa ett ord som börjar som och."})
    posts.append({"slug": "utan", "published": "2020-01-02", "title": "Utan", "author": None, "role": None,
                  "lab": None, "labs": [], "body": "Här står inget sådant ord."})
    return make_archive(tmp_path_factory.mktemp("common") / "common.db", posts)


@pytest.mark.parametrize("word, found", [("och", 41), ("ek", 1)])
@pytest.mark.parametrize("sort", ["-published", "published"])
@pytest.mark.parametrize("limit", [1, 3, 20, 41])
def test_a_limited_search_for_a_short_word_finds_what_a_search_of_every_post_finds(common_word_archive, word, found,
                                                                                   sort, limit):
    db = common_word_archive
    query = PostQuery(search=word, sort=sort, limit=limit)
    assert searches_newest_first(query)
    everything = [post["url"] for post in find_posts(db, PostQuery(search=word, sort=sort))]
    assert len(everything) == found and BASE + "utan/" not in everything
    assert [post["url"] for post in find_posts(db, query)] == everything[:limit]


def test_only_short_words_in_date_order_with_a_limit_test_the_newest_posts_first():
    assert searches_newest_first(PostQuery(search="och på", limit=20))
    assert not searches_newest_first(PostQuery(search="och", limit=None))
    assert not searches_newest_first(PostQuery(search="och", limit=20, sort="title"))
    assert not searches_newest_first(PostQuery(search="innovationslabb", limit=20))


def test_the_newest_posts_are_tested_each_against_the_index(archive):
    sql, params = build_post_query(PostQuery(search="och", limit=20, since=date(2019, 1, 1)), each=True)
    with open_archive(archive) as conn:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    # the diary's newest only, in order
    assert plan[0] == "SEARCH posts USING INDEX idx_posts_diary_published (diary=? AND published>?)"
    assert any("VIRTUAL TABLE INDEX 0:=" in step for step in plan)  # posts_fts asked for one post at a time
