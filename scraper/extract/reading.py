"""A page read once through every layer: the readings classify, teasers and the post share.

Each layer reads the document on its own and returns its reading (`lines.line_facts`,
`structured`, `wordpress`, `comments`); none imports another. What structured data and
WordPress's classes name (titles, dates, the site's names) reaches the layout as `Hints`,
built here, and the titles reach the line facts too (a line that shows the named title
is the title, whatever its words). `post.py` then decides each field from these readings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .comments import Comments, read_comments
from .document import Document, element_text
from .layout import Hints, Layout, read_layout
from .lines import LineFacts, clean_title, line_facts, title_key
from .structured import Structured, read_structured, to_local_date
from .wordpress import WordPress, read_wordpress


@dataclass(frozen=True)
class Reading:
    """Every layer's reading of one page."""

    document: Document
    facts: LineFacts
    structured: Structured
    wordpress: WordPress
    comments: Comments
    layout: Layout


def read_layers(document: Document, *, api_title: str | None = None) -> Reading:
    """Read the page through every layer, once; `api_title` is the post's title as the REST API
    lists it, when it does."""
    structured = read_structured(document)
    wordpress = read_wordpress(document)
    hints = layout_hints(structured, wordpress, api_title=api_title)
    facts = line_facts(document, titles=hints.titles, page_title=hints.page_title)
    comments = read_comments(document)
    layout = read_layout(document, facts=facts, comments=comments, hints=hints)
    return Reading(document, facts, structured, wordpress, comments, layout)


def reading_of(page: Document | Reading) -> Reading:
    """`page` itself when it is already read, else its reading."""
    return page if isinstance(page, Reading) else read_layers(page)


def layout_hints(structured: Structured, wordpress: WordPress, *, api_title: str | None = None) -> Hints:
    """The titles, dates and account names metadata (and the REST API) name for the post, and the
    site's own names.

    The title of WordPress's `entry-title` counts only in an `<h1>`: teasers repeat the
    class, but not in the page's main heading.
    """
    site = structured.site_names
    named = [structured.og.get("og:title"), structured.jsonld.headline if structured.jsonld else None, api_title]
    titles = {title_key(t) for raw in named if (t := clean_title(raw, site))}
    for element in wordpress.titles[:1]:
        if element.tag == "h1" or any(a.tag == "h1" for a in element.iterancestors()):
            titles.add(title_key(element_text(element)))
    page_title = clean_title(structured.title_tag, site)
    dates = {structured.og.get("article:published_time"), structured.jsonld.published if structured.jsonld else None}
    authors = [*(structured.jsonld.authors if structured.jsonld else ()), *structured.meta_authors,
               *(name for _, name in wordpress.authors)]
    return Hints(titles=frozenset(titles), page_title=title_key(page_title) if page_title else None,
                 dates=frozenset(d for value in dates if (d := to_local_date(value))), site_names=site,
                 authors=frozenset(name.casefold() for name in authors))
