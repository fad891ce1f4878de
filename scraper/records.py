"""The typed records a page becomes on its way from URL to row.

`scraper` produces them, `archive` stores them. Dates are `datetime.date`,
timestamps are timezone-aware UTC `datetime`; they turn into ISO text only in
the database, JSON or CSV.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timezone

from .names import Layer, PageKind, Source


@dataclass(frozen=True)
class Candidate:
    """A URL that some source says may be a post.

    `modified` is the source's own last-modified time (API `modified`, sitemap
    `lastmod`, feed date), used to skip unchanged posts on incremental crawls.
    `published` is the post's date as the REST API lists it (its local `date`): a
    reading of its own (layer `api`) when the post's page is read.
    `categories` are the names the source gives the post's categories (API, feed).
    `title` is the post's title as the REST API lists it: on a page that shows no date
    it tells the layout which line is the post's title. `words` counts the words of the
    post's text as the REST API (`content.rendered`) or the feed (`content:encoded`) gives it:
    a page whose body holds far fewer or far more was misread, and says so.
    `listed_as_page`: the site's sitemap of WordPress's pages lists the URL, so it is a page,
    not a post, whatever its theme prints (`classify.may_be_a_post`).
    """

    url: str
    source: Source
    modified: datetime | None = None
    published: date | None = None
    categories: tuple[str, ...] = ()
    title: str | None = None
    words: int | None = None
    listed_as_page: bool = False


# A Wayback capture is re-addressed to its original URL; the replay URL it was really fetched
# from travels as this request header, set by sources/wayback.py and read by the WARC writer.
REPLAY_URL_HEADER = "X-Dagbok-Replay-URL"


def wayback_moment(timestamp: str) -> datetime:
    """The moment (UTC) a Wayback Machine capture was taken, from its timestamp (14 digits, or fewer: padded)."""
    digits = (timestamp + "00000000000000")[:14]
    return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Capture:
    """One HTTP exchange as it happened: what was asked, what came back, when."""

    url: str  # as requested
    final_url: str  # after same-host redirects
    status: int
    headers: dict[str, str]  # response headers, keys lower-case
    body: bytes
    fetched: datetime  # UTC
    request_headers: dict[str, str] = field(default_factory=dict)
    truncated: bool = False  # the body hit the size cap
    wayback_timestamp: str | None = None  # 14-digit capture time when replayed from the Wayback Machine

    @cached_property
    def digest(self) -> str:
        """`sha256:<hex>` of the body, computed once: the archive keys bodies, pages and revisits by it."""
        return "sha256:" + hashlib.sha256(self.body).hexdigest()

    @property
    def captured(self) -> datetime:
        """When the page showed this content: the Wayback Machine's capture time for a replay, else
        when it was fetched. Relative dates on the page (`igår`) count from this moment; the archive
        dates the capture's revision and WARC record by it."""
        if self.wayback_timestamp:
            try:
                return wayback_moment(self.wayback_timestamp)
            except ValueError:
                pass
        return self.fetched

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


@dataclass(frozen=True, slots=True)
class Validators:
    """What the archive already knows of a URL, for conditional and incremental fetching.

    An incremental run holds one for every page the archive knows, hence the slots.
    """

    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None
    modified: datetime | None = None  # the source's `modified` when last stored
    kind: PageKind | None = None  # what the page was when last read
    checked: datetime | None = None  # when it was last asked (UTC)
    words: int | None = None  # the length of its post's text as a listing last gave it (`Candidate.words`)
    listed_as_page: bool = False  # a sitemap of WordPress's pages listed it (`Candidate.listed_as_page`)


@dataclass(frozen=True)
class Disagreement:
    """Two layers that gave different values for one field; the winner is in `Post.layers`."""

    field: str
    layer: Layer
    value: str


@dataclass(frozen=True)
class Teaser:
    """A teaser of another post, as shown on a host page. Never lends anything to its host."""

    url: str | None
    title: str
    published: date | None = None
    excerpt: str | None = None
    author: str | None = None
    role: str | None = None


@dataclass
class Post:
    """A diary post as extracted from its own page.

    `layers` maps each field name to the layer that produced it; `disagreements`
    lists the other layers' differing values.
    """

    url: str
    title: str | None = None
    published: date | None = None
    author: str | None = None
    role: str | None = None
    excerpt: str | None = None
    body: str | None = None
    lab: str | None = None
    labs: list[str] = field(default_factory=list)
    modified: datetime | None = None
    layers: dict[str, Layer] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)


@dataclass(frozen=True)
class ListingPage:
    """What an HTML page offers as a listing of posts (scraper/sources/listings.py).

    `posts`: the root-level pages it shows as posts; `next_pages`: its pagination
    forward; `archives`: the category, tag, author and date archives it links to;
    `article`: it has running text of its own; `lists_posts`: it shows several posts.
    """

    posts: tuple[str, ...] = ()
    next_pages: tuple[str, ...] = ()
    archives: tuple[str, ...] = ()
    article: bool = False
    lists_posts: bool = False

    @property
    def is_listing(self) -> bool:
        """A page that lists posts and has no text of its own: an archive, a home page, a lab's list."""
        return self.lists_posts and not self.article


@dataclass
class PageResult:
    """One fetched page and what became of it. `crawl()` yields these one at a time."""

    url: str
    kind: PageKind
    source: Source
    capture: Capture | None = None  # None when nothing came back (timeout, reset, refused)
    post: Post | None = None
    teasers: list[Teaser] = field(default_factory=list)
    listing: ListingPage | None = None  # read from every fetched HTML page that is not a post
    categories: tuple[str, ...] = ()  # the categories a post page shows for its post (names or slugs)
    error: str | None = None  # why fetching or parsing failed; the capture is kept all the same
    warning: str | None = None  # read, but perhaps not as written (a charset label the bytes contradict)
    candidate: Candidate | None = None
    # Why a listing that was fetched well must still not be the next run's proof that nothing
    # changed (pages it lists failed in this run): the archive keeps no validators for it. Not an error.
    # Crawls now say this in `ListingChecked`; rebuild still reads it from files written before.
    provisional: str | None = None
    # A listing stored before the pages it lists: the archive keeps its capture but not yet its
    # validators, which wait for the `ListingChecked` that follows those pages.
    pending: bool = False


@dataclass(frozen=True)
class ListingChecked:
    """Yielded once the pages a pending listing lists are stored: the validators its page may now keep.

    The first page of each listing source is the next run's "nothing changed" check. It is
    stored as soon as it is fetched (so its body is not held through the crawl), but its
    validators reach the archive only now, so a run killed before its pages are stored reads
    the listing again. `provisional` says why they are dropped instead: pages failed in this run.
    """

    url: str
    validators: Validators
    provisional: str | None = None


@dataclass(frozen=True)
class DiscoveryDone:
    """Yielded once all sources have been read: the post URLs they listed.

    `complete` is False when a source failed or was read only in part
    (incremental runs), so absence from `urls` must not mark a post gone.
    `alert` says why the crawl could not discover all it should have (a Wayback
    index read only in part, an Archive that kept answering 429): the run names it
    and does not exit 0.
    """

    urls: frozenset[str]
    complete: bool
    alert: str | None = None
