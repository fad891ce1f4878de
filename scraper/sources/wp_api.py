"""Posts listed by the WordPress REST API (`/wp-json/wp/v2/posts`).

docs/site.md, "Endpoints": WordPress answers `?per_page=100&page=N` with `X-WP-TotalPages` and an
HTTP 400 past the last page; each item has `link`, `modified_gmt` and `date` (the
post's local date and time, which themes print: passed on as the `api` reading). Ordering by
`modified` (newest first) lets an incremental run stop paging as soon as a page
ends with items no newer than the newest `modified` already stored. Each item's
`categories` are ids; their names come from `/wp-json/wp/v2/categories`, asked once. Its
`title.rendered` (HTML) travels with the candidate as text: a hint that finds the post's
title on a page that shows no date (docs/site.md, "Field rules"); of its `content.rendered`
only the number of words travels: a page whose body holds far fewer was cut short.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection, Iterator, Mapping
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urljoin

from ..dates import InvalidTimestamp, local_date
from ..names import Source
from ..records import Candidate, Validators
from . import TAG_RE, Event, Listing, PageFetcher, SourceEnd, fetch_listing, page_end, parse_utc, rendered_words

PER_PAGE = 100
MAX_TITLE = 500  # characters of a rendered title kept; a longer `rendered` is no title
MAX_PAGES = 500  # 50 000 posts: far beyond the diary, a guard against a server that never says "last page"


def api_page_url(site: str, page: int, *, per_page: int = PER_PAGE) -> str:
    return urljoin(site, f"/wp-json/wp/v2/posts?per_page={per_page}&page={page}&orderby=modified&order=desc")


def categories_url(site: str) -> str:
    return urljoin(site, f"/wp-json/wp/v2/categories?per_page={PER_PAGE}")


def _slim(item: dict) -> dict | str | int | None:
    """What discovery reads of a JSON object: a post's link, dates, categories, title and length.

    Objects are slimmed from the inside out: `{"rendered": "…"}` alone (a title) becomes its
    text first, and a text that says whether it is `protected` (content and excerpt) its
    number of words (None when protected: WordPress then renders it empty); the rest without
    a `link` (`_links`) becomes None.
    """
    if "link" not in item:
        rendered = item.get("rendered")
        if not isinstance(rendered, str):
            return None
        if len(item) == 1:
            return rendered if len(rendered) <= MAX_TITLE else None
        return rendered_words(rendered) if item.get("protected") is False else None
    content = item.get("content")
    return {"link": item["link"], "modified_gmt": item.get("modified_gmt"), "date": item.get("date"),
            "categories": item.get("categories"), "title": item.get("title"),
            "words": content if isinstance(content, int) and not isinstance(content, bool) else None}


def _items(body: bytes) -> list | None:
    """The page's items, each slimmed as soon as it is parsed: a page's content is never held whole."""
    try:
        items = json.loads(body.decode("utf-8-sig"), object_hook=_slim)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return items if isinstance(items, list) else None


class _Entry(NamedTuple):
    """One listed post as discovery reads it."""

    link: str
    modified: datetime | None  # `modified_gmt`
    published: date | None  # the day of the local `date`
    category_ids: list[int]
    title: str | None
    words: int | None  # in `content.rendered`


def _entries(body: bytes, url: str) -> list[_Entry] | None:
    """Each listed post; None when the body is not a JSON list."""
    items = _items(body)
    if items is None:
        return None
    return [
        _Entry(urljoin(url, item["link"]), parse_utc(item.get("modified_gmt")), _local_day(item.get("date")),
               [c for c in item.get("categories") or [] if isinstance(c, int)], _title_text(item.get("title")),
               item.get("words"))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("link"), str)
    ]


def _title_text(rendered: object) -> str | None:
    """A rendered title as the page shows it: tags dropped, entities read (`&#8211;` is `–`)."""
    if not isinstance(rendered, str):
        return None
    return " ".join(html.unescape(TAG_RE.sub("", rendered)).split()) or None


def _local_day(value: object) -> date | None:
    """The day of the API's `date` (site-local time, no offset), or None when it is missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return local_date(value)
    except InvalidTimestamp:
        return None


