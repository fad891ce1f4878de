"""One module per way of finding posts; each yields `Candidate`s.

A source also yields a `Listing` for every page it fetched (API pages, feeds,
sitemaps, the CDX index), so the archive keeps those captures too, and ends with
one `SourceEnd` saying whether the source exists, whether its first page was
unchanged (304) and whether it was read to the end.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from lxml import etree

from ..errors import FetchError
from ..names import Source
from ..records import Candidate, Capture, Validators


class PageFetcher(Protocol):
    """What a source needs: `Fetcher`, or the crawl's robots.txt-obeying wrapper of it."""

    def fetch(self, url: str, *, validators: Validators | None = None) -> Capture: ...


@dataclass(frozen=True)
class Listing:
    """A page a source fetched to list URLs; archived as a capture of kind `listing`."""

    url: str
    source: Source
    capture: Capture | None
    error: str | None = None


@dataclass(frozen=True)
class SourceEnd:
    """How reading one source went.

    found: the site offers this source (its first page answered 200 or 304).
    unchanged: the first page came back 304, so nothing is new since the last run.
    complete: every page was read to the end without errors, so the URLs listed are
    all the source has (needed before absence can mean "gone").
    """

    source: Source
    found: bool
    unchanged: bool
    complete: bool


Event = Candidate | Listing | SourceEnd


def fetch_listing(
    fetcher: PageFetcher, url: str, source: Source, *, validators: Validators | None = None
) -> tuple[Listing, Capture | None]:
    """Fetch one listing page; a failure becomes a `Listing` with `error`, never an exception."""
    try:
        capture = fetcher.fetch(url, validators=validators)
    except FetchError as error:
        return Listing(url, source, error.capture, error=str(error)), None
    if capture.status >= 500:
        return Listing(url, source, capture, error=f"HTTP {capture.status} for {url}"), capture
    return Listing(url, source, capture), capture


def unchanged(capture: Capture, stored: Validators | None) -> bool:
    """The page is what the archive already holds.

    A 304, or, from a server that sends no validators at all (so conditional requests
    cannot work), a 200 whose body has the stored digest. A server that does send
    validators but answered 200 is taken at its word: the archive dropped the stored
    validators on purpose (a page behind this listing failed), so read it again.
    """
    if capture.status == 304:
        return True
    if capture.status != 200 or stored is None or stored.digest is None:
        return False
    has_validators = "etag" in capture.headers or "last-modified" in capture.headers
    return not has_validators and capture.digest == stored.digest


def page_end(
    source: Source, listing: Listing, capture: Capture | None, *, page: int, stored: Validators | None
) -> SourceEnd | None:
    """How a paged source ends at this page, or None when its body is to be read.

    A failed fetch ends it incomplete; page 1 unchanged since `stored` ends it unchanged;
    any other status but 200 (WordPress's 404 or 400 past the last page, or no such
    source at all on page 1) ends it complete. Found means some page answered.
    """
    if capture is None or listing.error:
        return SourceEnd(source, found=page > 1, unchanged=False, complete=False)
    if page == 1 and unchanged(capture, stored):
        return SourceEnd(source, found=True, unchanged=True, complete=False)
    if capture.status != 200:
        return SourceEnd(source, found=page > 1, unchanged=False, complete=True)
    return None


def parse_utc(text: object) -> datetime | None:
    """An ISO or W3C datetime (`2019-04-29`, `…T10:15:00+02:00`, `…Z`) as aware UTC; None if unreadable.

    A time without an offset is UTC, as WordPress's `modified_gmt` is.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class BadXML(ValueError):
    """A sitemap or feed that is not well-formed XML."""


def parse_xml(body: bytes) -> etree._Element:
    """Parse untrusted XML safely: no entity expansion, no DTD, no network, no huge trees.

    This is what makes a hostile sitemap or feed (XXE, billion laughs) harmless. Blank lines
    before the XML declaration are read past, as feed readers do: WordPress sites often serve
    their feed and sitemaps after one (a theme or plugin printing a newline before WordPress's
    own output), which strict XML refuses.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    bom = codecs.BOM_UTF8 if body.startswith(codecs.BOM_UTF8) else b""
    try:
        root = etree.fromstring(bom + body[len(bom):].lstrip(), parser=parser)
    except etree.XMLSyntaxError as error:
        raise BadXML(f"not well-formed XML ({error})") from None
    if root is None:
        raise BadXML("empty document")
    return root


# An embed's script, a gallery's CSS: in a post's rendered text, but no words a reader sees.
_UNSHOWN_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG_RE = re.compile(r"<[^>]*>")  # a tag of rendered HTML, which WordPress writes well-formed


def rendered_words(rendered: str) -> int:
    """How many words a reader sees in a post's text as the REST API or a feed gives it (HTML):
    tags, scripts and styles dropped. The page's body is held against it (`crawl.wrong_length`)."""
    return len(html.unescape(TAG_RE.sub(" ", _UNSHOWN_RE.sub(" ", rendered))).split())
