"""Readers' comments under a post: where they sit, so no layer takes a date or an author from them.

docs/site.md, "What stock WordPress prints": right under a post come readers' comments
(a name, a date, the text, a reply link), a comment form, previous/next links and
widgets. A commenter may even end a comment with a name and a role line, exactly like
the post's signature. What marks a comment, whatever the theme:

- an item: a short line naming the reader, then a date line (`19 december 2018 kl.
  14:02`) within two lines, confirmed by one more fact: the date links to the comment
  (`#comment-12`), the name line ends in `skriver:`/`says:`, a reply line (`Svara`)
  follows before the next date, or a comment class or id surrounds it;
- the form: a `<form>` with a text area that says it is for comments (`Lämna en
  kommentar`, `E-postadressen publiceras inte`, …) or posts to `wp-comments-post.php`.

A heading such as `2 svar till ”…”` or `Lämna en kommentar` right before either belongs
to the section. Class names (`comment`, `comments`, `respond`) are extra evidence only.
The phrases and class tokens live in `selectors.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dates import match_date_line
from .document import Document
from .selectors import (COMMENT_CLASSES, COMMENT_FORM_ACTIONS, COMMENT_FORM_PHRASES, COMMENT_HEADING_PATTERNS,
                        COMMENT_LINK_FRAGMENTS, COMMENTER_SUFFIXES, REPLY_LINES)

_HEADING_RE = re.compile("|".join(f"(?:{p})" for p in COMMENT_HEADING_PATTERNS), re.IGNORECASE)
_FORM_PHRASES = tuple(p.casefold() for p in COMMENT_FORM_PHRASES)
_REPLIES = frozenset(p.casefold() for p in REPLY_LINES)
_MAX_NAME = 80  # a reader's name line, with `skriver:`
_MAX_GAP = 15  # lines from one comment's date to its reply line
_HEADING_LINES = 2  # a section heading sits at most this many lines before the first comment or the form


@dataclass(frozen=True)
class Comments:
    """The readers' comment section of a page: lines [start, end), and each comment's date line."""

    start: int | None = None  # None: the page shows no comments and no comment form
    end: int = 0
    dates: tuple[int, ...] = field(default_factory=tuple)

    def __contains__(self, line: int) -> bool:
        return self.start is not None and self.start <= line < self.end


def read_comments(document: Document) -> Comments:
    """Find the readers' comment section (cached)."""
    return document.memo("comments", lambda: _read(document))


def _read(document: Document) -> Comments:
    lines = document.lines
    texts = [line.text for line in lines]
    marked: list[set[int]] = []  # computed only if a comment's shape needs this extra evidence
    items = [(name, date) for date in range(len(lines))
             if (name := _item_at(document, texts, date, marked)) is not None]
    spans = [(name, _item_end(texts, date)) for name, date in items]
    form = _comment_form(document, texts)
    if form is not None:
        spans.append(form)
    if not spans:
        return Comments()
    start = min(s for s, _ in spans)
    for back in range(1, _HEADING_LINES + 1):
        if start - back >= 0 and _HEADING_RE.search(texts[start - back]):
            start -= back
            break
    return Comments(start=start, end=max(e for _, e in spans), dates=tuple(date for _, date in items))


def _item_at(document: Document, texts: list[str], date: int, marked: list[set[int]]) -> int | None:
    """The name line of a comment whose date line is `date`, or None when it is not one."""
    line = document.lines[date]
    has_time = any(e.tag == "time" for e in line.inlines)
    if not has_time and match_date_line(texts[date]) is None:
        return None
    for name in (date - 1, date - 2):
        if name < 0 or not _is_reader_name(texts[name]):
            continue
        if (any(_is_comment_link(href) for href in document.lines[date].links)
                or texts[name].casefold().endswith(COMMENTER_SUFFIXES)
                or _reply_follows(texts, date)):
            return name
        if not marked:
            marked.append(_marked_lines(document))
        if name in marked[0] and date in marked[0]:
            return name
    return None


def _is_reader_name(text: str) -> bool:
    """A line that may name a reader: short, and not a sentence or a date."""
    return 0 < len(text) <= _MAX_NAME and not text.endswith((".", "!", "?")) and match_date_line(text) is None


def _is_comment_link(href: str) -> bool:
    _, _, fragment = href.partition("#")
    return fragment.startswith(COMMENT_LINK_FRAGMENTS)


def _reply_follows(texts: list[str], date: int) -> bool:
    """A reply line (`Svara`) comes after the date line, before any other date line."""
    for j in range(date + 1, min(date + 1 + _MAX_GAP, len(texts))):
        if texts[j].casefold() in _REPLIES:
            return True
        if match_date_line(texts[j]) is not None:
            return False
    return False


def _item_end(texts: list[str], date: int) -> int:
    """The first line after a comment: past its reply line, or just its date line when none is seen."""
    for j in range(date + 1, min(date + 1 + _MAX_GAP, len(texts))):
        if texts[j].casefold() in _REPLIES:
            return j + 1
    return date + 1


def _comment_form(document: Document, texts: list[str]) -> tuple[int, int] | None:
    """Lines [start, end) of the comment form, or None."""
    for form in document.tree.iter("form"):
        if form.find(".//textarea") is None:
            continue
        start, end = document.span(form)
        before = " ".join(texts[max(start - _HEADING_LINES, 0):end]).casefold()
        action = (form.get("action") or "").rstrip("/")
        if action.endswith(COMMENT_FORM_ACTIONS) or any(p in before for p in _FORM_PHRASES):
            return start, end
    return None


def _marked_lines(document: Document) -> set[int]:
    """Lines inside an element whose class or id says it holds comments (extra evidence)."""
    marked: set[int] = set()
    for element in document.tree.iter():
        if not isinstance(element.tag, str):
            continue
        tokens = (element.get("class") or "").split()
        tokens.append(element.get("id") or "")
        if not COMMENT_CLASSES.isdisjoint(tokens):
            start, end = document.span(element)
            marked.update(range(start, end))
    return marked
