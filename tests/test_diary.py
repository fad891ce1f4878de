"""The diary among the rest of the site: the rule (scraper/diary.py), the categories a page shows,
and, end to end, news posts stored but kept out of every default view."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from scraper.diary import BadDiaryRules, DiaryRules, Evidence, Membership, PostFacts, category_key
from scraper.extract.categories import read_categories
from scraper.extract.document import parse_document
from scraper.labs import LabVocabulary
from scraper.records import Capture
from scraper.sample_site import MARKUPS, SampleSite
from tests.console_scripts import DAGBOK, invoke

LABS = LabVocabulary.load()
RULES = DiaryRules.load()
URL = "https://www.allmannyttan.se/ett-inlagg/"


def decide(**facts) -> Membership:
    return RULES.decide(PostFacts(url=URL, **facts), labs=LABS)


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dagbok", "dagbok", "Dagboken", "Innovationslabb", "allmannyttans-innovationslabb"])
def test_a_diary_category_by_name_or_slug_puts_a_post_in(name):
    assert decide(categories=("Okategoriserade", name)) == Membership(True, Evidence.CATEGORY)


def test_shown_categories_that_are_not_the_diarys_keep_a_post_out_whatever_it_names():
    post = decide(categories=("Nyheter",), title="Nytt i Rannebergen", body="Innovationslabbet i Boden och BIS.",
                  author="Anna Kanervo")
    assert post == Membership(False, Evidence.CATEGORY)


def test_without_categories_the_programme_or_two_lab_mentions_put_a_post_in():
    assert decide(body="Allmännyttans innovationslabb i Hageby.") == Membership(True, Evidence.LAB)
    assert decide(body="Vi träffades i Rannebergen, och sedan i Angered.") == Membership(True, Evidence.LAB)
    assert decide(title="Portalen öppnar", body="Dörrarna står öppna.") == Membership(True, Evidence.LAB)


def test_a_lab_town_named_once_in_passing_is_not_enough():
    assert decide(body="Hyresförhandlingarna är klara, också i Boden.") == Membership(False, Evidence.NONE)


def test_programme_words_are_word_starts_not_anywhere_in_a_word():
    assert decide(body="Barnen skrev i sommardagboken.") == Membership(False, Evidence.NONE)
    assert decide(body="Dagbokens sista inlägg.") == Membership(True, Evidence.LAB)


def test_signatures_of_diary_posts_put_uncategorised_posts_in():
    signatures = {"Erik Nordström"}
    assert RULES.decide(PostFacts(url=URL, body="Musik för alla.", author="Erik Nordström"), labs=LABS,
                        signatures=signatures) == Membership(True, Evidence.AUTHOR)
    assert RULES.decide(PostFacts(url=URL, body="Musik för alla.", author="Per Lindgren"), labs=LABS,
                        signatures=signatures) == Membership(False, Evidence.NONE)
    # shown categories decide before signatures do
    assert RULES.decide(PostFacts(url=URL, categories=("Nyheter",), author="Erik Nordström"), labs=LABS,
                        signatures=signatures) == Membership(False, Evidence.CATEGORY)


def test_the_end_of_a_run_learns_signatures_from_the_posts_steps_1_to_3_put_in(tmp_path):
    from archive.diary import mark_diary
    from archive.schema import open_database

    db = open_database(tmp_path / "dagbok.db")
    db["authors"].insert_all([{"id": 1, "name": "Erik Nordström"}, {"id": 2, "name": "Per Lindgren"}])
    db["posts"].insert_all([
        {"url": "https://x/a/", "body": "Innovationslabbet i Boden.", "author_id": 1, "status": "live"},
        {"url": "https://x/b/", "body": "Musik för alla.", "author_id": 1, "status": "live"},
        {"url": "https://x/c/", "body": "Musik för alla.", "author_id": 2, "status": "live"},
    ])
    assert mark_diary(db, labs=LABS) == 3
    assert [(row["diary"], row["diary_evidence"]) for row in db.query("SELECT * FROM posts ORDER BY url")] == [
        (1, "lab"), (1, "author"), (0, "none")]
    assert mark_diary(db, labs=LABS) == 0  # nothing changed: nothing written


def test_the_override_list_wins_over_every_evidence(tmp_path):
    rules = tmp_path / "diary.toml"
    rules.write_text('categories = ["Dagbok"]\nprogramme_words = ["innovationslabb"]\nlab_mentions = 2\n'
                     'include = ["ett-inlagg"]\nexclude = ["https://www.allmannyttan.se/annat/"]\n', encoding="utf-8")
    custom = DiaryRules.load(rules)
    assert custom.decide(PostFacts(url=URL, categories=("Nyheter",)), labs=LABS) == Membership(True, Evidence.OVERRIDE)
    other = PostFacts(url="https://www.allmannyttan.se/annat/", categories=("Dagbok",))
    assert custom.decide(other, labs=LABS) == Membership(False, Evidence.OVERRIDE)


def test_a_broken_rules_file_names_itself(tmp_path):
    broken = tmp_path / "diary.toml"
    broken.write_text('categories = ["Dagbok"]\n', encoding="utf-8")
    with pytest.raises(BadDiaryRules, match=r"cannot read the diary rules in .*diary\.toml \(KeyError\('programme_words'\)\)"):
        DiaryRules.load(broken)


def test_category_key_folds_case_accents_and_separators():
    assert category_key("Allmännyttans innovationslabb") == category_key("allmannyttans-innovationslabb")


# --- categories a page shows --------------------------------------------------------------------


def categories_of(html: str) -> tuple[str, ...]:
    capture = Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html.encode("utf-8"), fetched=datetime(2020, 2, 1, tzinfo=UTC))
    return read_categories(parse_document(capture))


def test_categories_from_class_tokens_rel_and_archive_links():
    html = ('<body class="single"><article class="post hentry category-dagbok"><h1>T</h1><p>Text.</p>'
            '<footer><a href="/category/innovationslabb/" rel="category tag">Innovationslabb</a>'
            '<a href="/kategori/boden/">Boden</a><a href="/tag/hageby/" rel="tag">Hageby</a></footer></article>'
            '<article class="post category-nyheter"><h2>En teaser</h2></article></body>')
    assert categories_of(html) == ("dagbok", "Innovationslabb", "Boden")


def test_a_categorised_as_line_when_nothing_else_shows_them():
    assert categories_of("<main><h1>T</h1><p>Text.</p><p>Kategoriserad som Dagbok, Nyheter</p></main>") == (
        "Dagbok", "Nyheter")


def test_readers_comments_are_not_the_posts_region():
    html = ('<main><article class="comment-body"><a href="/category/nyheter/">Nyheter</a></article>'
            '<h1>T</h1><p>Text.</p><a href="/category/dagbok/" rel="tag">Dagbok</a></main>')
    assert categories_of(html) == ("Dagbok",)


def test_a_page_that_shows_no_categories_gives_none():
    assert categories_of("<main><h1>T</h1><p>Text om Boden.</p></main>") == ()


# --- end to end ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=MARKUPS)
def crawled_with_news(request, tmp_path_factory):
    """The sample site with its news posts, crawled once through the console script."""
    import subprocess

    db = tmp_path_factory.mktemp(request.param) / "dagbok.db"
    with SampleSite(markup=request.param, crawl_delay=0, news=True) as site:
        done = subprocess.run([DAGBOK, "crawl", "--site", site.base, "--db", str(db), "--delay", "0"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return db, site.base, [p for p in site.posts if not p.teaser_only], site.news


def test_news_posts_are_stored_but_the_diary_is_what_query_shows(crawled_with_news):
    db, base, diary, news = crawled_with_news
    shown = {post["url"]: post for post in json.loads(invoke("query", "--db", str(db), "--format", "json").output)}
    assert all(post.diary for post in diary) and not any(post.diary for post in news)
    assert {post.expected(base)["url"] for post in diary} <= set(shown)
    assert not {base.rstrip("/") + post.path for post in news} & set(shown)
    for post in diary:
        assert shown[base.rstrip("/") + post.path] == post.expected(base)
    everything = json.loads(invoke("query", "--db", str(db), "--format", "json", "--all").output)
    assert {base.rstrip("/") + post.path for post in news} <= {post["url"] for post in everything}
    assert len(everything) == len(shown) + len(news)


def test_membership_and_its_evidence_are_in_the_posts_table(crawled_with_news):
    db, base, diary, news = crawled_with_news
    with sqlite3.connect(db) as conn:
        rows = dict(((url, (member, evidence)) for url, member, evidence in
                     conn.execute("SELECT url, diary, diary_evidence FROM posts")))
    for post in news:  # the API lists every post's categories: they decide
        assert rows[base.rstrip("/") + post.path] == (0, "category")
    for post in diary:
        assert rows[base.rstrip("/") + post.path] == (1, "category")


def test_stats_check_and_export_are_the_diarys_unless_all(crawled_with_news, tmp_path):
    db, base, diary, news = crawled_with_news
    diary_count = json.loads(invoke("stats", "--db", str(db), "--format", "json").output)["posts"]
    every_count = json.loads(invoke("stats", "--db", str(db), "--format", "json", "--all").output)["posts"]
    assert every_count - diary_count == len(news)
    checked = json.loads(invoke("check", "--db", str(db), "--format", "json").output)
    checked_all = json.loads(invoke("check", "--db", str(db), "--format", "json", "--all").output)
    assert checked_all["posts"] - checked["posts"] == len(news)
    invoke("export", "--db", str(db), "--out", str(tmp_path / "diary"))
    invoke("export", "--db", str(db), "--out", str(tmp_path / "all"), "--all")
    exported = [json.loads(line) for line in (tmp_path / "diary" / "posts.jsonl").read_text().splitlines()]
    exported_all = [json.loads(line) for line in (tmp_path / "all" / "posts.jsonl").read_text().splitlines()]
    assert {row["diary"] for row in exported} == {1} and len(exported) == diary_count
    assert sorted(row["url"] for row in exported_all if not row["diary"]) == sorted(
        base.rstrip("/") + post.path for post in news)
