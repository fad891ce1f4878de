"""Post URLs from the site's feed (`/feed/`, older items at `?paged=N`).

docs/site.md, "Endpoints": WordPress serves RSS 2.0 at `/feed/`, ten items a page by default,
with older pages at `/feed/?paged=N` and a 404 past the last. Each `<item>`'s
`<link>` is the post URL (Atom `<entry><link href>` is read too), and its
`<content:encoded>` (Atom `<content>`), when the feed gives whole texts, the post's
text, of which only the number of words is kept. Parsing never expands entities,
reads DTDs or touches the network.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from urllib.parse import urljoin

from ..discover import post_url
from ..names import Source
from ..records import Candidate, Validators
from . import (BadXML, Event, Listing, PageFetcher, SourceEnd, fetch_listing, page_end, parse_utc, parse_xml,
               rendered_words)

MAX_PAGES = 1000
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"  # RSS 2.0's whole text; <description> is an excerpt


class FeedError(ValueError):
    """A feed that cannot be read as RSS or Atom."""


def feed_page_url(site: str, page: int) -> str:
    return urljoin(site, "/feed/" if page == 1 else f"/feed/?paged={page}")


def parse_feed(body: bytes) -> list[Candidate]:
    """Every item of one RSS 2.0 or Atom page, in feed order: its link, categories and the length
    of its whole text (`Candidate.words`)."""
    try:
        root = parse_xml(body)
    except BadXML as error:
        raise FeedError(str(error)) from None
    found: list[Candidate] = []
    for item in root.iter("item"):
        link = item.findtext("link")
        if link and link.strip():
            categories = tuple(c.text.strip() for c in item.iter("category") if c.text and c.text.strip())
            found.append(Candidate(link.strip(), Source.FEED, None, categories=categories,
                                   words=_words(item.findtext(CONTENT))))
    for entry in root.iter(f"{ATOM}entry"):
        href = None
        for link in entry.iter(f"{ATOM}link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href")
                break
        if href:
            updated = parse_utc(entry.findtext(f"{ATOM}updated"))
            content = entry.find(f"{ATOM}content")  # an Atom <summary> is an excerpt
            text = content.text if content is not None and content.get("type") == "html" else None
            found.append(Candidate(href.strip(), Source.FEED, updated, words=_words(text)))
    return found


def _words(rendered: str | None) -> int | None:
    return rendered_words(rendered) if rendered and rendered.strip() else None


def read_feed(
    site: str, fetcher: PageFetcher, *, known: Mapping[str, Validators] = {}, absent: Collection[str] = frozenset()
) -> Iterator[Event]:
    """Yield a Candidate per feed item, page by page, until a page is empty or missing.

    Incremental runs (`known` given) stop at the first page whose items are all
    known already: the feed is newest first, so older pages hold nothing new.
    A first page in `absent` (it answered 404 lately) is not asked.
    """
    if feed_page_url(site, 1) in absent:
        yield SourceEnd(Source.FEED, found=False, unchanged=False, complete=True)
        return
    page = 1
    seen: set[str] = set()
    while page <= MAX_PAGES:
        url = feed_page_url(site, page)
        stored = known.get(url) if page == 1 else None
        listing, capture = fetch_listing(fetcher, url, Source.FEED, validators=stored)
        end = page_end(Source.FEED, listing, capture, page=page, stored=stored)
        if end is not None:
            yield listing
            yield end
            return
        try:
            items = parse_feed(capture.body)
        except FeedError as error:
            yield Listing(url, Source.FEED, capture, error=f"feed {url}: {error}")
            yield SourceEnd(Source.FEED, found=page > 1, unchanged=False, complete=False)
            return
        yield listing
        links = [replace(item, url=urljoin(url, item.url)) for item in items]
        fresh = [item for item in links if item.url not in seen]
        for item in fresh:
            seen.add(item.url)
            yield item
        if not fresh:  # an empty page, or a server that ignores `paged` and repeats page 1
            yield SourceEnd(Source.FEED, found=True, unchanged=False, complete=True)
            return
        if known and all(post_url(item.url, site=site) in known for item in links):
            yield SourceEnd(Source.FEED, found=True, unchanged=False, complete=False)
            return
        page += 1
    yield SourceEnd(Source.FEED, found=True, unchanged=False, complete=False)
