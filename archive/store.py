"""Writing one `PageResult` into the archive, in one transaction.

The WARC record is written (and flushed) first, then the capture row, its body,
the page row and, for a post, its author, labs and revision commit together.
Killed at any moment, the database holds either the whole page or none of it,
and the next run simply fetches it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import sqlite_utils

from scraper.diary import DiaryRules
from scraper.labs import LabVocabulary
from scraper.names import PageKind
from scraper.records import DiscoveryDone, ListingChecked, PageResult, Validators

from .captures import WarcLocation, insert_capture, iso, stored_moment
from .diary import mark_diary, mark_post
from .revisions import Change, Content, new_post, record_revision
from .status import Seen, State, Status, page_after, post_after, seen_in, update_post
from .teasers import settle_teaser_only, store_teasers
from .warc import Reference, WarcWriter
from .warc_fields import Event, EventFields, PageFields



class Outcome(StrEnum):
    """What storing one page did, for the run's counts."""

    NEW = "new"  # a post seen for the first time
    CHANGED = "changed"  # a new revision of a known post
    UNCHANGED = "unchanged"  # a known post, same content (or a 304)
    GONE = "gone"  # a live post now answers 404/410 or is missing from a complete discovery
    PAGE = "page"  # stored, nothing to count (listings, lab pages, a post already gone)
    FAILED = "failed"  # fetching or parsing failed; whatever came back is kept


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    url: str
    title: str | None = None
    capture_id: int | None = None
    error: str | None = None


