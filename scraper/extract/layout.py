"""The layout layer: a post read from the page's text layout alone (docs/site.md, "A post page").

What every diary page shows, whatever its HTML, in reading order:

1. a date line (`29 april 2019`) next to the title (before it; some markups print
   it right after the title);
2. the body;
3. a signature: a name line, then a role line (free text, may contain commas);
4. `Få nya inlägg i din inkorg` / `Följ oss på Instagram` (sometimes missing);
5. teasers: date line, title, excerpt ending `...`, name, role (sometimes none);
6. the footer, `Det är Sveriges Allmännytta (tidigare SABO) som står bakom …`.

So the post is found as a date line with a title next to it: the one whose title
structured data names (`og:title`, JSON-LD, an `<h1>` entry-title; `<title>` only
breaks ties, it is often generic), else the one that does not read like a teaser
and runs longest. Which neighbour is the title is weighed: date-first by default,
a heading or a bold line, short and not ending like a sentence, not a site name
or a one-word label. The post ends at the subscribe box, the first teaser (also
one whose date cannot be read, by its excerpt in the site's form) or the footer;
its last two lines, past any share box or label, are the signature if they look
like a name and a role. A page without a date line next to its named title gets
a frame from the title alone. The tree is only extra evidence (a heading, a bold
line, `<nav>`), never required.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, islice
from datetime import date
from typing import Any

from ..dates import PUBLISHED_WORDS, is_date_badge, is_published_label
from .comments import Comments
from .document import Document, element_text
from .lines import (CONTACT_RE, LineFacts, archive_of, clean_title, ends_with_ellipsis, is_byline,
                    is_byline_word, is_emphasised, is_meta_value, is_meta_word, is_postscript, is_published_line,
                    is_subscribe_line, lies_within, line_link, shared_depth, signup_form, strip_read_more)
from .selectors import ARCHIVE_SEGMENTS, AUTHOR_SEGMENTS, SITE_NAMES

_MAX_TITLE = 200
_EXCERPT_LINES = 3  # an excerpt ending in `...` may be broken over this many lines
_MAX_EXCERPT = 600  # characters: the site cuts at 250, WordPress at 55 words; more is a post's own text
_ROW_SEPARATORS = "·•|/–—"  # what stands between a meta row's items (`Redaktionen · 21 augusti 2019`)
_RUNNING_TEXT_WORDS = 6  # a line this long is a sentence: not a label, a name or a byline
_COPY_WORDS = 3  # a line this long printed twice in a row is one line printed for two screen sizes
_AVATAR_BOX_DEPTH = 3  # an author box's avatar sits at most this many elements up from the account's name
_LIST_ITEMS = frozenset({"li", "dt", "dd"})  # the items of a list (`<ul>`, `<ol>`) or a description list (`<dl>`)


@dataclass(frozen=True)
class TeaserBlock:
    """Where one teaser sits in the lines (docs/site.md, "Teasers")."""

    start: int
    end: int  # first line after the block
    date: int
    published: date
    title: int
    excerpt: tuple[int, ...]
    name: int | None = None
    role: int | None = None
    strict: bool = True  # the excerpt ends with an ellipsis (a short post's teaser may not)


@dataclass(frozen=True)
class Frame:
    """Where the post itself sits in the lines."""

    date: int | None  # None: the title was found by its structured name, with no date line next to it
    published: date | None  # the date of `date`, else of `date_after`
    date_after: int | None  # with no date line next to the title: the post's own date printed after its text
    title: int | None
    start: int  # first line after the date line and title
    end: int  # first line after the post: subscribe box, first teaser, footer or end of page
    kept: tuple[int, ...]  # the post's lines from title to end, credits and furniture dropped
    body: tuple[int, ...]  # `kept` without the signature
    signature: tuple[int, ...] | None  # (name line, role line, the role's further lines)
    title_first: bool  # the title is printed before the date line
    teaser_like: bool = False  # the post itself reads like a teaser (short text ending in `...`)


@dataclass(frozen=True)
class _Candidate:
    """A date line with a title next to it: maybe the post."""

    date: int | None  # None: the date line is printed after the post's text (`date_after`)
    date_after: int | None
    title: int
    start: int
    end: int
    size: int  # characters between the title and the end
    teaser_like: bool
    hinted: bool  # its title is the one structured data names
    date_hinted: bool  # its date is the one structured data names


@dataclass
class Layout:
    frame: Frame | None
    teasers: list[TeaserBlock] = field(default_factory=list)
    dates: dict[int, date] = field(default_factory=dict)
    blocks: dict[int, TeaserBlock] = field(default_factory=dict)  # every teaser-shaped block, by date line


# --- Reading the page -------------------------------------------------------------------


@dataclass(frozen=True)
class Hints:
    """What other readings of the page say about the post, for the layout to weigh.

    `titles`: title keys structured data, a main `entry-title` or the REST API name; `page_title`: the
    `<title>`'s key, kept apart because it is often generic (`allmännyttan.se - Dagbok`), so
    it counts less and alone never places a post away from a date line unless a main
    heading shows it; `dates`: dates metadata names; `site_names`: names of the site
    itself (never a title); `authors`: the account names metadata gives, casefolded (a
    theme may print one bare between the title and the date).
    """

    titles: frozenset[str] = frozenset()
    page_title: str | None = None
    dates: frozenset[date] = frozenset()
    site_names: frozenset[str] = SITE_NAMES
    authors: frozenset[str] = frozenset()


def read_layout(document: Document, *, facts: LineFacts, comments: Comments, hints: Hints = Hints()) -> Layout:
    """Find the post's date line, title, body and signature, and the teasers, from the page's
    lines (`facts`), away from readers' `comments`, weighing what `hints` name."""
    return _LayoutReader(document, facts, comments, hints).read()


