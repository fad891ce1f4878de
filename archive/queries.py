"""Reading posts and figures back out of the archive: `(sql, params)` for `query` and `stats`.

Every value a user gives travels as a parameter, never inside the SQL text.

Full-text search runs on `posts_fts` (FTS5, tokenizer `unicode61 remove_diacritics 0`),
and each search word becomes a *prefix* term (`"innovationslabb"*`). Why prefix and not
the trigram tokenizer:

- Swedish inflects by suffix and builds compounds head first: `innovationslabb` must find
  `Innovationslabbet`, `innovationslabbets`; a prefix term does that with an ordinary
  word index.
- å, ä and ö are letters of their own in Swedish, not accented a and o: `bor` (lives)
  must not find `bör` (should). `remove_diacritics 0` keeps them apart, while unicode61
  still folds case for every letter, so `göteborg` finds `GÖTEBORG` and `Göteborg`.
- A trigram index matches inside words: `bor` would find every `Göteborg`, `Norrköping`
  would be found by `köp`, and terms under three characters find nothing. It is also
  several times larger. (Its remove_diacritics option needs SQLite 3.45, too.)
The cost: a word's tail is not found (`labbet` does not find `innovationslabbet`).

A search for a common word with a limit, in date order, first tests only the newest
posts, one at a time (`find_posts`): `och` is in nearly every post, so the newest 20
matches are among the newest 200 posts, and collecting every one of 100k matches first
costs 30–40 ms. Testing one post against a prefix term is cheap only when the term is
read from a prefix index (`FTS_PREFIX_LENGTHS`), so longer words go the other way.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scraper.errors import DagbokError
from scraper.labs import LabVocabulary, fold as fold_name

from .database import connect_archive, storage_errors
from .migrations import FTS_PREFIX_LENGTHS

FIELDS = ("url", "title", "published", "author", "role", "lab", "labs", "excerpt", "body")
SORTS = {
    "published": "published ASC NULLS LAST, title, url",
    "-published": "published DESC NULLS LAST, title, url",
    "title": "title COLLATE swedish, published, url",
    "author": "author COLLATE swedish NULLS LAST, published, url",
}
DEFAULT_SORT = "-published"
DATE_SORTS = ("published", "-published")
FORMATS = ("table", "json", "csv", "jsonl", "markdown")
#: A limited search in date order first tests this many of the newest posts per row asked for.
NEWEST_PER_ROW = 10


class BadQuery(DagbokError):
    """A query option that cannot be used as given."""


def fold(text: str | None) -> str | None:
    """SQL's `dagbok_fold`: a name folded as lab names are (`ANNA KANERVO` → `anna kanervo`), NULL kept.

    For matching what a user typed against names; results always show the stored name.
    """
    return None if text is None else fold_name(text)


# Swedish alphabetical order puts å, ä, ö after z (and æ, ø with ä, ö); other accents sort
# with their base letter (é with e).
_SWEDISH_LAST = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}  # the three ASCII codes after z


def swedish_key(text: str) -> str:
    """Sort key in Swedish alphabetical order, ignoring case: `Per` < `Åsa` < `Östen`."""
    key = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if char in _SWEDISH_LAST:
            key.append(_SWEDISH_LAST[char])
        else:
            key.append("".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)))
    return "".join(key)


def collate_swedish(a: str, b: str) -> int:
    ka, kb = swedish_key(a), swedish_key(b)
    return (ka > kb) - (ka < kb)


@contextmanager
def open_archive(db_path: Path | str) -> Iterator[sqlite3.Connection]:
    """The archive, read-only, with `dagbok_fold` and the `swedish` collation; damage found while
    reading is named as such (see `database.py`)."""
    conn = connect_archive(db_path)
    try:
        conn.row_factory = sqlite3.Row
        conn.create_function("dagbok_fold", 1, fold, deterministic=True)
        conn.create_collation("swedish", collate_swedish)
        with storage_errors(db_path):
            yield conn
    finally:
        conn.close()


def parse_day(text: str | date | None) -> date | None:
    """A `--since`/`--until` value as a date; only `YYYY-MM-DD` is accepted."""
    if text is None or isinstance(text, date):
        return text
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadQuery(f'"{text}" is not a date; use YYYY-MM-DD, e.g. 2019-04-29') from None


def search_words(words: str) -> list[str]:
    """The words of a `--search` value; BadQuery when there are none."""
    terms = re.findall(r"\w+", words)
    if not terms:
        raise BadQuery(f'--search "{words}" has no words to search for; give at least one word')
    return terms


def fts_terms(words: str) -> str:
    """An FTS5 MATCH expression: every word a quoted prefix term, all required.

    Quoting keeps FTS5 syntax (`AND`, `-`, `"`, `:`) in user input from being read as operators.
    """
    return " ".join(f'"{term}"*' for term in search_words(words))


@dataclass(frozen=True)
class PostQuery:
    """What `dagbok query` asks for. Dates are `date`s; `lab` is resolved before building SQL."""

    author: str | None = None
    role: str | None = None
    lab: str | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None
    sort: str = DEFAULT_SORT
    limit: int | None = None
    all_posts: bool = False  # every stored post (`--all`), not only the diary's


DIARY_VIEW, ALL_VIEW = "post_details", "all_post_details"  # the diary's posts; every stored post


def posts_view(all_posts: bool) -> str:
    """The view `query`, `stats` and `export` read: the diary (scraper/data/diary.toml), or every post."""
    return ALL_VIEW if all_posts else DIARY_VIEW


def in_scope(sql: str, *, all_posts: bool, posts: str = "posts") -> str:
    """`sql` kept to the diary's posts at its `/*diary*/` marker, or to every post with `--all`.

    `posts` is the name `sql` gives the posts table (an alias, say).
    """
    return sql.replace("/*diary*/", "" if all_posts else f"AND {posts}.diary = 1")


def build_post_query(query: PostQuery, *, each: bool = False, columns: tuple[str, ...] = FIELDS,
                     offset: int | None = None) -> tuple[str, list[Any]]:
    """The SQL and parameters for a `PostQuery` over the `post_details` view.

    Author and role match ignoring case and accents, anywhere in the stored text
    (`kanervo` finds `Anna Kanervö`). `lab` is the lab a post is about (the `lab`
    field), not every lab it names. With `each`, a search tests each post in the
    query's order on its own against the index, instead of collecting every match first.
    """
    if query.sort not in SORTS:
        raise BadQuery(f'cannot sort by "{query.sort}"; use one of: {", ".join(SORTS)}')
    if query.limit is not None and query.limit < 0:
        raise BadQuery(f"--limit {query.limit} is negative; give 0 or more")
    if query.since and query.until and query.since > query.until:
        raise BadQuery(f"--since {query.since} is after --until {query.until}; swap them")
    where: list[str] = []
    params: list[Any] = []
    if query.author is not None:
        # Fold the few author names, not every post: the posts are then found by index.
        where.append("id IN (SELECT posts.id FROM posts WHERE posts.author_id IN ("
                     "SELECT authors.id FROM authors WHERE instr(dagbok_fold(authors.name), dagbok_fold(?)) > 0))")
        params.append(query.author)
    if query.role is not None:
        where.append("instr(dagbok_fold(role), dagbok_fold(?)) > 0")
        params.append(query.role)
    if query.lab is not None:
        where.append("lab = ?")
        params.append(query.lab)
    if query.since is not None:
        where.append("published >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        where.append("published <= ?")
        params.append(query.until.isoformat())
    if query.search is not None and each:
        where.append("EXISTS (SELECT 1 FROM posts_fts WHERE posts_fts.rowid = post_details.id AND posts_fts MATCH ?)")
        params.append(fts_terms(query.search))
    elif query.search is not None:
        # In date order, the unary + makes SQLite walk the `published` index and test each post
        # against the matches, stopping at the limit, instead of starting from every match and
        # sorting them all, bodies included (at 100k posts: 130-320 ms -> 10-45 ms a search).
        matched = "+id" if query.sort in DATE_SORTS else "id"
        where.append(f"{matched} IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)")
        params.append(fts_terms(query.search))
    sql = f"SELECT {', '.join(columns)} FROM {posts_view(query.all_posts)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + SORTS[query.sort]
    if query.limit is not None:
        sql += " LIMIT ?"
        params.append(query.limit)
        if offset is not None:
            sql += " OFFSET ?"
            params.append(offset)
    return sql, params


def newest_window(conn: sqlite3.Connection, query: PostQuery, size: int) -> PostQuery | None:
    """`query` narrowed by date to about its first `size` posts in date order, or None if it has fewer.

    The narrowed query's posts are a head of the whole order (every post it leaves out
    comes later), so if `limit` of them match, they are the answer.
    """
    bound_sql = build_post_query(replace(query, search=None, limit=1), columns=("published",), offset=size - 1)
    row = conn.execute(*bound_sql).fetchone()
    if row is None or row[0] is None:
        return None
    bound = date.fromisoformat(row[0][:10])
    if query.sort == "-published":
        return replace(query, since=max(bound, query.since) if query.since else bound)
    return replace(query, until=min(bound, query.until) if query.until else bound)


def searches_newest_first(query: PostQuery) -> bool:
    """Whether a search can be answered from the newest posts, each tested on its own.

    Only with a limit, in date order (the `published` index gives the newest posts
    cheaply), and when every word is short enough for the prefix index.
    """
    return (query.search is not None and query.sort in DATE_SORTS and bool(query.limit)
            and all(len(word) <= max(FTS_PREFIX_LENGTHS) for word in search_words(query.search)))


def post_record(row: sqlite3.Row) -> dict[str, Any]:
    """A `post_details` row as the query-JSON object (labs as a list)."""
    record = {name: row[name] for name in FIELDS}
    labs = record["labs"]
    record["labs"] = json.loads(labs) if labs else []
    return record


def resolve_lab(name: str, *, vocabulary: LabVocabulary | None = None) -> str:
    """The lab's own name for what the user typed (`goteborg` → `Göteborg`); UnknownLab otherwise."""
    return (vocabulary or LabVocabulary.load()).resolve(name)


