"""The union of every source's candidates: URLs normalised, our host only, posts only.

Facts this relies on (docs/site.md, "URLs"): posts sit at the site root (`/<slug>/`, no date,
no `/dagbok/`); `/<slug>/embed/` is the oEmbed view of the post `/<slug>/`;
lab pages are `/vad-vi-gor/innovationslabbet-i-<ort>/` and programme pages sit
under `/innovationslabb/`; the site answers on both `www.` and the bare host.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .names import Source
from .records import Candidate
from .site import same_site, site_root

# First path segments that are never posts: WordPress machinery and the site's own sections.
NOT_POST_SEGMENTS = frozenset(
    {
        "feed", "comments", "kategori", "category", "tag", "etikett", "author", "forfattare",
        "page", "sida", "search", "sok", "vad-vi-gor", "innovationslabb", "embed", "trackback",
        "amp", "sitemap", "xmlrpc.php", "robots.txt", "favicon.ico",
    }
)
TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|ref|replytocom|share)$", re.I)
LAB_PATH = re.compile(r"^/vad-vi-gor/innovationslabbet-i-[^/]+/$")
PROGRAMME_PATH = re.compile(r"^/innovationslabb(/[^?#]*)?$")
# Characters left as they are inside a path; everything else is percent-encoded (upper-case hex).
PATH_SAFE = "/:@!$&'()*+,;=-._~"

# Source precedence when one URL comes from several: the surest first.
SOURCE_ORDER = (Source.START, Source.API, Source.SITEMAP, Source.FEED, Source.TEASER, Source.LINKS, Source.WAYBACK)


def _normal_path(path: str) -> str:
    return quote(unquote(path), safe=PATH_SAFE) or "/"


@functools.lru_cache(maxsize=256)
def normalise_url(url: str, *, site: str) -> str | None:
    """Fold `url` to the site's form; None when it is not on the site (or its www twin).

    Scheme and host are taken from `site` (the www twin and http/https fold together),
    the fragment and tracking parameters are dropped and percent-encoding is made
    canonical (UTF-8, upper-case hex). The 256 last asked are remembered: every page
    of a site links the same menu, footer and teasers, and the listings reader asks for
    each of its links; a bound, because a crawl meets every post's URL once or twice.
    """
    root = urlsplit(site_root(site))
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not same_site(url, site):
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((root.scheme, root.netloc, _normal_path(parts.path), query, ""))


def post_url(url: str, *, site: str) -> str | None:
    """The canonical post URL `url` points at (its embed folded in), or None if it is no post.

    A post is one root-level slug (`/<slug>/`); its query is dropped because the post
    page does not depend on it. The URL is interned: a crawl holds each post's URL in
    several places (what discovered it, the queue, the post read, the run's summary).
    """
    normal = normalise_url(url, site=site)
    if normal is None:
        return None
    parts = urlsplit(normal)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[1] == "embed":
        segments = segments[:1]
    if len(segments) != 1:
        return None
    slug = segments[0]
    if slug.lower() in NOT_POST_SEGMENTS or slug.lower().startswith("wp-") or "." in slug:
        return None
    if parts.query and re.search(r"(^|&)(p|page_id|s|paged)=", parts.query):
        return None  # WordPress query views (?p=…, ?s=…) are not slugs
    return sys.intern(urlunsplit((parts.scheme, parts.netloc, f"/{slug}/", "", "")))


def is_embed_url(url: str) -> bool:
    """An oEmbed view (`/<slug>/embed/`): never fetched or stored as a post of its own."""
    return bool(re.search(r"/embed/?$", urlsplit(url).path))


def hub_url(url: str, *, site: str) -> str | None:
    """The normalised URL of a page whose links lead to posts (home, lab, programme), else None."""
    normal = normalise_url(url, site=site)
    if normal is None:
        return None
    parts = urlsplit(normal)
    path = parts.path if parts.path.endswith("/") or "." in parts.path.rsplit("/", 1)[-1] else parts.path + "/"
    if path == "/" or LAB_PATH.match(path) or PROGRAMME_PATH.match(path):
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


@dataclass(slots=True)
class Discovered:
    """One post URL and the surest source that listed it (`SOURCE_ORDER`); `modified` is the newest
    any source gave, `published` and `title` the REST API's date and title of the post, `words` the
    length of its text as the REST API or the feed gave it, `listed_as_page` whether the sitemap of
    WordPress's pages lists it.

    One waits for every post the site lists until the crawl reads the post's page, so it holds
    only what that page is asked with.
    """

    url: str
    source: Source
    modified: datetime | None = None
    published: date | None = None
    categories: tuple[str, ...] = ()
    title: str | None = None
    words: int | None = None
    listed_as_page: bool = False

    def candidate(self) -> Candidate:
        return Candidate(self.url, self.source, self.modified, self.published, self.categories, self.title,
                         self.words, self.listed_as_page)

    def add(self, candidate: Candidate) -> None:
        if SOURCE_ORDER.index(candidate.source) < SOURCE_ORDER.index(self.source):
            self.source = candidate.source
        self.categories += tuple(name for name in candidate.categories if name not in self.categories)
        modified = candidate.modified
        if modified is not None and (self.modified is None or modified > self.modified):
            self.modified = modified
        self.published = self.published or candidate.published
        self.title = self.title or candidate.title
        self.words = self.words or candidate.words
        self.listed_as_page = self.listed_as_page or candidate.listed_as_page


class Discovery:
    """The running union of candidates, keyed by canonical post URL, in first-seen order.

    `urls` is every post URL found. An entry waits in `waiting` until the crawl takes it to
    read the post's page, and is not kept after: each page is read once, so what a crawl
    holds of a post it has read is its URL.
    """

    def __init__(self, site: str) -> None:
        self.site = site_root(site)
        self.urls: set[str] = set()
        self.waiting: dict[str, Discovered] = {}

    def add(self, candidate: Candidate) -> Discovered | None:
        """Merge one candidate; return its entry, or None when it is not a post of our site or was taken."""
        url = post_url(candidate.url, site=self.site)
        if url is None:
            return None
        entry = self.waiting.get(url)
        if entry is None:
            if url in self.urls:
                return None
            self.urls.add(url)
            entry = self.waiting[url] = Discovered(url, candidate.source)
        entry.add(candidate)
        return entry

    def take(self, url: str) -> Discovered:
        """The entry of a post whose page is read now; later candidates for it are not kept."""
        return self.waiting.pop(url)

    def __iter__(self) -> Iterator[Discovered]:
        return iter(self.waiting.values())


def discover(candidates: Iterable[Candidate], *, site: str) -> list[Discovered]:
    """Union of candidates from every source, deduplicated, each named by its surest source."""
    discovery = Discovery(site)
    for candidate in candidates:
        discovery.add(candidate)
    return list(discovery)