class _LayoutReader:
    def __init__(self, document: Document, facts: LineFacts, comments: Comments, hints: Hints) -> None:
        self.document = document
        self.lines = document.lines
        self.facts = facts
        self.texts = self.facts.texts
        self.n = len(self.lines)
        self.dates = self.facts.dates
        self.title_hints, self.page_title, self.date_hints = hints.titles, hints.page_title, hints.dates
        self.site_names, self.author_hints = hints.site_names, hints.authors
        self.comments = comments  # readers' comments: never the post, its date or a teaser
        self._sizes: list[int] | None = None
        self._link_entries: dict[int, bool] = {}  # `_is_link_entry`, asked of a line each time it is weighed
        self._entry_titles: dict[int, bool] = {}  # `_is_entry_title`, likewise

    # -- the blocks ---------------------------------------------------------------------

    def read(self) -> Layout:
        order = self._teaser_order()
        blocks = {i: b for i in self.dates
                  if i not in self.comments and (b := self._teaser_at(i, order)) is not None}
        frame = self._frame(blocks, order)
        teasers = [b for _, b in sorted(blocks.items()) if frame is None or not _overlaps(b, frame)]
        return Layout(frame=frame, teasers=teasers, dates=self.dates, blocks=blocks)

    def _teaser_order(self) -> bool:
        """Whether teasers on this page print their title before the date line (legacy layouts)."""
        before = after = 0
        for i in self.dates:
            if i + 1 < self.n and ends_with_ellipsis(strip_read_more(self.texts[i + 1])):
                before += 1
            elif i + 2 < self.n and ends_with_ellipsis(strip_read_more(self.texts[i + 2])):
                after += 1
        return before > after

    def _usable(self, i: int) -> bool:
        """Could line i be a title or an excerpt (not a date, marker, credit, hashtag or chrome)?"""
        return 0 <= i < self.n and i not in self.dates and not self.facts.furniture[i]

    def _teaser_at(self, i: int, title_first: bool) -> TeaserBlock | None:
        """Read a teaser at date line i, in the page's order or the other (`_teaser_by_order`), or
        as an archive's card that prints its date under its excerpt (`_card_above`) or under the
        whole post (`_whole_post_above`). Where a card whose title links to its post reads both
        ways (a list of cards, each title, excerpt and date), the one whose title sits closer to
        the date in the tree is the teaser."""
        found = self._teaser_by_order(i, title_first)
        above = self._card_above(i)
        if above is None:
            if found is not None and self._is_entry_title(found.title):
                return self._whole_post_above(i, found) or found
            return found
        if found is None or not self._is_entry_title(found.title):
            return above
        date = self.lines[i].element
        depths = [shared_depth(date, self.lines[block.title].element) for block in (found, above)]
        return above if depths[1] > depths[0] else found

    def _whole_post_above(self, i: int, found: TeaserBlock) -> TeaserBlock | None:
        """The card that date line i ends, when its title links to its post and sits nearer the date
        in the tree than `found`'s: an archive that prints each post whole, its date in the post's
        footer (Twenty Nineteen), the next card's title right after that date. Its excerpt is the
        post's first line."""
        t = i - 1
        while t >= 0 and t not in self.dates and not self._is_entry_title(t):
            t -= 1
        if t < 0 or t in self.dates or not self._usable(t + 1):
            return None
        date = self.lines[i].element
        if shared_depth(date, self.lines[t].element) <= shared_depth(date, self.lines[found.title].element):
            return None
        return TeaserBlock(start=t, end=i + 1, date=i, published=self.dates[i], title=t, excerpt=(t + 1,))

    def _card_above(self, i: int) -> TeaserBlock | None:
        """An archive's card that prints its date under its excerpt (Twenty Twenty-One's entry
        footer, a block theme's query loop): a title that links to its post, up to three lines of
        excerpt, perhaps a `Fortsätt läsa` and the rest of a meta row, then date line i. A name over
        a role ends a teaser (docs/site.md, "Teasers"): the lines above it are another one's."""
        j = i - 1
        while j >= 0 and (self.facts.furniture[j] and not self.facts.marker[j] and self.facts.heading(j) is None
                          or self._in_date_list(j, i)):
            j -= 1  # `Läs mer`, a comment count, a separator (`/`)
        excerpt: list[int] = []
        while len(excerpt) < _EXCERPT_LINES and self._usable(j) and not self._is_entry_title(j):
            excerpt.insert(0, j)
            j -= 1
        if not excerpt or not self._usable(j) or len(self.texts[j]) > _MAX_TITLE or " " not in self.texts[j] \
                or not self._is_entry_title(j) or any(self._ends_signature(k) for k in excerpt):
            return None  # one word is a section's label (`Innovationslabb`), not a post's title
        return TeaserBlock(start=j, end=i + 1, date=i, published=self.dates[i], title=j, excerpt=tuple(excerpt))

    def _teaser_by_order(self, i: int, title_first: bool) -> TeaserBlock | None:
        """Read a teaser at date line i, in the page's order, else the other one. In a list of
        titles and dates alone, where both read, the next entry's title is as near in the text as
        the entry's own: the one whose title sits closer to the date in the tree is the teaser."""
        first = self._teaser_in_order(i, title_first)
        if first is not None and first.excerpt:
            return first
        other = self._teaser_in_order(i, not title_first)
        if first is None or other is None or other.excerpt:
            return first or other
        date = self.lines[i].element
        depths = [shared_depth(date, self.lines[block.title].element) for block in (first, other)]
        return other if depths[1] > depths[0] else first

    def _teaser_in_order(self, i: int, title_first: bool) -> TeaserBlock | None:
        """The teaser whose date line is i, its title before or after it: an excerpt ending with
        an ellipsis follows (the site's form, docs/site.md "Teasers"), or a signature, or the
        title is a heading that links to another page (a theme's archive: the post's title
        links to it, over an excerpt of its own form, perhaps its whole first paragraph)."""
        if title_first:
            t, k = self._past_date_list(i, -1), self._past_date_list(i, 1)
        else:
            t = self._past_date_list(i, 1)
            k = t + 1
        if not self._usable(t) or len(self.texts[t]) > _MAX_TITLE:
            return None
        linked = self._is_entry_title(t)  # a list's entry may show no excerpt: its title and date alone
        if not (self._usable(k) or linked):
            return None
        # strict: an excerpt ending with an ellipsis within a few lines
        excerpt: list[int] = []
        for j in range(k, min(k + _EXCERPT_LINES, self.n)):
            if not self._usable(j):
                break
            excerpt.append(j)
            if ends_with_ellipsis(strip_read_more(self.texts[j])):
                break
        else:
            excerpt = []
        strict = bool(excerpt) and ends_with_ellipsis(strip_read_more(self.texts[excerpt[-1]])) \
            and sum(len(self.texts[j]) for j in excerpt) <= _MAX_EXCERPT
        if not strict:  # a short post's teaser shows its whole text, without `...`; a heading is the next entry's
            excerpt = [k] if self._usable(k) and self.facts.heading(k) is None else []
        j = excerpt[-1] + 1 if excerpt else k
        facts = self.facts
        if j < self.n and facts.chrome[j]:
            j += 1  # a `Läs mer` line
        name = role = None
        if j + 1 < self.n and facts.signs(j, j + 1) and j + 1 not in self.dates:
            name, role = j, j + 1
            j += 2
        if not strict and not linked and (name is None or not self._closes(j, title_first)):
            return None  # without `...`, only a signed block that ends cleanly is a (short post's) teaser
        return TeaserBlock(start=min(t, i), end=j, date=i, published=self.dates[i], title=t,
                           excerpt=tuple(excerpt), name=name, role=role, strict=strict or linked)

    def _past_date_list(self, i: int, step: int) -> int:
        """The line next to date line i in direction `step`, past the rest of a meta row printed
        as a list (`Anna Kanervo` / the date / `Dagbok` / `0 kommentarer`, OceanWP's cards)."""
        j = i + step
        while 0 <= j < self.n and self._in_date_list(j, i):
            j += step
        return j

    def _closes(self, j: int, title_first: bool) -> bool:
        """Does a loose teaser end at line j (next teaser, subscribe box, footer, end of page)?"""
        if j >= self.n or j in self.dates or self.facts.marker[j]:
            return True
        return title_first and j + 1 in self.dates

    # -- the post ---------------------------------------------------------------------

    def _title_score(self, t: int, after: bool, title_first_hint: bool) -> float | None:
        """How much line t looks like the post's title, seen from its date line (None: cannot be).

        docs/site.md ("A post page") puts the date line first, so the line after it starts ahead; a title
        hint from structured data, a heading or a bold line, and being short and not
        ending like a sentence count for a line; a site name, navigation, length count against.
        """
        if not self._usable(t) or self._is_link_entry(t):
            return None  # a title that only links to another page is another post's (a list's entry)
        line, text = self.lines[t], self.texts[t]
        if len(text) > 2 * _MAX_TITLE or self._is_site_name(text):
            return None
        score = 1.0 if after else 0.0
        key = self.facts.key(t)
        if key in self.title_hints:
            score += 10
        elif key == self.page_title:
            score += 0.75  # `<title>` may name a section (`Dagbok`): it only breaks ties
        level = self.facts.heading(t)
        if level is not None:
            score += 4 if level <= 2 else 2
        elif is_emphasised(line, self.document):
            score += 2
        if len(text) > _MAX_TITLE:
            score -= 4
        elif len(text) > 80:
            score -= 1
        if text.endswith("."):
            score -= 1.5
        if " " not in text:
            score -= 1  # one word is a label (`Dagbok`, `Nyheter`), hardly ever a diary title
        if self.facts.nav[t]:
            score -= 4
        if title_first_hint == (not after):
            score += 0.5
        if ends_with_ellipsis(text):
            score -= 1
        return score

    def _is_site_name(self, text: str) -> bool:
        folded = text.casefold()
        if folded in self.site_names:
            return True
        return any(name in folded for name in self.site_names) and clean_title(text, self.site_names) is None

    def _neighbour(self, i: int, step: int) -> int:
        """The line next to line i in direction `step`, past navigation (breadcrumbs, boxes that link
        to other posts) and up to six credits, hashtag lines, bylines, labels (`Inläggsinfo`,
        `Dela`), meta row words or update dates (`Foto: …` under a featured image, `Av Anna
        Kanervo` between title and date, or the account's name bare, as metadata gives it;
        `Publicerad` or `Uppdaterad` / `3 maj 2019` printed as elements of their own before the
        date, the other items of a meta row printed as a list)."""
        j, passed = i + step, 0
        while 0 <= j < self.n and passed < 6:
            if self.facts.nav[j]:
                j += step  # breadcrumbs, or boxes that link to other posts: looked past, however many
            elif (self.facts.removable[j] and not self.facts.marker[j] or is_byline(self.texts[j])
                  or self.facts.chrome[j] and not self.facts.after_post[j]
                  or self.texts[j].casefold() in self.author_hints
                  or self._in_meta_row(j) or self._in_date_list(j, i) or self._row_before_date(j, i)):
                j, passed = j + step, passed + 1
            else:
                break
        return j

    def _in_date_list(self, j: int, i: int) -> bool:
        """Line j is an item of the list that holds date line i, a list of short items: a meta row
        printed as a list (`Redaktionen` / `10 oktober 2018` / `Dagbok` / `Inga kommentarer`, each
        an `<li>`, the labels that say author and category hidden for screen readers), or as a
        description list (`Publicerat` / `2019-01-16` / `Kategori` / `Dagbok`, `<dt>` and `<dd>`)."""
        item, date_item = self.lines[j].element, self.lines[i].element
        if not (item.tag in _LIST_ITEMS and date_item.tag in _LIST_ITEMS and item.getparent() is date_item.getparent()):
            return False
        spans = [self.document.span(e) for e in date_item.getparent() if e.tag in _LIST_ITEMS]
        items = [" ".join(self.texts[start:end]) for start, end in spans]  # as shown: without screen-reader labels
        return all(is_meta_value(text) for text in items if text)  # an icon's item shows no text

    def _row_before_date(self, j: int, i: int) -> bool:
        """Line j, a short item right before date line i, is of the date's meta row: the date's
        element starts with the row's separator (`Redaktionen` / `·21 augusti 2019`, a headless
        front end's byline and date in two elements)."""
        return j == i - 1 and self.texts[i][0] in _ROW_SEPARATORS and is_meta_value(self.texts[j]) \
            and self.facts.heading(j) is None  # a short title over `– 1 juli 2019` is a title

    def _in_meta_row(self, j: int) -> bool:
        """A word of a meta row printed one per element (`Publicerad`, `i`, `av`), or the value
        after a byline word (`Dagbok` after `i`, `Redaktionen` after `av`)."""
        texts = self.texts
        return is_meta_word(texts[j]) or (j > 0 and is_byline_word(texts[j - 1]) and is_meta_value(texts[j]))

    def _title_for(self, i: int, title_first_hint: bool) -> tuple[int | None, float]:
        a, b = self._neighbour(i, 1), self._neighbour(i, -1)
        after = self._title_score(a, True, title_first_hint)
        before = self._title_score(b, False, title_first_hint)
        if after is not None and before is not None:
            # the title and its date line sit together: the closer one in the tree gains, and wins
            # outright over a copy of itself (the header's title, then the text's first heading)
            closeness_after = shared_depth(self.lines[i].element, self.lines[a].element)
            closeness_before = shared_depth(self.lines[i].element, self.lines[b].element)
            copies = self.facts.key(a) == self.facts.key(b)
            if closeness_after > closeness_before:
                after += 10 if copies else 1
            elif closeness_before > closeness_after:
                before += 10 if copies else 1
        if after is None and before is None:
            return None, 0.0
        if before is None or (after is not None and after >= before):
            return a, after
        return b, before

    def _region_end(self, start: int, blocks: dict[int, TeaserBlock], title_first: bool,
                    date_line: int | None = None) -> int:
        """First line after the post: subscribe box, footer, readers' comments, previous/next links
        or widgets after its text, or the next date line's block. Before the text, a line that shows
        the date of `date_line` is the post's meta row printed twice (Jannah's, for a sticky bar;
        Soledad's, hidden by its stylesheet, `av Redaktionen 25 september 2019` over `skriven av
        Redaktionen 25 september 2019 1 min läsning`): passed; within the text, a box that shows
        a date of its own (`_past_box_in_the_text`) is the text's."""
        marker, after_post, furniture = self.facts.marker, self.facts.after_post, self.facts.furniture
        shown = self.dates.get(date_line) if date_line is not None else None
        # a theme may print `Lämna en kommentar` or `Inga kommentarer` in the post's header, before its
        # text, perhaps after the author's and category's links (`Redaktionen` / `Dagbok`)
        first_text = None
        resume = start
        for j in range(start, self.n):
            if j < resume:
                continue  # inside a box of the post's text
            has_text = first_text is not None
            if marker[j] and has_text and signup_form(self.lines[j].element) is not None:
                resume = self._past_box_in_the_text(j, first_text, past_subhead=True)
                if resume > j:
                    continue  # a sign-up form between the text's paragraphs (`Få nya inlägg i din inkorg`)
            if after_post[j] and has_text:
                resume = self._past_related_box(j)
                if resume > j:
                    continue  # links to other posts between the text's paragraphs (`Relaterade inlägg`)
            if marker[j] or j in self.comments.starts or (after_post[j] and (has_text or j >= self.facts.comments)):
                return j
            if j in self.dates and not has_text and (self.dates[j] == shown or self._opens_the_text(j, title_first)):
                continue
            if j in self.dates and has_text:
                resume = self._past_box_in_the_text(j, first_text)
                if resume > j or self._dates_an_entry(j, first_text):
                    continue
            if not has_text and not (furniture[j] or _is_linked_label(self.facts, j)):
                first_text = j
            if j in self.dates:
                block = blocks.get(j)
                if block is not None:
                    return max(block.start, start)
                return max(j - 1, start) if title_first and j - 1 >= start and not self._ends_signature(j - 1) else j
            # a teaser whose date line we could not read, its title and date first: a short line
            # that may hold a date (`Det kom tre personer.`, two lines above, is the text's)
            if j - 2 > start and self._is_site_excerpt(j) and self.facts.text_facts[j - 2].may_hold_a_date:
                return j - 2
        return self.n

    def _past_box_in_the_text(self, i: int, first_text: int, *, past_subhead: bool = False) -> int:
        """Where the post's text goes on past the box that holds date line i, or i itself.

        An editor's box in the text may show a date of its own: an embedded tweet, Instagram or
        Facebook post (`Ett inlägg delat av … den 22 juni 2019`), an event's `Datum: 16 maj 2020`.
        The box is the largest element around the date line that starts after the text's first
        line, and holds more than the date line; the text goes on right after it, in the element
        that holds both: a line of running text, or the signature. A teaser after the post is
        followed by another teaser, the page's furniture or nothing (docs/site.md, "Field rules").
        A sign-up form between the paragraphs is such a box too, and the text may go on under a
        subhead after it (`past_subhead`); after a dated box a heading is a teaser's title.
        """
        found = self._box_after(i, first_text)
        if found is None:
            return i
        box, parent = found
        start, end = self.document.span(box)
        after = self.document.span(parent)[1]
        text = end + 1 if past_subhead and end + 1 < after and self.facts.heading(end) is not None else end
        if end - start < 2 or text >= after or text in self.dates or self.facts.furniture[text] or self.facts.nav[text]:
            return i
        running = len(self.texts[text].split()) >= _RUNNING_TEXT_WORDS
        signed = text + 1 < self.n and self.facts.signs(text, text + 1)
        return end if running or signed else i

    def _box_after(self, i: int, line: int) -> tuple[Any, Any] | None:
        """The largest element around line i whose lines all come after `line`, and its parent
        (which holds `line` too); None when no element around line i holds `line`."""
        box = self.lines[i].element
        for parent in box.iterancestors():
            if self.document.span(parent)[0] <= line:
                return box, parent
            box = parent
        return None

    def _past_related_box(self, j: int) -> int:
        """Where the post's text goes on past a box of links to other posts that line j heads, or
        j itself: Publisher and JNews put one between a post's paragraphs (`Relaterade inlägg`,
        `Läs också`). The box, the largest element that starts with line j, holds the label, then
        titles that are each one link; it stands among the text's paragraphs, in their element, and
        the text goes on after it, perhaps under a subhead. Its lines are not the text's (`_kept`)."""
        found = self._box_after(j, j - 1)
        if found is None:
            return j
        box, parent = found
        end, after = self.document.span(box)[1], self.document.span(parent)[1]
        if end <= j + 1 or not all(line_link(self.lines[k]) is not None for k in range(j + 1, end)):
            return j
        before = next((k for k in range(j - 1, max(j - 4, -1), -1) if self._is_running_text(k)), None)
        if before is None or self.lines[before].element.getparent() is not parent:
            return j  # the box does not stand among the text's paragraphs (links to the next post after it)
        goes_on = any(self._is_running_text(k) for k in range(end, min(end + 2, after)))
        return end if goes_on else j

    def _dates_an_entry(self, i: int, first_text: int) -> bool:
        """Date line i, the date alone, heads an entry of the post's own text, as in a diary kept
        day by day (a paragraph / `14 mars 2019` / a paragraph / … / the signature): a paragraph
        of running text right before it and right after it, a sentence to its full stop, in the
        same element, and the signature ends the entry before anything that ends a post. A
        teaser's or a card's date stands by its title, and its excerpt is cut (`...`); a date in
        a theme's footer stands in an element of its own, or says `Publicerad`; the post's own
        date comes before the text."""
        words = self.texts[i].split()
        if len(words) > 4 or words[0].casefold().rstrip(":") in PUBLISHED_WORDS or not first_text < i < self.n - 1:
            return False
        above, parent, below = (self.lines[k].element.getparent() for k in (i - 1, i, i + 1))
        if not (above is parent is below) or not self._is_running_text(i - 1) or not self._is_running_text(i + 1) \
                or not self.texts[i + 1].endswith("."):
            return False  # a teaser's title follows its date, and a title ends with no full stop
        for k in range(i + 1, self.n - 1):
            if k in self.dates or self.facts.marker[k] or self.facts.after_post[k] or k in self.comments.starts \
                    or self._is_site_excerpt(k):
                return False
            if self.facts.signs(k, k + 1):
                return True
        return False

    def _opens_the_text(self, j: int, title_first: bool) -> bool:
        """Date line j, under a title whose own date line stands above it (the site's form), is a date
        the editor typed as the text's first line (the day of an event: `11 maj 2019`, then the
        text), not the next entry's: that one is followed by its title, not running text, and a
        theme that prints the date under the title prints no date line above it."""
        return not title_first and j + 1 < self.n and self._is_running_text(j + 1) \
            and j + 1 not in self.dates and not self.facts.furniture[j + 1]

    def _is_running_text(self, j: int) -> bool:
        """Line j is a paragraph of running text, not a title, a label or a link."""
        return len(self.texts[j].split()) >= _RUNNING_TEXT_WORDS and line_link(self.lines[j]) is None

    def _is_site_excerpt(self, j: int) -> bool:
        """A teaser's excerpt in the site's exact form (250 characters cut, `...`), signed below."""
        text = self.texts[j]
        if not (200 <= len(text) <= 256 and text.endswith("...")):
            return False
        k = j + 2 if j + 1 < self.n and self.facts.chrome[j + 1] else j + 1
        return k + 1 < self.n and self.facts.signs(k, k + 1)

    def _ends_signature(self, j: int) -> bool:
        """Line j ends a signature: a name over a role, or the role typed on under them (`_role_goes_on`)."""
        if j >= 1 and self.facts.signs(j - 1, j):
            return True
        name = j
        while name > 0 and self.lines[name - 1].element is self.lines[j].element:
            name -= 1  # to the paragraph's first line
        return name + 2 <= j and self.facts.signs(name, name + 1) \
            and j in _role_goes_on(self.facts, name, range(name + 2, j + 1))

    def _frame(self, blocks: dict[int, TeaserBlock], order: bool) -> Frame | None:
        """The post: the date line + title a structured title names, else the one that is not a
        teaser and runs longest; with no date line next to the named title, the title alone.

        A date line is read two ways: as the date before (or right after) its title, the site's
        layout; or as the date a theme prints after the post's text, under a title further up
        (`_title_before`). The first reading wins unless it leaves no text under its title, only
        the second finds the title structured data names, or the second holds much more text.
        """
        candidates = []
        for i in sorted(self.dates):
            block = blocks.get(i)
            if self.facts.nav[i] or i in self.comments or (i >= self.facts.comments and not (block and block.strict)):
                continue  # a date in readers' comments is never the post's (teasers may follow them)
            if block is not None and block.strict:
                if self._is_entry_title(block.title):
                    continue  # its title links to its own page: never this page's post
                title = block.title  # a teaser's title is where its block put it; no need to weigh it
                start = max(i, title) + 1
                candidates.append(self._candidate(i, None, title, start, self._region_end(start, blocks, title < i, i),
                                                  teaser_like=True))
                continue
            title, _ = self._title_for(i, order)
            header = None
            if title is not None:
                start = max(i, title) + 1
                while start < self.n and self._in_date_list(start, i):
                    start += 1  # the rest of the date's meta row: `Dagbok`, `Inga kommentarer`
                start = self._past_dated_navigation(start)
                end = self._region_end(start, blocks, title < i, i)
                if self._dates_the_post(i, title, start, end):
                    header = self._candidate(i, None, title, start, end)
            above = self._title_before(i, blocks) if block is None else None
            footer = None
            after_a_lead = above is not None and self._after_a_lead(i, above)
            if above is not None and (after_a_lead or self._dates_the_post(i, above, above + 1, i)
                                      or self._says_published_after(i, above)):
                end = self._region_end(i + 1, blocks, False, i) if after_a_lead else i
                footer = self._candidate(None, i, above, above + 1, end)
            if header is not None and (footer is None or (self._kept(header.start, header.end)
                                                          and (self._named(header) or not self._named(footer))
                                                          and header.size * 3 >= footer.size
                                                          and not self._copies_title(header.title, footer.title))):
                candidates.append(header)
            elif footer is not None:
                candidates.append(footer)
        candidates = [c for c in self._cut_at_footer_titles(candidates) if not self._lists_entries(c.start, c.end)]
        hinted = [c for c in candidates if c.hinted]
        named = [c for c in candidates if self.facts.key(c.title) == self.page_title]
        if not hinted and not named:
            dateless = self._dateless_title(blocks)
            if dateless is not None:
                end = self._region_end(dateless + 1, blocks, False)
                if self._lists_entries(dateless + 1, end):
                    return None
                return self._make_frame(None, dateless, dateless + 1, end,
                                        date_after=self._date_after(dateless, end, blocks))
        if not candidates:
            return None
        pool = hinted or named or [c for c in candidates if c.date_hinted] or candidates
        plain = [c for c in pool if not c.teaser_like]
        if plain:
            largest = max(c.size for c in plain)
            chosen = next(c for c in plain if c.size * 3 >= largest)
        else:
            chosen = pool[0]  # every candidate reads like a teaser: the post comes first
        return self._make_frame(chosen.date, chosen.title, chosen.start, chosen.end, teaser_like=chosen.teaser_like,
                                date_after=chosen.date_after)

    def _lists_entries(self, start: int, end: int) -> bool:
        """The text between lines `start` and `end`, up to its signature, holds titles that link to
        other posts (`_is_entry_title`): an archive's cards under its heading (`Dagbok`), not a
        post's text (what follows a signature, an events list, is not the post's either way)."""
        if sum(map(self._is_entry_title, range(start, end))) < 2:
            return False  # the cheap test first: most texts hold none
        body, _ = split_signature(self._kept(start, end), self.facts)
        return sum(map(self._is_entry_title, body)) >= 2

    def _copies_title(self, copy: int, title: int) -> bool:
        """Line `copy` repeats line `title` after text: ThemeGrill's themes print the title again at
        the end of the text for hAtom, hidden by their stylesheet, right above the date line."""
        return copy > title and self.texts[copy] == self.texts[title] and bool(self._kept(title + 1, copy))

    def _cut_at_footer_titles(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """A post whose date is printed after its text starts at its title: a candidate above it
        (a dated list in a sidebar) ends there instead of running on through that post."""
        titles = sorted(c.title for c in candidates if c.date_after is not None)
        cut = []
        for c in candidates:
            end = next((t for t in titles if c.start <= t < c.end), None)
            cut.append(c if end is None else replace(c, end=end, size=self._size(c.start, end)))
        return cut

    def _dates_the_post(self, i: int, title: int, start: int, end: int) -> bool:
        """Whether date line i sits in the element that holds the post's title and its text
        (lines `start` to `end`): a theme prints a post's date in the post, before its title or
        after its text. A dated list in a column next to the post (recent posts, events) is
        outside it, and never dates the post (docs/site.md, "Field rules"). The text starts past
        furniture, navigation and bylines (breadcrumbs or a meta row under a title in the post's
        header).
        """
        text = next((j for j in range(start, end) if not (self.facts.furniture[j] or self.facts.nav[j]
                                                          or is_byline(self.texts[j]))), None)
        return text is None or lies_within(self.lines[i].element, self.lines[title].element, self.lines[text].element)

    def _says_published_after(self, i: int, title: int) -> bool:
        """Date line i, after the text under `title`, says it is the publish date (`Publicerad:
        24 oktober 2018 11:20`, or `Publicerad:` / `2019-10-03` in a list of the page's facts, then
        `Senast ändrad: …`): the page's own dates, which Swedish public sites' themes (Municipio's)
        print in a row of their own after the article's element, perhaps past a contact box. A link
        to another page between the text's last sentence or signature and the date starts a list of
        other posts, whose dates are theirs."""
        if not (is_published_label(self.texts[i].split()[0]) or i and is_published_label(self.texts[i - 1])):
            return False  # the label first on the line, or on a line of its own before it
        for j in range(i - 1, title, -1):
            if self._is_link_entry(j):
                return False
            if len(self.texts[j].split()) >= _RUNNING_TEXT_WORDS and not self.facts.furniture[j] \
                    or self.facts.signs(j - 1, j):
                return True  # the text's last sentence or its signature (or a contact card's lines)
        return False

    def _candidate(self, date_line: int | None, date_after: int | None, title: int, start: int, end: int, *,
                   teaser_like: bool = False) -> _Candidate:
        shown = date_line if date_line is not None else date_after
        return _Candidate(date=date_line, date_after=date_after, title=title, start=start, end=end,
                          size=self._size(start, end), teaser_like=teaser_like,
                          hinted=self.facts.key(title) in self.title_hints,
                          date_hinted=self.dates[shown] in self.date_hints)

    def _past_dated_navigation(self, j: int) -> int:
        """Past the navigation that starts at line j when it shows dates: links to the previous and
        next post, with their dates, between the post's header and its text (BeTheme's, fixed to
        the window's sides). Their dates would end the text before it began."""
        k = j
        while k < self.n and self.facts.nav[k]:
            k += 1
        return k if any(n in self.dates for n in range(j, k)) else j

    def _named(self, candidate: _Candidate) -> bool:
        """The candidate's title is the one structured data, or the page's `<title>`, names."""
        return candidate.hinted or self.facts.key(candidate.title) == self.page_title

    def _title_before(self, i: int, blocks: dict[int, TeaserBlock]) -> int | None:
        """Read date line i as printed after the post's text (a theme's entry footer): the
        post's title, the line above that text most like a title (a heading, a bold line, the
        title structured data names), or None.

        The text runs up from the date line to the previous date line, marker, comments,
        teaser or the top of the page; the title must have text between it and the date.
        Lines in capitals are subheads, never the title.
        """
        in_blocks = {j for b in blocks.values() for j in range(b.start, b.end)}
        best, best_score = None, None
        text_below = False
        for t in range(i - 1, -1, -1):
            if t in self.dates or t in in_blocks or t in self.comments or self.facts.marker[t] \
                    or self.facts.after_post[t]:
                break
            if text_below and not self.texts[t].isupper() and self._title_like(t):
                score = self._title_score(t, False, False)
                if score is not None and (best_score is None or score >= best_score):
                    best, best_score = t, score
            if not text_below and not self.facts.furniture[t] and not self.facts.nav[t] \
                    and not self._is_link_entry(t):
                text_below = True
        return best

    def _title_like(self, t: int) -> bool:
        """A heading, a bold line, or the title structured data or `<title>` names."""
        if self.facts.heading(t) is not None or is_emphasised(self.lines[t], self.document):
            return True
        key = self.facts.key(t)
        return key in self.title_hints or key == self.page_title

    def _is_link_entry(self, t: int) -> bool:
        """A line that is only a link to another page (an entry of a list of other posts in a
        sidebar, each followed by its date): not a post's text, nor its title. A link to this
        page in another of the site's forms (`http://`, without `www.`) is to this page."""
        if t not in self._link_entries:
            anchors = [e for e in self.lines[t].inlines if e.tag == "a" and e.get("href")]
            self._link_entries[t] = len(anchors) == 1 and element_text(anchors[0]) == self.texts[t] \
                and not self.document.links_here(anchors[0].get("href"))
        return self._link_entries[t]

    def _is_entry_title(self, t: int) -> bool:
        """A heading that is one link to another page, not the site's home page nor an archive: the
        title of an entry in a list of posts (an archive's card), not a logo, a category's label
        or a post's own title."""
        if not self.lines[t].inlines:
            return False  # most lines: no link at all
        if t not in self._entry_titles:
            self._entry_titles[t] = self._links_an_entry(t)
        return self._entry_titles[t]

    def _links_an_entry(self, t: int) -> bool:
        if self.facts.heading(t) is None or not self._is_link_entry(t) \
                or self._is_site_name(self.texts[t]):
            return False
        anchor = next(e for e in self.lines[t].inlines if e.tag == "a" and e.get("href"))
        href = anchor.get("href")
        return not self.document.links_home(href) and archive_of(href) is None  # not a category's label

    def _size(self, start: int, end: int) -> int:
        """Characters in lines [start, end)."""
        if self._sizes is None:
            self._sizes = list(accumulate(map(len, self.texts), initial=0))
        return self._sizes[end] - self._sizes[start]

    def _dateless_title(self, blocks: dict[int, TeaserBlock]) -> int | None:
        """A line that a structured title names, outside navigation and teasers: the post's title
        when no date line sits next to it (a page whose date line is missing)."""
        if not self.title_hints and not self.page_title:
            return None
        in_teasers = {j for b in blocks.values() for j in range(b.start, b.end)}

        def names_the_title(j: int) -> bool:
            if self.facts.nav[j] or j in in_teasers or not self._usable(j):
                return False
            key = self.facts.key(j)
            return key in self.title_hints or (key == self.page_title and (self.facts.heading(j) or 9) <= 2)

        # a heading first: the last step of a breadcrumb trail we could not tell says the title too
        heading = next((j for j in range(self.n) if self.facts.heading(j) is not None and names_the_title(j)), None)
        return heading if heading is not None else next((j for j in range(self.n) if names_the_title(j)), None)

    def _date_after(self, title: int, end: int, blocks: dict[int, TeaserBlock]) -> int | None:
        """The post's own date printed after its text (a theme's entry footer: `Publicerad 29 april
        2019`, then `Av Redaktionen`), for a post with no date line next to its title.

        It is the date line that ends the post, so nothing but furniture stands between it and
        the text, or a box of other posts a plugin prints after the text (`_past_boxes`); a
        teaser's date line, navigation, anything after comments or previous/next links (which
        end the post first) and a date outside the post's element never are.
        """
        shown = self._past_boxes(end)
        if shown not in self.dates or self.facts.nav[shown] or shown in blocks or shown in self.comments \
                or shown >= self.facts.comments or not self._dates_the_post(shown, title, title + 1, end):
            return None
        return shown

    def _past_boxes(self, j: int) -> int:
        """The first line past the boxes that start at line j, each a heading of what follows a
        post's text (`Relaterade inlägg:`, `Dela detta:`) or a subscribe box's line (a newsletter
        form's `Prenumerera på vårt nyhetsbrev`), and all else its element holds (the entries,
        with their own dates). Plugins print such boxes at the end of the content, before a
        theme's entry footer and its date. Comments and previous/next links are no such box."""
        while j < self.n and (self.facts.after_post[j] and not self.facts.text_facts[j].only_after_post
                              or is_subscribe_line(self.texts[j])):
            box = self.lines[j].element.getparent()
            j = max(j + 1, self.document.span(box)[1] if box is not None else 0)
        return j

    def _after_a_lead(self, i: int, title: int) -> bool:
        """Date line i, under the title and one lead paragraph (an `ingress`) in the post's header,
        perhaps among a meta row's labels (`Publicerat i Dagbok`), is the header's, and the text goes
        on after it. Either the header (the smallest element that holds the title and the date)
        holds the lead but not the running text that follows the date, or the title, a heading, and
        the lead have a box of their own and the date comes after it (Koji, Twenty Twenty: the
        excerpt under the title, the meta row between the header and the text)."""
        furniture, nav = self.facts.furniture, self.facts.nav
        lead, j, row = title + 1, i + 1, self.lines[i].element.getparent()
        while j < self.n and (furniture[j] or nav[j]) and self.lines[j].element.getparent() is row:
            j += 1  # the rest of the date's meta row (`Lämna en kommentar`): the text starts after it
        if lead >= i or j >= self.n or j in self.dates or furniture[j] or nav[j] \
                or len(self.texts[j].split()) < _RUNNING_TEXT_WORDS \
                or not all(furniture[k] or nav[k] for k in range(lead + 1, i)):
            return False
        title_element, lead_element = self.lines[title].element, self.lines[lead].element
        header = (title_element, self.lines[i].element)
        return (lies_within(lead_element, *header) and not lies_within(self.lines[j].element, *header)
                or self.facts.heading(title) is not None
                and not lies_within(self.lines[i].element, title_element, lead_element))

    def _make_frame(self, date_index: int | None, title: int | None, start: int, end: int, *,
                    teaser_like: bool = False, date_after: int | None = None) -> Frame:
        kept = self._kept(self._past_header(date_index, title, start, end), end)
        if kept and title is not None and self._copies_the_title(kept[0], title):
            kept = self._kept(kept[0] + 1, end)  # the theme's meta row may follow the copy: the text's top edge
        # a date between a lead and the text is not text, nor are the labels of its meta row before it
        # (`Publicerat i Dagbok`), nor a copy of the title after the text (ThemeGrill's themes print
        # one for hAtom, hidden by their stylesheet)
        row = set()
        if date_after is not None:
            row = set(range(self._row_start(date_after), date_after + 1))
        kept = tuple(j for n, j in enumerate(kept) if j not in row
                     and not (n == len(kept) - 1 and title is not None and self._copies_the_title(j, title)))
        body, signature = split_signature(kept, self.facts)
        shown = date_index if date_index is not None else date_after
        return Frame(date=date_index, date_after=date_after,
                     published=self.dates.get(shown) if shown is not None else None,
                     title=title, start=start, end=end, kept=kept, body=body, signature=signature,
                     title_first=date_index is not None and title is not None and title < date_index,
                     teaser_like=teaser_like)

    def _row_start(self, i: int) -> int:
        """The first line of date line i's meta row: the furniture and navigation right before it."""
        while i > 0 and (self.facts.furniture[i - 1] or self.facts.nav[i - 1]):
            i -= 1
        return i

    def _copies_the_title(self, j: int, title: int) -> bool:
        """Line j, at the text's start or end, is the theme's copy of the title: the same words, perhaps
        after a date badge (Bridge's `21 aug` in the heading over the text). A subhead among the
        paragraphs may say the title's words; it is the text's."""
        text, shown = self.texts[j], self.texts[title]
        return text == shown or text.endswith(" " + shown) and is_date_badge(text[: -len(shown)])

    def _past_header(self, date_line: int | None, title: int | None, start: int, end: int) -> int:
        """Where the post's text starts: past short labels that sit with the title and the date
        line in the element that holds both (the post's header), when the text lies outside it
        (Oxygen prints the account's name bare, `Redaktionen`, under the date)."""
        if date_line is None or title is None:
            return start
        header = (self.lines[title].element, self.lines[date_line].element)
        j = start
        while j < end and lies_within(self.lines[j].element, *header) and (
                self.facts.furniture[j] or self.facts.nav[j] or _is_label(self.facts, j)):
            j += 1
        return j if j < end and not lies_within(self.lines[j].element, *header) else start

    def _kept(self, start: int, end: int) -> tuple[int, ...]:
        """The post's lines between title and end: no credits, hashtags, navigation, edge furniture,
        nor a box of links to other posts between its paragraphs (`_past_related_box`)."""
        kept = keep_content(self.facts, range(start, end))
        boxed: set[int] = set()
        for j in kept[1:]:
            if self.facts.chrome[j] and j not in boxed:
                boxed.update(range(j, self._past_related_box(j)))
        return tuple(j for j in kept if j not in boxed)


def keep_content(facts: LineFacts, indices: Iterable[int]) -> tuple[int, ...]:
    """Lines that can be body or signature: credits, hashtag lines, markers, navigation and
    furniture are dropped, and a byline, a meta line (`is_published_line`), a linked label, a row
    of links to archives (tags, `_is_archive_row`) or a copy of the date line under the title
    (docs/site.md, "A post page": a credit is not an author, nor body). Chrome is dropped only at
    either end: mid-text it may be content. A copy of a line for another screen size is dropped
    (`_is_screen_copy`)."""
    nav, removable, chrome, texts = facts.nav, facts.removable, facts.chrome, facts.texts
    kept = [j for j in indices if not nav[j] and not removable[j]]
    kept = [j for n, j in enumerate(kept) if not (n and _is_screen_copy(facts, kept[n - 1], j))]
    first, last = 0, _other_post_box(facts, kept, _author_box(facts, kept))
    while last > first and (chrome[kept[last - 1]] or facts.heading(kept[last - 1]) and not _signs(facts, kept, last)
                            or CONTACT_RE.fullmatch(texts[kept[last - 1]]) or _is_archive_row(facts, kept[last - 1])):
        last -= 1  # a post never ends with a heading (it belongs to what follows), a bare e-mail/phone or a tag
    while first < last and (chrome[kept[first]] or is_byline(texts[kept[first]])
                            or is_published_line(texts[kept[first]]) or _is_linked_label(facts, kept[first])
                            or _is_archive_row(facts, kept[first]) or kept[first] in facts.dates):
        if is_byline_word(texts[kept[first]]) and first + 1 < last and is_meta_value(texts[kept[first + 1]]):
            first += 1  # a meta row of one word per element: `i` / `Dagbok`, `av` / `Redaktionen`
        first += 1
    return tuple(kept[first:last])


def _is_screen_copy(facts: LineFacts, before: int, j: int) -> bool:
    """Line j repeats line `before`, the one kept before it, each in a wrapper of its own: the same
    words printed again for another screen size (a page builder's copy for phones beside the one
    for larger screens, `vc_hidden-xs`, `fusion-no-small-visibility`, each in its widget's element),
    one of which a stylesheet we cannot see hides. A reader sees them once. A paragraph an editor
    pasted twice stands twice among the text's paragraphs, and a short repeat (a table's `Ja`) is
    the text's."""
    if facts.texts[j] != facts.texts[before] or len(facts.texts[j].split()) < _COPY_WORDS:
        return False
    element, other = facts.lines[j].element, facts.lines[before].element
    return element is not other and element.getparent() is not other.getparent()


def _other_post_box(facts: LineFacts, kept: Sequence[int], end: int) -> int:
    """Where a box that shows another post starts at the end of `kept[:end]`, or `end`: a line of
    what follows a post (`Läs också`), that post's title all one link, perhaps its excerpt ending
    with an ellipsis (Divi's `Läs också` under the text). Nothing after the text marks where an
    unsigned post ends, and the box hides a signature above it."""
    for start in range(end - 2, max(end - 3 - _EXCERPT_LINES, -1), -1):
        if facts.chrome[kept[start]] and line_link(facts.lines[kept[start + 1]]) is not None:
            excerpt = kept[start + 2:end]
            if not excerpt or ends_with_ellipsis(facts.texts[excerpt[-1]]):
                return start
    return end


def _signs(facts: LineFacts, kept: Sequence[int], end: int) -> bool:
    """`kept` up to `end` ends with a name over a role: a signature, even printed as headings (a
    page builder's headline widget, `<h4>` the name, `<h5>` the role)."""
    return end >= 2 and facts.signs(kept[end - 2], kept[end - 1])


def _author_box(facts: LineFacts, kept: Sequence[int]) -> int:
    """Where an author box starts in `kept`, or its length: once the text has begun, a short line
    that starts with a link to an author's archive (WordPress's `/author/redaktionen/`,
    `_is_author_link`) or that opens a box with the account's avatar (`_opens_an_avatar_box`).
    The account's biography and social links follow it; they are the box's, not the post's
    (docs/site.md, "What stock WordPress prints"). A name over a role is a signature, even with
    a link."""
    running = False
    for n, j in enumerate(kept):
        if running and (_is_author_link(facts, j) or _opens_an_avatar_box(facts, j)) and not (
                n + 1 < len(kept) and facts.signs(j, kept[n + 1])):
            return n
        running = running or (len(facts.texts[j].split()) >= _RUNNING_TEXT_WORDS and not facts.furniture[j])
    return len(kept)


def _opens_an_avatar_box(facts: LineFacts, j: int) -> bool:
    """Line j is short and the first text of a small box that shows an avatar: WordPress's
    `get_avatar()` picture (a Gravatar, `gravatar.com/avatar/…`, or its `avatar` class) beside the
    account's name and biography (a block plugin's About Author, a front end's author box)."""
    if len(facts.texts[j].split()) > 6:
        return False
    previous = facts.lines[j - 1].element if j else None
    for box in islice(facts.lines[j].element.iterancestors(), _AVATAR_BOX_DEPTH):
        if previous is not None and (previous is box or box in previous.iterancestors()):
            return False  # the box holds text before line j
        if any(_is_avatar(img) for img in box.iter("img")):
            return True
    return False


def _is_avatar(img: Any) -> bool:
    return "gravatar.com/avatar/" in (img.get("src") or "") or "avatar" in (img.get("class") or "").split()


def _is_author_link(facts: LineFacts, j: int) -> bool:
    """Line j is short and starts with a link to an author's archive: the account's name over an
    author box, perhaps with its counts (`Redaktionen` `35 inlägg` `0 kommentarer`)."""
    text = facts.texts[j]
    return len(text.split()) <= 6 and any(
        e.tag == "a" and archive_of(e.get("href") or "") in AUTHOR_SEGMENTS and (shown := element_text(e))
        and text.startswith(shown) for e in facts.lines[j].inlines)


def _is_archive_row(facts: LineFacts, j: int) -> bool:
    """Line j is links to category, tag or author archives and nothing else with a letter in it but
    a byline word: a post's tags, or a meta row's account, category and tags (`allmannyttan Dagbok
    Norrköping, Portalen 1`, the comment count linking to the comments; Jupiter's `In Dagbok`)."""
    rest = facts.texts[j]
    for anchor in facts.lines[j].inlines:
        if anchor.tag == "a" and archive_of(anchor.get("href") or "") in ARCHIVE_SEGMENTS:
            rest = rest.replace(element_text(anchor), "", 1)
    return rest != facts.texts[j] and all(is_byline_word(word) or not any(c.isalpha() for c in word)
                                          for word in rest.split())


def frame_top(frame: Frame) -> int:
    """The first line of the post: its date line or its title, whichever comes first."""
    return min(i for i in (frame.date, frame.title, frame.start) if i is not None)


def _overlaps(block: TeaserBlock, frame: Frame) -> bool:
    """A block that shares lines with the post (its date line, title or body) is not a teaser."""
    return block.start < frame.end and block.end > frame_top(frame)


def split_signature(kept: Sequence[int], facts: LineFacts) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """Split (body, signature): the signature is the last two lines when they are a name and a role,
    perhaps with the role typed on over more lines of its paragraph (`_role_goes_on`), or the
    lines before a postscript (`PS. Glöm inte att anmäla dig!`) or footnotes a plugin adds
    under the text (`_is_footnote`), which are the post's text. A
    theme may print the signature as a box before the text in the page (an author box from custom
    fields, shown beside the text): a name and a role first, outside the element that holds the
    text; the same lines inside it open the text (an interview's guest).

    What follows a signature is not part of the post, and is passed over, when it is up to
    three lines of furniture (a share box, a `Senaste från dagboken` heading, a `Dagbok`
    label the next teaser prints before its date), or lies outside the element that holds
    the post's text and the signature (an author's biography, share buttons, links to other
    posts or the site's footer, printed after the content's element).
    """
    for end in range(len(kept), 1, -1):
        if not _signs(facts, kept, end) or _cites(facts, kept[end - 2]):
            continue
        if end == 2:  # nothing before the name and role: a box beside the text, or the text's first lines
            after = kept[end:]
            if after and _outside_the_text(facts, after[0], after[-1], kept[:2]):
                return tuple(after), (kept[0], kept[1])
            continue
        role = _role_goes_on(facts, kept[end - 2], kept[end:])
        rest = end + len(role)
        postscript = tuple(j for j in kept[rest:rest + 1] if is_postscript(facts.texts[j]))
        notes = tuple(j for j in kept[rest + len(postscript):] if _is_footnote(facts, j))
        after = [j for j in kept[rest + len(postscript):] if j not in notes]
        if len(after) <= 3 and all(_is_trailing_furniture(facts, j) for j in after) \
                or _outside_the_text(facts, kept[0], kept[rest - 1], after):
            first = _first_signature(kept, end, facts)
            if first == end and end > 2 and _is_contact_label(facts, kept[end - 3]):
                continue  # a contact under `Kontakt:` at the end of an unsigned text: not its writer
            signature = (kept[first - 2], kept[first - 1], *(role if first == end else ()))
            return tuple(kept[:first - 2]) + postscript + notes, signature
    return tuple(kept), None


def _is_contact_label(facts: LineFacts, j: int) -> bool:
    """Line j names who to contact, over a name and a role (`Kontakt:`, `Kontaktperson:`, `Frågor?
    Kontakta:`, a `Kontakt` heading): that person is a contact, not the text's writer. A sentence
    (`Kontakta mig gärna!`) before a signature is the text's."""
    text = facts.texts[j]
    return "kontakt" in text.casefold() and len(text.split()) <= 6 \
        and (text.endswith(":") or facts.heading(j) is not None)


def _role_goes_on(facts: LineFacts, name: int, lines: Iterable[int]) -> tuple[int, ...]:
    """The lines at the head of `lines` that carry on the role of the signature whose name is line
    `name`, typed under it in the signature's own paragraph (`ansvarig för stadsdelsutveckling,` /
    `Hyresbostäder i Norrköping`, lines split by `<br>`): the paragraph holds nothing before the
    name, and a contact line (an e-mail, a phone number) or a postscript is no role."""
    paragraph = facts.lines[name].element
    if facts.lines[name + 1].element is not paragraph or name > 0 and facts.lines[name - 1].element is paragraph:
        return ()
    more: list[int] = []
    for j in lines:
        text = facts.texts[j]
        if facts.lines[j].element is not paragraph or not facts.text_facts[j].role or CONTACT_RE.fullmatch(text) \
                or is_postscript(text):
            break
        more.append(j)
    return tuple(more)


def _is_footnote(facts: LineFacts, j: int) -> bool:
    """A footnote a plugin prints under the post's content, after its signature (Easy Footnotes,
    a Word paste's `[1]`): words of its own, and a link back to its mark, an element that stands
    before it in the page (`#easy-footnote-1-108` to the `id` in the text's sentence)."""
    line = facts.lines[j]
    anchors = [e for e in line.inlines if e.tag == "a"]
    if facts.furniture[j] or len(facts.texts[j]) <= sum(len(element_text(e)) for e in anchors) + 1:
        return False
    fragments = [href[1:] for anchor in anchors if (href := anchor.get("href") or "").startswith("#") and len(href) > 1]
    return any(line.element.xpath("preceding::*[@id=$name or @name=$name]", name=name) for name in fragments)


def _cites(facts: LineFacts, j: int) -> bool:
    """Line j is in a `<cite>`: a quote's attribution (`Sophia Lövgren` / `utvecklingsstrateg på
    Hyresgästföreningen` under a quote block), not the post's signature, even in an unsigned post."""
    return any(e.tag == "cite" for e in facts.lines[j].inlines)


def _first_signature(kept: Sequence[int], end: int, facts: LineFacts) -> int:
    """Where the post's signature ends, given a name and a role that end at `end` in `kept`. An
    author card may repeat the signature under the text, after a label (`Publicerad av` / the
    name / the role); a contact box may follow it under a heading or label (`Vill du veta mer?
    Kontakta`, `Kontakt:` / another name / a role), perhaps past the signer's e-mail and phone,
    and an author box with the account's avatar may give its name and biography under the signed
    text (Bam's: the biography reads like a role). None is the post's."""
    texts = facts.texts
    earlier, heading = end - 2, False
    while earlier - 1 > 1:
        j = kept[earlier - 1]
        label = _is_contact_label(facts, j)
        if not (label or _is_trailing_furniture(facts, j) or CONTACT_RE.fullmatch(texts[j])):
            break
        heading = heading or label or facts.heading(j) is not None
        earlier -= 1
    if not _signs(facts, kept, earlier):
        return end
    repeated = (texts[kept[earlier - 2]], texts[kept[earlier - 1]]) == (texts[kept[end - 2]], texts[kept[end - 1]])
    return earlier if repeated or heading or _opens_an_avatar_box(facts, kept[end - 2]) else end


def _outside_the_text(facts: LineFacts, first: int, last: int, lines: Sequence[int]) -> bool:
    """Whether every one of `lines` lies outside the smallest element that holds lines `first` and `last`."""
    top, bottom = facts.lines[first].element, facts.lines[last].element
    return not any(lies_within(facts.lines[j].element, top, bottom) for j in lines)


def _is_trailing_furniture(facts: LineFacts, j: int) -> bool:
    return facts.chrome[j] or facts.heading(j) is not None or _is_label(facts, j)


def _is_linked_label(facts: LineFacts, j: int) -> bool:
    """A short label that is all one link: a category printed on the featured image, between the
    title and the text (The7's `Dagbok`)."""
    return _is_label(facts, j) and line_link(facts.lines[j]) is not None


def _is_label(facts: LineFacts, j: int) -> bool:
    """A short label line (`Dagbok`, `Innovationslabb`), not a sentence and not a name."""
    text = facts.texts[j]
    return len(text) <= 40 and len(text.split()) <= 3 and text[-1] not in ".!?:…" and not facts.is_name(j)
