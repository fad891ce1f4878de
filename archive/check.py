"""`dagbok check`: does the site still parse? Field coverage, layers, disagreements, failures.

The site's HTML is unknown and may change (docs/site.md, "What is known and what
is not"), so after a crawl the archive is
asked what it got: how many posts have each field, which extraction layer produced it,
where layers disagreed, and which pages failed. Coverage under a threshold means the
extractors no longer understand the pages, and `dagbok check` exits 1.

Posts known only from teasers (their page gone before we saw it) carry the teaser's
fields and no body, so they are counted apart and not held to the thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archive.database import check_pages, run_starts
from archive.queries import in_scope, open_archive
from archive.warc import WarcError, files_of_runs, warc_archives, warc_files
from scraper.errors import DagbokError

FIELDS = ("published", "title", "author", "role", "excerpt", "body", "lab")
# Every post has a date, a title and a body; a few may lack a signature (docs/site.md,
# "A post page": posts with no signature); a programme-wide post has no lab, so lab has no minimum.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "published": 100.0, "title": 100.0, "body": 100.0, "author": 90.0, "role": 90.0,
}

# A text field counts as present when it holds more than whitespace; author and lab, when their id is set.
_TEXT_FIELDS = ("published", "title", "role", "excerpt", "body")
COVERAGE_SQL = (
    "SELECT count(*) AS total, "
    + ", ".join(f"coalesce(sum(trim(coalesce({name}, '')) != ''), 0) AS {name}" for name in _TEXT_FIELDS)
    + ", count(author_id) AS author, count(lab_id) AS lab"
    " FROM posts WHERE status != 'teaser-only' /*diary*/"
)
LAYERS_SQL = """
    SELECT layer.key AS field, layer.value AS layer, count(*) AS posts
    FROM posts LEFT JOIN revisions ON revisions.id = posts.revision_id,
         json_each(coalesce(posts.layers, revisions.layers, '{}')) AS layer
    WHERE posts.status != 'teaser-only' /*diary*/
    GROUP BY layer.key, layer.value ORDER BY layer.key, posts DESC, layer.value"""
DISAGREEMENTS_SQL = """
    SELECT d.field AS field, d.layer AS layer, count(*) AS posts
    FROM disagreements d JOIN posts ON posts.revision_id = d.revision_id WHERE 1 /*diary*/
    GROUP BY d.field, d.layer ORDER BY d.field, posts DESC, d.layer"""
# The latest capture of each URL: a failure there is a failure now (an old one that a
# later fetch fixed is not). A post page that fetched fine but gave no post failed too.
FAILED_SQL = """
    WITH latest AS (SELECT url, max(id) AS id FROM captures GROUP BY url)
    SELECT c.url AS url, c.kind AS kind, c.status AS status, c.error AS reason, c.fetched AS fetched
    FROM latest JOIN captures c ON c.id = latest.id
    WHERE c.error IS NOT NULL AND trim(c.error) != ''
    UNION
    SELECT pages.url, pages.kind, c.status, 'no post was extracted from this post page', c.fetched
    FROM pages LEFT JOIN captures c ON c.id = pages.last_capture_id
    WHERE pages.kind = 'post' AND pages.status = 'live' AND pages.post_id IS NULL
      AND (c.id IS NULL OR (c.status BETWEEN 200 AND 299 AND c.error IS NULL))
      AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.url IN (pages.url, c.final_url))
    ORDER BY url"""
# Posts stored without a field every post has (whatever run stored them): `no date found`, ...
REQUIRED = {"published": "date", "title": "title", "body": "body"}
MISSING_SQL = """
    SELECT posts.url AS url, c.status AS status, c.fetched AS fetched, """ + ", ".join(
    f"trim(coalesce(posts.{name}, '')) = '' AS {name}" for name in REQUIRED) + """
    FROM posts LEFT JOIN revisions r ON r.id = posts.revision_id LEFT JOIN captures c ON c.id = r.capture_id
    WHERE posts.status != 'teaser-only' ORDER BY posts.url"""

# The latest capture of each URL again: a page read, but perhaps not as written (captures.warning).
WARNINGS_SQL = """
    WITH latest AS (SELECT url, max(id) AS id FROM captures GROUP BY url)
    SELECT c.url AS url, c.warning AS warning, c.fetched AS fetched
    FROM latest JOIN captures c ON c.id = latest.id
    WHERE c.warning IS NOT NULL ORDER BY c.url"""

# One post stored under two forms of the site (www or bare host, http or https): what a crawl of
# another form did before runs were folded to the archive's form (docs/site.md, "URLs").
TWICE_SQL = """
    SELECT group_concat(url, ' ') AS urls FROM (
        SELECT url, substr(url, instr(url, '://') + 3) AS rest FROM posts ORDER BY url)
    GROUP BY CASE WHEN rest LIKE 'www.%' THEN substr(rest, 5) ELSE rest END
    HAVING count(*) > 1 ORDER BY urls"""


class BadThreshold(DagbokError):
    """A `--min-coverage` value that is not FIELD=PERCENT."""


@dataclass(frozen=True)
class FieldCoverage:
    """How many checked posts have one field, and which layers produced it."""

    field: str
    present: int
    total: int
    layers: dict[str, int]
    threshold: float | None

    @property
    def percent(self) -> float:
        return 100.0 * self.present / self.total if self.total else 0.0

    @property
    def below(self) -> bool:
        return self.threshold is not None and self.threshold > 0 and self.percent < self.threshold


@dataclass(frozen=True)
class FailedPage:
    url: str
    kind: str | None
    status: int | None
    reason: str
    fetched: str | None

    @property
    def unread(self) -> bool:
        """The page came back (2xx) and still could not be read: not a fault a retry heals."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class CheckReport:
    """What `dagbok check` found; `exit_code` is 1 when a field is under its threshold, a page
    came back but could not be read (a post missing its date, title or body; a page that looks
    like a post and is not read as one), or one post is stored under two forms of the site."""

    posts: int
    teaser_only: int
    coverage: list[FieldCoverage]
    disagreements: list[dict[str, object]]
    failed_pages: list[FailedPage] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # url, warning, fetched
    stored_twice: list[list[str]] = field(default_factory=list)  # the URLs of one post under two site forms
    other_archives: list[str] = field(default_factory=list)  # archives whose WARC files share its warc/, described

    @property
    def below(self) -> list[FieldCoverage]:
        return [c for c in self.coverage if c.below]

    @property
    def exit_code(self) -> int:
        return 1 if self.below or self.stored_twice or any(page.unread for page in self.failed_pages) else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "posts": self.posts,
            "teaser_only": self.teaser_only,
            "coverage": [{**c.__dict__, "percent": round(c.percent, 1), "below": c.below} for c in self.coverage],
            "disagreements": self.disagreements,
            "failed_pages": [p.__dict__ for p in self.failed_pages],
            "warnings": self.warnings,
            "stored_twice": self.stored_twice,
            "other_archives": self.other_archives,
            "exit_code": self.exit_code,
        }


