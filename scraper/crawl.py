"""Walk the site: robots.txt, the listing sources, then each page, one `PageResult` at a time.

The order of a live crawl:

1. robots.txt (its Disallow lines and Crawl-delay hold for every later request).
2. The listing sources: REST API, sitemaps, feed, each listing page yielded as it
   is fetched. On an incremental run their first pages are conditional requests;
   when every source the site offers answers 304, nothing has changed and the
   crawl ends there (3 requests beyond robots.txt on a WordPress site).
3. The site's own HTML listings (docs/site.md, "Listings"), not a fixed list of
   pages: the home page, every page its menu and body link to, and every page
   that lists several posts (an archive, a category, tag, author or date archive,
   a lab page with its posts), followed through its pagination ("Äldre inlägg",
   `rel="next"`, `/page/N/`, `?paged=N`) for as long as a page adds posts not
   seen before (`sources/listings.py`). Category, tag, author and date archives
   linked from any page join them. On an incremental run the home page and the
   listings stored before are asked again conditionally: an unchanged one costs
   that one request and nothing behind it is fetched (menu pages, lab and
   programme pages are asked again when the home page changed). On a site that
   offers a REST API or sitemaps, which list every post, an incremental run asks
   only the home page and listings it has not read before (a WordPress home page
   links every monthly archive; those are read again on `full`).
4. Each post's own page (the page is canonical, not the API's content), unless
   an incremental run already stored it with the same `modified`. Teaser links
   on post pages feed the queue too (breadth-first, bounded).
5. A `ListingChecked` for each first listing page and each HTML listing read: their
   validators make the next run's "nothing changed" check, so they must not be stored
   before the pages they list. Those pages were yielded `pending` (stored, validators
   held back), and only their small validators are kept until now, never their
   bodies. A run killed halfway therefore re-reads the listings next time and
   finishes the work. (Later pages and child sitemaps are never asked conditionally:
   stored whole at once.)
6. `DiscoveryDone` with every post URL seen.

What an incremental run does not ask again: pages it found not to be posts nor
listings (`/kontakt/`, which may send no validators), posts stored before that no
source gives a `modified` for (a site whose only index is HTML), and addresses
that answered 404 or 410 (sitemap names a site does not serve, a missing
archive) — until `RECHECK_AFTER` has passed since they were last asked, or on
`full`.

One bad page never stops the crawl: whatever fails becomes a PageResult with
`error`, and the capture (if any) is kept. The listings checked in step 5 then
come out `provisional`, so the next run does not take them as unchanged and
retries the failed pages.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from .classify import classify, looks_like_article, may_be_a_post
from .discover import Discovered, Discovery, hub_url, is_embed_url, normalise_url, post_url
from .errors import FetchError, SiteUnreachable
from .extract.categories import category_of_archive, read_categories
from .extract.document import Document, parse_document
from .extract.post import extract_post
from .extract.reading import read_layers
from .extract.teasers import extract_teasers
from .fetch import Fetcher, host_key
from .labs import LabVocabulary
from .names import GONE_STATUSES, PageKind, Source
from .records import (Candidate, Capture, DiscoveryDone, ListingChecked, ListingPage, PageResult, Post, Teaser,
                      Validators)
from .robots import Robots
from .site import same_page, site_root
from .sources import Listing, SourceEnd, unchanged
from .sources.feed import feed_page_url, read_feed
from .sources.links import capture_links
from .sources.listings import is_archive_url, page_number, read_archive_links, read_listing
from .sources.sitemaps import WELL_KNOWN, read_sitemaps
from .sources.wayback import (CDX_PACE, DEFAULT_WAYBACK_URL, IndexEnd, WaybackCapture, as_original,
                              check_timestamp, choose_captures, read_index, replay_url, start_timestamp)
from .sources.wp_api import api_page_url, read_api

log = logging.getLogger(__name__)

# The errors `read_page` gives (the page came back and could not be read), by their start:
# `archive.rebuild` reads such pages again, perhaps with a better extractor.
READ_ERROR = "could not read the page"
NOT_A_POST = "looks like a post but could not be read as one"
MISSING = "no {} found"
CUT_SHORT = "body cut short"
RUNS_ON = "body runs on past the post"
SPLIT = "post continues on another page"
PROTECTED = "post is password-protected"
READING_ERRORS = (READ_ERROR, NOT_A_POST, *(MISSING.format(name) for name in ("date", "title", "body")), CUT_SHORT,
                  RUNS_ON, SPLIT, PROTECTED)
# How far a body may stray from the text a listing gives for its post: that holds the signature, a photo
# credit, hashtags and a plugin's sharing buttons, a page may show a caption (docs/site.md, "Field rules").
NOT_BODY_WORDS = 30

MAX_PAGES = 10_000  # a bound on the queue whatever the site links to; the diary has a few dozen posts
MAX_INDEX_PAGES = 500  # listings, archives and menu pages read in one run, pagination included
# Non-post pages and absent addresses are asked again after this long (or on --full).
RECHECK_AFTER = timedelta(days=30)


class RobotsFetcher:
    """The fetcher seen by the sources: refuses what robots.txt disallows, as a `FetchError`."""

    def __init__(self, fetcher: Fetcher, robots: Robots) -> None:
        self.fetcher = fetcher
        self.robots = robots

    def fetch(self, url: str, *, validators: Validators | None = None) -> Capture:
        if not self.robots.allowed(url):
            raise FetchError(url, "disallowed by robots.txt")
        return self.fetcher.fetch(url, validators=validators)


def crawl(
    site: str,
    *,
    fetcher: Fetcher,
    known: Mapping[str, Validators],
    full: bool = False,
    labs: LabVocabulary,
    max_pages: int | None = None,
    absent: Mapping[str, datetime] = {},
) -> Iterator[PageResult | ListingChecked | DiscoveryDone]:
    """Crawl the live site; see the module docstring for the order and the incremental rules.

    `known` maps normalised URLs to what the archive stored (validators, the
    source's `modified`, the page's kind and when it was last asked); `absent`
    maps URLs that answered 404/410 to when they last did. `full=True` ignores
    `absent`, reads every listing afresh and asks for every page again, each known
    post included even when no source lists it any more (conditionally, with its
    stored validators), so a post taken down is found gone. Raises
    `SiteUnreachable` when robots.txt gets no answer at all.
    """
    if full:
        absent = {}
    return _LiveCrawl(site, fetcher=fetcher, known=known, full=full, absent=absent, labs=labs,
                      max_pages=max_pages).run()


def crawl_wayback(
    site: str,
    *,
    fetcher: Fetcher,
    wayback_url: str | None = None,
    at: str | None = None,
    since: str | None = None,
    held: Mapping[str, set[str]] | None = None,
    labs: LabVocabulary,
    cdx_pace: float = CDX_PACE,
) -> Iterator[PageResult | DiscoveryDone]:
    """Crawl the Internet Archive's captures of the site: the CDX index, then each raw (`id_`) capture.

    The index is read to its end (resume keys), only the captures from `since` up
    to `at` (both Wayback timestamps, either may be None). Only pages are replayed
    (root-level pages, home, lab and programme pages, listings; never images, PDFs or
    other sections), one capture each: the latest (see `choose_captures`). `held` maps each
    page to the Wayback timestamps the archive already holds, so a later run replays
    only what is new. Each Capture is addressed to the original URL and carries its
    `wayback_timestamp`; the replay URL is kept in its request headers
    (`X-Dagbok-Replay-URL`). Embed views are never taken as posts.

    The final `DiscoveryDone` carries an `alert` when the index could not be read to
    its end, when it was read whole (without `since`) and lists no capture of the site,
    and when the Archive kept answering 429: then the crawl stops at once,
    because the Archive blocks an address that keeps asking (docs/site.md, "The
    Wayback Machine"); what was fetched before is kept.
    """
    if at is not None:
        check_timestamp(at)  # a bad --at is the user's mistake: refuse it before any request
    if since is not None:
        start_timestamp(since)
    return _wayback(site_root(site), fetcher=fetcher, base=wayback_url or DEFAULT_WAYBACK_URL, at=at, since=since,
                    held=held or {}, labs=labs, cdx_pace=cdx_pace)


class _LiveCrawl:
    def __init__(
        self,
        site: str,
        *,
        fetcher: Fetcher,
        known: Mapping[str, Validators],
        full: bool,
        absent: Mapping[str, datetime],
        labs: LabVocabulary,
        max_pages: int | None,
    ) -> None:
        self.site = site_root(site)
        self.host = urlsplit(self.site).netloc
        self.fetcher = fetcher
        self.full = full
        self.known = known
        self.listed = {} if full else known  # what listings and index pages are asked with: a full run reads them whole
        self.now = datetime.now(UTC)
        self.absent = frozenset(url for url, when in absent.items() if self._recent(when))
        self.labs = labs
        self.max_pages = MAX_PAGES if max_pages is None else min(max_pages, MAX_PAGES)
        self.discovery = Discovery(self.site)
        self.indexes: deque[str] = deque()  # listings and menu pages, read before the posts they lead to
        self.index_pages = 0
        self.menu: set[str] = set()  # the pages the home page links to (not posts)
        self.machine_index = False  # the site offers a REST API or sitemaps (set once they are read)
        self.posts: deque[str] = deque()
        self.queued: set[str] = set()
        self.fetched_pages = 0
        self.failed_pages = 0
        self.pending: list[tuple[str, Validators]] = []  # listings stored, their validators held back
        self.listing_failed = False
        fetcher.allow_host(self.host)

    # -- the walk --------------------------------------------------------------

    def run(self) -> Iterator[PageResult | ListingChecked | DiscoveryDone]:
        """Yield each page of the crawl in the order the module docstring gives, then `DiscoveryDone`."""
        robots = Robots.fetch(self.site, self.fetcher)
        yield PageResult(robots.url, PageKind.LISTING, Source.START, capture=robots.capture, error=robots.error)
        if robots.state == "unreachable":
            if robots.capture is None:
                raise SiteUnreachable(
                    f"{self.site} did not answer ({robots.error}); check the --site URL and the network"
                )
            yield DiscoveryDone(frozenset(), complete=False)  # RFC 9309: a failing robots.txt means stay out
            return
        if robots.crawl_delay:
            applied = self.fetcher.set_min_delay(self.host, robots.crawl_delay)
            if applied < robots.crawl_delay:
                log.warning("robots.txt asks Crawl-delay: %g; waiting %g s between requests instead, the most "
                            "dagbok waits (README, Politeness)", robots.crawl_delay, applied)
        self.robots = robots
        ends: list[SourceEnd] = []
        yield from self._read_sources(ends)
        offered = [end for end in ends if end.found]
        self.machine_index = any(end.source in (Source.API, Source.SITEMAP) for end in offered)
        if self.listed and offered and all(end.unchanged for end in offered):
            log.info("every listing answered 304: nothing changed since the last run")
            for url in self._unfinished():
                result = self._post(self.discovery.take(url))
                if result is not None:
                    yield result
            yield from self._checked(provisional=None)
            yield DiscoveryDone(frozenset(), complete=False)
            return

        self._enqueue_index(self.site)
        for url, stored in self.known.items():
            if stored.kind == PageKind.LISTING:  # the HTML listings stored before (machine listings are skipped)
                if self.full or not self.machine_index:
                    self._enqueue_index(url, first_pages_only=True)
            elif self._due(stored) or (self.full and post_url(url, site=self.site) == url):
                self._add_candidate(Candidate(url, Source.START))  # a full run asks for every known post
        while self.indexes or self.posts:
            if self.fetched_pages >= self.max_pages:
                log.warning("stopped after %d pages (max_pages)", self.fetched_pages)
                break
            if self.indexes:
                result = self._index(self.indexes.popleft())
            else:
                result = self._post(self.discovery.take(self.posts.popleft()))
            if result is not None:
                yield result

        note = None
        if self.failed_pages:
            note = f"{self.failed_pages} page(s) failed in this run, so this listing is not proof that nothing changed"
        yield from self._checked(provisional=note)
        complete = not self.listing_failed and any(
            end.found and end.complete for end in ends if end.source in (Source.API, Source.SITEMAP)
        )
        yield DiscoveryDone(frozenset(self.discovery.urls), complete=complete)

    def _read_sources(self, ends: list[SourceEnd]) -> Iterator[PageResult]:
        """Read the REST API, the sitemaps and the feed; their candidates join the queue.

        Yields each listing page as it is fetched, the first pages `pending` (see the
        module docstring), and appends how each source ended to `ends`.
        """
        robots = self.robots
        polite = RobotsFetcher(self.fetcher, robots)
        checks = self._checkpoints()
        for events in (
            read_api(self.site, polite, known=self.listed, absent=self.absent),
            read_sitemaps(self.site, polite, robots_sitemaps=robots.sitemaps, known=self.listed, absent=self.absent),
            read_feed(self.site, polite, known=self.listed, absent=self.absent),
        ):
            for event in events:
                if isinstance(event, Candidate):
                    self._add_candidate(event)
                elif isinstance(event, Listing):
                    yield self._listing(event, checks)
                    del event  # its body is not held while the source fetches its next page
                else:
                    ends.append(event)

    def _listing(self, listing: Listing, checks: set[str]) -> PageResult:
        """A listing page to store now; a first page (one of `checks`) comes out pending."""
        result = PageResult(listing.url, PageKind.LISTING, listing.source, capture=listing.capture, error=listing.error)
        self.listing_failed = self.listing_failed or listing.error is not None
        capture = listing.capture
        if listing.url in checks and listing.error is None and capture is not None and _ok(capture):
            headers = capture.headers
            self.pending.append((listing.url, Validators(headers.get("etag"), headers.get("last-modified"),
                                                         capture.digest)))
            result.pending = True
        return result

    def _checked(self, *, provisional: str | None) -> Iterator[ListingChecked]:
        """The pending listings' validators, now that the pages they list are stored.

        With failed pages behind them (`provisional`) they must not count as proof that
        nothing changed, so the archive drops them. The listings are marked, not failed:
        the failed pages are already counted, each once.
        """
        for url, validators in self.pending:
            yield ListingChecked(url, validators, provisional)
        self.pending = []

    def _checkpoints(self) -> set[str]:
        """The listing URLs fetched conditionally: API page 1, feed page 1, the entry sitemaps."""
        sitemaps = self.robots.sitemaps or [urljoin(self.site, path) for path in WELL_KNOWN]
        return {api_page_url(self.site, 1), feed_page_url(self.site, 1), *sitemaps}

    def _unfinished(self) -> list[str]:
        """Known posts whose last try failed: retried even when the listings say nothing changed.

        The archive keeps no validators for a page that failed, and no `modified` for a post
        it never stored whole (a 500, a page too large, a page that could not be read).
        """
        unfinished = []
        for url, stored in self.known.items():
            if stored.etag or stored.last_modified or post_url(url, site=self.site) != url:
                continue
            if stored.kind not in (None, PageKind.POST):
                continue  # a page read well that is no post (`/kontakt/`): done, see _settled
            if stored.digest is None or stored.modified is None:
                self._add_candidate(Candidate(url, Source.START))
                unfinished.append(url)
        return unfinished

    # -- queueing ----------------------------------------------------------------

    def _add_candidate(self, candidate: Candidate) -> Discovered | None:
        entry = self.discovery.add(candidate)
        if entry is not None and entry.url not in self.queued:
            self.queued.add(entry.url)
            self.posts.append(entry.url)
        return entry

    def _enqueue_index(self, url: str, *, first_pages_only: bool = False) -> bool:
        """Queue a page whose links may lead to posts (home, menu page, listing), once, within bounds.

        Machine listings (feeds, API, sitemaps) are the sources' work; embeds and files are no pages;
        an address that answered 404 lately is not asked again.
        """
        normal = normalise_url(url, site=self.site)
        if normal is None or normal in self.queued or normal in self.absent or is_embed_url(normal):
            return False
        if classify(normal, site=self.site) in (PageKind.LISTING, PageKind.EMBED):
            return False
        if "." in urlsplit(normal).path.rstrip("/").rsplit("/", 1)[-1]:
            return False  # a file (`.pdf`, `.jpg`), not a page
        if first_pages_only and page_number(normal)[1] > 1:
            return False  # later pages are reached from the first when it changed
        stored = self.listed.get(normal)
        if self.machine_index and normal != self.site and stored is not None and stored.digest is not None:
            return False  # read whole before, and the API or sitemaps list the posts: asked again on --full
        if self.index_pages >= MAX_INDEX_PAGES:
            log.warning("not following %s: %d listing pages already (MAX_INDEX_PAGES)", normal, MAX_INDEX_PAGES)
            return False
        self.index_pages += 1
        self.queued.add(normal)
        self.indexes.append(normal)
        return True

    def _follow(self, result: PageResult) -> None:
        """Queue what a fetched page leads to (see the module docstring, step 3).

        Every page: its teasers' posts and the archives it links to. The home page, the
        pages it links to (its menu) and pages that list posts: every root-level link as a
        post candidate, and their next page while they add posts not seen before; the home
        page also queues every other page it links to. Other pages (a post, `/kontakt/`
        found through a listing) lead nowhere else. A listing whose body is the one stored
        (a server that sends no validators cannot answer 304) leads nowhere new either.
        """
        assert result.capture is not None
        stored = self.listed.get(result.url)
        if result.kind != PageKind.POST and stored is not None and unchanged(result.capture, stored):
            return
        listing = result.listing
        fresh = listing is not None and any(
            url not in self.discovery.urls and url not in self.listed for url in listing.posts)
        for teaser in result.teasers:
            if teaser.url and not is_embed_url(teaser.url):
                self._add_candidate(Candidate(teaser.url, Source.TEASER, None))
        if listing is None:
            return
        for url in listing.archives:
            self._enqueue_index(url)
        start = result.url == self.site
        if result.kind == PageKind.POST or not (start or result.url in self.menu or listing.lists_posts):
            return
        for link in capture_links(result.capture):
            if is_embed_url(link):
                continue
            if post_url(link, site=self.site) is not None:
                self._add_candidate(Candidate(link, Source.LINKS, None))
            elif start and self._enqueue_index(link):
                self.menu.add(normalise_url(link, site=self.site))
        if fresh:
            for url in listing.next_pages:
                self._enqueue_index(url)
        self._hold_validators(result)

    def _hold_validators(self, result: PageResult) -> None:
        """A listing read whole: stored now, its validators only after the pages it lists (step 5)."""
        capture = result.capture
        if result.error is None and capture is not None and capture.status == 200:
            headers = capture.headers
            self.pending.append((result.url, Validators(headers.get("etag"), headers.get("last-modified"),
                                                        capture.digest)))
            result.pending = True

    # -- pages -------------------------------------------------------------------

    def _index(self, url: str) -> PageResult | None:
        """The home page, a menu page or a listing: archived as a page, what it leads to queued.

        Asked conditionally when the archive holds it: a 304 means what it leads to was
        followed when it was stored.
        """
        if not self._allowed(url):
            return None
        source = Source.START if url == self.site else Source.LINKS
        kind = classify(url, site=self.site)
        result = PageResult(url, PageKind.OTHER if kind == PageKind.POST else kind, source)
        return self._visit(result, self.listed.get(url))

    def _post(self, entry: Discovered) -> PageResult | None:
        """A post's own page, fetched unless an incremental run already holds this `modified`.

        A root-level page found not to be a post, and a post no source dates, are not asked
        again for a while (`_settled`).
        """
        stored = self.known.get(entry.url)
        if not self.full and stored is not None and (_unchanged(stored, entry) or self._settled(stored, entry)):
            return None
        if not self._allowed(entry.url):
            return None
        candidate = entry.candidate()
        if stored is not None:  # what listings gave on earlier runs, and this run may not read again
            candidate = replace(candidate, words=stored.words if candidate.words is None else candidate.words,
                                listed_as_page=candidate.listed_as_page or stored.listed_as_page)
        return self._visit(PageResult(entry.url, PageKind.POST, entry.source, candidate=candidate), stored)

    def _settled(self, stored: Validators, entry: Discovered) -> bool:
        """Read well last time and asked lately: a page that was no post nor listing, or a post no source dates.

        Without a source's `modified` (a site whose only index is HTML) a post page cannot tell an
        edit from its teasers of newer posts changing, so it is asked again only after
        `RECHECK_AFTER` (or on `full`), not on every run that reaches it.
        """
        if stored.digest is None or stored.checked is None or not self._recent(stored.checked):
            return False
        return stored.kind == PageKind.OTHER or (stored.kind == PageKind.POST and entry.modified is None)

    def _due(self, stored: Validators) -> bool:
        """A page `_settled` skipped for `RECHECK_AFTER`, now to be asked again even if nothing links to it."""
        return stored.kind in (PageKind.OTHER, PageKind.POST) and stored.checked is not None \
            and not self._recent(stored.checked)

    def _recent(self, when: datetime) -> bool:
        return self.now - when < RECHECK_AFTER

    def _allowed(self, url: str) -> bool:
        """robots.txt allows it. A disallowed page is skipped, not failed: the site asked us to."""
        if self.robots.allowed(url):
            return True
        log.info("skipped (robots.txt disallows it): %s", url)
        return False

    def _visit(self, result: PageResult, validators: Validators | None) -> PageResult:
        """Fetch one page, read it, queue its links; 304 and 404/410 are answers, not errors."""
        self.fetched_pages += 1
        try:
            result.capture = self.fetcher.fetch(result.url, validators=validators)
        except FetchError as error:
            result.capture, result.error = error.capture, str(error)
        capture = result.capture
        if result.error is None and capture is not None:
            if capture.status == 200:
                result = read_page(result, self.site, self.labs)
                self._follow(result)
            elif capture.status != 304 and capture.status not in GONE_STATUSES:
                result.error = f"HTTP {capture.status} from {capture.final_url}"
        if result.error:
            self.failed_pages += 1
        return result


def _ok(capture: Capture | None) -> bool:
    return capture is not None and 200 <= capture.status < 300


def _unchanged(stored: Validators, entry: Discovered) -> bool:
    """Already stored with the `modified` a source gives now (WordPress bumps it on every edit)."""
    return stored.modified is not None and entry.modified is not None and entry.modified <= stored.modified


def read_page(result: PageResult, site: str, labs: LabVocabulary) -> PageResult:
    """Classify a fetched page and extract what its kind holds; failures become `error`.

    Never silent: a post missing its date, title or body, or whose body is far shorter or
    longer than the text the site lists for it (`wrong_length`), is stored with what was
    read, and its `error` names what is wrong (`no date found`); a page at a post's address
    that the REST API lists, or that shows a heading and running text (`looks_like_article`)
    and is not one WordPress marks as one of its pages or lists in its sitemap of pages, but is
    not read as a post, fails with the reason. Either makes the run exit 1.

    Public because `archive.rebuild` reads each archived response through this same step,
    so a page rebuilt from a WARC file (perhaps with a better extractor) is read exactly as a crawl reads it.
    """
    assert result.capture is not None
    try:
        document = parse_document(result.capture)
        result.warning = document.warning
        candidate = result.candidate
        reading = read_layers(document, api_title=candidate.title if candidate is not None else None)
        listed = candidate.published if candidate is not None else None
        as_page = candidate is not None and candidate.listed_as_page
        result.kind = classify(result.url, site=site, document=reading, api_listed=listed is not None,
                               listed_as_page=as_page)
        if result.kind in (PageKind.POST, PageKind.LAB, PageKind.PROGRAMME, PageKind.OTHER):
            result.teasers = [_normal_teaser(teaser, site)
                              for teaser in extract_teasers(reading, is_post=result.kind == PageKind.POST)]
            if result.kind == PageKind.POST:  # a post leads on only to its teasers and archives (Crawl._follow)
                result.listing = ListingPage(archives=read_archive_links(document, site=site))
            else:
                result.listing = read_listing(document, site=site, teasers=result.teasers,
                                              facts=reading.facts)
            if result.kind == PageKind.OTHER and result.listing.is_listing:
                result.kind = PageKind.LISTING
        if result.kind == PageKind.POST and (protected := asks_for_a_password(document)):
            result.error = protected  # no post: the prompt is not its text, and the stored post stays
        elif result.kind == PageKind.POST:
            result.categories = read_categories(document)
            post = extract_post(reading, labs=labs, api_published=listed)
            canonical = post_url(post.url, site=site) if post.url else None
            post.url = canonical or result.url
            if result.candidate is not None and post.modified is None:
                post.modified = result.candidate.modified
            result.post = post
            problems = (missing_fields(post) or wrong_length(post, listed_words=candidate.words if candidate else None)
                        or split_over_pages(document, post.url))
            if problems:
                result.error = ", ".join(problems)
        elif (result.kind == PageKind.OTHER and classify(result.url, site=site) == PageKind.POST
              and may_be_a_post(reading, api_listed=listed is not None, listed_as_page=as_page)
              and (listed is not None or looks_like_article(document, besides=[t.excerpt for t in result.teasers]))):
            missing = missing_fields(extract_post(reading, labs=labs, api_published=listed))
            result.error = f"{NOT_A_POST}: " + (", ".join(missing) or "no date of its own found")
    except Exception as error:  # one bad page never stops the crawl; the capture is kept
        log.exception("could not read %s", result.url)
        result.error = f"{READ_ERROR}: {type(error).__name__}: {error}"
    return result


def missing_fields(post: Post) -> list[str]:
    """What a post must have and lacks, as the reasons the summary and `dagbok check` print."""
    return [MISSING.format(name) for name, value in (("date", post.published), ("title", post.title),
                                                     ("body", post.body)) if not value]


def wrong_length(post: Post, *, listed_words: int | None) -> list[str]:
    """Why a post's body seems misread, against the words of its text as the site lists it
    (`listed_words`: the REST API's or the feed's), give or take `NOT_BODY_WORDS`: cut short
    (fewer than two thirds of them: a theme hid the rest, or the layout lost it), or run on
    past the post (more than one and a half times them: into a column or widget after it)."""
    words = len((post.body or "").split())
    if listed_words is None:
        return []
    if words + NOT_BODY_WORDS < listed_words * 2 / 3:
        problem = CUT_SHORT
    elif words - NOT_BODY_WORDS > listed_words * 3 / 2:
        problem = RUNS_ON
    else:
        return []
    return [f"{problem}: {words} words, where the text the site lists for the post has {listed_words}"]


def asks_for_a_password(document: Document) -> str | None:
    """A post protected by a password shows WordPress's form (posting to `wp-login.php?action=postpass`,
    `Detta innehåll är lösenordsskyddat`) where its text would be: named, and never read as a post,
    so the prompt is never stored as the post's text."""
    for form in document.tree.iter("form"):
        if "action=postpass" in (form.get("action") or ""):
            return f"{PROTECTED}: WordPress asks for a password and shows none of its text"
    return None


