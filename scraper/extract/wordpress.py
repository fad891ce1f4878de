"""The WordPress layer: what a WordPress theme's conventional class names say.

docs/site.md, "Platform": the site runs WordPress (oEmbed views, REST API), so a theme may mark the
post with `hentry`, `entry-title`, `entry-content`, `published`/`updated` and a
`byline`/`author vcard`, and `<body>` with `single-post postid-123` (`page page-id-12` on one
of WordPress's pages, whose shortlink is `?page_id=12`). Themes differ
and teasers repeat the post's own classes, so this layer only *finds* elements; the
layout layer decides which of them belongs to the post (see `post.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .document import Document, element_text
from .selectors import (WP_AUTHOR_CLASSES, WP_CONTENT_CLASSES, WP_DATE_CLASSES, WP_POST_CLASSES,
                        WP_SINGLE_BODY_CLASSES, WP_TITLE_CLASSES, WP_UPDATED_CLASSES)

_POST_ID_RE = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")
_PAGE_ID_RE = re.compile(r"(?:^|\s)page-id-\d+(?:\s|$)")  # body_class() of one of WordPress's pages
_PAGE_LINK_RE = re.compile(r"[?&]page_id=\d+|/wp/v2/pages/\d+")  # its shortlink, its REST API address


@dataclass
class WordPress:
    """Elements marked with WordPress's class conventions, in page order."""

    single: bool = False  # <body class="single-post …"> or postid-N
    page: bool = False  # WordPress says it shows one of its pages, not a post (`page-id-N`, `?page_id=N`)
    post_id: int | None = None
    titles: list[Any] = field(default_factory=list)
    contents: list[Any] = field(default_factory=list)
    dates: list[tuple[Any, str]] = field(default_factory=list)  # (element, datetime attr or text)
    modified: list[tuple[Any, str]] = field(default_factory=list)
    authors: list[tuple[Any, str]] = field(default_factory=list)  # (element, visible name)
    articles: list[Any] = field(default_factory=list)  # hentry / type-post elements

    @property
    def found(self) -> bool:
        return bool(self.single or self.titles or self.contents or self.articles)


def _date_value(element: Any) -> str:
    return (element.get("datetime") or element.get("content") or element.get("title")
            or element_text(element))


def _outermost(elements: list[Any]) -> list[Any]:
    """Drop elements nested inside another one of the list (`.entry-content` inside `.post-content`)."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def read_wordpress(document: Document) -> WordPress:
    """Find WordPress-marked elements on the page."""
    found = WordPress()
    body = document.tree.find("body")
    classes = (body.get("class") or "") if body is not None else ""
    match = _POST_ID_RE.search(classes)
    found.post_id = int(match.group(1)) if match else None
    found.single = bool(match) or not set(WP_SINGLE_BODY_CLASSES).isdisjoint(classes.split())
    found.page = bool(_PAGE_ID_RE.search(classes)) or any(
        _PAGE_LINK_RE.search(link.get("href") or "") for link in document.tree.iter("link"))
    found.titles = [e for e in document.with_class(*WP_TITLE_CLASSES) if e.tag not in ("body", "html")
                    and element_text(e)]
    found.contents = _outermost(document.with_class(*WP_CONTENT_CLASSES, "itemprop:articleBody"))
    found.dates = [(e, v) for e in document.with_class(*WP_DATE_CLASSES) if (v := _date_value(e))]
    found.modified = [(e, v) for e in document.with_class(*WP_UPDATED_CLASSES) if (v := _date_value(e))]
    seen: set[str] = set()
    for element in document.with_class(*WP_AUTHOR_CLASSES, "rel:author", "itemprop:author"):
        if element.tag in ("body", "html", "article", "meta", "link"):
            continue
        inner = [e for e in element.iterdescendants() if "fn" in (e.get("class") or "").split()]
        name = element_text(inner[0] if inner else element)
        if name and name not in seen:
            seen.add(name)
            found.authors.append((element, name))
    found.articles = [e for e in document.with_class(*WP_POST_CLASSES) if e.tag not in ("body", "html")]
    return found
