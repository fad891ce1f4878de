"""The structured layers: JSON-LD, OpenGraph/`article:` meta, `<time datetime>`, canonical.

These are the cheapest readings of a page and usually right about the date, but
docs/site.md ("What stock WordPress prints", "Field rules") says what they get
wrong on a WordPress site: `og:title` and `<title>`
carry a site-name suffix or are the site name alone, a JSON-LD author can be an
editor's account, a timestamp can be UTC or the modified time. So `post.py` uses
them as evidence and cross-checks, and the page's visible text decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from ..dates import InvalidTimestamp, local_date
from ..site import same_page
from .document import Document, element_text, normalise_space
from .selectors import JSONLD_ARTICLE_TYPES, JSONLD_PAGE_TYPES, SITE_NAMES

_JSONLD_WRAPPING_RE = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


@dataclass(frozen=True)
class JsonLd:
    """What the page's JSON-LD says about its main article (or, failing one, its web page)."""

    type: str
    headline: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    description: str | None = None
    url: str | None = None


@dataclass
class Structured:
    """All structured readings of one page; each field None when the page has none."""

    jsonld: JsonLd | None = None
    og: dict[str, str] = field(default_factory=dict)  # og:* and article:* properties, first value each
    meta_authors: tuple[str, ...] = ()  # <meta name="author">, dc.creator
    title_tag: str | None = None
    canonical: str | None = None
    times: list[tuple[Any, str]] = field(default_factory=list)  # (element, datetime value), page order
    site_names: frozenset[str] = SITE_NAMES


def read_structured(document: Document) -> Structured:
    """Read JSON-LD, meta properties, `<time>` elements and the canonical link."""
    tree = document.tree
    found = Structured()
    site_names = set(SITE_NAMES)
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if not key or content is None:
            continue
        content = normalise_space(content)
        if key.startswith(("og:", "article:")):
            found.og.setdefault(key, content)
        elif key in ("author", "dc.creator", "dcterms.creator", "dc:creator") and content:
            found.meta_authors += (content,)
    if found.og.get("og:site_name"):
        site_names.add(found.og["og:site_name"].casefold())
    title = tree.find(".//title")
    if title is not None:
        found.title_tag = element_text(title) or None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            found.canonical = link.get("href").strip()
            break
    for element in tree.iter("time"):
        value = element.get("datetime")
        if value and value.strip():
            found.times.append((element, value.strip()))
    for element in document.with_class("itemprop:datePublished"):
        value = element.get("content") or element.get("datetime")
        if element.tag != "time" and value and value.strip():
            found.times.append((element, value.strip()))
    nodes = list(_jsonld_nodes(tree))
    found.jsonld = _main_jsonld(nodes, document.url, site_names)
    found.site_names = frozenset(site_names)
    return found


def _jsonld_nodes(tree: Any):
    """Every object in every JSON-LD script, `@graph` members included."""
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = _JSONLD_WRAPPING_RE.sub("", script.text or "")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, (str, int, float)):
        return normalise_space(str(value)) or None
    return None


def _main_jsonld(nodes: list[dict], page_url: str, site_names: set[str]) -> JsonLd | None:
    """The article the page is about: the article node naming this URL, else the first one."""
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    for node in nodes:
        if _types(node) & {"WebSite", "Organization"}:
            name = _text(node.get("name"))
            if name:
                site_names.add(name.casefold())
    articles = [n for n in nodes if _types(n) & JSONLD_ARTICLE_TYPES]
    pages = [n for n in nodes if _types(n) & JSONLD_PAGE_TYPES]

    def names_page(node: dict) -> bool:
        for key in ("url", "@id", "mainEntityOfPage"):
            value = node.get(key)
            value = value.get("@id") if isinstance(value, dict) else value
            if isinstance(value, str) and same_page(value, page_url):
                return True
        return False

    chosen = next((n for n in articles if names_page(n)), articles[0] if articles else None)
    if chosen is None:
        chosen = next((n for n in pages if names_page(n)), pages[0] if pages else None)
    if chosen is None:
        return None
    authors = []
    raw_authors = chosen.get("author")
    for author in raw_authors if isinstance(raw_authors, list) else [raw_authors]:
        if isinstance(author, dict) and "name" not in author and isinstance(author.get("@id"), str):
            author = by_id.get(author["@id"], author)
        name = _text(author)
        if name:
            authors.append(name)
    url = chosen.get("url") or chosen.get("mainEntityOfPage")
    url = url.get("@id") if isinstance(url, dict) else url
    return JsonLd(
        type=sorted(_types(chosen))[0],
        headline=_text(chosen.get("headline")) or _text(chosen.get("name")),
        published=_text(chosen.get("datePublished")),
        modified=_text(chosen.get("dateModified")),
        authors=tuple(authors),
        description=_text(chosen.get("description")),
        url=url if isinstance(url, str) else None,
    )


def to_local_date(value: str | None) -> date | None:
    """The Stockholm date of an ISO timestamp (never shifted by UTC), or None if unreadable."""
    if not value:
        return None
    try:
        return local_date(value)
    except (InvalidTimestamp, ValueError):
        return None


def to_utc(value: str | None) -> datetime | None:
    """An ISO timestamp with an offset as aware UTC; naive or unreadable → None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else None
