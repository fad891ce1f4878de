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
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..compression import GZIP_MAGIC, CompressionError, gunzip
from ..records import Capture
from ..site import same_page
from .selectors import (BLOCK_TAGS, EXPAND_LABELS, HEADING_TAGS, HIDDEN_CLASSES, INDEXED_ATTRIBUTES,
                        INDEXED_CLASSES, SKIP_TAGS, TRACKED_INLINE_TAGS)


_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters a browser does not show; removed so they cannot split a name or a date.
INVISIBLE_CHARACTERS = "\u200b\ufeff\u00ad\u200e\u200f"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "l1", "iso8859-1", "us-ascii", "ascii", "windows-1252",
                "cp1252", "iso-8859-15", "latin-9"}
_DAMAGE_RATIO = 4  # UTF-8 with bad bytes: at least this many characters read for each byte refused
_SENTENCE_WORDS = 8  # a paragraph this long is running text, not a form's or a dialog's label
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# UTF-8 read as windows-1252 somewhere before the page was served: å ä ö Å Ä Ö é ’ – … “ as they then look.
MOJIBAKE = ("Ã¥", "Ã¤", "Ã¶", "Ã…", "Ã„", "Ã–", "Ã©", "â€™", "â€“", "â€¦", "â€œ")
_MOJIBAKE_LEADS = frozenset(marker[0] for marker in MOJIBAKE)  # searching a page for one character is cheap


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
    if text.isprintable() and "  " not in text:
        # the common case: every whitespace character but the space, and every invisible
        # one, is unprintable, so only the ends can need tidying
        return text.strip()
    return " ".join(_INVISIBLE_RE.sub("", text).split())


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

    @property
    def url(self) -> str:
        return self.capture.final_url or self.capture.url

    @property
    def lines(self) -> list[Line]:
        """The page's visible text in reading order, one entry per rendered line."""
        if self._lines is None:
            self._lines, self._spans, self._classes = _read_lines(self.tree)
        return self._lines

    def links_here(self, href: str) -> bool:
        """Whether `href`, as written on this page, leads to this page (site.same_page)."""
        return self.links_to(href, self.url)

    def links_to(self, href: str, url: str) -> bool:
        """Whether `href`, as written on this page, leads to the page at `url` (site.same_page)."""
        return same_page(self._resolved(href), url)

    def links_home(self, href: str) -> bool:
        """Whether `href`, as written on this page, leads to the site's home page."""
        return same_page(self._resolved(href), urljoin(self.url, "/"))

    def _resolved(self, href: str) -> str:
        """`href` with a path relative to the page (or its `<base>`) resolved; others as they are."""
        return href if urlsplit(href).path.startswith("/") else urljoin(self.base_url, href)

    def with_class(self, *tokens: str) -> list[Any]:
        """Elements in page order whose class has one of `tokens` (selectors.INDEXED_CLASSES);
        `itemprop:<name>` and `rel:<value>` ask for those attributes instead."""
        self.lines
        found = {id(e): (n, e) for t in tokens for n, e in self._classes.get(t, ())}
        return [e for _, e in sorted(found.values(), key=lambda pair: pair[0])]

    def span(self, element: Any) -> tuple[int, int]:
        """The lines [start, end) that an element's text occupies ((n, n) when it shows none)."""
        self.lines
        return self._spans.get(element) or (0, 0)

    def line_of(self, element: Any) -> int | None:
        """Index of the first line showing text of `element`, or None."""
        start, end = self.span(element)
        return start if end > start else None



def decode(capture: Capture, declared: list[str | None]) -> tuple[str, str]:
    """Return (text, encoding) of a capture's body, given its `declared_charsets`.

    Order: a byte-order mark, the Content-Type charset, a `<meta charset>`, then
    UTF-8 with windows-1252 as the fallback. A declaration that the bytes
    contradict is not believed: cp1252 bytes declared as UTF-8 (a legacy server)
    come out as cp1252, and valid UTF-8 declared as a single-byte charset comes
    out as UTF-8 (valid multi-byte UTF-8 does not happen by chance in Swedish text).
    UTF-8 with a few bad bytes (a capture cut short inside a character, a stray
    byte) is still UTF-8: the bad bytes become `�` (`_damaged_utf8`).
    """
    body = capture.body
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name.replace("-sig", "")
    utf8: str | None = None
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = _damaged_utf8(body)
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


