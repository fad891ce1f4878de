"""Every version of a post kept as a row, in the manner of git-history.

A post's content (title, published, author, role, excerpt, body, lab, labs) is
hashed. An observation with the hash of the revision in effect at that moment
only widens that revision's span (`first_seen`..`last_seen`); a different hash
starts a new revision. `posts` always shows the latest revision.

Observations normally arrive in time order (live crawls), but a Wayback capture
shows the site as it was years ago: it is placed by its capture time, so an old
text never becomes the "latest" revision just because it was fetched last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

import sqlite_utils

from scraper.labs import LabVocabulary
from scraper.names import Layer
from scraper.records import Disagreement, Post, Teaser

from .captures import iso
from .status import State



def slug_of(url: str) -> str:
    """The last path segment: `https://host/vilken-resa-vi-gor/` → `vilken-resa-vi-gor`."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    return parts[-1] if parts else ""


def new_post(db: sqlite_utils.Database, url: str, state: State) -> int:
    """Insert a post with no revision yet, in its first state (archive/status.py); its id."""
    row = {"url": url, "slug": slug_of(url), "status": str(state.status), "gone_since": state.gone_since}
    return db["posts"].insert(row).last_pk

class Change(StrEnum):
    NEW = "new"  # the post had no revision before
    CHANGED = "changed"  # a new revision of a known post
    UNCHANGED = "unchanged"  # the observation matched a revision already kept


@dataclass(frozen=True)
class Content:
    """What one revision of a post says; the fields that make up its content hash."""

    title: str | None
    published: date | None
    author: str | None
    role: str | None
    excerpt: str | None
    body: str | None
    lab: str | None
    labs: tuple[str, ...]
    layers: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    disagreements: tuple[Disagreement, ...] = field(default=(), compare=False, hash=False)

    @classmethod
    def from_post(cls, post: Post) -> Content:
        return cls(
            title=post.title,
            published=post.published,
            author=post.author,
            role=post.role,
            excerpt=post.excerpt,
            body=post.body,
            lab=post.lab,
            labs=tuple(post.labs),
            layers={name: str(layer) for name, layer in post.layers.items()},
            disagreements=tuple(post.disagreements),
        )

    @classmethod
    def from_teaser(cls, teaser: Teaser, *, labs: LabVocabulary) -> Content:
        """A post known only from a teaser: the teaser's own fields, no body.

        `lab`/`labs` come from the teaser's title, excerpt and role, the only
        text of the post there is.
        """
        lab, lab_list = labs.assign(title=teaser.title or "", body=teaser.excerpt or "", role=teaser.role)
        content = cls(
            title=teaser.title,
            published=teaser.published,
            author=teaser.author,
            role=teaser.role,
            excerpt=teaser.excerpt,
            body=None,
            lab=lab,
            labs=tuple(lab_list),
        )
        filled = [name for name in ("title", "published", "author", "role", "excerpt") if getattr(content, name)]
        return replace(content, layers={name: str(Layer.TEASER) for name in [*filled, "lab", "labs"]})

    def content_hash(self) -> str:
        data = [
            self.title,
            self.published.isoformat() if self.published else None,
            self.author,
            self.role,
            self.excerpt,
            self.body,
            self.lab,
            list(self.labs),
        ]
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return "sha256:" + hashlib.sha256(encoded).hexdigest()


def name_id(db: sqlite_utils.Database, table: str, name: str | None) -> int | None:
    """The id of an author or lab by name, adding the name if new (a lab not seeded is kept, not lost)."""
    if name is None:
        return None
    row = db.execute(f"SELECT id FROM {table} WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    return db[table].insert({"name": name}).last_pk


def record_revision(
    db: sqlite_utils.Database,
    *,
    post_id: int,
    content: Content,
    capture_id: int | None,
    observed: datetime,
) -> Change:
    """Record one observation of a post's content; the caller holds the page's transaction."""
    moment = iso(observed)
    content_hash = content.content_hash()
    rows = list(
        db.query(
            "SELECT id, content_hash, first_seen, last_seen FROM revisions WHERE post_id = ? ORDER BY first_seen, id",
            [post_id],
        )
    )
    if not rows:
        change = Change.NEW
    else:
        before = [row for row in rows if row["first_seen"] <= moment]
        after = [row for row in rows if row["first_seen"] > moment]
        current = before[-1] if before else None
        following = after[0] if after else None
        if current and current["content_hash"] == content_hash:
            if moment > current["last_seen"]:
                db.execute("UPDATE revisions SET last_seen = ? WHERE id = ?", [moment, current["id"]])
            return Change.UNCHANGED
        if following and following["content_hash"] == content_hash:
            # An older observation of the next revision's text: its span starts earlier.
            db.execute(
                "UPDATE revisions SET first_seen = ?, capture_id = ? WHERE id = ?",
                [moment, capture_id, following["id"]],
            )
            _sync_post(db, post_id)
            return Change.UNCHANGED
        change = Change.CHANGED
    revision_id = db["revisions"].insert(
        {
            "post_id": post_id,
            "number": 0,  # set by _renumber
            "title": content.title,
            "published": content.published.isoformat() if content.published else None,
            "author_id": name_id(db, "authors", content.author),
            "role": content.role,
            "lab_id": name_id(db, "labs", content.lab),
            "labs": json.dumps(list(content.labs), ensure_ascii=False),
            "excerpt": content.excerpt,
            "body": content.body,
            "layers": json.dumps(content.layers, ensure_ascii=False, sort_keys=True),
            "content_hash": content_hash,
            "capture_id": capture_id,
            "first_seen": moment,
            "last_seen": moment,
        }
    ).last_pk
    for disagreement in content.disagreements:
        db["disagreements"].insert(
            {
                "revision_id": revision_id,
                "field": disagreement.field,
                "layer": str(disagreement.layer),
                "value": disagreement.value,
            }
        )
    _renumber(db, post_id)
    _sync_post(db, post_id)
    return change


def _renumber(db: sqlite_utils.Database, post_id: int) -> None:
    """Number a post's revisions 1, 2, … in the order their texts were first seen."""
    ids = [row[0] for row in db.execute("SELECT id FROM revisions WHERE post_id = ? ORDER BY first_seen, id", [post_id])]
    for number, revision_id in enumerate(ids, start=1):
        db.execute("UPDATE revisions SET number = ? WHERE id = ? AND number != ?", [number, revision_id, number])


def _sync_post(db: sqlite_utils.Database, post_id: int) -> None:
    """Copy the latest revision into `posts` and `post_labs`."""
    latest = db.execute(
        """SELECT id, title, published, author_id, role, lab_id, labs, excerpt, body, layers, capture_id
           FROM revisions WHERE post_id = ? ORDER BY number DESC LIMIT 1""",
        [post_id],
    ).fetchone()
    first_seen = db.execute("SELECT min(first_seen) FROM revisions WHERE post_id = ?", [post_id]).fetchone()[0]
    (revision_id, title, published, author, role, lab, labs, excerpt, body, layers, capture_id) = latest
    db.execute(
        """UPDATE posts SET title = ?, published = ?, author_id = ?, role = ?, lab_id = ?, excerpt = ?,
           body = ?, layers = ?, revision_id = ?, capture_id = ?, first_seen = ? WHERE id = ?""",
        [title, published, author, role, lab, excerpt, body, layers, revision_id, capture_id, first_seen, post_id],
    )
    db.execute("DELETE FROM post_labs WHERE post_id = ?", [post_id])
    for name in json.loads(labs):
        db.execute("INSERT INTO post_labs (post_id, lab_id) VALUES (?, ?)", [post_id, name_id(db, "labs", name)])
