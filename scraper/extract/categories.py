"""The categories a post page shows for its own post: names, or slugs where only those are printed.

docs/site.md, "The diary among the rest of the site": WordPress records each post's
categories and themes print them as `category-<slug>` class tokens on the post's
element, as links to the category's archive (`/category/dagbok/`, `rel="category tag"`),
or in a line such as `Kategoriserad som Dagbok`. Only the post's own region is read
(its first `<article>` that is not a reader's comment, else `<main>`), never teasers of other posts after it. The
words are data in `selectors.py`; scraper/diary.py compares names and slugs alike.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from .document import Document, element_text
from .selectors import CATEGORY_CLASS_PREFIX, CATEGORY_PREFIXES, CATEGORY_SEGMENTS

_SPLIT = re.compile(r"\s*(?:,|\||·|•|\boch\b|\band\b)\s*")


def category_of_archive(url: str) -> str | None:
    """The category slug of a category archive or one of its pages (`/category/dagbok/page/2/` → `dagbok`).

    The archive lists the posts of that category, so a post listed there is in it: the
    evidence a Wayback crawl has where a post's own page shows no categories.
    """
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if len(segments) >= 2 and segments[0].lower() in CATEGORY_SEGMENTS:
        return segments[1]
    return None


def read_categories(document: Document) -> tuple[str, ...]:
    """The post's categories in page order, each once; () when the page shows none."""
    root = document.tree
    region = next((a for a in root.iter("article") if "comment" not in (a.get("class") or "")), None)
    if region is None:  # readers' comments may be articles of their own
        region = next(root.iter("main"), None)
    found: dict[str, None] = {}
    for element in (next(root.iter("body"), None), region):
        if element is None:
            continue
        for token in (element.get("class") or "").split():
            if token.startswith(CATEGORY_CLASS_PREFIX) and len(token) > len(CATEGORY_CLASS_PREFIX):
                found.setdefault(token[len(CATEGORY_CLASS_PREFIX):], None)
    page_names_category = _may_name_category(document.base_url)  # a relative link may keep the page's path
    for anchor in (region if region is not None else root).iter("a"):
        rels = (anchor.get("rel") or "").lower().split()
        href = anchor.get("href") or ""
        if "category" not in rels and not (
                (page_names_category or _may_name_category(href)) and category_of_archive(urljoin(document.base_url, href))):
            continue
        if any("comment" in (a.get("class") or "") for a in anchor.iterancestors("article")):
            continue  # a reader's comment
        name = element_text(anchor)
        if name:
            found.setdefault(name, None)
    if not found:
        for line in document.lines:
            if not line.text.startswith(CATEGORY_PREFIXES):
                continue
            for prefix in CATEGORY_PREFIXES:
                if line.text.startswith(prefix) and len(line.text) > len(prefix) + 1:
                    for name in _SPLIT.split(line.text[len(prefix):].strip(" :")):
                        if name:
                            found.setdefault(name, None)
                    return tuple(found)
    return tuple(found)


def _may_name_category(text: str) -> bool:
    """The cheap test before resolving a link: a category archive's address holds a category word
    (or a percent-encoded one)."""
    lowered = text.lower()
    return "%" in text or any(word in lowered for word in CATEGORY_SEGMENTS)
