"""The archive schema: tables, keys, indexes, the post_details view, FTS and numbered migrations."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archive.migrations import MIGRATIONS, applied_migrations, migrate
from archive.schema import open_database
from scraper.labs import LabVocabulary

LABS = ["Boden", "Göteborg", "Norrköping", "Södertälje"]


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "archive.db", lab_names=LABS)
    yield database
    database.close()


def test_every_table_of_the_plan_exists_with_its_columns(db):
    expected = {
        "crawl_runs": "id started ended site source full status requests bytes new changed unchanged gone errors pid",
        "bodies": "digest size compression data",
        "captures": "id run_id url final_url status kind source content_type etag last_modified http_date fetched "
        "digest wayback_timestamp warc_file warc_offset error",
        "pages": "url kind first_seen last_seen last_capture_id etag last_modified digest modified status gone_since",
        "authors": "id name",
        "labs": "id name",
        "posts": "id url slug title published author_id role lab_id excerpt body status first_seen gone_since "
        "revision_id capture_id layers",
        "post_labs": "post_id lab_id",
        "revisions": "id post_id number title published author_id role lab_id labs excerpt body layers "
        "content_hash capture_id first_seen last_seen",
        "disagreements": "id revision_id field layer value",
        "teasers": "id capture_id host_url position url title published excerpt author role",
    }
    for table, columns in expected.items():
        assert set(columns.split()) <= set(db[table].columns_dict), table


def test_primary_and_foreign_keys(db):
    assert db["post_labs"].pks == ["post_id", "lab_id"]
    assert db["bodies"].pks == ["digest"]
    assert db["pages"].pks == ["url"]
    keys = {(fk.table, fk.column): fk.other_table for name in db.table_names() for fk in db[name].foreign_keys}
    assert keys[("posts", "author_id")] == "authors"
    assert keys[("posts", "lab_id")] == "labs"
    assert keys[("posts", "revision_id")] == "revisions"
    assert keys[("revisions", "post_id")] == "posts"
    assert keys[("captures", "digest")] == "bodies"
    assert keys[("captures", "run_id")] == "crawl_runs"
    assert keys[("teasers", "capture_id")] == "captures"


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO posts (url, status, author_id) VALUES ('https://x/a/', 'live', 999)")


def test_indexes_on_the_columns_queries_filter_by(db):
    def indexed(table):
        return {tuple(index.columns) for index in db[table].indexes}

    assert {("author_id",), ("lab_id",), ("published",)} <= indexed("posts")
    assert {("url",), ("digest",)} <= indexed("captures")
    assert ("post_id",) in indexed("revisions")


def test_database_is_in_wal_mode(db):
    assert db.journal_mode == "wal"


def test_step_4_upgrades_an_archive_made_before_it(tmp_path, monkeypatch):
    import archive.migrations as migrations

    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:3])  # what an older dagbok built
    old = open_database(path, lab_names=LABS)
    old.execute("INSERT INTO posts (url, title, published, lab_id, status) "
                "VALUES ('https://x/a/', 'T', '2019-04-29', 1, 'live')")
    old.conn.commit()
    assert "year" not in old["post_details"].columns_dict
    old.close()
    monkeypatch.undo()
    db = open_database(path, lab_names=LABS)
    assert applied_migrations(db) == [migration.number for migration in MIGRATIONS]
    row = next(db.query("SELECT * FROM all_post_details"))
    assert list(row)[3:5] == ["published", "year"] and row["year"] == "2019"
    indexed = {tuple(index.columns) for index in db["posts"].indexes}
    assert {("lab_id", "published"), ("author_id", "published")} <= indexed
    analyzed = {table for (table,) in db.execute("SELECT tbl FROM sqlite_stat1")}
    assert "posts" in analyzed  # ANALYZE ran: the planner has statistics for the posts indexes
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM posts WHERE lab_id = 1 ORDER BY published"))
    assert "idx_posts_lab_id_published" in plan and "TEMP B-TREE" not in plan
    db.close()


def test_the_diary_step_decides_which_posts_of_an_older_archive_are_the_diary(tmp_path, monkeypatch):
    import archive.migrations as migrations

    path = tmp_path / "old.db"
    step = next(index for index, migration in enumerate(MIGRATIONS) if migration.name.startswith("the diary"))
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:step])
    old = open_database(path, lab_names=LABS)
    for slug, title, body in [
        ("nu-drar-vi-i-gang", "Nu drar vi i gång", "Allmännyttans innovationslabb startar i fyra städer."),
        ("ny-rapport", "Ny rapport om bostadsbristen", "Rapporten bygger på svar från 290 kommuner, Boden med."),
    ]:
        old.execute("INSERT INTO posts (url, slug, title, body, status) VALUES (?, ?, ?, ?, 'live')",
                    [f"https://x/{slug}/", slug, title, body])
    old.conn.commit()
    old.close()
    monkeypatch.undo()
    db = open_database(path, lab_names=LABS)
    assert applied_migrations(db) == [migration.number for migration in MIGRATIONS]
    assert [r["url"] for r in db.query("SELECT url FROM post_details")] == ["https://x/nu-drar-vi-i-gang/"]
    assert list(db.query("SELECT url, diary, diary_evidence FROM all_post_details ORDER BY url")) == [
        {"url": "https://x/nu-drar-vi-i-gang/", "diary": 1, "diary_evidence": "lab"},
        {"url": "https://x/ny-rapport/", "diary": 0, "diary_evidence": "none"},
    ]
    db.close()


def test_each_migration_is_applied_once(tmp_path):
    path = tmp_path / "archive.db"
    open_database(path, lab_names=LABS).close()
    db = open_database(path, lab_names=LABS)
    assert applied_migrations(db) == [m.number for m in MIGRATIONS]
    assert migrate(db) == []
    assert db["migrations"].count == len(MIGRATIONS)


def test_labs_are_seeded_in_vocabulary_order_and_only_once(tmp_path):
    path = tmp_path / "archive.db"
    open_database(path).close()
    db = open_database(path)
    rows = list(db.query("SELECT id, name FROM labs ORDER BY id"))
    assert [row["name"] for row in rows] == LabVocabulary.load().names == LABS


def test_a_name_added_to_the_vocabulary_is_appended(tmp_path):
    path = tmp_path / "archive.db"
    open_database(path, lab_names=LABS).close()
    db = open_database(path, lab_names=[*LABS, "Kiruna"])
    assert [row["name"] for row in db.query("SELECT name FROM labs ORDER BY id")] == [*LABS, "Kiruna"]


def test_post_details_names_author_lab_and_labs_in_vocabulary_order(db):
    db["authors"].insert({"id": 7, "name": "Karin Nilsson"})
    db.execute(
        "INSERT INTO posts (id, url, title, published, author_id, role, lab_id, status, diary) "
        "VALUES (1, 'https://x/a/', 'Titel', '2019-04-29', 7, 'projektledare', 4, 'live', 1)"
    )
    db.execute("INSERT INTO post_labs VALUES (1, 4), (1, 1)")
    row = next(db.query("SELECT * FROM post_details"))
    assert row["author"] == "Karin Nilsson"
    assert row["lab"] == "Södertälje"
    assert json.loads(row["labs"]) == ["Boden", "Södertälje"]
    assert row["published"] == "2019-04-29"
    assert row["status"] == "live"


def test_post_details_is_the_diary_and_all_post_details_every_post(db):
    db.execute("INSERT INTO posts (url, title, status, diary, diary_evidence) VALUES "
               "('https://x/a/', 'Dagbok', 'live', 1, 'category'), ('https://x/b/', 'Nyhet', 'live', 0, 'category')")
    assert [row["title"] for row in db.query("SELECT title FROM post_details")] == ["Dagbok"]
    assert [(row["title"], row["diary"]) for row in db.query("SELECT title, diary FROM all_post_details ORDER BY title")] \
        == [("Dagbok", 1), ("Nyhet", 0)]


def test_post_without_labs_has_an_empty_list(db):
    db.execute("INSERT INTO posts (url, title, status, diary) VALUES ('https://x/a/', 'T', 'live', 1)")
    row = next(db.query("SELECT labs, lab, author FROM post_details"))
    assert json.loads(row["labs"]) == []
    assert row["lab"] is None and row["author"] is None


def test_full_text_search_keeps_swedish_letters_apart(db):
    db.execute(
        "INSERT INTO posts (url, title, body, status) VALUES ('https://x/a/', 'Möte i Rannebergen', 'Vi åt lunch', 'live')"
    )
    db.execute("INSERT INTO posts (url, title, body, status) VALUES ('https://x/b/', 'Mote', 'Vi at', 'live')")

    def search(words):
        return [row["url"] for row in db.query("SELECT url FROM posts_fts JOIN posts ON posts.rowid = posts_fts.rowid "
                                               "WHERE posts_fts MATCH ? ORDER BY url", [words])]

    assert search("åt") == ["https://x/a/"]
    assert search("Möte") == ["https://x/a/"]
    assert search("Ranneberg*") == ["https://x/a/"]


def test_full_text_index_follows_updates(db):
    db.execute("INSERT INTO posts (url, title, body, status) VALUES ('https://x/a/', 'Förr', 'gammal text', 'live')")
    db.execute("UPDATE posts SET body = 'ny text' WHERE url = 'https://x/a/'")
    assert db.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'gammal'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'ny'").fetchone()[0] == 1


def test_step_5_gives_posts_fts_prefix_indexes_and_keeps_what_it_found(tmp_path, monkeypatch):
    import archive.migrations as migrations

    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:4])
    old = open_database(path, lab_names=LABS)
    old.execute("INSERT INTO posts (url, title, body, status) VALUES ('https://x/a/', 'T', 'Boende och personal', 'live')")
    old.conn.commit()
    old.close()
    monkeypatch.undo()
    db = open_database(path, lab_names=LABS)
    assert "prefix='1 2 3 4'" in db["posts_fts"].schema
    assert db.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '\"pers\"*'").fetchone()[0] == 1
    db.execute("INSERT INTO posts (url, title, body, status) VALUES ('https://x/b/', 'U', 'Ochså', 'live')")
    assert db.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH '\"och\"*'").fetchone()[0] == 2
    db.close()


def test_each_archive_has_an_id_of_its_own_kept_from_open_to_open(tmp_path):
    from archive.database import archive_id

    first = open_database(tmp_path / "one.db", lab_names=LABS)
    kept = archive_id(first.conn)
    first.close()
    again = open_database(tmp_path / "one.db", lab_names=LABS)
    other = open_database(tmp_path / "other.db", lab_names=LABS)
    assert archive_id(again.conn) == kept and len(kept) == 36
    assert archive_id(other.conn) not in (None, kept)
    assert again["archive"].count == 1
    again.close()
    other.close()


def test_an_older_archive_gets_its_id_when_upgraded(tmp_path, monkeypatch):
    import archive.migrations as migrations
    from archive.database import archive_id

    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", [step for step in MIGRATIONS if step.number != 8])
    old = open_database(path, lab_names=LABS)
    assert archive_id(old.conn) is None  # what a read-only archive made before step 8 answers
    old.close()
    monkeypatch.undo()
    db = open_database(path, lab_names=LABS)
    assert archive_id(db.conn) is not None
    db.close()
