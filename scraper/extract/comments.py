"""Readers' comments under a post: where they sit, so no layer takes a date or an author from them.

docs/site.md, "What stock WordPress prints": right under a post come readers' comments
(a name, a date, the text, a reply link), a comment form, previous/next links and
widgets. A commenter may even end a comment with a name and a role line, exactly like
the post's signature. What marks a comment, whatever the theme:

- an item: a short line naming the reader, then a date line (`19 december 2018 kl.
  14:02`) within two lines, confirmed by one more fact: the date links to the comment
  (`#comment-12`), the name line ends in `skriver:`/`says:`, a reply line (`Svara`)
  follows before the next date, or a comment class or id surrounds it; or, undated, a
  list item that opens with the reader's name in a `<cite>` inside a comment class or id;
- the form: a `<form>` with a text area that says it is for comments (`Lämna en
  kommentar`, `E-postadressen publiceras inte`, …) or posts to `wp-comments-post.php`.

Items, the form and a heading right before them (`2 svar till ”…”`, `Lämna en
kommentar`: what `lines.is_after_post` reads) make one section; a page may show more
(a widget of recent comments). Class names (`comment`, `comments`, `respond`) are
extra evidence only. The phrases and class tokens live in `selectors.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..dates import counts_back, match_date_line
from .document import Document
from .lines import is_after_post
from .selectors import (COMMENT_CLASSES, COMMENT_FORM_ACTIONS, COMMENT_FORM_PHRASES, COMMENT_LINK_FRAGMENTS,
                        COMMENTER_ENDINGS, REPLY_LINES)

_FORM_PHRASES = tuple(p.casefold() for p in COMMENT_FORM_PHRASES)
_REPLIES = frozenset(p.casefold() for p in REPLY_LINES)
_MAX_NAME = 80  # a reader's name line, with `skriver:`
_MAX_DATE = 40  # a comment's date line in a form no date rule reads (`December 20, 2018 at 2:02 pm`)
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MAX_GAP = 15  # lines from one comment's date to its reply line
_HEADING_LINES = 2  # a section heading sits at most this many lines before the first comment or the form
_COMMENT_HREFS = etree.XPath("//a/@href[contains(., 'comment-')]", smart_strings=False)
_COMMENT_NAMES = etree.XPath("(//@class | //@id)[contains(., 'comment') or contains(., 'respond')]",
                             smart_strings=False)


@dataclass(frozen=True)
class Comments:
    """Where readers' comments sit: sections of lines [start, end), and each comment's date line.

    A page may show more than one section: the comments under the post, and a
    "Senaste kommentarer" widget with readers' names and dates elsewhere.
    """

    sections: tuple[tuple[int, int], ...] = ()  # in page order; empty: no comments and no comment form
    dates: tuple[int, ...] = field(default_factory=tuple)

    def __contains__(self, line: int) -> bool:
        return any(start <= line < end for start, end in self.sections)

    @property
    def starts(self) -> frozenset[int]:
        """First lines of the sections: where a post above them ends."""
        return frozenset(start for start, _ in self.sections)


def read_comments(document: Document) -> Comments:
    """Find the readers' comment sections.

    The cheap test first: a page with no comment marker at all (a text area, a link to
    `#comment-N`, a `skriver:` or reply line, a comment class or id) has none, since
    every item and every form needs one of them.
    """
    if not _has_comment_marker(document):
        return Comments()
    lines = document.lines
    texts = [line.text for line in lines]
    dated = [_is_date_like(text) for text in texts]  # each line asked once, then looked up
    items = [(name, date) for date in range(len(lines)) if (name := _item_at(document, texts, dated, date)) is not None]
    spans = [(name, _item_end(texts, dated, date)) for name, date in items] + _undated_items(document)
    form = _comment_form(document, texts)
    if form is not None:
        spans.append(form)
    sections: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if sections and start <= sections[-1][1] + _HEADING_LINES:
            sections[-1] = (sections[-1][0], max(end, sections[-1][1]))  # the list, its heading, the form
        else:
            sections.append((_with_heading(texts, start), end))
    return Comments(sections=tuple(sections), dates=tuple(date for _, date in items))


def _has_comment_marker(document: Document) -> bool:
    """Whether the page shows any fact a comment item or a comment form is confirmed by."""
    tree = document.tree
    if next(tree.iter("textarea"), None) is not None:
        return True
    # every comment link's fragment holds `comment-`, and every comment class or id
    # `comment` or `respond`: a page whose source holds neither has none of them
    if "comment" in document.text or "respond" in document.text:
        if any(map(_is_comment_link, _COMMENT_HREFS(tree))):
            return True
        if any(not COMMENT_CLASSES.isdisjoint(name.split()) for name in _COMMENT_NAMES(tree)):
            return True
    short = (line.text.casefold() for line in document.lines if len(line.text) <= _MAX_NAME)
    return any(text.endswith(COMMENTER_ENDINGS) or text in _REPLIES for text in short)


def _with_heading(texts: list[str], start: int) -> int:
    """A section's first line: its heading (`2 svar till ”…”`) when one stands right before it."""
    for back in range(1, _HEADING_LINES + 1):
        if start - back >= 0 and is_after_post(texts[start - back]):
            return start - back
    return start