def split_over_pages(document: Document, url: str) -> list[str]:
    """A post WordPress splits at `<!--nextpage-->` shows its first part at its address, with
    links to the others (`Sidor: 1 2`, to `…/slug/2/`, or `?page=2` without pretty permalinks):
    named, because the rest of its text is not read."""
    for anchor in document.tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if "2" in href and (href.endswith(("/2/", "/2")) or href in ("2", "2/") or "page=2" in href):
            address = urljoin(document.base_url, href)
            second = (urljoin(url if url.endswith("/") else url + "/", "2/"),
                      url + ("&" if "?" in url else "?") + "page=2")
            found = next((page for page in second if same_page(address, page)), None)
            if found is not None:
                return [f"{SPLIT}: {found} is not read"]
    return []


def _normal_teaser(teaser: Teaser, site: str) -> Teaser:
    """A teaser whose link is in the archive's URL form, so it meets its post."""
    if teaser.url:
        url = post_url(teaser.url, site=site)
        if url and url != teaser.url:
            return replace(teaser, url=url)
    return teaser


def _wayback(
    site: str, *, fetcher: Fetcher, base: str, at: str | None, since: str | None, held: Mapping[str, set[str]],
    labs: LabVocabulary, cdx_pace: float,
) -> Iterator[PageResult | DiscoveryDone]:
    fetcher.allow_host(host_key(base))
    rows: list[tuple[str, WaybackCapture]] = []  # only the rows of pages to replay: the rest is most of the index
    listed = 0
    end = IndexEnd(complete=False)
    answered = False
    for event in read_index(fetcher, base=base, site=site, at=at, since=since, pace=cdx_pace):
        if isinstance(event, Listing):
            answered = answered or event.capture is not None
            yield PageResult(event.url, PageKind.LISTING, Source.WAYBACK, capture=event.capture, error=event.error)
        elif isinstance(event, WaybackCapture):
            listed += 1
            page = _wayback_page(event.original, site=site)
            if page is not None:
                rows.append((page, event))
        else:
            end = event
    if not answered:
        raise SiteUnreachable(f"the Wayback Machine at {base} did not answer ({end.problem}); check --wayback-url")
    if end.rate_limited:
        yield DiscoveryDone(frozenset(), complete=False, alert=_rate_limited(base, end.problem))
        return
    if listed == 0 and since is None and end.complete:
        as_of = f" up to {at}" if at else ""
        yield DiscoveryDone(frozenset(), complete=False, alert=f"the Wayback Machine at {base} lists no capture of "
                                                               f"{site}{as_of}; check --site and --at")
        return
    log.info("the CDX index listed %d rows of pages, redirects and revisits; %d of them are pages to replay",
             listed, len(rows))
    chosen = choose_captures(rows, held=held, at=at)
    del rows
    posts: set[str] = set()
    categories: dict[str, set[str]] = {}  # post URL → the category archives that list it

    def order(item: tuple[str, WaybackCapture]) -> tuple[int, str]:
        """Home, lab and programme pages first, then listings, then root-level pages (posts)."""
        url = item[0]
        return (0 if hub_url(url, site=site) else 2 if post_url(url, site=site) == url else 1), url

    for url, row in sorted(chosen.items(), key=order):
        is_post = post_url(url, site=site) == url
        replay = replay_url(base, row.timestamp, row.original)
        kind = PageKind.POST if is_post else classify(url, site=site)
        # No `modified`: a capture time is not the post's own, and must not make a later live
        # crawl take the post as already stored.
        candidate = Candidate(url, Source.WAYBACK, None, categories=tuple(sorted(categories.get(url, ()))))
        try:
            capture = as_original(fetcher.fetch(replay), row, url=url, replay=replay)
        except FetchError as error:
            failed = error.capture and as_original(error.capture, row, url=url, replay=replay)
            yield PageResult(url, kind, Source.WAYBACK, capture=failed, error=str(error), candidate=candidate)
            if failed is not None and failed.status == 429:
                yield DiscoveryDone(frozenset(posts), complete=False, alert=_rate_limited(base, str(error)))
                return
            continue
        result = PageResult(url, kind, Source.WAYBACK, capture=capture, candidate=candidate)
        if capture.status == 200:
            result = read_page(result, site, labs)
        elif capture.status not in GONE_STATUSES:
            result.error = f"replay of {replay} answered HTTP {capture.status}"
        if result.kind == PageKind.POST:
            posts.add(url)
        category = category_of_archive(url)
        if category and result.listing is not None:
            for listed in result.listing.posts:
                categories.setdefault(listed, set()).add(category)
        yield result
    # The archive's index proves nothing about what the live site still has.
    yield DiscoveryDone(frozenset(posts), complete=False, alert=None if end.complete else end.problem)


def _wayback_page(original: str, *, site: str) -> str | None:
    """The page a captured URL is a capture of, when it is one to replay, else None.

    Replayed: root-level pages (posts, and pages such as `/dagbok/`), the home, lab and
    programme pages, and listings (category, tag, author and date archives, later pages
    of a listing: docs/site.md, "Listings"). Never an embed view (not a post, and its
    text can be older than the page's: docs/site.md, "Platform"), an image, a PDF or a
    page in another section of the host.
    """
    if is_embed_url(original):
        return None
    page = post_url(original, site=site) or hub_url(original, site=site)
    if page is None and (normal := normalise_url(original, site=site)) is not None:
        first, number = page_number(normal)
        if is_archive_url(normal) or (number > 1 and (post_url(first, site=site) == first or hub_url(first, site=site))):
            page = normal
    return page


def _rate_limited(base: str, reason: str | None) -> str:
    return (f"the Wayback Machine at {base} answered 429 Too Many Requests ({reason}), so the run stopped "
            "asking: the Archive blocks an address for an hour when it keeps asking. What was fetched is stored; "
            "run the same command again in an hour to continue")
