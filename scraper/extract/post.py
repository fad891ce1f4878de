"""Merge the layers into one `Post`, each field remembering the layer that produced it.

Field priorities (htmldate's idea: surest first; every other layer's differing
value is kept in `Post.disagreements`):

- published: the date the page shows for the post (layout: next to the title, in a
  byline, or after the text), then a `<time datetime>` in the post's own lines, then
  the REST API's `date` (layer `api`, for posts the API lists), then
  `article:published_time`, JSON-LD `datePublished`, WordPress's `published`.
  The field *is* the date shown on the page (docs/site.md, "Field rules"): the page
  is canonical, and a crawl of the Wayback Machine, which has no API, reads the same
  value. The API's `date` is WordPress's own record of that date in local time, so
  it decides when the page shows none, ahead of the meta tags, which SEO plugins may
  fill with a modified date or a UTC time; when the API and the page differ, the
  API's value is kept as a disagreement. Timestamps are read with `local_date`
  (Stockholm), never shifted by UTC. Nothing in comments, teasers or what follows
  the post counts, nor a date marked as an update.
- title: the title as shown. JSON-LD `headline`, `og:title` (site-name suffix
  cut) and `entry-title` win when the page shows exactly that text next to its
  date line; the layout title otherwise. `<title>` is used only when nothing
  else exists and it is not the site name.
- author, role: the signature in the post's text, else None. A JSON-LD author,
  byline or `<meta name="author">` names the account that posted, never the
  author (docs/site.md, "Field rules"); they are kept as disagreements.
- body: the layout's lines between title and signature, narrowed to the post's
  `entry-content` when WordPress marks one and what falls outside it is short
  furniture, not sentences (a category line between title and content); the
  `entry-content` alone when the layout could not be read.
- excerpt: the site's teaser form derived from the body (docs/site.md, "Field rules"), since
  SEO descriptions are cut at other lengths; `og:description` / JSON-LD
  `description` only when there is no body, and never WordPress's `[…]` form.
- lab, labs: `LabVocabulary.assign` over title, body and role.
- url: `rel=canonical`, `og:url` or JSON-LD `url` when on the capture's host, else the final URL.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

from ..dates import match_date_line
from ..labs import LabVocabulary
from ..names import Layer
from ..records import Disagreement, Post
from ..site import same_site
from .comments import Comments
from .document import Document, element_text
from .layout import Frame, Layout, frame_top, keep_content, split_signature
from .lines import LineFacts, clean_title, is_update_element, signed_name
from .reading import Reading, reading_of
from .selectors import BYLINE_PREFIXES, WORDPRESS_MORE
from .structured import Structured, to_local_date, to_utc
from .wordpress import WordPress

EXCERPT_LENGTH = 250
_FIRST = object()  # `decide`: take the first candidate's value


def extract_post(page: Document | Reading, *, labs: LabVocabulary, api_published: date | None = None) -> Post:
    """Read a post page (or its `Reading`) into a `Post`; fields the page does not show stay None.

    `api_published` is the post's date as the REST API lists it, when it does: a reading
    of its own (`api`), see the module docstring for where it ranks.
    """
    return _Extraction(reading_of(page), api_published=api_published).post(labs)


def own_time_date(page: Document | Reading) -> date | None:
    """The date of a `<time datetime>` in the post's own lines, when the page has one: a
    theme may show no date as text at all (docs/site.md, "What stock WordPress prints")."""
    return _Extraction(reading_of(page)).own_time_date()


def derive_excerpt(body: str | None) -> str | None:
    """The site's teaser form of a body: paragraphs joined by one space, 250 characters, `...`.

    docs/site.md, "Field rules" (excerpt).
    """
    if not body:
        return None
    joined = " ".join(body.split("\n\n"))
    if len(joined) <= EXCERPT_LENGTH:
        return joined
    return joined[:EXCERPT_LENGTH].rstrip() + "..."


class _Extraction:
    def __init__(self, reading: Reading, *, api_published: date | None = None) -> None:
        self.document = reading.document
        self.api_published = api_published
        self.structured: Structured = reading.structured
        self.wordpress: WordPress = reading.wordpress
        self.layout: Layout = reading.layout
        self.frame: Frame | None = self.layout.frame
        self.facts: LineFacts = reading.facts
        self.texts = self.facts.texts
        self.comments: Comments = reading.comments

    def post(self, labs: LabVocabulary) -> Post:
        post = Post(url=self.url())
        self.decide(post, "published", self.published_candidates())
        self.decide_title(post)
        body_candidates, signature = self.body_candidates()
        self.decide(post, "body", body_candidates)
        self.decide_signature(post, signature)
        self.decide(post, "excerpt", self.excerpt_candidates(post))
        post.lab, post.labs = labs.assign(title=post.title or "", body=post.body or "", role=post.role)
        jsonld = self.structured.jsonld
        post.modified = to_utc(self.structured.og.get("article:modified_time")) or (
            to_utc(jsonld.modified) if jsonld else None)
        return post

    # -- merging ------------------------------------------------------------------------

    @staticmethod
    def decide(post: Post, name: str, candidates: Iterable[tuple[Layer, Any]], *, value: Any = _FIRST) -> None:
        """Set field `name` and credit the first layer that gave exactly that value.

        `value` defaults to the first candidate given; a caller that decides by other
        evidence (the title as shown, an absent signature) passes it. Every other
        layer's differing value becomes a `Disagreement`.
        """
        found = [(layer, v) for layer, v in candidates if v not in (None, "")]
        if value is _FIRST:
            value = found[0][1] if found else None
        setattr(post, name, value)
        if value is not None:
            post.layers[name] = next((layer for layer, v in found if v == value), Layer.LAYOUT)
        seen = set()
        for layer, other in found:
            key = (layer, str(other))
            if other != value and key not in seen:
                seen.add(key)
                post.disagreements.append(Disagreement(field=name, layer=layer, value=str(other)))

    # -- fields ---------------------------------------------------------------------------

    def url(self) -> str:
        document, structured = self.document, self.structured
        jsonld_url = structured.jsonld.url if structured.jsonld else None
        for candidate in (structured.canonical, structured.og.get("og:url"), jsonld_url):
            if candidate:
                absolute = urljoin(document.base_url, candidate.strip())
                if urlsplit(absolute).scheme in ("http", "https") and (
                        same_site(absolute, document.url) or same_site(absolute, document.capture.url)):
                    return absolute
        return document.url

    def in_own_post(self, element: Any) -> bool:
        """Whether an element sits in the post's own lines: its header, its text, or the date it
        prints after its text; never in teasers, comments or what else follows the post."""
        line = self.document.span(element)[0]  # an empty <time datetime> shows no text: where it stands
        if self.frame is None:
            return not self.in_teaser(element) and line < self.facts.comments
        low = max(frame_top(self.frame) - 2, 0)
        return low <= line < self.frame.end or line == self.frame.date_after

    def in_teaser(self, element: Any) -> bool:
        position = self.document.span(element)[0]
        return any(b.start <= position < b.end for b in self.layout.teasers)

    def in_comments(self, element: Any) -> bool:
        """Inside the readers' comments: a commenter's name or date is never the post's."""
        return self.document.span(element)[0] in self.comments

    def is_update(self, element: Any) -> bool:
        line = self.document.line_of(element)
        return is_update_element(element, self.document.lines[line] if line is not None else None,
                                 page_marks_published=self.facts.marks_published)

    def own_time_date(self) -> date | None:
        return next((to_local_date(v) for e, v in self.structured.times
                     if self.in_own_post(e) and not self.in_comments(e) and not self.is_update(e)), None)

    def published_candidates(self) -> list[tuple[Layer, date | None]]:
        structured, jsonld = self.structured, self.structured.jsonld
        time_value = self.own_time_date()
        wordpress_value = None
        for element, value in self.wordpress.dates:
            if self.in_own_post(element) and not self.in_comments(element) and not self.is_update(element):
                wordpress_value = to_local_date(value) or match_date_line(value)
                if wordpress_value:
                    break
        return [
            (Layer.LAYOUT, self.frame.published if self.frame else None),  # None for a dateless frame
            (Layer.TIME, time_value),
            (Layer.API, self.api_published),
            (Layer.OPENGRAPH, to_local_date(structured.og.get("article:published_time"))),
            (Layer.JSONLD, to_local_date(jsonld.published) if jsonld else None),
            (Layer.WORDPRESS, wordpress_value),
        ]

    def host_title_element(self) -> Any:
        titles = self.wordpress.titles
        if self.frame is not None and self.frame.title is not None:
            return next((e for e in titles if self.document.line_of(e) == self.frame.title), None)
        return next((e for e in titles if not self.in_teaser(e)), None)

    def title_candidates(self) -> list[tuple[Layer, str | None]]:
        structured, site = self.structured, self.structured.site_names
        element = self.host_title_element()
        return [
            (Layer.JSONLD, clean_title(structured.jsonld.headline, site) if structured.jsonld else None),
            (Layer.OPENGRAPH, clean_title(structured.og.get("og:title"), site)),
            (Layer.WORDPRESS, element_text(element) if element is not None else None),
            (Layer.LAYOUT, self.title_line() if self.frame and self.frame.title is not None else None),
        ]

    def decide_title(self, post: Post) -> None:
        """The title as shown; `<title>` counts only when it is the value chosen (it is often generic)."""
        candidates, value = self.title_candidates(), self.shown_title()
        if value is not None and value == self.title_tag() and all(v != value for _, v in candidates):
            candidates.append((Layer.OPENGRAPH, value))
        self.decide(post, "title", candidates, value=value)

    def shown_title(self) -> str | None:
        """The title as the page shows it; the `<title>` element only when nothing else names it."""
        if self.frame is not None and self.frame.title is not None:
            return self.title_line()
        element = self.host_title_element()
        if element is not None:
            return element_text(element)
        jsonld = self.structured.jsonld
        site = self.structured.site_names
        return (clean_title(jsonld.headline, site) if jsonld else None) or clean_title(
            self.structured.og.get("og:title"), site) or self.title_tag()

    def title_line(self) -> str:
        """The frame's title line without the comment count a theme prints in the heading, a number
        that links to the page's comments (Customizr's bubble: `BIS samlar föreningslivet i Boden 2`)."""
        assert self.frame is not None and self.frame.title is not None
        text = self.texts[self.frame.title]
        for anchor in self.facts.lines[self.frame.title].inlines:
            shown = element_text(anchor) if anchor.tag == "a" else ""
            if shown.isdigit() and (anchor.get("href") or "").startswith("#") and text.endswith(" " + shown):
                return text[: -len(shown) - 1]
        return text

    def title_tag(self) -> str | None:
        """`<title>` without its site-name suffix (a page-level meta reading, credited as `opengraph`)."""
        return clean_title(self.structured.title_tag, self.structured.site_names)

    def host_content(self) -> Any:
        """The `entry-content` element holding the post's body (teasers may repeat the class)."""
        contents = self.wordpress.contents
        if self.frame is None:
            return next((e for e in contents if not self.in_teaser(e)), None)
        body = self.frame.body
        best, best_count = None, 0
        for element in contents:
            start, end = self.document.span(element)
            count = sum(1 for j in body if start <= j < end)
            if count > best_count:
                best, best_count = element, count
        return best

    def body_candidates(self) -> tuple[list[tuple[Layer, str | None]], tuple[int, ...] | None]:
        """(candidates for body, the signature lines that go with the winning reading)."""
        frame, content = self.frame, self.host_content()
        if frame is None:
            if content is None:
                return [], None
            body, signature = split_signature(keep_content(self.facts, range(*self.document.span(content))),
                                              self.facts)
            return [(Layer.WORDPRESS, self.join(body))], signature
        candidates = [(Layer.LAYOUT, self.join(frame.body))]
        signature = frame.signature
        if content is not None:
            start, end = self.document.span(content)
            inside = tuple(j for j in frame.kept if start <= j < end)
            cut = [self.texts[j] for j in frame.kept if j not in inside]
            if inside and _is_run(inside, frame.kept) and all(_is_furniture_like(t) for t in cut):
                body, inner_signature = split_signature(inside, self.facts)
                if inner_signature is None and signature is not None:
                    body = tuple(j for j in body if j not in signature)  # the signature sits outside the content
                else:
                    signature = inner_signature
                candidates.insert(0, (Layer.WORDPRESS, self.join(body)))
        return candidates, signature

    def join(self, indices: Iterable[int]) -> str | None:
        return "\n\n".join(self.texts[j] for j in indices) or None

    def decide_signature(self, post: Post, signature: tuple[int, ...] | None) -> None:
        """Author and role from the signature only; bylines and metadata name the account that posted."""
        layer = Layer.LAYOUT if self.frame is not None else Layer.WORDPRESS
        name = signed_name(self.texts[signature[0]]) if signature else None
        role = role_of([self.texts[j] for j in signature[1:]]) if signature else None
        others: list[tuple[Layer, str]] = []
        jsonld = self.structured.jsonld
        for author in jsonld.authors if jsonld else ():
            others.append((Layer.JSONLD, author))
        for element, byline in self.wordpress.authors:
            if not self.in_teaser(element) and not self.in_comments(element):
                others.append((Layer.WORDPRESS, _strip_byline(byline)))
        for author in self.structured.meta_authors:
            others.append((Layer.OPENGRAPH, author))
        self.decide(post, "author", [(layer, name), *others], value=name)
        self.decide(post, "role", [(layer, role)], value=role)

    def excerpt_candidates(self, post: Post) -> list[tuple[Layer, str | None]]:
        jsonld = self.structured.jsonld
        descriptions = [
            (Layer.OPENGRAPH, self.structured.og.get("og:description")),
            (Layer.JSONLD, jsonld.description if jsonld else None),
        ]
        descriptions = [(l, v) for l, v in descriptions if v and not v.rstrip().endswith(WORDPRESS_MORE)]
        derived = derive_excerpt(post.body)
        if derived is None:
            return descriptions
        teaser_form = [(l, v) for l, v in descriptions if v.rstrip().endswith(("...", "…"))]
        return [(post.layers.get("body", Layer.LAYOUT), derived), *teaser_form]


def role_of(lines: list[str]) -> str:
    """A role typed over several lines of the signature, read as the one line the site writes
    (`ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping`): a comma between its
    parts, unless a line already ends with one."""
    role = lines[0]
    for line in lines[1:]:
        role += (" " if role.endswith(",") else ", ") + line
    return role


def _strip_byline(text: str) -> str:
    folded = text.casefold()
    for prefix in BYLINE_PREFIXES:
        if folded.startswith(prefix):
            return text[len(prefix):].strip()
    return text


def _is_furniture_like(text: str) -> bool:
    """Short and not a sentence: what a theme prints around its content (`Kategori Dagbok`).
    The class `entry-content` alone never cuts a line that reads like the post's own text."""
    return len(text) <= 100 and not text.endswith((".", "!", "?", "…", ":"))


def _is_run(inner: tuple[int, ...], outer: tuple[int, ...]) -> bool:
    """`inner` is a contiguous slice of `outer` (only lines at the edges were cut)."""
    first = outer.index(inner[0])
    return outer[first:first + len(inner)] == inner