def parse_thresholds(items: Iterable[str], *, base: Mapping[str, float] = DEFAULT_THRESHOLDS) -> dict[str, float]:
    """`["author=80", "lab=50%"]` over the defaults; 0 turns a field's minimum off."""
    thresholds = dict(base)
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS:
            raise BadThreshold(
                f'--min-coverage "{item}" is not FIELD=PERCENT; fields: {", ".join(FIELDS)} (e.g. author=80)')
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", value)
        if not match or float(match.group(1)) > 100:
            raise BadThreshold(f'--min-coverage "{item}": "{value}" is not a percentage from 0 to 100')
        thresholds[name] = float(match.group(1))
    return thresholds


def check_archive(db_path: Path | str, *, thresholds: Mapping[str, float] = DEFAULT_THRESHOLDS,
                  all_posts: bool = False, warc_dir: Path | str | None = None) -> CheckReport:
    """Measure field coverage, layers, disagreements and failed pages of the archive at `db_path`.

    Coverage, layers and disagreements are the diary's, or every post's with `all_posts`;
    failed pages are every page's: a page that failed may have been a diary post. Other
    archives' files are looked for among the WARC files in `warc_dir` (default `warc/` beside
    the database).
    """
    folder = Path(warc_dir) if warc_dir is not None else Path(db_path).parent / "warc"
    with open_archive(db_path) as conn:
        check_pages(conn, Path(db_path))
        counts = dict(conn.execute(in_scope(COVERAGE_SQL, all_posts=all_posts)).fetchone())
        total = counts.pop("total")
        layers: dict[str, dict[str, int]] = {}
        for row in conn.execute(in_scope(LAYERS_SQL, all_posts=all_posts)):
            layers.setdefault(row["field"], {})[row["layer"]] = row["posts"]
        teaser_only = conn.execute(in_scope("SELECT count(*) FROM posts WHERE status = 'teaser-only' /*diary*/",
                                            all_posts=all_posts)).fetchone()[0]
        return CheckReport(
            posts=total,
            teaser_only=teaser_only,
            coverage=[
                FieldCoverage(field=name, present=counts[name], total=total, layers=layers.get(name, {}),
                              threshold=thresholds.get(name))
                for name in FIELDS
            ],
            disagreements=[dict(row) for row in conn.execute(in_scope(DISAGREEMENTS_SQL, all_posts=all_posts))],
            failed_pages=_failed_pages(conn, thresholds),
            warnings=[dict(row) for row in conn.execute(WARNINGS_SQL)] if _has_warnings(conn) else [],
            stored_twice=[row["urls"].split(" ") for row in conn.execute(TWICE_SQL)],
            other_archives=_other_archives(conn, folder),
        )


def _other_archives(conn, folder: Path) -> list[str]:
    """The other archives whose WARC files are in this one's folder (rebuild and export tell them apart)."""
    if not folder.is_dir():
        return []
    try:
        _, others = files_of_runs(warc_archives(warc_files(folder)), run_starts(conn))
    except WarcError as error:  # a damaged file: `rebuild` and `export` name it; check says it in passing
        return [f"(not all files could be read: {error})"]
    return [other.describe() for other in others]


def _has_warnings(conn) -> bool:
    """Archives older than migration 6 have no captures.warning (a read-only one is never migrated)."""
    return any(row[1] == "warning" for row in conn.execute("PRAGMA table_info(captures)"))


def _failed_pages(conn, thresholds: Mapping[str, float]) -> list[FailedPage]:
    """Pages whose latest capture failed, then posts missing a field that has a minimum; each URL once."""
    pages = {row["url"]: FailedPage(**dict(row)) for row in conn.execute(FAILED_SQL)}
    required = [name for name in REQUIRED if thresholds.get(name)]
    for row in conn.execute(MISSING_SQL):
        missing = [f"no {REQUIRED[name]} found" for name in required if row[name]]
        if missing and row["url"] not in pages:
            pages[row["url"]] = FailedPage(row["url"], "post", row["status"], ", ".join(missing), row["fetched"])
    return sorted(pages.values(), key=lambda page: page.url)
