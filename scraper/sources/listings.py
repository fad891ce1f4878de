"""Post URLs from the site's own HTML listings: the home page, archives and their pagination.

docs/site.md: posts sit at the site root (`/<slug>/`), and whatever the theme,
WordPress keeps category, tag, author and date archives, paginated at `/page/N/`
or `?paged=N`, which the theme links to ("Äldre inlägg »", "Nästa", page numbers,
`rel="next"`). No rule here depends on a theme's class names: a page *lists posts*
when it links several root-level pages the way a listing shows posts (the link is a
heading, has a date line next to it, reads like a title or is a teaser's), and its
pagination is found from link texts, `rel` and the URL's page number. The words are
data, in `scraper/extract/selectors.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..discover import normalise_url, post_url
from ..extract.document import Document, element_text
from ..extract.lines import LineFacts, ends_with_ellipsis, line_facts
from ..extract.teasers import Excerpts
from ..extract.selectors import (ARCHIVE_SEGMENTS, ARTICLE_LINE, MIN_LISTED_POSTS, NEXT_PAGE_TEXTS,
                                 PAGE_PARAMETERS, PAGE_SEGMENTS, PAGINATION_MARKS)
from ..records import ListingPage, Teaser

_DATE_ARCHIVE = re.compile(r"^/\d{4}/(\d{2}/)?(\d{2}/)?$")
# An archive's address holds an archive word or a year (and a percent-encoded letter holds digits).
_ARCHIVE_HINT_RE = re.compile("|".join([r"\d", *sorted(ARCHIVE_SEGMENTS)]))  # asked of lower-case text
_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:")
TITLE_WORDS = 3  # link text of this many words reads like a post title (menus say "Kontakt", "Dagbok")
DATE_DISTANCE = 2  # a date line this many lines from a link is that link's date


def page_number(url: str) -> tuple[str, int]:
    """(the listing's first-page URL, the page number): `/dagbok/page/3/` → (`/dagbok/`, 3); page 1 otherwise."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2].lower() in PAGE_SEGMENTS and segments[-1].isdigit():
        path = "/" + "".join(s + "/" for s in segments[:-2])
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(segments[-1])
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key.lower() in PAGE_PARAMETERS and value.isdigit():
            rest = urlencode([(k, v) for k, v in query if k != key])
            return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), int(value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), 1


