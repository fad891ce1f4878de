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

# What step 4 needs of a post steps 1–3 left undecided.
DECIDED_SQL = """
SELECT authors.name, posts.diary, posts.diary_evidence
FROM posts LEFT JOIN authors ON authors.id = posts.author_id WHERE posts.id = ?"""

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

    One pass over the rows decides steps 1–3 and keeps only the decisions that changed, the
    signatures of the posts they put in and the ids of the posts they left undecided (never a
    body, nor a row per post); step 4 then decides those with the signatures complete.
    """
    rules = rules or DiaryRules.load()
    changes: list[tuple[int, Membership]] = []
    undecided: list[int] = []
    signatures: set[str] = set()
    for row in db.query(FACTS_SQL + " ORDER BY posts.id"):
        found = rules.evidence(_facts(row), labs=labs)
        if found.evidence == Evidence.NONE:
            undecided.append(row["id"])
            continue
        if found.diary and row["author"]:
            signatures.add(row["author"])
        if _differs(row["diary"], row["diary_evidence"], found):
            changes.append((row["id"], found))
    with db.atomic():
        for post_id in undecided:
            author, diary, evidence = db.execute(DECIDED_SQL, [post_id]).fetchone()
            found = rules.signed(Membership(False, Evidence.NONE), author, signatures)
            if _differs(diary, evidence, found):
                changes.append((post_id, found))
        for post_id, found in changes:
            _write(db, post_id, found)
    return len(changes)


def _differs(diary: int | None, evidence: str | None, found: Membership) -> bool:
    return (diary, evidence) != (int(found.diary), str(found.evidence))


__all__ = ["Evidence", "mark_diary", "mark_post"]
