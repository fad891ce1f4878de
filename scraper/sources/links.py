"""URLs found in the links of fetched pages: the home page, lab and programme pages, teasers.

docs/site.md, "Listings": there is no known diary index, so the home page, the lab pages
(`/vad-vi-gor/innovationslabbet-i-<ort>/`), the programme pages and the teasers of
the newest posts under every post are the ways a reader walks to posts. A
post known only from teasers (its page gone) is still found this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ..names import Source
from ..records import Candidate, Capture


def page_links(body: bytes | str, *, base_url: str) -> list[str]:
    """Every `<a href>` of an HTML page, absolute, in document order, without duplicates.

    Honours `<base href>`; skips `mailto:`, `javascript:` and the like (only http(s) is kept).
    """
    if not body:
        return []
    try:
        root = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    base = root.xpath("string(//base/@href)") or base_url
    base = urljoin(base_url, base)
    seen: dict[str, None] = {}
    for href in root.xpath("//a/@href"):
        href = str(href).strip()
        if not href or href.startswith("#"):
            continue
        absolute = urljoin(base, href).split("#", 1)[0]
        if absolute.startswith(("http://", "https://")):
            seen.setdefault(absolute, None)
    return list(seen)


def capture_links(capture: Capture) -> list[str]:
    """Links of a fetched HTML page, resolved against the URL it finally came from."""
    if "html" not in capture.content_type and capture.content_type:
        return []
    return page_links(capture.body, base_url=capture.final_url)


def read_links(capture: Capture, *, teaser_urls: Iterable[str | None] = (), all_links: bool) -> Iterator[Candidate]:
    """Candidates from one fetched page: its teasers' links, and (on hub pages) every link.

    Post pages give only their teasers' links: their other links are the site's
    menu and footer, which the hub pages already cover.
    """
    for url in teaser_urls:
        if url:
            yield Candidate(url, Source.TEASER, None)
    if all_links:
        for url in capture_links(capture):
            yield Candidate(url, Source.LINKS, None)
