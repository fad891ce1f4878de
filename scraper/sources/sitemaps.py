"""Post URLs from XML sitemaps.

docs/site.md, "Endpoints": WordPress sites name sitemaps in robots.txt (`Sitemap:` lines) and
serve them at `/wp-sitemap.xml` (core), `/sitemap_index.xml` (Yoast) or
`/sitemap.xml`. Indexes are followed down to the URL sets; `lastmod` becomes the
candidate's `modified`. The sitemap of WordPress's pages (`PAGE_SITEMAP`) lists pages, not
posts: its URLs are candidates `listed_as_page`. Parsing never expands entities, reads DTDs
or touches the network, so a hostile sitemap (XXE, billion laughs) yields nothing harmful.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree

from ..compression import GZIP_MAGIC, CompressionError, gunzip
from ..site import same_site
from ..names import Source
from ..records import Candidate, Capture, Validators
from . import BadXML, Event, Listing, PageFetcher, SourceEnd, fetch_listing, parse_utc, parse_xml, unchanged

WELL_KNOWN = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
MAX_SITEMAPS = 200
MAX_XML_BYTES = 50 * 2**20  # sitemaps.org's own limit for one uncompressed file
# The names WordPress and its sitemap plugins give the sitemap of the `page` post type (docs/site.md,
# "Endpoints"): core's `wp-sitemap-posts-page-1.xml` (`?sitemap=posts&sitemap-subtype=page` without
# pretty permalinks), Yoast's, Rank Math's and SEOPress's `page-sitemap.xml` (`page-sitemap2.xml`, …),
# Google XML Sitemaps' `sitemap-pt-page.xml` (`sitemap-pt-page-2019-05.xml`).
PAGE_SITEMAP = re.compile(r"(wp-sitemap-posts-page-\d+|page-sitemap\d*|sitemap-pt-page(-\d{4}-\d{2})?)\.xml(\.gz)?")


class SitemapError(ValueError):
    """A sitemap that cannot be read as XML."""


def parse_sitemap(body: bytes) -> tuple[str, list[tuple[str, datetime | None]]]:
    """Return ("index" | "urlset", [(loc, lastmod)]) for one sitemap document."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_bytes=MAX_XML_BYTES)
        except CompressionError as error:
            raise SitemapError(str(error)) from None
    try:
        root = parse_xml(body)
    except BadXML as error:
        raise SitemapError(str(error)) from None
    kind = etree.QName(root).localname.lower()
    if kind not in ("sitemapindex", "urlset"):
        raise SitemapError(f"root element <{kind}> is neither <sitemapindex> nor <urlset>")
    entries: list[tuple[str, datetime | None]] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        loc = lastmod = None
        for field in child:
            if not isinstance(field.tag, str):
                continue
            name = etree.QName(field).localname.lower()
            if name == "loc":
                loc = (field.text or "").strip()
            elif name == "lastmod":
                lastmod = parse_utc(field.text)
        if loc:
            entries.append((loc, lastmod))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def read_sitemaps(
    site: str,
    fetcher: PageFetcher,
    *,
    robots_sitemaps: Iterable[str] = (),
    known: Mapping[str, Validators] = {},
    absent: Collection[str] = frozenset(),
) -> Iterator[Event]:
    """Yield a Candidate per URL in the site's sitemaps.

    The entry sitemaps (robots.txt's, else the first well-known one that answers)
    are fetched conditionally; nested ones are always read whole once an entry
    has changed, so a changed index never hides URLs behind a 304. Entries in
    `absent` (they answered 404 lately) are not asked.
    """
    entries = [url for url in robots_sitemaps if same_site(url, site)]
    probing = not entries
    if probing:
        entries = [urljoin(site, path) for path in WELL_KNOWN]
    entries = [url for url in entries if url not in absent]
    not_modified = changed = 0
    complete = True
    seen: set[str] = set(entries)
    for entry in entries:
        listing, capture = fetch_listing(fetcher, entry, Source.SITEMAP, validators=known.get(entry))
        if capture is None or listing.error:
            yield listing
            complete = False
            continue
        if unchanged(capture, known.get(entry)):
            yield listing
            not_modified += 1
            if probing:
                break
            continue
        if capture.status != 200:
            yield listing
            continue  # not this one; a probe tries the next well-known name
        changed += 1
        ok = yield from _read_tree(site, fetcher, entry, capture, seen)
        complete = complete and ok
        if probing:
            break
    found = bool(not_modified or changed)
    yield SourceEnd(
        Source.SITEMAP,
        found=found,
        unchanged=found and not changed and complete,
        complete=complete and not not_modified,
    )


def _read_tree(
    site: str, fetcher: PageFetcher, url: str, capture: Capture, seen: set[str]
) -> Generator[Event, None, bool]:
    """Read one sitemap and (breadth-first) every same-site sitemap it names. Returns completeness."""
    complete = True
    queue: list[tuple[str, Capture | None]] = [(url, capture)]
    while queue:
        current, fetched = queue.pop(0)
        if fetched is None:
            listing, fetched = fetch_listing(fetcher, current, Source.SITEMAP)
            if fetched is None or listing.error or fetched.status != 200:
                yield listing
                complete = False
                continue
        try:
            kind, entries = parse_sitemap(fetched.body)
        except SitemapError as error:
            yield Listing(current, Source.SITEMAP, fetched, error=f"sitemap {current}: {error}")
            complete = False
            continue
        yield Listing(current, Source.SITEMAP, fetched)
        pages = kind == "urlset" and lists_pages(current)
        for loc, lastmod in entries:
            absolute = urljoin(current, loc)
            if kind == "index":
                if absolute in seen or not same_site(absolute, site):
                    continue
                if len(seen) >= MAX_SITEMAPS:
                    complete = False
                    continue
                seen.add(absolute)
                queue.append((absolute, None))
            else:
                yield Candidate(absolute, Source.SITEMAP, lastmod, listed_as_page=pages)
    return complete


def lists_pages(sitemap_url: str) -> bool:
    """Whether the sitemap at `sitemap_url` is the one of WordPress's pages, by its name (`PAGE_SITEMAP`)."""
    parts = urlsplit(sitemap_url)
    name = parts.path.rsplit("/", 1)[-1].lower()
    return PAGE_SITEMAP.fullmatch(name) is not None or ("sitemap-subtype", "page") in parse_qsl(parts.query)