def find_posts(db_path: Path | str, query: PostQuery, *,
               vocabulary: LabVocabulary | None = None) -> list[dict[str, Any]]:
    """Run `query` against the archive at `db_path` and return the matching posts as dicts."""
    if query.lab is not None:
        query = PostQuery(**{**query.__dict__, "lab": resolve_lab(query.lab, vocabulary=vocabulary)})
    with open_archive(db_path) as conn:
        if searches_newest_first(query):
            assert query.limit is not None
            # If the newest posts hold `limit` matches, they are the answer. Otherwise ask again the usual way.
            window = newest_window(conn, query, NEWEST_PER_ROW * query.limit)
            if window is not None:
                rows = conn.execute(*build_post_query(window, each=True)).fetchall()
                if len(rows) == query.limit:
                    return [post_record(row) for row in rows]
        posts = [post_record(row) for row in conn.execute(*build_post_query(query))]
        if not posts:
            refuse_if_never_crawled(conn, Path(db_path))
        return posts


UNFINISHED_RUNS = ("running", "failed", "interrupted")  # crawl_runs statuses of runs that did not go to their end


class NoPostsYet(DagbokError):
    """An archive with no posts because no crawl of it has finished: an empty answer would mislead."""


def refuse_if_never_crawled(conn: sqlite3.Connection, path: Path) -> None:
    """Raise `NoPostsYet` when the archive holds no post and no crawl of it finished (failed, killed or running)."""
    if conn.execute("SELECT 1 FROM posts LIMIT 1").fetchone() is not None:
        return
    runs = conn.execute("SELECT started, status FROM crawl_runs ORDER BY id DESC").fetchall()
    if any(status not in UNFINISHED_RUNS for _, status in runs):
        return  # a crawl finished and found no posts: the empty answer is the true one
    if not runs:
        raise NoPostsYet(f"{path} holds no posts: it has never been crawled; run `dagbok crawl --db {path}`")
    started, status = runs[0]
    how = "is still running" if status == "running" else f"ended {status}"
    raise NoPostsYet(
        f"{path} holds no posts: no crawl of it has finished (the last, started {started}, {how}); "
        f"see `dagbok stats --db {path}`, then run `dagbok crawl --db {path}` again"
    )