class Store:
    """Stores a run's pages. One instance per run; `warc` is None when rebuilding from WARC files."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        run_id: int,
        source: str,
        labs: LabVocabulary,
        warc: WarcWriter | None = None,
    ) -> None:
        self.db = db
        self.run_id = run_id
        self.source = source
        self.labs = labs
        self.warc = warc
        self.rules = DiaryRules.load()

    # -- one page ----------------------------------------------------------

    def store(
        self,
        result: PageResult,
        *,
        fetched: datetime | None = None,
        location: WarcLocation | None = None,
    ) -> Stored:
        """Archive one page: WARC record, capture, page row and (for a post) the post and its revision.

        `fetched` and `location` are given when replaying a WARC file; otherwise
        the record is written here and a failure without response is dated now.
        """
        capture = result.capture
        if capture is not None:
            fetched = capture.fetched
        elif fetched is None:
            fetched = datetime.now(UTC)
        if self.warc is not None:
            location = self._write_warc(result, fetched)
        with self.db.atomic():
            capture_id = insert_capture(
                self.db,
                run_id=self.run_id,
                url=result.url,
                kind=str(result.kind),
                source=str(result.source),
                capture=capture,
                fetched=fetched,
                error=result.error,
                location=location,
                warning=result.warning,
            )
            return self._store_rows(result, capture_id)

    def _write_warc(self, result: PageResult, fetched: datetime) -> WarcLocation:
        assert self.warc is not None
        page = PageFields(
            run=str(self.run_id),
            page_uri=result.url,
            kind=result.kind,
            source=result.source,
            error=result.error,
            provisional=result.provisional,
            pending=result.pending,
            candidate=result.candidate,
        )
        capture = result.capture
        if capture is None:
            fields = EventFields(str(self.run_id), Event.FAILURE, page_uri=result.url)
            return self.warc.write_event(fields, {"error": result.error}, date=fetched, page=page)
        return self.warc.write_exchange(capture, meta=page.write(), revisit_of=self._revisit_reference(result))

    def _revisit_reference(self, result: PageResult) -> Reference | None:
        """The earlier capture this one repeats: same body already archived, or a 304 on a known page.

        For a 304 the reference also says what the confirmed response was (status, content type,
        validators, size), so the WARC record can show it (see `WarcWriter.write_exchange`).
        """
        capture = result.capture
        assert capture is not None
        if capture.status == 304:
            row = self.db.execute(
                """SELECT c.url, c.final_url, c.fetched, c.wayback_timestamp,
                          c.status, c.content_type, c.etag, c.last_modified, c.http_date, c.digest, b.size
                   FROM pages p JOIN captures c ON c.digest = p.digest AND c.url = p.url
                   JOIN bodies b ON b.digest = c.digest
                   WHERE p.url = ? ORDER BY c.id DESC LIMIT 1""",
                [result.url],
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT url, final_url, fetched, wayback_timestamp FROM captures WHERE digest = ? ORDER BY id LIMIT 1",
                [capture.digest],
            ).fetchone()
        if row is None:
            return None
        url, final_url, fetched, wayback_timestamp = row[:4]
        date = stored_moment(wayback_timestamp, fetched)
        if capture.status != 304:
            return Reference(final_url or url, date)
        status, content_type, etag, last_modified, http_date, digest, size = row[4:]
        headers = {"content-type": content_type, "etag": etag, "last-modified": last_modified, "date": http_date}
        return Reference(final_url or url, date, status=status, headers=headers, digest=digest, size=size)

    def _store_rows(self, result: PageResult, capture_id: int) -> Stored:
        capture = result.capture
        moment = capture.captured if capture is not None else None
        page = self._update_page(result, capture_id, moment)
        stored = Stored(Outcome.PAGE, result.url, capture_id=capture_id, error=result.error)
        if result.kind == PageKind.POST and capture is not None and moment is not None:
            seen = seen_in(capture.status, wayback=bool(capture.wayback_timestamp))
            if result.post is not None and 200 <= capture.status < 300:
                stored = self._store_post(result, capture_id, moment)
            elif capture.status == 304:
                stored = self._confirm_post(result, capture_id, moment, page, seen)
            elif seen is Seen.MISSING:
                stored = self._mark_gone(result, capture_id, moment, page)
        if result.teasers and moment is not None:
            store_teasers(self.db, result, capture_id, moment, labs=self.labs, rules=self.rules)
        if result.error and stored.outcome != Outcome.GONE:
            return Stored(Outcome.FAILED, stored.url, stored.title, capture_id, result.error)
        return stored

    # -- pages -------------------------------------------------------------

    def _update_page(self, result: PageResult, capture_id: int, moment: datetime | None) -> dict | None:
        """Keep `pages` up to date: validators from a 200, live/gone from the status."""
        db = self.db
        capture = result.capture
        existing = next(iter(db.query("SELECT * FROM pages WHERE url = ?", [result.url])), None)
        if capture is None or moment is None:
            if existing:
                db.execute("UPDATE pages SET last_capture_id = ? WHERE url = ?", [capture_id, result.url])
            return existing
        when = iso(moment)
        status = capture.status
        row = dict(existing) if existing else {"url": result.url, "first_seen": when}
        current = State(Status(existing["status"]), existing["gone_since"]) if existing else None
        seen = seen_in(status, wayback=bool(capture.wayback_timestamp))
        state = page_after(current, seen, when)
        row.update(status=str(state.status), gone_since=state.gone_since)
        row["kind"] = str(result.kind)
        row["last_capture_id"] = capture_id
        row["first_seen"] = min(row["first_seen"], when)
        candidate_modified = result.candidate.modified if result.candidate else None
        if 200 <= status < 300 or status == 304:
            row["last_seen"] = max(row.get("last_seen") or when, when)
            if result.error or result.provisional:
                # A page that failed (or a provisional listing: pages it lists failed) must not pass as
                # unchanged next run (a 304, a body of the stored digest, or the `modified` a source
                # lists): drop its validators so it is read again.
                row.update(etag=None, last_modified=None, digest=None, modified=None)
            elif result.pending:
                pass  # a listing's validators wait for its ListingChecked: a run killed before then reads it again
            elif status != 304:
                row.update(
                    etag=capture.headers.get("etag"),
                    last_modified=capture.headers.get("last-modified"),
                    digest=capture.digest,
                )
            elif capture.headers.get("etag"):
                row["etag"] = capture.headers["etag"]
            modified = candidate_modified or (result.post.modified if result.post else None)
            if modified is not None and not result.error:
                row["modified"] = iso(modified)
            if result.candidate is not None and result.candidate.words:
                row["listed_words"] = result.candidate.words
            if result.candidate is not None and result.candidate.listed_as_page:
                row["listed_as_page"] = 1
        elif seen is Seen.MISSING:
            row.update(etag=None, last_modified=None)
        db["pages"].upsert(row, pk="url")
        return row

    # -- posts -------------------------------------------------------------

    def _post_id(self, url: str) -> int | None:
        row = self.db.execute("SELECT id FROM posts WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def _page_post_id(self, result: PageResult, page: dict | None) -> int | None:
        if page and page.get("post_id"):
            return page["post_id"]
        return self._post_id(result.url)

    def _store_post(self, result: PageResult, capture_id: int, moment: datetime) -> Stored:
        post = result.post
        assert post is not None and result.capture is not None
        post_id = self._post_id(post.url)
        seen = Seen.WAYBACK if result.capture.wayback_timestamp else Seen.PAGE
        if post_id is None:
            page = self.db.execute("SELECT status, gone_since FROM pages WHERE url = ?", [post.url]).fetchone()
            page_state = State(Status(page[0]), page[1]) if page else None
            post_id = new_post(self.db, post.url, post_after(None, seen, iso(moment), page=page_state))
        else:
            update_post(self.db, post_id, seen, iso(moment))
        change = record_revision(
            self.db, post_id=post_id, content=Content.from_post(post), capture_id=capture_id, observed=moment
        )
        self.db.execute("UPDATE pages SET post_id = ? WHERE url = ?", [post_id, result.url])
        self._mark_diary(result, post_id)
        outcome = {Change.NEW: Outcome.NEW, Change.CHANGED: Outcome.CHANGED, Change.UNCHANGED: Outcome.UNCHANGED}
        return Stored(outcome[change], post.url, post.title, capture_id, result.error)

    def _mark_diary(self, result: PageResult, post_id: int) -> None:
        """The categories this page and its sources show (kept from before when none do), then membership."""
        categories = list(result.categories)
        if result.candidate is not None:
            categories += [name for name in result.candidate.categories if name not in categories]
        if categories:
            self.db.execute("UPDATE posts SET categories = ? WHERE id = ?",
                            [json.dumps(categories, ensure_ascii=False), post_id])
        mark_post(self.db, post_id, labs=self.labs, rules=self.rules)

    def _confirm_post(self, result: PageResult, capture_id: int, moment: datetime, page: dict | None,
                      seen: Seen | None) -> Stored:
        """A 304: the post is as last stored; widen its current revision's span."""
        post_id = self._page_post_id(result, page)
        if post_id is None:
            return Stored(Outcome.PAGE, result.url, capture_id=capture_id)
        when = iso(moment)
        self.db.execute(
            """UPDATE revisions SET last_seen = max(last_seen, ?) WHERE id = (
                 SELECT id FROM revisions WHERE post_id = ? AND first_seen <= ? ORDER BY first_seen DESC, id DESC LIMIT 1)""",
            [when, post_id, when],
        )
        if seen is not None:
            update_post(self.db, post_id, seen, when)
        url, title = self.db.execute("SELECT url, title FROM posts WHERE id = ?", [post_id]).fetchone()
        return Stored(Outcome.UNCHANGED, url, title, capture_id)

    def _mark_gone(self, result: PageResult, capture_id: int, moment: datetime, page: dict | None) -> Stored:
        """404/410 on a post: mark it gone from the first miss on (never delete it)."""
        post_id = self._page_post_id(result, page)
        if post_id is None:
            settle_teaser_only(self.db, result.url, labs=self.labs, rules=self.rules)
            return Stored(Outcome.PAGE, result.url, capture_id=capture_id)
        before, after = update_post(self.db, post_id, Seen.MISSING, iso(moment))
        url, title = self.db.execute("SELECT url, title FROM posts WHERE id = ?", [post_id]).fetchone()
        outcome = Outcome.GONE if after != before else Outcome.PAGE
        return Stored(outcome, url, title, capture_id)

    # -- listings and discovery --------------------------------------------

    def listing_checked(self, checked: ListingChecked, *, when: datetime | None = None) -> None:
        """Give a pending listing's page its validators, or drop them when it is provisional."""
        if self.warc is not None:
            validators = checked.validators
            self.warc.write_event(
                EventFields(str(self.run_id), Event.LISTING_CHECKED, page_uri=checked.url),
                {
                    "etag": validators.etag,
                    "last_modified": validators.last_modified,
                    "digest": validators.digest,
                    "provisional": checked.provisional,
                },
                date=when or datetime.now(UTC),
            )
        validators = Validators() if checked.provisional else checked.validators
        with self.db.atomic():
            self.db.execute(
                "UPDATE pages SET etag = ?, last_modified = ?, digest = ? WHERE url = ?",
                [validators.etag, validators.last_modified, validators.digest, checked.url],
            )

    def discovery_done(self, done: DiscoveryDone, *, when: datetime | None = None) -> list[str]:
        """After a complete discovery of the live site, mark live posts no source listed as gone.

        Returns the URLs marked gone. Incomplete discoveries and Wayback runs
        prove nothing about absence, so they mark nothing.
        """
        when = when or datetime.now(UTC)
        if self.warc is not None:
            self.warc.write_event(
                EventFields(str(self.run_id), Event.DISCOVERY),
                {"urls": sorted(done.urls), "complete": done.complete},
                date=when,
            )
        mark_diary(self.db, labs=self.labs, rules=self.rules)  # signatures learnt in this run reach every post
        if not done.complete or self.source != "live":
            return []
        with self.db.atomic():
            missing = [
                (post_id, url)
                for post_id, url in self.db.execute("SELECT id, url FROM posts WHERE status = ? ORDER BY id", [Status.LIVE])
                if url not in done.urls
            ]
            for post_id, _ in missing:
                update_post(self.db, post_id, Seen.MISSING, iso(when))
        return [url for _, url in missing]
