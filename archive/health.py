"""Does the site still look like the one archived? A live run compared with what the archive held before it.

A scheduled crawl is trusted through its exit code, so a site that changed under the archive must
not pass for a quiet day. These signs become the run's `alerts` (exit code 3; README, "Archiving"):

* a listing (robots.txt, the REST API, a sitemap, the feed: first pages only) or the home page
  that answered in earlier runs and now fails, or answers 404 or 410;
* far fewer posts found than the archive holds live (under half), counted when the sources were
  read to their end, or when no page but robots.txt answered at all (an incremental run that
  met 304s has not counted);
* known posts gone in this run (their pages answer 404 or 410, or a complete discovery no longer
  lists them);
* a known post's page that now answers an empty page, or a page that cannot be read as a whole
  post and holds neither the post's title nor most of its words (a maintenance page, a login
  wall). That page counts as failed and is not stored as a new revision of the post: a maintenance
  page must never overwrite a post. (A page read as a whole post, with its date, title and body,
  is a revision however much it changed.)

Nothing here deletes or rewrites what is stored: every capture is kept, and the verdict is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlite_utils

from scraper.site import site_root
from scraper.extract.document import parse_document
from scraper.names import PageKind
from scraper.records import Capture, DiscoveryDone, PageResult

LATER_PAGE = re.compile(r"[?&](paged|page)=([2-9]|\d\d+)")  # ?paged=2, &page=3: ends move as posts come and go
MIN_SHARE = 0.5  # fewer than this share of the live posts found looks wrong; so does a post page with fewer of its words
EMPTY_TEXT = 20  # characters of visible text under which a page is empty
WORD = re.compile(r"\w{4,}")

ANSWERED_SQL = """
    SELECT g.url FROM pages g JOIN captures c ON c.id = g.last_capture_id
    WHERE (g.kind = 'listing' OR g.url = ?) AND c.error IS NULL
      AND (c.status BETWEEN 200 AND 299 OR c.status = 304)"""
KNOWN_POST_SQL = """
    SELECT title, body FROM posts WHERE status = 'live'
      AND (url = ? OR id = (SELECT post_id FROM pages WHERE url = ?))"""


def answered(capture: Capture | None, error: str | None) -> bool:
    return capture is not None and error is None and (200 <= capture.status < 300 or capture.status == 304)


@dataclass
class SiteHealth:
    """Watches one live run page by page; `alerts` says at the end what looks wrong."""

    db: sqlite_utils.Database
    site: str
    live_posts: int = 0
    answered_before: set[str] = field(default_factory=set)
    pages_answered: int = 0  # pages (beyond robots.txt) that answered 2xx or 304 in this run
    failed_sources: list[tuple[str, str]] = field(default_factory=list)  # (url, how it answers now)
    not_the_post: list[str] = field(default_factory=list)
    found: int | None = None
    complete: bool = False

    @classmethod
    def before_run(cls, db: sqlite_utils.Database, *, site: str) -> SiteHealth:
        """What the archive holds before the run starts: live posts, and which listings answered."""
        root = site_root(site)
        live = db.execute("SELECT count(*) FROM posts WHERE status = 'live'").fetchone()[0]
        answered_before = {row[0] for row in db.execute(ANSWERED_SQL, [root])}
        return cls(db=db, site=root, live_posts=live, answered_before=answered_before)

    # -- during the run ----------------------------------------------------------

    def inspect(self, result: PageResult) -> None:
        """Look at a page before it is stored; a known post's page that no longer holds the post fails."""
        ok = answered(result.capture, result.error)
        if ok and not result.url.endswith("/robots.txt"):
            self.pages_answered += 1
        if result.url in self.answered_before:  # a listing, or the home page
            if not ok and not LATER_PAGE.search(result.url):
                if result.error:
                    now = f"fails ({result.error})"
                elif result.capture is not None:
                    now = f"answers HTTP {result.capture.status}"
                else:
                    now = "does not answer"
                self.failed_sources.append((result.url, now))
        capture, post = result.capture, result.post
        if capture is None or capture.status != 200:
            return
        if post is not None and post.published and post.title and post.body:
            return  # a whole post, however much it changed, is a revision (a rewrite must not pass for an outage)
        known = self.db.execute(KNOWN_POST_SQL, [result.url, result.url]).fetchone()
        if known is None:
            return
        reason = not_the_post(capture, title=known[0], body=known[1])
        if reason is not None:
            result.kind, result.post, result.teasers = PageKind.POST, None, []
            result.error = f"the page no longer holds the post: {reason}"
            self.not_the_post.append(result.url)

    def discovered(self, done: DiscoveryDone) -> None:
        self.found, self.complete = len(done.urls), done.complete

    # -- after the run -----------------------------------------------------------

    def alerts(self, *, gone_posts: list[str]) -> list[str]:
        """One sentence for each sign that the site looks wrong compared with the archive."""
        alerts = [f"{url} answered in earlier runs and now {now}" for url, now in self.failed_sources]
        counted = self.complete or self.pages_answered == 0
        if self.found is not None and counted and self.found < self.live_posts * MIN_SHARE:
            alerts.append(f"the site lists {self.found} posts; the archive holds {self.live_posts} live posts "
                          "from earlier runs")
        if gone_posts:
            alerts.append(f"known posts gone in this run: {len(gone_posts)} (their pages answer 404 or 410, or "
                          "the site no longer lists them; under Gone)")
        if self.not_the_post:
            alerts.append(f"known posts answering a page that is not the post: {len(self.not_the_post)} (empty, or "
                          "without the post's title and text; under Failed, the archived post kept as it was)")
        return alerts


def not_the_post(capture: Capture, *, title: str | None, body: str | None) -> str | None:
    """Why a 200 page at a known post's address is not that post (empty, foreign), or None when it may be."""
    try:
        lines = [line.text for line in parse_document(capture).lines]
    except Exception:  # a page that cannot even be parsed is reported by the crawl as unreadable
        return None
    text = " ".join(lines)
    if len(text.strip()) < EMPTY_TEXT:
        return f"an empty page ({len(capture.body)} bytes)"
    folded = " ".join(text.casefold().split())
    if title and " ".join(title.casefold().split()) in folded:
        return None
    words = set(WORD.findall((body or "").casefold()))
    if words and len(words & set(WORD.findall(folded))) >= len(words) * MIN_SHARE:
        return None
    shown = lines[0] if lines else ""
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return f"a page without the post's title or text (a maintenance page?) beginning “{shown}”"
