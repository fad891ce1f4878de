"""Numbered schema steps, each applied once and recorded in the `migrations` table.

A database made by an older dagbok is brought up to date by running the steps
it has not seen yet, in order. Never edit a step that has shipped: add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import sqlite_utils

POST_DETAILS_SQL = """
SELECT
    posts.id AS id,
    posts.url AS url,
    posts.title AS title,
    posts.published AS published,
    authors.name AS author,
    posts.role AS role,
    labs.name AS lab,
    (
        SELECT json_group_array(name) FROM (
            SELECT l.name AS name FROM post_labs pl JOIN labs l ON l.id = pl.lab_id
            WHERE pl.post_id = posts.id ORDER BY l.id
        )
    ) AS labs,
    posts.excerpt AS excerpt,
    posts.body AS body,
    posts.status AS status,
    posts.slug AS slug,
    posts.first_seen AS first_seen,
    posts.gone_since AS gone_since
FROM posts
LEFT JOIN authors ON authors.id = posts.author_id
LEFT JOIN labs ON labs.id = posts.lab_id
"""

# Step 4's view: step 2's with the year of publication after `published`, for Datasette's `year`
# facet (scraper/data/metadata.yml). Step 2 keeps its own text: a step that has shipped is never edited.
POST_DETAILS_YEAR_SQL = POST_DETAILS_SQL.replace(
    "    posts.published AS published,\n",
    "    posts.published AS published,\n    substr(posts.published, 1, 4) AS year,\n",
)
assert POST_DETAILS_YEAR_SQL != POST_DETAILS_SQL


# Step 5's views: `post_details` is the diary (what query, stats, export and Datasette show by
# default), `all_post_details` every stored post with its membership and the evidence for it.
ALL_POST_DETAILS_SQL = POST_DETAILS_YEAR_SQL.replace(
    "    posts.gone_since AS gone_since\n",
    "    posts.gone_since AS gone_since,\n    posts.diary AS diary,\n"
    "    posts.diary_evidence AS diary_evidence,\n    posts.categories AS categories\n",
)
DIARY_POST_DETAILS_SQL = POST_DETAILS_YEAR_SQL + "WHERE posts.diary = 1\n"
assert ALL_POST_DETAILS_SQL != POST_DETAILS_YEAR_SQL


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _initial_tables(db: sqlite_utils.Database) -> None:
    """The first schema: runs, bodies, captures, pages, posts and their revisions."""
    db["crawl_runs"].create(
        {
            "id": int, "started": str, "ended": str, "site": str, "source": str, "full": int,
            "status": str, "requests": int, "bytes": int, "new": int, "changed": int,
            "unchanged": int, "gone": int, "errors": int, "pid": int,
        },
        pk="id",
        not_null=["started", "site", "source", "status"],
    )
    db["bodies"].create(
        {"digest": str, "size": int, "compression": str, "data": bytes},
        pk="digest",
        not_null=["size", "compression", "data"],
    )
    db["captures"].create(
        {
            "id": int, "run_id": int, "url": str, "final_url": str, "status": int, "kind": str,
            "source": str, "content_type": str, "etag": str, "last_modified": str,
            "http_date": str, "fetched": str, "digest": str, "wayback_timestamp": str,
            "warc_file": str, "warc_offset": int, "error": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id"), ("digest", "bodies", "digest")],
        not_null=["url", "fetched"],
    )
    db["authors"].create({"id": int, "name": str}, pk="id", not_null=["name"])
    db["authors"].create_index(["name"], unique=True)
    db["labs"].create({"id": int, "name": str}, pk="id", not_null=["name"])
    db["labs"].create_index(["name"], unique=True)
    db["posts"].create(
        {
            "id": int, "url": str, "slug": str, "title": str, "published": str,
            "author_id": int, "role": str, "lab_id": int, "excerpt": str, "body": str,
            "status": str, "first_seen": str, "gone_since": str, "revision_id": int,
            "capture_id": int, "layers": str,
        },
        pk="id",
        foreign_keys=[
            ("author_id", "authors", "id"),
            ("lab_id", "labs", "id"),
            ("capture_id", "captures", "id"),
        ],
        not_null=["url", "status"],
    )
    db["posts"].create_index(["url"], unique=True)
    db["revisions"].create(
        {
            "id": int, "post_id": int, "number": int, "title": str, "published": str,
            "author_id": int, "role": str, "lab_id": int, "labs": str, "excerpt": str,
            "body": str, "layers": str, "content_hash": str, "capture_id": int,
            "first_seen": str, "last_seen": str,
        },
        pk="id",
        foreign_keys=[
            ("post_id", "posts", "id"),
            ("author_id", "authors", "id"),
            ("lab_id", "labs", "id"),
            ("capture_id", "captures", "id"),
        ],
        not_null=["post_id", "number", "content_hash", "first_seen", "last_seen"],
    )
    # posts.revision_id and revisions.post_id point at each other; add the second key once both exist.
    db["posts"].add_foreign_key("revision_id", "revisions", "id")
    db["pages"].create(
        {
            "url": str, "kind": str, "first_seen": str, "last_seen": str,
            "last_capture_id": int, "etag": str, "last_modified": str, "digest": str,
            "modified": str, "status": str, "gone_since": str, "post_id": int,
        },
        pk="url",
        foreign_keys=[
            ("last_capture_id", "captures", "id"),
            ("digest", "bodies", "digest"),
            ("post_id", "posts", "id"),
        ],
        not_null=["kind", "status"],
    )
    db["post_labs"].create(
        {"post_id": int, "lab_id": int},
        pk=("post_id", "lab_id"),
        foreign_keys=[("post_id", "posts", "id"), ("lab_id", "labs", "id")],
    )
    db["disagreements"].create(
        {"id": int, "revision_id": int, "field": str, "layer": str, "value": str},
        pk="id",
        foreign_keys=[("revision_id", "revisions", "id")],
        not_null=["revision_id", "field", "layer"],
    )
    db["teasers"].create(
        {
            "id": int, "capture_id": int, "host_url": str, "position": int, "url": str,
            "title": str, "published": str, "excerpt": str, "author": str, "role": str,
        },
        pk="id",
        foreign_keys=[("capture_id", "captures", "id")],
        not_null=["capture_id", "host_url", "position"],
    )
    for table, columns in [
        ("posts", ["author_id"]),
        ("posts", ["lab_id"]),
        ("posts", ["published"]),
        ("posts", ["status"]),
        ("captures", ["url"]),
        ("captures", ["digest"]),
        ("captures", ["run_id"]),
        ("revisions", ["post_id"]),
        ("post_labs", ["lab_id"]),
        ("teasers", ["url"]),
        ("teasers", ["capture_id"]),
        ("disagreements", ["revision_id"]),
        ("pages", ["post_id"]),
    ]:
        db[table].create_index(columns)


def _post_details_view(db: sqlite_utils.Database) -> None:
    """One row per post with names instead of ids: what `query`, `serve` and `export` read."""
    db.create_view("post_details", POST_DETAILS_SQL)


def _posts_fts(db: sqlite_utils.Database) -> None:
    """Full-text search; diacritics kept because å/ä/ö are letters of their own in Swedish."""
    db["posts"].enable_fts(
        ["title", "excerpt", "body"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 0",
    )


def _year_indexes_analyze(db: sqlite_utils.Database) -> None:
    """post_details gets `year`; a lab's or an author's posts in date order come from one index each.

    ANALYZE then gives the planner statistics to choose among the indexes (each crawl
    ends with `PRAGMA optimize`, which keeps them current).
    """
    db.create_view("post_details", POST_DETAILS_YEAR_SQL, replace=True)
    db["posts"].create_index(["lab_id", "published"])
    db["posts"].create_index(["author_id", "published"])
    db.analyze()


#: Term lengths (in characters) that posts_fts keeps a prefix index for: the commonest Swedish
#: words are this short (`i`, `på`, `och`, `till`), and a prefix term of such a length is read
#: from its index lazily, like a whole word, instead of merging every word it begins.
FTS_PREFIX_LENGTHS = (1, 2, 3, 4)


def _posts_fts_prefix_indexes(db: sqlite_utils.Database) -> None:
    """posts_fts rebuilt with prefix indexes, so testing one post against `och*` is cheap.

    `queries.find_posts` relies on it to answer a search for a common word with a limit
    from the newest posts alone. The triggers that keep posts_fts in step belong to
    `posts` and carry on unchanged.
    """
    db.execute("DROP TABLE posts_fts")
    prefix = " ".join(str(length) for length in FTS_PREFIX_LENGTHS)
    db.execute(
        'CREATE VIRTUAL TABLE "posts_fts" USING FTS5 (\n'
        '    "title", "excerpt", "body",\n'
        "    tokenize='unicode61 remove_diacritics 0',\n"
        f"    prefix='{prefix}',\n"
        '    content="posts"\n'
        ")"
    )
    db.execute("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")


def _captures_warning(db: sqlite_utils.Database) -> None:
    """captures.warning: a page read, but perhaps not as written (a charset label its bytes contradict)."""
    db["captures"].add_column("warning", str)


def _diary(db: sqlite_utils.Database) -> None:
    """Which posts are the diary (scraper/data/diary.toml): posts.diary, diary_evidence, categories.

    `post_details` becomes the diary's posts; `all_post_details` shows every post. Posts
    already stored are decided now, from what they hold (their categories are learnt
    on the next crawl).
    """
    from .diary import mark_diary  # the rule reads the data files; only this step needs it
    from scraper.labs import LabVocabulary

    db["posts"].add_column("categories", str)
    db["posts"].add_column("diary", int)
    db["posts"].add_column("diary_evidence", str)
    db["posts"].create_index(["diary", "published"])
    db.create_view("post_details", DIARY_POST_DETAILS_SQL, replace=True)
    db.create_view("all_post_details", ALL_POST_DETAILS_SQL)
    mark_diary(db, labs=LabVocabulary.load())


def _archive_identity(db: sqlite_utils.Database) -> None:
    """`archive`: one row naming this archive with a random id, made once (`database.archive_id`).

    Every WARC file a crawl writes names it (warc_fields.INFO_ARCHIVE), so files of two
    archives kept in one folder are told apart by `rebuild` and `export --format wacz`.
    """
    db["archive"].create({"id": str}, pk="id")
    db["archive"].insert({"id": str(uuid4())})


def _pages_listed_words(db: sqlite_utils.Database) -> None:
    """pages.listed_words: how many words the text of the page's post had as a listing (the REST
    API, the feed) last gave it, for the runs whose listings do not repeat it: a body far from
    that length is named (`crawl.wrong_length`) on every run until it is read whole."""
    db["pages"].add_column("listed_words", int)


def _pages_listed_as_page(db: sqlite_utils.Database) -> None:
    """pages.listed_as_page: the site's sitemap of WordPress's pages listed the page (`Candidate.listed_as_page`),
    so a later run that asks it again but does not read that sitemap (its index unchanged) still knows
    it is no post."""
    db["pages"].add_column("listed_as_page", int)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial tables", _initial_tables),
    Migration(2, "post_details view", _post_details_view),
    Migration(3, "posts_fts", _posts_fts),
    Migration(4, "post_details year, posts indexes by lab and author with date, ANALYZE", _year_indexes_analyze),
    Migration(5, "posts_fts prefix indexes for terms of 1-4 characters", _posts_fts_prefix_indexes),
    Migration(6, "captures.warning", _captures_warning),
    Migration(7, "the diary among the site's posts: posts.diary, diary_evidence, categories; all_post_details", _diary),
    Migration(8, "archive: the archive's id, named by every WARC file it writes", _archive_identity),
    Migration(9, "pages.listed_words: the length of a post's text as a listing gave it", _pages_listed_words),
    Migration(10, "pages.listed_as_page: the sitemap of WordPress's pages listed the page", _pages_listed_as_page),
)


def applied_migrations(db: sqlite_utils.Database) -> list[int]:
    if "migrations" not in db.table_names():
        return []
    return [row["number"] for row in db.query("SELECT number FROM migrations ORDER BY number")]


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply every step not yet applied, each in its own transaction; return the numbers applied."""
    if "migrations" not in db.table_names():
        db["migrations"].create({"number": int, "name": str, "applied": str}, pk="number")
    done = set(applied_migrations(db))
    applied = []
    for migration in MIGRATIONS:
        if migration.number in done:
            continue
        with db.atomic():
            migration.apply(db)
            db["migrations"].insert(
                {
                    "number": migration.number,
                    "name": migration.name,
                    "applied": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
        applied.append(migration.number)
    return applied