def is_archive_url(url: str) -> bool:
    """A category, tag, author or date archive (`/category/dagbok/`, `/author/anna/`, `/2019/04/`)."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    return bool(segments) and (segments[0].lower() in ARCHIVE_SEGMENTS or bool(_DATE_ARCHIVE.match(path)))


def _next_text(text: str) -> bool:
    return text.strip(PAGINATION_MARKS + " ").casefold() in NEXT_PAGE_TEXTS


def read_listing(document: Document, *, site: str, teasers: Sequence[Teaser] = (),
                 facts: LineFacts | None = None) -> ListingPage:
    """What a fetched HTML page offers as a listing: the posts it lists, its next pages, its archive links.

    Navigation (`<nav>`, role=navigation) never counts as listed posts, and neither does the
    page itself. `article` is True when the page has running text of its own (a post that
    could not be read as one still shows teasers: it is not a listing); the excerpts of the
    `teasers` read on the page are theirs, even when a theme shows a whole first paragraph.
    Text under a heading that links to a post the page lists is that post's: an archive that
    prints two or more posts whole has no text of its own (docs/site.md, "Listings").
    """
    page = normalise_url(document.url, site=site)
    facts = facts if facts is not None else line_facts(document)  # the crawl passes the facts it read
    listed = (post_url(teaser.url, site=site) for teaser in teasers if teaser.url)
    posts: dict[str, None] = dict.fromkeys(url for url in listed if url and url != page)  # in page order
    excerpts = Excerpts(teaser.excerpt for teaser in teasers)
    own_text = False
    card: tuple[int, int] | None = None  # (line, level) of the heading of the listed post line i is under
    cards_shown_whole: set[int] = set()
    for i, line in enumerate(facts.lines):
        if facts.nav[i]:
            continue
        heading = facts.heading(i)
        if heading is not None and card is not None and heading <= card[1]:
            card = None  # a heading of the card's rank or higher; the post's own subheads rank lower
        links = [href for href in line.links if not href.strip().startswith(_NOT_LINKS)]
        if not links:
            if (len(line.text) >= ARTICLE_LINE and not facts.furniture[i] and not ends_with_ellipsis(line.text)
                    and line.text not in excerpts):
                if card is None:
                    own_text = True
                else:
                    cards_shown_whole.add(card[0])
            continue
        shown_as_post = (
            heading is not None
            or len(line.text.split()) >= TITLE_WORDS
            or any(abs(i - j) <= DATE_DISTANCE for j in facts.dates)
        )
        if not shown_as_post:
            continue
        for href in links:
            url = post_url(urljoin(document.base_url, href.strip()), site=site)
            if url is not None and url != page:
                posts.setdefault(url, None)
                card = (i, heading) if heading is not None else card
    anchors = _anchors(document, site=site)
    return ListingPage(
        posts=tuple(posts),
        next_pages=tuple(_next_pages(anchors, page=page, listed=posts)),
        archives=tuple(_archives(anchors)),
        article=own_text or len(cards_shown_whole) == 1,  # one card's text may be the post's, its title no heading
        lists_posts=len(posts) >= MIN_LISTED_POSTS,
    )


def read_archive_links(document: Document, *, site: str) -> tuple[str, ...]:
    """The category, tag, author and date archives a page links to, first pages only.

    The cheap test first: a link resolves to its own path or keeps the page's, so when
    the page's path names no archive, only links whose address (past the page's own
    scheme and host) names one are resolved.
    """
    page = urlsplit(document.base_url)
    if _ARCHIVE_HINT_RE.search(page.path.lower()):
        return tuple(_archives(_anchors(document, site=site)))
    origin = f"{page.scheme}://{page.netloc}"
    return tuple(_archives(_anchors(document, site=site,
                                    only=lambda href: _ARCHIVE_HINT_RE.search(href.removeprefix(origin).lower()) is not None)))


def _anchors(document: Document, *, site: str, only: Callable[[str], bool] | None = None) -> list[tuple[object, str]]:
    """Every `<a>` and `<link>` to a page of the site (whose href passes `only`), with its URL in the
    site's form (read once)."""
    found = []
    for element in document.tree.iter("a", "link"):
        href = (element.get("href") or "").strip()
        if href and not href.startswith(_NOT_LINKS) and (only is None or only(href)):
            url = normalise_url(urljoin(document.base_url, href), site=site)
            if url is not None:
                found.append((element, url))
    return found


def _next_pages(anchors: list[tuple[object, str]], *, page: str | None, listed: dict[str, None]) -> list[str]:
    """The page after this one: `rel="next"`, a "next" text, or the URL with the page number plus one."""
    if page is None:
        return []
    first, number = page_number(page)
    found: dict[str, None] = {}
    for element, url in anchors:
        if url == page:
            continue
        rels = (element.get("rel") or "").lower().split()
        text = element_text(element) if element.tag == "a" else ""
        other_first, other_number = page_number(url)
        if "next" in rels or (text and _next_text(text)) or (other_first == first and other_number == number + 1):
            if other_first == first and other_number <= number:
                continue  # a "next" that leads back is no way forward
            if other_first != first and url in listed:
                continue  # "Nästa" to a post is a post's neighbour, not the next page
            found.setdefault(url, None)
    return list(found)


def _archives(anchors: list[tuple[object, str]]) -> list[str]:
    """Links to category, tag, author and date archives, first pages only."""
    found: dict[str, None] = {}
    for _, url in anchors:
        if is_archive_url(url):
            found.setdefault(page_number(url)[0], None)
    return list(found)
