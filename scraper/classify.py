"""Decide what kind of page a URL (and, when fetched, its document) is.

docs/site.md, "URLs": posts sit at the site root (`/<slug>/`, slugs may contain
underscores), oEmbed views at `/<slug>/embed/`, lab pages at
`/vad-vi-gor/innovationslabbet-i-<ort>/`, programme pages under
`/innovationslabb/`. The URL alone can only say "may be a post"; a fetched page is
a post when its text shows a title with its own date (layout) or its metadata
says it is an article.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .extract.document import Document
from .extract.post import own_time_date
from .extract.selectors import (LAB_PATH_PREFIX, LISTING_FILES, LISTING_PATH_PARTS, LISTING_SUFFIXES,
                                OG_ARTICLE_TYPES, PROGRAMME_PATH_PREFIX)
from .extract.reading import Reading, reading_of
from .extract.teasers import Excerpts
from .names import PageKind
from .site import same_site


def classify(url: str, *, site: str, document: Document | Reading | None = None, api_listed: bool = False,
             listed_as_page: bool = False) -> PageKind:
    """The kind of page at `url` on `site`; with a `document`, its content decides post or other.

    `api_listed`: the REST API lists this page as a post (and so gives its date), so a title
    with text under it is enough, even when the page shows no date of its own. A page WordPress
    marks as one of its own, or its sitemap of pages lists (`listed_as_page`), is never a post
    (`may_be_a_post`).
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    lowered = path.lower()
    segments = [s for s in lowered.split("/") if s]
    if segments and segments[-1] == "embed":
        return PageKind.EMBED
    if lowered.startswith(LAB_PATH_PREFIX) and len(segments) == 2:
        return PageKind.LAB
    if lowered.startswith(PROGRAMME_PATH_PREFIX) or lowered.rstrip("/") == PROGRAMME_PATH_PREFIX.rstrip("/"):
        return PageKind.PROGRAMME
    if _is_listing(lowered, parts.query):
        return PageKind.LISTING
    if not same_site(url, site):
        return PageKind.OTHER
    root_post = len(segments) == 1 or (not segments and "p=" in parts.query)
    if document is None:
        return PageKind.POST if root_post else PageKind.OTHER
    reading = reading_of(document)
    if (root_post and may_be_a_post(reading, api_listed=api_listed, listed_as_page=listed_as_page)
            and _shows_a_post(reading, api_listed=api_listed)):
        return PageKind.POST
    return PageKind.OTHER


def may_be_a_post(reading: Reading, *, api_listed: bool, listed_as_page: bool = False) -> bool:
    """Whether the page may be a post at all: one WordPress marks as one of its own pages
    (`page-id-12`, a `?page_id=12` shortlink) or lists in its sitemap of pages (`listed_as_page`)
    never is, unless the REST API lists it as a post (docs/site.md, "What stock WordPress prints";
    a theme may print neither mark, but the sitemap is WordPress's own)."""
    return api_listed or not (reading.wordpress.page or listed_as_page)


RUNNING_LINE_WORDS = 15  # a line of running text has at least this many words ...
RUNNING_LINES = 3  # ... an article at least this many such lines ...
RUNNING_TEXT_WORDS = 60  # ... and this many words in them
FRAME_TAGS = frozenset({"footer", "nav", "aside"})  # the site's frame around a page's own text


def looks_like_article(document: Document, *, besides: Iterable[str] = ()) -> bool:
    """A title and running text: what a post looks like even when its date cannot be read.

    The title is the page's `<title>` or a heading; running text is a few long lines. Lines in
    the frame (`<footer>`, `<nav>`, `<aside>`) and lines that start like one of `besides` (the
    excerpts of teasers on the page) are not the page's own text. A contact page (an address,
    a phone number, the site's footer) has no running text.
    """
    excerpts = Excerpts(besides)
    titled = bool((document.tree.findtext(".//title") or "").strip())
    running: list[int] = []
    for line in document.lines:
        titled = titled or getattr(line.element, "tag", None) in ("h1", "h2", "h3")
        words = len(line.text.split())
        if words < RUNNING_LINE_WORDS or line.text in excerpts:
            continue
        if not any(getattr(parent, "tag", None) in FRAME_TAGS for parent in line.element.iterancestors()):
            running.append(words)
    return titled and len(running) >= RUNNING_LINES and sum(running) >= RUNNING_TEXT_WORDS


def _is_listing(path: str, query: str) -> bool:
    if any(path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in LISTING_PATH_PARTS):
        return True
    if path.endswith("/feed/") or path.endswith("/feed") or "feed=" in query or "rest_route=" in query:
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last in LISTING_FILES or last.endswith(LISTING_SUFFIXES)


def _shows_a_post(reading: Reading, *, api_listed: bool = False) -> bool:
    """A title with its own date (next to it, printed after its text, or only in a `<time datetime>`
    of its own; the API's when it lists the page) and a body that is not a teaser, or article metadata."""
    frame = reading.layout.frame
    dated = frame is not None and (frame.published is not None or api_listed or own_time_date(reading) is not None)
    if dated and frame.title is not None and frame.body and not frame.teaser_like:
        return True
    structured = reading.structured
    if structured.og.get("og:type", "").lower() in OG_ARTICLE_TYPES:
        return True
    if structured.jsonld is not None and structured.jsonld.type not in ("WebPage", "ItemPage"):
        return True
    return reading.wordpress.single
