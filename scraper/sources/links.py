"""The links of a fetched HTML page, absolute and in document order.

The crawl follows them from the home page, its menu and the site's listings
(`listings.py` decides which pages list posts; docs/site.md, "Listings").
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ..records import Capture


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