def _damaged_utf8(body: bytes) -> str | None:
    """The text of UTF-8 bytes with a few bad ones, or None for bytes in another charset.

    A capture cut short inside a character is UTF-8 but for its last bytes. Elsewhere:
    in cp1252 Swedish text every `å`, `ä`, `ö` is a byte UTF-8 refuses, and valid
    multi-byte characters hardly ever occur; in UTF-8 with a stray byte, the characters
    read far outnumber the bytes refused.
    """
    for cut in (1, 2, 3):  # a character is at most four bytes long
        try:
            return body[:-cut].decode("utf-8") + "\ufffd"
        except UnicodeDecodeError:
            continue
    text = body.decode("utf-8", errors="replace")
    refused = text.count("\ufffd")
    read = len(text) - len(text.encode("ascii", errors="ignore")) - refused  # characters past ASCII
    return text if read > _DAMAGE_RATIO * refused else None


def declared_charsets(capture: Capture) -> list[str | None]:
    """The charset the Content-Type header names, then a `<meta charset>`'s (None or absent when not given)."""
    declared = [capture.charset]
    match = _META_CHARSET_RE.search(capture.body[:4096])
    if match:
        declared.append(match.group(1).decode("ascii", "replace").lower())
    return declared


def charset_warning(declared: list[str | None], text: str, encoding: str) -> str | None:
    """Why a page's text may not be what its author wrote, or None.

    A charset label the bytes contradict (`decode` then read them as they are), bytes the
    charset cannot read (each shown as `�`), or text that is already mojibake (UTF-8 read
    as windows-1252 before it was served: `Ã¤` for `ä`), which no label can undo; the text
    is kept as published either way.
    """
    for label in declared:
        if label and _codec(label) is None:
            return f"the charset label {label} is unknown, read as {encoding}"
        if label and _codec(label) != _codec(encoding):
            return f"the charset label {label} contradicts the bytes, read as {encoding}"
    if "\ufffd" in text:
        count = text.count("\ufffd")
        bytes_ = "1 byte is" if count == 1 else f"{count} bytes are"
        return f"{bytes_} not {encoding} (a capture cut short, a stray byte), each read as �"
    if not any(lead in text for lead in _MOJIBAKE_LEADS):  # the cheap test: no marker can start anywhere
        return None
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
    """Decode and parse a captured page once; lines are read on first use.

    A page compressed twice (a cache plugin's `.gz` file served with `Content-Encoding: gzip`
    once more: the body still starts with gzip's magic bytes) is read decompressed, and says so;
    the capture keeps the bytes as they came."""
    twice = _compressed_twice(capture.body)
    if twice is not None:
        capture = replace(capture, body=twice)
    declared = declared_charsets(capture)  # read once: decoding and the warning both weigh it
    text, encoding = decode(capture, declared)
    if encoding == "utf-8" and not capture.body.startswith(codecs.BOM_UTF8) and "\ufffd" not in text:
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
        base_url = urljoin(base_url, href.strip())
    warning = charset_warning(declared, text, encoding) if capture.body else None
    if twice is not None:
        warning = "; ".join(filter(None, [COMPRESSED_TWICE, warning]))
    return Document(capture=capture, text=text, encoding=encoding, tree=tree, base_url=base_url, warning=warning)


COMPRESSED_TWICE = "the page came gzip-compressed twice, read decompressed once more"
_MAX_PAGE_BYTES = 50 * 2**20  # a page decompressed once more is read up to this size


def _compressed_twice(body: bytes) -> bytes | None:
    """The body decompressed once more when it is still gzip (its first bytes `1f 8b`), else None."""
    if body[:2] != GZIP_MAGIC:
        return None
    try:
        return gunzip(body, max_bytes=_MAX_PAGE_BYTES)
    except CompressionError:
        return None


def _hides(style: str) -> bool:
    compact = style.replace(" ", "").lower()
    return "display:none" in compact or "visibility:hidden" in compact


