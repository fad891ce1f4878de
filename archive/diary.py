"""Marking which stored posts belong to the diary: `posts.diary` (1 or 0) and `posts.diary_evidence`.

The rule is `scraper/diary.py`'s (written out in `scraper/data/diary.toml`); this module
feeds it the stored posts. A post is decided when it is stored, and every post again at
the end of each crawl and rebuild, so a changed rules file, and signatures learnt later
in the run (step 4), reach every post.
"""

from __future__ import annotations

import json

import sqlite_utils

from scraper.diary import DiaryRules, Evidence, Membership, PostFacts
from scraper.labs import LabVocabulary

FACTS_SQL = """
SELECT posts.id, posts.url, posts.categories, posts.title, posts.body, posts.role, authors.name AS author,
       posts.diary, posts.diary_evidence
FROM posts LEFT JOIN authors ON authors.id = posts.author_id"""

# Step 4's signatures: authors of posts that steps 1–3 put in the diary.
SIGNATURES_SQL = """
SELECT DISTINCT authors.name FROM posts JOIN authors ON authors.id = posts.author_id
WHERE posts.diary = 1 AND posts.diary_evidence != 'author'"""


def _facts(row: dict) -> PostFacts:
    return PostFacts(url=row["url"], categories=tuple(json.loads(row["categories"] or "[]")),
                     title=row["title"] or "", body=row["body"] or "", role=row["role"], author=row["author"])


def _write(db: sqlite_utils.Database, post_id: int, found: Membership) -> None:
    db.execute("UPDATE posts SET diary = ?, diary_evidence = ? WHERE id = ?",
               [int(found.diary), str(found.evidence), post_id])


def mark_post(db: sqlite_utils.Database, post_id: int, *, labs: LabVocabulary, rules: DiaryRules | None = None) -> None:
    """Decide one post as it is stored; the caller holds the page's transaction."""
    rules = rules or DiaryRules.load()
    row = next(iter(db.query(FACTS_SQL + " WHERE posts.id = ?", [post_id])))
    signatures = {name for (name,) in db.execute(SIGNATURES_SQL).fetchall()}
    _write(db, post_id, rules.decide(_facts(row), labs=labs, signatures=signatures))


def mark_diary(db: sqlite_utils.Database, *, labs: LabVocabulary, rules: DiaryRules | None = None) -> int:
    """Decide every post again; return how many changed. Runs in one transaction.

    One pass over the rows keeps only each post's id, author and what steps 1–3 found
    (never a body), then step 4 uses the signatures of the posts they put in.
    """
    rules = rules or DiaryRules.load()
    decided = [(row["id"], row["author"], rules.evidence(_facts(row), labs=labs), (row["diary"], row["diary_evidence"]))
               for row in db.query(FACTS_SQL + " ORDER BY posts.id")]
    signatures = {author for _, author, found, _ in decided if found.diary and author}
    changed = 0
    with db.atomic():
        for post_id, author, found, before in decided:
            found = rules.signed(found, author, signatures)
            if before != (int(found.diary), str(found.evidence)):
                _write(db, post_id, found)
                changed += 1
    return changed


__all__ = ["Evidence", "mark_diary", "mark_post"]