# --- stats -----------------------------------------------------------------------------

# `{view}` is the view of `posts_view`; `/*diary*/` keeps the `posts` table to the diary unless `--all` (in_scope).
STATS_SQL = {
    "posts": "SELECT count(*) AS posts FROM {view}",
    "per_year": """
        SELECT substr(published, 1, 4) AS year, count(*) AS posts
        FROM {view} GROUP BY year ORDER BY year IS NULL, year""",
    "per_lab": """
        SELECT labs.name AS lab,
               (SELECT count(*) FROM posts WHERE posts.lab_id = labs.id /*diary*/) AS posts,
               (SELECT count(*) FROM post_labs JOIN posts ON posts.id = post_labs.post_id
                WHERE post_labs.lab_id = labs.id /*diary*/) AS named_in
        FROM labs ORDER BY labs.id""",
    "programme_wide": "SELECT count(*) AS posts FROM posts WHERE lab_id IS NULL /*diary*/",
    "per_author": """
        SELECT author, count(*) AS posts, min(published) AS first, max(published) AS last
        FROM {view} GROUP BY author ORDER BY author IS NULL, count(*) DESC, author""",
    "first_post": """
        SELECT published, title, author, url FROM {view} WHERE published IS NOT NULL
        ORDER BY published ASC, title LIMIT 1""",
    "last_post": """
        SELECT published, title, author, url FROM {view} WHERE published IS NOT NULL
        ORDER BY published DESC, title LIMIT 1""",
    "last_crawl": """
        SELECT started, ended, site, source, status, requests, new, changed, unchanged, gone, errors
        FROM crawl_runs ORDER BY started DESC, id DESC LIMIT 1""",
}


