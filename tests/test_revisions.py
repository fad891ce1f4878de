"""Revisions git-history style: content hash, spans, numbering by the time a text was seen."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from archive.revisions import Change, Content, record_revision
from archive.schema import open_database
from scraper.labs import LabVocabulary
from scraper.names import Layer
from scraper.records import Post, Teaser

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
CONTENT = Content(
    title="Vilken resa vi gör!",
    published=date(2019, 4, 29),
    author="Karin Nilsson",
    role="projektledare",
    excerpt="Vi har nu kommit halvvägs...",
    body="Vi har nu kommit halvvägs.",
    lab="Boden",
    labs=("Boden",),
)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "archive.db")
    database.execute("INSERT INTO posts (id, url, status) VALUES (1, 'https://x/a/', 'live')")
    yield database
    database.close()


def observe(db, content, days):
    return record_revision(db, post_id=1, content=content, capture_id=None, observed=T0 + timedelta(days=days))


def spans(db):
    return [
        (row["number"], row["body"], row["first_seen"][:10], row["last_seen"][:10])
        for row in db.query("SELECT * FROM revisions ORDER BY number")
    ]


@pytest.mark.parametrize(
    "field, value",
    [("title", "Annan titel"), ("published", date(2019, 4, 30)), ("author", "Anna"), ("role", "projektansvarig"),
     ("excerpt", "Annat..."), ("body", "Annan text."), ("lab", None), ("labs", ("Boden", "Göteborg"))],
)
def test_each_content_field_changes_the_hash(field, value):
    assert replace(CONTENT, **{field: value}).content_hash() != CONTENT.content_hash()


def test_layers_and_disagreements_are_not_content():
    assert replace(CONTENT, layers={"title": "jsonld"}).content_hash() == CONTENT.content_hash()


def test_content_from_post_carries_fields_and_layer_names():
    post = Post(url="https://x/a/", title="T", published=date(2019, 1, 2), body="B", labs=["Boden"],
                layers={"title": Layer.OPENGRAPH})
    content = Content.from_post(post)
    assert (content.title, content.published, content.body, content.labs) == ("T", date(2019, 1, 2), "B", ("Boden",))
    assert content.layers == {"title": "opengraph"}


def test_content_from_teaser_has_no_body_and_every_field_from_the_teaser_layer():
    teaser = Teaser(url="https://x/b/", title="Möte i Rannebergen", published=date(2019, 5, 2),
                    excerpt="Vi träffades...", author="Olle Ek", role="hyresgäst")
    content = Content.from_teaser(teaser, labs=LabVocabulary.load())
    assert content.body is None and content.author == "Olle Ek" and content.lab == "Göteborg"
    assert set(content.layers.values()) == {"teaser"}
    assert {"title", "published", "author", "role", "excerpt", "lab", "labs"} == set(content.layers)


def test_first_observation_is_new_then_unchanged_then_changed(db):
    assert observe(db, CONTENT, 0) == Change.NEW
    assert observe(db, CONTENT, 1) == Change.UNCHANGED
    assert observe(db, replace(CONTENT, body="Ny text."), 2) == Change.CHANGED
    assert spans(db) == [(1, CONTENT.body, "2026-03-01", "2026-03-02"), (2, "Ny text.", "2026-03-03", "2026-03-03")]


def test_a_text_that_comes_back_is_a_new_revision_not_the_old_one(db):
    observe(db, CONTENT, 0)
    observe(db, replace(CONTENT, body="Ny text."), 1)
    assert observe(db, CONTENT, 2) == Change.CHANGED
    assert [s[0:2] for s in spans(db)] == [(1, CONTENT.body), (2, "Ny text."), (3, CONTENT.body)]


def test_an_older_observation_is_placed_by_its_time(db):
    observe(db, CONTENT, 10)
    assert observe(db, replace(CONTENT, body="Äldst."), 0) == Change.CHANGED
    assert spans(db) == [(1, "Äldst.", "2026-03-01", "2026-03-01"), (2, CONTENT.body, "2026-03-11", "2026-03-11")]
    assert db.execute("SELECT body FROM posts").fetchone()[0] == CONTENT.body


def test_an_older_observation_of_the_next_text_moves_its_start_back(db):
    observe(db, CONTENT, 0)
    observe(db, replace(CONTENT, body="Ny text."), 10)
    assert observe(db, replace(CONTENT, body="Ny text."), 5) == Change.UNCHANGED
    assert spans(db)[1] == (2, "Ny text.", "2026-03-06", "2026-03-11")


def test_posts_row_mirrors_the_latest_revision_and_its_labs(db):
    observe(db, CONTENT, 0)
    observe(db, replace(CONTENT, lab=None, labs=("Boden", "Göteborg"), author="Anna"), 1)
    post = next(db.query("SELECT * FROM all_post_details"))
    assert (post["lab"], json.loads(post["labs"]), post["author"]) == (None, ["Boden", "Göteborg"], "Anna")
    latest = db.execute("SELECT max(id) FROM revisions").fetchone()[0]
    assert db.execute("SELECT revision_id FROM posts").fetchone()[0] == latest
    assert db["authors"].count == 2