def parse_categories(body: bytes) -> dict[int, str]:
    """`/wp-json/wp/v2/categories`: id → name (WordPress HTML-escapes names: `&amp;` → `&`)."""
    try:
        items = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(items, list):
        return {}
    return {item["id"]: html.unescape(str(item["name"])) for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), int) and item.get("name")}


def _category_names(site: str, fetcher: PageFetcher) -> Iterator[Event | dict[int, str]]:
    """Fetch the category names once (yielding the page as a Listing), then the id → name map."""
    listing, capture = fetch_listing(fetcher, categories_url(site), Source.API)
    yield listing
    yield parse_categories(capture.body) if capture is not None and capture.status == 200 else {}


def newest_modified(known: Mapping[str, Validators]) -> datetime | None:
    return max((v.modified for v in known.values() if v.modified is not None), default=None)


def read_api(
    site: str, fetcher: PageFetcher, *, known: Mapping[str, Validators] = {}, per_page: int = PER_PAGE,
    absent: Collection[str] = frozenset(),
) -> Iterator[Event]:
    """Yield a Candidate per post the API lists, page by page; see the module doc for stopping.

    A first page in `absent` (it answered 404 lately) is not asked: the site offers no API.
    """
    since = newest_modified(known)
    if api_page_url(site, 1, per_page=per_page) in absent:
        yield SourceEnd(Source.API, found=False, unchanged=False, complete=True)
        return
    page = 1
    names: dict[int, str] | None = None  # category id → name, asked once when items name categories
    total_pages: int | None = None
    seen: set[str] = set()
    while page <= MAX_PAGES:
        url = api_page_url(site, page, per_page=per_page)
        stored = known.get(url) if page == 1 else None
        listing, capture = fetch_listing(fetcher, url, Source.API, validators=stored)
        # A 400 on page 1 means the site has no API, which is complete in its way: the API lists nothing.
        end = page_end(Source.API, listing, capture, page=page, stored=stored)
        if end is not None:
            yield listing
            yield end
            return
        entries = _entries(capture.body, url)
        if entries is None:
            yield Listing(url, Source.API, capture, error=f"{url} is not a JSON list of posts")
            yield SourceEnd(Source.API, found=page > 1, unchanged=False, complete=False)
            return
        header = capture.headers.get("x-wp-totalpages", "")
        # A page of 100 posts with their content is large: it is not held while the next one is fetched.
        yield listing
        del listing, capture
        if names is None and any(entry.category_ids for entry in entries):
            for event in _category_names(site, fetcher):
                if isinstance(event, dict):
                    names = event
                else:
                    yield event
        oldest: datetime | None = None
        fresh = 0
        for entry in entries:
            if entry.modified is not None and (oldest is None or entry.modified < oldest):
                oldest = entry.modified
            if entry.link not in seen:
                seen.add(entry.link)
                fresh += 1
                categories = tuple(names[i] for i in entry.category_ids if names and i in names)
                yield Candidate(entry.link, Source.API, entry.modified, entry.published, categories, entry.title,
                                entry.words)
        if header.isdigit():
            total_pages = int(header)
        if not fresh or (total_pages is not None and page >= total_pages):
            # the last page, or a server that ignores `page` and repeats itself
            yield SourceEnd(Source.API, found=True, unchanged=False, complete=True)
            return
        if since is not None and oldest is not None and oldest <= since:
            # Older pages hold only posts already stored unchanged (ordered by modified).
            yield SourceEnd(Source.API, found=True, unchanged=False, complete=False)
            return
        page += 1
    yield SourceEnd(Source.API, found=True, unchanged=False, complete=False)
