"""Teasers stored with the page they sit on, and the posts the archive knows only from teasers.

A teaser is kept as a row of its own, with its host capture, and never lends anything
to the post it sits under (docs/site.md, "Teasers"). When a teaser shows a post whose
own page answered 404 and was never read, the teaser is all there is of that post: it
becomes a `teaser-only` post (archive/status.py) with a revision from the teaser's
fields, and a newer teaser of it makes a newer revision.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from scraper.diary import DiaryRules
from scraper.labs import LabVocabulary
from scraper.records import PageResult, Teaser

from .captures import iso, stored_moment
from .diary import mark_post
from .revisions import Content, new_post, record_revision
from .status import Seen, Status, post_after


def store_teasers(db: sqlite_utils.Database, result: PageResult, capture_id: int, moment: datetime, *,
                  labs: LabVocabulary, rules: DiaryRules) -> None:
    """Keep each teaser with its host capture; teasers never touch the host's fields."""
    host = result.post.url if result.post is not None else result.url
    for position, teaser in enumerate(result.teasers, start=1):
        db["teasers"].insert(
            {
                "capture_id": capture_id,
                "host_url": host,
                "position": position,
                "url": teaser.url,
                "title": teaser.title,
                "published": teaser.published.isoformat() if teaser.published else None,
                "excerpt": teaser.excerpt,
                "author": teaser.author,
                "role": teaser.role,
            }
        )
        if teaser.url and teaser.url not in (host, result.url):
            observe_teaser(db, teaser, capture_id, moment, labs=labs, rules=rules)


def observe_teaser(db: sqlite_utils.Database, teaser: Teaser, capture_id: int, moment: datetime, *,
                   labs: LabVocabulary, rules: DiaryRules) -> None:
    """A teaser of a post whose page answers 404 and was never seen is all we have of that post."""
    assert teaser.url is not None
    row = db.execute("SELECT id, status FROM posts WHERE url = ?", [teaser.url]).fetchone()
    if row is None:
        gone = db.execute("SELECT 1 FROM pages WHERE url = ? AND status = ?", [teaser.url, Status.GONE]).fetchone()
        if not gone:
            return
        post_id = new_post(db, teaser.url, post_after(None, Seen.TEASER, iso(moment)))
    elif row[1] == Status.TEASER_ONLY:
        post_id = row[0]
    else:
        return
    record_revision(
        db,
        post_id=post_id,
        content=Content.from_teaser(teaser, labs=labs),
        capture_id=capture_id,
        observed=moment,
    )
    mark_post(db, post_id, labs=labs, rules=rules)


def settle_teaser_only(db: sqlite_utils.Database, url: str, *, labs: LabVocabulary, rules: DiaryRules) -> None:
    """A post page answered 404: if teasers of it were seen, keep the post from its latest teaser."""
    row = db.execute(
        """SELECT t.title, t.published, t.excerpt, t.author, t.role, t.capture_id, c.fetched, c.wayback_timestamp
           FROM teasers t JOIN captures c ON c.id = t.capture_id
           WHERE t.url = ? AND t.host_url != ? ORDER BY t.capture_id DESC, t.id DESC LIMIT 1""",
        [url, url],
    ).fetchone()
    if row is None:
        return
    title, published, excerpt, author, role, capture_id, fetched, wayback_timestamp = row
    teaser = Teaser(
        url=url,
        title=title,
        published=datetime.fromisoformat(published).date() if published else None,
        excerpt=excerpt,
        author=author,
        role=role,
    )
    moment = stored_moment(wayback_timestamp, fetched)
    observe_teaser(db, teaser, capture_id, moment, labs=labs, rules=rules)