def _item_at(document: Document, texts: list[str], dated: list[bool], date: int) -> int | None:
    """The name line of a comment whose date line is `date`, or None when it is not one."""
    if not dated[date] and not any(e.tag == "time" for e in document.lines[date].inlines):
        return None
    for name in (date - 1, date - 2):
        if name < 0 or dated[name] or not _is_reader_name(texts[name]):
            continue
        if (any(_is_comment_link(href) for href in document.lines[date].links)
                or texts[name].casefold().endswith(COMMENTER_ENDINGS)
                or _item_end(texts, dated, date) > date + 1  # a reply line follows
                or _marked(document.lines[name].element) and _marked(document.lines[date].element)):
            return name
    return None


def _undated_items(document: Document) -> list[tuple[int, int]]:
    """Lines [start, end) of comments printed without a date (an old Disqus plugin's list, as
    the page holds it before its script runs): a list item that opens with the reader's name
    in a `<cite>`, as WordPress and Disqus print it, inside an element marked as comments."""
    spans = []
    for cite in document.tree.iter("cite"):
        item = next((e for e in cite.iterancestors() if e.tag == "li"), None)
        if item is not None and _marked(item):
            start, end = document.span(item)
            if end > start and document.line_of(cite) == start:
                spans.append((start, end))
    return spans


def _is_date_like(text: str) -> bool:
    """A date line, a short line with a year, or how long ago (`för 6 månader sedan`): a comment's
    date in whatever form the theme prints it."""
    return match_date_line(text) is not None or (len(text) <= _MAX_DATE and _YEAR_RE.search(text) is not None) \
        or counts_back(text)


def _is_reader_name(text: str) -> bool:
    """A line that may name a reader: short, and not a sentence (nor a date: the caller knows)."""
    return 0 < len(text) <= _MAX_NAME and not text.endswith((".", "!", "?"))


def _is_comment_link(href: str) -> bool:
    _, _, fragment = href.partition("#")
    return fragment.startswith(COMMENT_LINK_FRAGMENTS)


def _item_end(texts: list[str], dated: list[bool], date: int) -> int:
    """The first line after a comment: past its reply line, or just its date line when none comes
    before the next date line or a line that starts what follows a post (`Kommentarer`, a comment
    section's heading: a post's byline and date above it are no comment's, whatever reply line
    an undated comment under that heading has)."""
    for j in range(date + 1, min(date + 1 + _MAX_GAP, len(texts))):
        if texts[j].casefold() in _REPLIES:
            return j + 1
        if dated[j] or is_after_post(texts[j]):
            break
    return date + 1


def _comment_form(document: Document, texts: list[str]) -> tuple[int, int] | None:
    """Lines [start, end) of the comment form, or None."""
    for form in document.tree.iter("form"):
        if form.find(".//textarea") is None:
            continue
        inside = set(form.iter())
        shown = [line.index for line in document.lines if line.element in inside]
        if not shown:
            continue
        start, end = shown[0], shown[-1] + 1
        text = " ".join(texts[start:end]).casefold()
        heading = any(is_after_post(texts[j]) for j in range(max(start - _HEADING_LINES, 0), start + 1))
        action = (form.get("action") or "").rstrip("/")
        if action.endswith(COMMENT_FORM_ACTIONS) or heading or any(p in text for p in _FORM_PHRASES):
            return start, end
    return None


def _marked(element: Any) -> bool:
    """The element or one around it has a class or id that says it holds comments (extra evidence)."""
    for node in (element, *element.iterancestors()):
        tokens = (node.get("class") or "").split()
        if not COMMENT_CLASSES.isdisjoint(tokens) or node.get("id") in COMMENT_CLASSES:
            return True
    return False
