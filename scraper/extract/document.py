"""A captured page decoded once, parsed once, and read as lines of visible text.

Every layer works on the same `Document`: the structured layers on its lxml tree,
the layout layer on its `lines`, the page's visible text in reading order. Each
line remembers the block element it sits in, so a layer that reasons about text
(docs/site.md, "A post page": date line, title, body, signature) can still ask where a line
is in the tree (a heading? inside `<nav>`? inside the element WordPress calls
`entry-content`?).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from lxml import etree

from ..records import Capture
from .selectors import (BLOCK_TAGS, HIDDEN_CLASSES, INDEXED_ATTRIBUTES, INDEXED_CLASSES, NAVIGATION_TAGS,
                        SKIP_TAGS, TRACKED_INLINE_TAGS)

T = TypeVar("T")

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters a browser does not show; removed so they cannot split a name or a date.
INVISIBLE_CHARACTERS = "\u200b\ufeff\u00ad\u200e\u200f"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "l1", "iso8859-1", "us-ascii", "ascii", "windows-1252",
                "cp1252", "iso-8859-15", "latin-9"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# UTF-8 read as windows-1252 somewhere before the page was served: å ä ö Å Ä Ö é ’ – … “ as they then look.
MOJIBAKE = ("Ã¥", "Ã¤", "Ã¶", "Ã…", "Ã„", "Ã–", "Ã©", "â€™", "â€“", "â€¦", "â€œ")


# A plain lxml HTML parser: lxml.html's element classes cost a Python call per element.
# huge_tree lifts libxml2's nesting limit of 256, past which a legacy page of unclosed
# <font> tags would silently lose its text.
_PARSER = etree.HTMLParser(remove_pis=True, huge_tree=True)
_UTF8_PARSER = etree.HTMLParser(remove_pis=True, huge_tree=True, encoding="utf-8")


def element_text(element: Any) -> str:
    """An element's text with whitespace normalised (what `text_content()` gives, tidied)."""
    return normalise_space("".join(element.itertext()))


def normalise_space(text: str) -> str:
    """Runs of whitespace (NBSP included) become one space; invisible characters go."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already normal: every other whitespace and invisible character is unprintable
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    return " ".join(text.split())


class Line:
    """One line of visible text: what a reader sees between two line breaks."""

    __slots__ = ("index", "text", "element", "inlines")

    def __init__(self, index: int, text: str, element: Any, inlines: tuple = ()) -> None:
        self.index = index
        self.text = text
        self.element = element  # the innermost block element the line sits in
        self.inlines = inlines  # tracked inline elements (a, time, b, strong, font…) in or around the line

    @property
    def links(self) -> tuple[str, ...]:
        """hrefs of the anchors in or around the line, in order."""
        return tuple(dict.fromkeys(h for e in self.inlines if e.tag == "a" and (h := e.get("href"))))

    def __repr__(self) -> str:
        return f"Line({self.index}, {self.text!r}, <{self.element.tag}>)"


@dataclass(eq=False)
class Document:
    """A page ready for the layers: text decoded once, one tree, its lines."""

    capture: Capture
    text: str
    encoding: str
    tree: Any  # lxml root element (<html>)
    base_url: str
    warning: str | None = None  # why the text may not be what was written (see `charset_warning`)
    _lines: list[Line] | None = None
    _spans: dict[Any, tuple[int, int]] = field(default_factory=dict)
    _classes: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)
    _every_span: bool = False

    @property
    def url(self) -> str:
        return self.capture.final_url or self.capture.url

    @property
    def lines(self) -> list[Line]:
        """The page's visible text in reading order, one entry per rendered line."""
        if self._lines is None:
            self._lines, self._spans, self._classes = _read_lines(self.tree)
        return self._lines

    def with_class(self, *tokens: str) -> list[Any]:
        """Elements in page order whose class has one of `tokens` (selectors.INDEXED_CLASSES);
        `itemprop:<name>` and `rel:<value>` ask for those attributes instead."""
        self.lines
        found = {id(e): (n, e) for t in tokens for n, e in self._classes.get(t, ())}
        return [e for _, e in sorted(found.values(), key=lambda pair: pair[0])]

    def span(self, element: Any) -> tuple[int, int]:
        """The lines [start, end) that an element's text occupies ((n, n) when it shows none)."""
        self.lines
        found = self._spans.get(element)
        if found is None and not self._every_span:
            # The walk noted the elements the layers ask about; any other is looked up in a
            # second walk that notes every element (rare, and then once per page).
            self._spans = _read_lines(self.tree, every_span=True)[1]
            self._every_span = True
            found = self._spans.get(element)
        return found or (0, 0)

    def line_of(self, element: Any) -> int | None:
        """Index of the first line showing text of `element`, or None."""
        start, end = self.span(element)
        return start if end > start else None

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a layer's reading of this document once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def decode(capture: Capture) -> tuple[str, str]:
    """Return (text, encoding) of a capture's body.

    Order: a byte-order mark, the Content-Type charset, a `<meta charset>`, then
    UTF-8 with windows-1252 as the fallback. A declaration that the bytes
    contradict is not believed: cp1252 bytes declared as UTF-8 (a legacy server)
    come out as cp1252, and valid UTF-8 declared as a single-byte charset comes
    out as UTF-8 (valid multi-byte UTF-8 does not happen by chance in Swedish text).
    """
    body = capture.body
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name.replace("-sig", "")
    declared = declared_charsets(capture)
    utf8: str | None = None
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for name in declared:
        if not name:
            continue
        name = "windows-1252" if name in _SINGLE_BYTE else name
        if name == "windows-1252" and utf8 is not None and not body.isascii():
            return utf8, "utf-8"
        if name in ("utf-8", "utf8"):
            if utf8 is None:
                continue  # the declaration lies; fall through to the fallback
            return utf8, "utf-8"
        try:
            return body.decode(name), name
        except (LookupError, UnicodeDecodeError):
            continue
    if utf8 is not None:
        return utf8, "utf-8"
    return body.decode("windows-1252", errors="replace"), "windows-1252"


