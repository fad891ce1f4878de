"""Whether a post or a page is live, gone or known only from teasers: every status rule in one place.

A post is `live` while the live site serves its page and `gone` from the first miss on
(its page answers 404 or 410, or a complete discovery of the live site no longer lists
it); it is never deleted, and a gone post whose page answers again is live again. A
post the archive knows only from teasers on other pages (its own page answered 404) is
`teaser-only` until its page is seen. A Wayback Machine copy proves that a post existed,
not that it still does: it makes a teaser-only post live, and a post first found in the
Wayback Machine takes the status of its page (gone, when the live site no longer has
it), but a Wayback copy never revives a gone post.

Pages have two statuses: `live` once the live site answers 2xx or 304, `gone` from the
first 404/410 (whose date is kept while the page stays gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlite_utils

from scraper.names import GONE_STATUSES


class Status(StrEnum):
    """A post's or a page's status, as stored in `posts.status` and `pages.status`."""

    LIVE = "live"
    GONE = "gone"
    TEASER_ONLY = "teaser-only"  # posts only


class Seen(StrEnum):
    """What the archive learned about a post or a page."""

    PAGE = "page"  # the live site served it (2xx)
    NOT_MODIFIED = "not-modified"  # the live site answered 304: as stored
    WAYBACK = "wayback"  # a Wayback Machine copy of it
    MISSING = "missing"  # it answered 404/410, or a complete discovery of the live site did not list it
    TEASER = "teaser"  # a teaser of it on another page, and nothing else


@dataclass(frozen=True)
class State:
    """A status and, for `gone`, since when (ISO text, as stored)."""

    status: Status
    gone_since: str | None = None


LIVE = State(Status.LIVE)


def seen_in(http_status: int, *, wayback: bool) -> Seen | None:
    """What an HTTP answer says about its page; None when it says nothing (a redirect, an error)."""
    if http_status in GONE_STATUSES:
        return Seen.MISSING  # a Wayback capture of a 404 too: the page was gone then
    if 200 <= http_status < 300 or http_status == 304:
        return Seen.WAYBACK if wayback else Seen.PAGE if http_status != 304 else Seen.NOT_MODIFIED
    return None


def post_after(current: State | None, seen: Seen, when: str, *, page: State | None = None) -> State:
    """A post's state after `seen` at `when` (`current` None: a post not stored yet; `page`: its page's state)."""
    if seen is Seen.PAGE:
        return LIVE
    if current is None:
        if seen is Seen.TEASER:
            return State(Status.TEASER_ONLY)
        if seen is Seen.WAYBACK and page is not None and page.status is Status.GONE:
            return page
        return LIVE
    if seen is Seen.NOT_MODIFIED and current.status is Status.GONE:
        return LIVE
    if seen is Seen.WAYBACK and current.status is Status.TEASER_ONLY:
        return LIVE
    if seen is Seen.MISSING and current.status is Status.LIVE:
        return State(Status.GONE, when)
    return current


def page_after(current: State | None, seen: Seen | None, when: str) -> State:
    """A page's state after `seen` at `when` (`current` None: a page not stored yet)."""
    if seen in (Seen.PAGE, Seen.NOT_MODIFIED):
        return LIVE
    if seen is Seen.MISSING:
        if current is not None and current.status is Status.GONE and current.gone_since:
            return current
        return State(Status.GONE, when)
    return current or LIVE


def post_state(db: sqlite_utils.Database, post_id: int) -> State:
    status, gone_since = db.execute("SELECT status, gone_since FROM posts WHERE id = ?", [post_id]).fetchone()
    return State(Status(status), gone_since)


def update_post(db: sqlite_utils.Database, post_id: int, seen: Seen, when: str) -> tuple[State, State]:
    """Apply `seen` to a stored post; its state before and after."""
    before = post_state(db, post_id)
    after = post_after(before, seen, when)
    if after != before:
        db.execute("UPDATE posts SET status = ?, gone_since = ? WHERE id = ?",
                   [str(after.status), after.gone_since, post_id])
    return before, after