def _is_collapsed_text(element: Any) -> bool:
    """Paragraphs of running text that a toggle right before them shows on a click: the rest of a
    post behind `Läs mer` (Read More Without Refresh's `<a href="#" onclick=…>` over a
    `display:none` `<div>`), an accordion's panel under its title (the toggle's `aria-controls`
    names the panel). A reader who clicks sees them; a `Läs mer` toggle is no text
    (`lines._is_page_tool`). A dialog behind its button (`Tipsa en vän`) is neither (docs/site.md,
    "What stock WordPress prints")."""
    before = element.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()  # past comments
    if before is None or not any(len(element_text(p).split()) >= _SENTENCE_WORDS for p in element.iter("p")):
        return False
    toggle = before if _is_toggle(before) else next(iter(before.xpath("(.//*)[last()]")), None)  # its last element
    if toggle is None or not _is_toggle(toggle):
        return False
    names_it = element.get("id") is not None and toggle.get("aria-controls") == element.get("id")
    return names_it or element_text(toggle).casefold() in EXPAND_LABELS


def _titles_a_panel(element: Any) -> bool:
    """An accordion's title: a `<button>` in a heading (`<h3><button aria-expanded>Vad kom
    fram?</button></h3>`, as WAI-ARIA's authoring practices write one), or a pane of two boxes,
    the button and the panel of running text it opens, shown or collapsed. A reader sees it over
    the text, as a subhead; other buttons (`Meny`, `Sök`, `Läs mer`, a chat's launcher over its
    hidden panel, a carousel's arrows) work the page and show no text."""
    if element.tag != "button":
        return False
    if any(ancestor.tag in HEADING_TAGS for ancestor in element.iterancestors()):
        return True
    box = element.getparent() if _elements(element.getparent()) == [element] else element
    pane = _elements(box.getparent())
    if len(pane) != 2 or pane[0] is not box or element_text(element).casefold() in EXPAND_LABELS:
        return False
    panel = pane[1]
    shown = not _is_hidden(panel.tag, dict(panel.items())) or _is_collapsed_text(panel)
    return shown and any(len(element_text(p).split()) >= _SENTENCE_WORDS for p in panel.iter("p"))


def _elements(parent: Any) -> list[Any]:
    """The elements in `parent` (comments left out; none without a parent)."""
    return [] if parent is None else [e for e in parent if isinstance(e.tag, str)]


def _is_toggle(element: Any) -> bool:
    """A link or button that works the page rather than leading away: `href="#"`, a script."""
    if element.tag == "button" or element.get("aria-expanded") is not None:
        return True
    if element.tag != "a":
        return False
    if element.get("onclick") is not None:
        return True
    href = (element.get("href") or "-").strip()  # no href: an anchor, not a toggle
    return href in ("", "#") or href.startswith("javascript:")


def _is_hidden(tag: str, attributes: dict[str, str]) -> bool:
    """Text a browser does not show: `hidden`, `aria-hidden="true"`, `display:none` or
    `visibility:hidden` in a style, or a screen-reader-only class."""
    if tag in ("html", "body"):
        return False
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    if style and _hides(style):
        return True
    return not HIDDEN_CLASSES.isdisjoint(attributes.get("class", "").split())


