"""Teasers of other posts shown on a page, read as records of their own.

docs/site.md, "Teasers": after a post come teasers of the site's newest posts — date line,
title, an excerpt cut mid-word and ended with `...`, author name, role line. They
are found by that text layout (see `layout.py`), in any markup, and never lend
anything to the page they sit on; they serve to discover posts and cross-check them.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

from ..records import Teaser
from .document import Document
from .layout import TeaserBlock
from .reading import Reading, reading_of
from .lines import signed_name, strip_read_more

_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:")
_EXCERPT_START = 40  # characters that tell a teaser's excerpt apart from the page's own lines


class Excerpts:
    """The teasers' excerpts on a page, to tell their lines from the page's own text: a theme's card
    may show a whole first paragraph, as long as any running text."""

    def __init__(self, excerpts: Iterable[str | None]) -> None:
        self._starts = {text[:_EXCERPT_START] for text in excerpts if text}

    def __contains__(self, line: str) -> bool:
        """Whether `line` starts like one of the excerpts."""
        return line[:_EXCERPT_START] in self._starts


def extract_teasers(page: Document | Reading, *, is_post: bool | None = None) -> list[Teaser]:
    """Every teaser on the page, in page order; the page's own post is never one of them.

    On a page that is not a post (`is_post`, as the crawl classified it; when not given, one
    that cannot be: docs/site.md, "URLs": posts sit at `/<slug>/`; lab and programme pages,
    the home page are deeper or at the root), a first block that reads like a teaser is a
    teaser, not a post.
    """
    reading = reading_of(page)
    document, layout = reading.document, reading.layout
    blocks = list(layout.teasers)
    frame = layout.frame
    post = is_post if is_post is not None else _may_be_post(document.url)
    if frame is not None and frame.teaser_like and frame.date in layout.blocks and not post:
        blocks = sorted([layout.blocks[frame.date], *blocks], key=lambda b: b.start)
    return [_teaser(document, block) for block in blocks]


def _may_be_post(url: str) -> bool:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return len(segments) == 1 or "p=" in urlsplit(url).query


def _teaser(document: Document, block: TeaserBlock) -> Teaser:
    lines = document.lines
    excerpt = " ".join(strip_read_more(lines[j].text) for j in block.excerpt)
    return Teaser(
        url=_link(document, block),
        title=lines[block.title].text,
        published=block.published,
        excerpt=excerpt or None,
        author=signed_name(lines[block.name].text) if block.name is not None else None,
        role=lines[block.role].text if block.role is not None else None,
    )


def _link(document: Document, block: TeaserBlock) -> str | None:
    """The teaser's link: its title's anchor, else a `Läs mer` or card anchor in the block."""
    lines = document.lines
    order = [block.title, *range(block.start, block.end)]
    page = urlsplit(document.url)
    for index in order:
        for href in lines[index].links:
            href = href.strip()
            if not href or href.startswith(_NOT_LINKS):
                continue
            url = urldefrag(urljoin(document.base_url, href))[0]
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and (parts.netloc, parts.path) != (page.netloc, page.path):
                return url
    return None