@dataclass(frozen=True)
class Stats:
    """Figures for `dagbok stats`: counts per year, lab and author, the span, the last crawl.

    `per_lab` rows: lab name, posts about it, posts naming it; programme-wide posts
    (no single lab) are a row whose lab is None. `per_author` has None for unsigned posts.
    """

    posts: int
    per_year: list[dict[str, Any]]
    per_lab: list[dict[str, Any]]
    per_author: list[dict[str, Any]]
    first_post: dict[str, Any] | None
    last_post: dict[str, Any] | None
    last_crawl: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def collect_stats(db_path: Path | str, *, all_posts: bool = False) -> Stats:
    """Read the `Stats` of the archive at `db_path`: of the diary, or of every stored post."""
    view = posts_view(all_posts)
    with open_archive(db_path) as conn:
        def rows(name: str) -> list[dict[str, Any]]:
            sql = in_scope(STATS_SQL[name].format(view=view), all_posts=all_posts)
            return [dict(row) for row in conn.execute(sql)]

        def one(name: str) -> dict[str, Any] | None:
            found = rows(name)
            return found[0] if found else None

        per_lab = rows("per_lab")
        per_lab.append({"lab": None, "posts": one("programme_wide")["posts"], "named_in": None})
        return Stats(
            posts=one("posts")["posts"],
            per_year=rows("per_year"),
            per_lab=per_lab,
            per_author=rows("per_author"),
            first_post=one("first_post"),
            last_post=one("last_post"),
            last_crawl=one("last_crawl"),
        )