class _LineReader:
    """Cuts the text of a tree walk into lines; `_read_lines` feeds it the walk's events.

    A line ends at the start and end of every block element, at `<br>` (but in a heading), at a line break
    inside `<pre>` (a verse or preformatted block shows its lines as typed), and before a
    `<time>` run together with the linked title before it (`tiden18 december 2019`). Each line keeps
    the block it sits in and the tracked inline elements (links, `<time>`, emphasis) that
    are open in it. Every element's span of lines is noted, and the class tokens and
    attributes the layers look for are indexed in page order.
    """

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.spans: dict[Any, tuple[int, int]] = {}
        self.classes: dict[str, list[tuple[int, Any]]] = {}
        self.starts: list[int] = []  # the first line of each open element (elements nest)
        self.parts: list[str] = []  # the text of the line being read
        self.inlines: list[Any] = []  # tracked inline elements that started in this line
        self.open_inlines: list[Any] = []  # tracked inline elements still open
        self.blocks: list[Any] = []
        self.preformatted = 0  # `<pre>` elements open
        self.headings = 0  # headings open: a `<br>` in one breaks no line of its text
        self.indexed = 0  # elements indexed so far: their order in the page

    def start(self, element: Any) -> None:
        tag = element.tag
        self.starts.append(len(self.lines))
        if tag in BLOCK_TAGS:
            self.flush()
            self.blocks.append(element)
            self.preformatted += tag == "pre"
            self.headings += tag in HEADING_TAGS
        elif tag == "br":
            if self.headings:
                self.add(" ")  # a title an editor broke in two (`Fotbollsskolan i Lina Hage<br>är fullbokad`)
            else:
                self.flush()
            return
        elif tag in TRACKED_INLINE_TAGS:
            if tag == "time" and self.parts and self.parts[-1][-1:].isalpha() and _follows_a_link(element):
                self.flush()  # run together with a linked title (`Tack för den här tiden18 december 2019`): a
                # stylesheet shows it on a line of its own, as WordPress's Latest Posts block does
            self.inlines.append(element)
            self.open_inlines.append(element)
        self.add(element.text)

    def end(self, element: Any) -> None:
        tag = element.tag
        if tag in BLOCK_TAGS:
            self.flush()
            self.blocks.pop()
            self.preformatted -= tag == "pre"
            self.headings -= tag in HEADING_TAGS
        elif tag in TRACKED_INLINE_TAGS and self.open_inlines and self.open_inlines[-1] is element:
            self.open_inlines.pop()
        # an inline element's span includes the line still being read
        self.spans[element] = (self.starts.pop(), len(self.lines) + (1 if self.parts else 0))
        self.add(element.tail)

    def add(self, text: str | None) -> None:
        if self.preformatted and text and "\n" in text:
            first, *rest = text.split("\n")
            self.add(first)
            for line in rest:
                self.flush()
                self.add(line)
        elif text and (self.parts or not text.isspace()):  # leading blanks of a line never show
            self.parts.append(text)

    def flush(self) -> None:
        """End the current line: keep it if it shows any text."""
        if self.parts:
            text = normalise_space("".join(self.parts))
            self.parts.clear()
            if text:
                inlines = [e for e in self.open_inlines if e not in self.inlines] + self.inlines
                self.lines.append(Line(len(self.lines), text, self.blocks[-1], tuple(inlines)))
        self.inlines.clear()

    def index(self, element: Any, attributes: dict[str, str]) -> None:
        """Note the element under the class tokens and attributes the layers ask for."""
        keys = []
        for name, value in attributes.items():
            if name == "class":
                tokens = value.split()
                if not INDEXED_CLASSES.isdisjoint(tokens):
                    keys += [token for token in tokens if token in INDEXED_CLASSES]
            elif name in INDEXED_ATTRIBUTES:
                keys += [f"{name}:{token}" for token in value.split()]
        if keys:
            self.indexed += 1
            for key in dict.fromkeys(keys):
                self.classes.setdefault(key, []).append((self.indexed, element))


def _follows_a_link(element: Any) -> bool:
    """`element` stands right after a link, nothing between them, and is no link's part itself."""
    before = element.getprevious()
    parent = element.getparent()
    return before is not None and before.tag == "a" and not (before.tail or "").strip() \
        and (parent is None or parent.tag != "a")


def _read_lines(root: Any) -> tuple[list[Line], dict[Any, tuple[int, int]], dict[str, list[tuple[int, Any]]]]:
    """Walk the tree once and return its lines, each element's span of lines and the class index.

    Hidden text and elements that never show text (scripts, styles, forms' controls) are
    skipped with everything inside them; only their tail, the text after them, shows.
    """
    reader = _LineReader()
    reader.blocks.append(root)
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    skipped: set[Any] = set()
    for event, element in walker:
        if event == "start":
            attributes = dict(element.items())
            if attributes:
                reader.index(element, attributes)  # hidden or not: a hidden `updated` <time> is still a reading
            if (element.tag in SKIP_TAGS and not _titles_a_panel(element)) or (
                    attributes and _is_hidden(element.tag, attributes) and not _is_collapsed_text(element)):
                walker.skip_subtree()
                skipped.add(element)
            else:
                reader.start(element)
        elif event == "end" and element not in skipped:
            reader.end(element)
        else:  # the end of a skipped element, a comment or a processing instruction: only its tail shows
            reader.add(element.tail)
    reader.flush()
    return reader.lines, reader.spans, reader.classes