def declared_charsets(capture: Capture) -> list[str | None]:
    """The charset the Content-Type header names, then a `<meta charset>`'s (None or absent when not given)."""
    declared = [capture.charset]
    match = _META_CHARSET_RE.search(capture.body[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "replace").lower())
    return declared


def charset_warning(capture: Capture, text: str, encoding: str) -> str | None:
    """Why a page's text may not be what its author wrote, or None.

    A charset label the bytes contradict (`decode` then read them as they are), or text
    that is already mojibake (UTF-8 read as windows-1252 before it was served: `Ã¤` for
    `ä`), which no label can undo; the text is kept as published either way.
    """
    for label in declared_charsets(capture):
        if label and _codec(label) is None:
            return f"the charset label {label} is unknown, read as {encoding}"
        if label and _codec(label) != _codec(encoding):
            return f"the charset label {label} contradicts the bytes, read as {encoding}"
    found = next((marker for marker in MOJIBAKE if marker in text), None)
    if found is not None:
        return f"the text holds mojibake ({found}: UTF-8 read as windows-1252 before it was served), kept as published"
    return None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup("windows-1252" if name.lower() in _SINGLE_BYTE else name).name
    except LookupError:
        return None


def parse_document(capture: Capture) -> Document:
    """Decode and parse a captured page once; lines are read on first use."""
    text, encoding = decode(capture)
    if encoding == "utf-8" and not capture.body.startswith(codecs.BOM_UTF8):
        # The bytes are valid UTF-8: libxml2 reads them as they are, which is cheaper than
        # handing it the decoded text (and it never believes a <meta charset> over us).
        source, parser = capture.body, _UTF8_PARSER
    else:
        source, parser = _XML_DECLARATION_RE.sub("", text, count=1), _PARSER
    tree = None
    if source.strip():
        try:
            tree = etree.fromstring(source, parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            tree = None
    if tree is None:
        tree = etree.fromstring("<html><body></body></html>", _PARSER)
    base_url = capture.final_url or capture.url
    href = next((h for base in tree.iter("base") if (h := base.get("href")) is not None), None)
    if href is not None:
        from urllib.parse import urljoin

        base_url = urljoin(base_url, href.strip())
    return Document(capture=capture, text=text, encoding=encoding, tree=tree, base_url=base_url,
                    warning=charset_warning(capture, text, encoding) if capture.body else None)


def _hides(style: str) -> bool:
    compact = style.replace(" ", "").lower()
    return "display:none" in compact or "visibility:hidden" in compact


# What each element is to the walk, kept on a stack so the end event need not ask its tag again.
_PLAIN, _BLOCK, _NOTED_BLOCK, _INLINE, _NOTED, _BREAK, _SKIPPED = range(7)
_WATCHED_CLASSES = INDEXED_CLASSES | HIDDEN_CLASSES
_SPECIAL_ATTRIBUTES = frozenset(INDEXED_ATTRIBUTES) | {"hidden", "aria-hidden", "style"}


def _read_lines(root: Any, *, scrub: bool = False, every_span: bool = False
                ) -> tuple[list[Line], dict[Any, tuple[int, int]], dict[str, list[tuple[int, Any]]]]:
    """Walk the tree once: cut its visible text into lines at block boundaries and `<br>`,
    note the span of lines of the elements the layers ask about (indexed, `<nav>`, tracked
    inline elements; with `every_span`, of every element that has attributes or is a block),
    and index the class tokens and attributes the layers look for.

    This is the hot path of extraction, so it does as little per element as it can.
    Hidden text (`hidden`, `aria-hidden`, `display:none`, screen-reader-only classes) is
    skipped like scripts: a browser does not show it. Most lines need no normalisation
    (printable, single spaces), and only those that do are looked at closely. Invisible
    characters (soft hyphens, zero-width spaces) are rare: a page that has them is walked
    again with `scrub`, which removes them line by line.
    """
    lines: list[Line] = []
    spans: dict[Any, tuple[int, int]] = {}
    classes: dict[str, list[tuple[int, Any]]] = {}
    starts: dict[Any, int] = {}
    kinds: list[int] = []
    parts: list[str] = []
    inlines: list[Any] = []  # tracked inline elements that started in the current line
    open_inlines: list[Any] = []  # tracked inline elements still open
    blocks: list[Any] = [root]
    block_tags, skip_tags, tracked_tags, navigation_tags = BLOCK_TAGS, SKIP_TAGS, TRACKED_INLINE_TAGS, NAVIGATION_TAGS
    watched, special = _WATCHED_CLASSES, _SPECIAL_ATTRIBUTES
    indexed = 0  # elements indexed so far: their order in the page
    invisible = False  # a line holds an invisible character: walk again with `scrub`

    def flush() -> None:
        nonlocal invisible
        text = (parts[0] if len(parts) == 1 else "".join(parts)).strip()
        parts.clear()
        if not text.isprintable() or "  " in text:
            # Whitespace other than single spaces (every other whitespace character is
            # unprintable), or an invisible character: the costly normalisation.
            text = " ".join(text.split())
            if scrub:
                text = normalise_space(text)
            elif not invisible and _INVISIBLE_RE.search(text):
                invisible = True
        if text:
            if open_inlines:
                elements = tuple([e for e in open_inlines if e not in inlines] + inlines)
            else:
                elements = tuple(inlines)
            lines.append(Line(len(lines), text, blocks[-1], elements))
        inlines.clear()

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            tag = el.tag
            attributes = el.items()
            noted = False
            if attributes:
                hide = False
                for key, value in attributes:
                    if key == "class":
                        tokens = value.split()
                        if watched.isdisjoint(tokens):
                            continue
                        for token in tokens:
                            if token in INDEXED_CLASSES:
                                if not noted:
                                    noted, indexed = True, indexed + 1
                                classes.setdefault(token, []).append((indexed, el))
                            elif token in HIDDEN_CLASSES:
                                hide = True
                    elif key in special:
                        if key in INDEXED_ATTRIBUTES:
                            if not noted:
                                noted, indexed = True, indexed + 1
                            for token in value.split():
                                classes.setdefault(f"{key}:{token}", []).append((indexed, el))
                        elif key == "hidden" or (key == "aria-hidden" and value == "true"):
                            hide = True
                        elif key == "style" and ("none" in value or "hidden" in value) and _hides(value):
                            hide = True
                if hide and tag != "html" and tag != "body":
                    walker.skip_subtree()
                    kinds.append(_SKIPPED)
                    continue
                noted = noted or every_span
            if tag in block_tags:
                if parts:
                    flush()
                blocks.append(el)
                if noted or every_span or tag in navigation_tags:
                    starts[el] = len(lines)
                    kinds.append(_NOTED_BLOCK)
                else:
                    kinds.append(_BLOCK)
            elif tag in skip_tags:
                walker.skip_subtree()
                kinds.append(_SKIPPED)
                continue
            elif tag == "br":
                if parts:
                    flush()
                kinds.append(_BREAK)
                continue
            elif tag in tracked_tags:
                inlines.append(el)
                open_inlines.append(el)
                starts[el] = len(lines)
                kinds.append(_INLINE)
            elif noted:
                starts[el] = len(lines)
                kinds.append(_NOTED)
            else:
                kinds.append(_PLAIN)
            text = el.text
            if text and (parts or not text.isspace()):  # leading blanks of a line never show
                parts.append(text)
        elif event == "end":
            kind = kinds.pop()
            if kind == _BLOCK:
                if parts:
                    flush()
                blocks.pop()
            elif kind == _NOTED_BLOCK:
                if parts:
                    flush()
                blocks.pop()
                spans[el] = (starts.pop(el), len(lines))
            elif kind == _INLINE or kind == _NOTED:
                if kind == _INLINE and open_inlines[-1] is el:
                    open_inlines.pop()
                spans[el] = (starts.pop(el), len(lines) + (1 if parts else 0))
            tail = el.tail
            if tail and (parts or not tail.isspace()):
                parts.append(tail)
        else:  # comments and processing instructions: only their tail shows
            tail = el.tail
            if tail and (parts or not tail.isspace()):
                parts.append(tail)
    if parts:
        flush()
    if invisible:
        return _read_lines(root, scrub=True, every_span=every_span)
    return lines, spans, classes
