"""What a single line of a page is: a date line, furniture, a name, a role, a heading.

These are the text facts docs/site.md ("A post page") gives about the diary (date line `D månad YYYY`,
subscribe box and footer phrases, photo credits, a signature of a name line and a
role line), checked one line at a time; `layout.py` puts them together. The
phrases themselves live in `selectors.py`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from ..dates import (BYLINE_WORDS, POST_SENTENCE_STARTS, PUBLISHED_WORDS, counts_back, ends_with_update_word,
                     is_date_badge, is_published_label, is_timestamp, match_date_line, may_be_relative, may_hold_a_date,
                     names_update, parse_date, search_dates)
from .document import Document, Line, element_text, normalise_space
from .selectors import (AFTER_POST_COUNTED, AFTER_POST_COUNTS, AFTER_POST_PHRASES, ARCHIVE_SEGMENTS,
                        BREADCRUMB_SEPARATORS, BYLINE_PREFIXES, CATEGORY_PREFIXES, CHROME_LINES, CHROME_PREFIXES,
                        COMMENTER_ENDINGS, CREDIT_PREFIXES, ELLIPSES, EMPHASIS_TAGS, FOOTER_PHRASES, HEADING_TAGS,
                        INSERT_LABELS, MAX_SUBSCRIBE_WORDS, NAME_PARTICLES, NAME_PREFIXES, NAME_TITLES,
                        NAVIGATION_ROLES, NAVIGATION_TAGS, NOT_NAME_WORDS, POST_LINK_ARROWS, POST_NAVIGATION_PHRASES,
                        READ_MORE, SHARE_ENDPOINTS, SHARE_WORDS, SIGN_OFF_MARKS, SITE_NAMES, SUBSCRIBE_PHRASES,
                        TITLE_SEPARATORS)

_PUBLISHED_LINE_STARTS = frozenset({"publicerad", "publicerat", "postad", "postat", "published", "posted"})
_PUBLISHED_LINE_WORDS = 12  # a meta line: the time, the category, the account, a comment count
_MAX_COUNT_DIGITS = 4  # a count a meta line ends with (comments, views): a year is no count
_BREADCRUMB_SPLIT_RE = re.compile(f"[{re.escape(BREADCRUMB_SEPARATORS)}]")
_BYLINE_WORDS_ALONE = frozenset(BYLINE_WORDS) | {prefix.strip() for prefix in BYLINE_PREFIXES}
# share labels glued together, perhaps each with its count (`FacebookTwitterLinkedInE-post`,
# `DelaTotalt23Facebook14Twitter3`), after the total (Soledad's `4FacebookTwitterLinkedinEmail`)
_GLUED_SHARE_WORDS_RE = re.compile(r"\d*(?:(?:{})\d*)+".format("|".join(
    re.escape(w) for w in sorted(SHARE_WORDS, key=len, reverse=True) if len(w) > 1)))
# How long a post takes to read, as themes print it (`Läsningstid: 3 min`, `2 minuters läsning`,
# `Mindre än en minut läsning`, `3 min read`); asked of casefolded text.
_READING_TIME_RE = re.compile(r"(?:läsningstid|lästid|reading time):?\s*(?:\d+|mindre än en|en)?\s*min\w*\.?"
                              r"|(?:\d+|en|mindre än en|less than a|a)\s*min\w*\.?\s*(?:läsning|lästid|att läsa|read)"
                              r"|less than a minute")
MAX_DATE_LINE = 60
_CAPTION_WORDS = 5  # after a credit's label, a sentence this long says what a picture shows
_MAX_BADGE_PIECE = 10  # a piece of a date badge: a day, a month's name or a year
MAX_SWITCH_WORDS = 12  # `Detta inlägg finns även på: Engelska (English) Suomi (Finska)`
FALLBACK_DATE_LINE = 30  # a line read by dateparser when no line matched the site's date forms
MAX_ROLE = 200  # `utvecklingsledare på Hyresgästföreningen och ledamot i styrgruppen för …` runs to 185
_NAME_PUNCTUATION = re.compile(r"[0-9.,!?:;()\[\]{}\"”“/@#&+=*|<>_…]")
_DIGIT_RE = re.compile(r"\d")
_LETTER_RE = re.compile(r"[^\W\d_]")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_TABLE_CELLS = frozenset({"td", "th"})
_LOGIN_RE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")  # an account's login as WordPress prints it bare: `sabo_webb`
_FILED_LINE_WORDS = 16  # `Detta inlägg postades i Dagbok, Norrköping och Portalen. Bokmärk permalänken.`
# Names in a list (`Redaktionen och Anna Kanervo`, `Anna Kanervo, Martin Kesenci & Karin Sjöberg`): the
# bylines of plugins that let a post have several authors (Co-Authors Plus, PublishPress Authors, Molongui)
_NAME_LIST_RE = re.compile(r"\s*,\s*|\s+(?:och|and|&)\s+")
_GLUED_BYLINE_RE = re.compile(r"(?:Av|By)(?=[A-ZÅÄÖ])")  # `AvJohan Lind`: `<span>Av</span><a>Johan Lind</a>`
_NICKNAME_QUOTES = "”“\"'’‘»«"
_INITIAL_RE = re.compile(r"(?<!\w)[^\W\d_]\.(?=\s|$)")  # `K.` in `Anna K. Andersson`
_CONTACT = (r"(?:e-?post:?\s*|tel(?:efon)?[.:]?\s*|tfn\.?:?\s*|mobil:?\s*)?"
            r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email\s+protected\]|\+?[\d\s-]{7,})")
# a line of contacts: an e-mail address or a phone number, or several (`anna@…, tfn 011-19 60 00`);
# Cloudflare shows an address it hides from robots as `[email protected]`
CONTACT_RE = re.compile(rf"{_CONTACT}(?:\s*[,|·/]\s*{_CONTACT})*", re.IGNORECASE)
_SUBSCRIBE_PREFIXES = tuple(p.casefold() for p in SUBSCRIBE_PHRASES)
_FOOTER_PREFIXES = tuple(p.casefold() for p in FOOTER_PHRASES)
_POSTSCRIPT_RE = re.compile(r"P\.? ?S\b[.:]?", re.IGNORECASE)
_PLAIN_QUOTES = {"”": '"', "“": '"', "„": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "…": "..."}
# a regex, not str.translate: translate maps a text with a dash in it character by character in Python
_QUOTES_RE = re.compile(f"[{''.join(_PLAIN_QUOTES)}]")


def is_marker(text: str) -> bool:
    """The site's own furniture after a post, the subscribe box or the footer: the post ends here."""
    return is_subscribe_line(text) or text.casefold().startswith(_FOOTER_PREFIXES)


def is_subscribe_line(text: str) -> bool:
    """A line of the subscribe box (`Få nya inlägg i din inkorg`, `Prenumerera på …`), not a
    sentence of the post's that starts the same way (`Följ oss på Instagram där vi …`)."""
    return text.casefold().startswith(_SUBSCRIBE_PREFIXES) and len(text.split()) <= MAX_SUBSCRIBE_WORDS


def is_credit(text: str) -> bool:
    """A photo credit (`Foto: Shutterstock`): never body, never an author (docs/site.md, "A post page").
    A caption that says what the picture shows after the same label (`Bild: Bänkarna har byggts av
    ungdomar i Hageby.`) is the post's text: a credit names its source in a few words."""
    folded = text.casefold()
    if not folded.startswith(CREDIT_PREFIXES):  # the cheap test: most lines
        return False
    label = next(prefix for prefix in CREDIT_PREFIXES if folded.startswith(prefix))
    return not (label.endswith(":") and _is_sentence(text[len(label):], words=_CAPTION_WORDS))


def is_postscript(text: str) -> bool:
    """A postscript, which may follow the signature (`PS. Glöm inte att anmäla dig!`, `P.S.`)."""
    return _POSTSCRIPT_RE.match(text) is not None


def is_insert_label(text: str) -> bool:
    """The label over an ad or an embedded post between a post's paragraphs (`Annons`): never body."""
    return len(text) <= 40 and text.casefold() in INSERT_LABELS


def is_hashtag_line(text: str) -> bool:
    """A line of hashtags only (`#sabo #allmännyttan #BodenBo`)."""
    return text.startswith("#") and all(w.startswith("#") for w in text.split())


def is_wordless(text: str) -> bool:
    """A line without a letter: a separator between a meta row's elements (`-`, `|`), an
    arrow, an icon's glyph, a count of views or comments (`1234`, `0`), or a date line
    (`2019-04-29`). Any but a date line or a table's cell that is not a bare number is never a
    title, body or signature (`line_facts`)."""
    return not any(c.isalpha() for c in text)


def is_chrome(text: str) -> bool:
    """Theme furniture (`Dela`, `Skriv ut`, `Publicerat i Dagbok`, `Dela Facebook Twitter`, a
    meta row's `Publicerad` or `av`, a reading time): not content, not a signature."""
    if len(text) > 80:
        return False
    folded = text.casefold()
    if folded.rstrip("!:…") in CHROME_LINES or folded.startswith(CHROME_PREFIXES) or is_meta_word(folded):
        return True  # a share box's heading may shout or trail off (`Dela gärna!`, AddToAny's; `Dela detta…`)
    reading_time = _READING_TIME_RE.search(folded)
    if reading_time is not None:  # with the counts a meta row prints beside it (`0 38 Mindre än en minut läsning`)
        folded = folded[:reading_time.start()] + folded[reading_time.end():]
    words = [w.strip(":|·•,") for w in folded.split()]
    # share buttons, perhaps with their counts (`47 Delningar`, `Dela 12`), but not a number alone;
    # their labels may be glued together (`FacebookTwitterLinkedInE-post`)
    return all(w in SHARE_WORDS or w.isdigit() or _GLUED_SHARE_WORDS_RE.fullmatch(w) for w in words) and (
        reading_time is not None or (bool(words) and not all(w.isdigit() for w in words)))


def is_byline(text: str) -> bool:
    """A theme's byline under the title (`av Redaktionen`, `Skriven av Anna Kanervo`, or glued to its
    name by markup with no space, `AvJohan Lind`, Newsup's), perhaps the first item of a meta row
    with no date (`av Redaktionen | publicerat i: Dagbok | 0`, Virtue's): furniture, not body."""
    head, bar, row = text.partition("|")
    if bar and all(0 < len(item.split()) <= 4 and item.strip()[-1] not in ".!?" for item in row.split("|")):
        text = head.strip()  # the byline heads the row
    folded = text.casefold()
    glued = _GLUED_BYLINE_RE.match(text)
    prefix = glued.group() if glued else next((p for p in BYLINE_PREFIXES if folded.startswith(p)), None)
    if prefix is None:
        return False
    names = _NAME_LIST_RE.split(text[len(prefix):].strip())
    return all(1 <= len(words := name.split()) <= 4 and all(w[0].isupper() for w in words)
               and not _NAME_PUNCTUATION.search(name) for name in names)


def is_published_line(text: str) -> bool:
    """A theme's meta line that starts with a published word and goes on with what the post is
    filed under, not a date we read (Bridge's `Posted at 11:00h in Dagbok by Redaktionen 0
    Comments`): short and no sentence. Furniture at the top of the text, not body."""
    words = text.split()
    return 2 <= len(words) <= _PUBLISHED_LINE_WORDS and words[0].casefold() in _PUBLISHED_LINE_STARTS \
        and text[-1] not in ".!?"


def is_meta_word(text: str) -> bool:
    """A word of a meta row printed as an element of its own (`Publicerad` / `29 april 2019` /
    `i` / `Dagbok` / `av` / `Redaktionen`): a published or update label, or a byline word."""
    if len(text) > 30:  # longer than any label: `Senast uppdaterad den:`
        return False
    folded = text.casefold()
    return is_byline_word(folded) or is_published_label(folded) or (names_update(folded)
                                                                    and not _DIGIT_RE.search(folded))


def is_byline_word(text: str) -> bool:
    """A byline's words printed as an element of their own, before the name or category they
    introduce (`av`, `i`, `Skrivet av`)."""
    return text.casefold() in _BYLINE_WORDS_ALONE


def is_meta_value(text: str) -> bool:
    """The value after a byline word in a meta row (`Dagbok`, `Redaktionen`, `Anna Kanervo`, two
    accounts that wrote the post together, `Anna Kanervo och Martin Kesenci`)."""
    return len(text) <= 40 and text[-1] not in ".!?:…" and all(
        len(name.split()) <= 4 for name in _NAME_LIST_RE.split(text))


def is_after_post(text: str) -> bool:
    """A line that starts what follows a post: comments, the comment form, previous/next links,
    a widget of other posts (`Lämna ett svar`, `2 svar på ”…”`, `Sven Svensson skriver:`)."""
    if len(text) > 120:
        return False
    folded = text.casefold()
    return (len(folded.split()) <= 8 and _starts_with_label(text, folded, AFTER_POST_PHRASES)) \
        or _heads_comments(text) or only_follows_a_post(text) or _is_post_link_with_arrow(text)


def _starts_with_label(text: str, folded: str, phrases: tuple[str, ...]) -> bool:
    """`text` starts with one of `phrases` (casefolded) as a label, not as a sentence of the post's own."""
    return folded.startswith(phrases) and any(folded.startswith(p) and not _reads_on(text[len(p):]) for p in phrases)


def _reads_on(rest: str) -> bool:
    """What follows a label's words goes on as a sentence of the post's own, lower-case words to
    a full stop, an exclamation or a question mark (`Kommentera| gärna nedan!`, `Föregående|
    vecka besökte vi Boden.`, `Ett svar| på frågan är att …`). A label goes on with a title, a
    count, a separator or nothing (`Föregående inlägg| Vilken resa vi gör!`, `2 svar| på ”…”`)."""
    words = rest.split()
    return len(words) >= 2 and rest[-1] in ".!?" and words[0][0].islower() and words[1][0].islower()


def _is_post_link_with_arrow(text: str) -> bool:
    """WordPress's own previous/next links, a post's title with an arrow (`« Intervjuer i Lina
    Hage`, `God jul från innovationslabben »`), not a `Läs mer »`."""
    words = text.split()
    if len(words) < 3 or text.endswith(READ_MORE):
        return False
    return words[0] in POST_LINK_ARROWS[0] or words[-1] in POST_LINK_ARROWS[1]


def _is_comment_count(folded: str) -> bool:
    """`2 kommentarer`, `Inga kommentarer`, `Ett svar på ”…”`: a count of comments."""
    words = folded.split(None, 2)
    return len(words) >= 2 and (words[0].isdecimal() or words[0] in AFTER_POST_COUNTS) \
        and words[1] in AFTER_POST_COUNTED


def _heads_comments(text: str) -> bool:
    """A count that heads the comments (`2 kommentarer`, `2 svar på ”…”`), not a meta row that
    starts with the count and goes on past a separator or to a date (Astra's row under the title:
    `4 kommentarer / Dagbok / Av Redaktionen / 27 februari 2019`), nor a sentence (`Ett svar på
    frågan är …`)."""
    if not _is_comment_count(text.casefold()):
        return False
    words = text.split(None, 2)
    return len(words) == 2 or (words[2][0] not in _SEPARATORS and not search_dates(words[2])
                               and not _reads_on(words[2]))


def only_follows_a_post(text: str) -> bool:
    """A line printed only after a post: a comments heading with a count (`2 svar på ”…”`,
    `1 kommentar till ”…”`), a commenter's line (`Sven Svensson skriver:`), a link to the
    previous or next post. No date at or after such a line is the post's."""
    if len(text) > 120:
        return False
    folded = text.casefold()
    if folded.endswith(COMMENTER_ENDINGS) and len(folded.split()) <= 6 and _names_a_reader(text):
        return True
    if len(folded.split()) <= 8 and _starts_with_label(text, folded, POST_NAVIGATION_PHRASES):
        return True
    # `2 svar på ”…”`: a count, the word and the post's title; a bare `Inga kommentarer` or
    # `3 kommentarer` is a meta row's count, printed under a post's title too
    return len(folded.split(None, 2)) == 3 and _heads_comments(text)


def _names_a_reader(text: str) -> bool:
    """The words before a commenter's `skriver:` are a reader's name (`Linnea, 16 år`, `Peter Å.`,
    an account `allmannyttan`), not a sentence of the post's that introduces a quote (`Sara Lind,
    hyresgäst i Hageby, säger:`, `En av deltagarna skriver:`): one word, or no lower-case word
    longer than three letters."""
    words = text.split()[:-1]
    return len(words) < 2 or not any(len(word) > 3 and word[0].islower() for word in words)


def ends_with_ellipsis(text: str) -> bool:
    return text.rstrip().endswith(ELLIPSES)


def strip_read_more(text: str) -> str:
    """An excerpt without a trailing `Läs mer »` on the same line."""
    if not text.endswith(READ_MORE):
        return text
    for phrase in READ_MORE:
        if text.endswith(phrase) and len(text) > len(phrase):
            return text[: -len(phrase)].rstrip()
    return text


def looks_like_name(text: str) -> bool:
    """A person's name line: 2–4 capitalised words, no digits or sentence punctuation.

    docs/site.md, "A post page": the signature's first line is the author's name (`Anna Kanervo`),
    perhaps after a sign-off mark (`signed_name`). Particles (`von`, `af`) and hyphenated names
    (`Anna-Karin`) are allowed; subheads in capitals, credits, captions and the site's own
    phrases are not names. A title (`Dr. Maria Ek`), a nickname in quotes (`Mohammed ”Mo” Ali`)
    and a particle written onto the surname (`Sofie d’Aubert`) are a name's too.
    """
    text = signed_name(text)
    if " och " in text:  # two people sign together (`Martin Kesenci och Daniel Berg`)
        first, _, second = text.partition(" och ")
        return looks_like_name(first) and looks_like_name(second)
    # the word tests first: they turn down most lines (sentences, dates) at their first words
    if len(text) > 60:
        return False
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    capitalised = 0
    plain = []  # the name's own words: no title (`Dr.`), no quotes around a nickname (`”Mo”`)
    for word in words:
        folded = word.casefold()
        if folded in NOT_NAME_WORDS:
            return False
        if word in NAME_PARTICLES or folded in NAME_TITLES and not plain:
            continue
        if len(word) > 2 and word[0] in _NICKNAME_QUOTES and word[-1] in _NICKNAME_QUOTES:
            word = word[1:-1]  # `Mohammed ”Mo” Ali`, as WordPress prints a typed "Mo"
        for prefix in NAME_PREFIXES:
            word = word.removeprefix(prefix)  # `Sofie d’Aubert`
        if not word:
            return False
        first = word[0]
        if not first.isalpha() or not first.isupper():
            return False
        if len(word) > 1 and word.isupper() and not _INITIAL_RE.fullmatch(word):
            return False  # `MÅL FÖR VARJE LABB` is a subhead; `K.` is an initial
        if not word.isalpha() and not all(c.isalpha() or c in "-'’" for c in word) \
                and not _INITIAL_RE.fullmatch(word):
            return False
        capitalised += 1
        plain.append(word)
    if capitalised < 2 or all(_INITIAL_RE.fullmatch(word) for word in plain):
        return False
    if is_marker(text) or is_chrome(text):
        return False
    return not _NAME_PUNCTUATION.search(_INITIAL_RE.sub("", " ".join(plain)))


def signed_name(text: str) -> str:
    """The name on a name line, without the mark a writer may sign off with, as in a Swedish
    e-mail (`/Martin Kesenci`, `– Anna Kanervo`): the mark is not the author's name."""
    return text.lstrip(SIGN_OFF_MARKS).lstrip() if text and text[0] in SIGN_OFF_MARKS else text


def looks_like_role(text: str) -> bool:
    """A role line: short free text, not a sentence, not a date, credit or marker.

    docs/site.md, "Authors and roles": roles may contain commas and the site's typos, and are kept whole.
    """
    if not text or len(text) > MAX_ROLE or text[-1] in "!?:;…":
        return False
    if text[-1] == "." and (len(text) > 80 or ". " in text or text.endswith("..")):
        return False  # a sentence; a short role may still end with a full stop (`vd, Bodenbo AB.`)
    if is_marker(text) or is_credit(text) or is_hashtag_line(text) or is_chrome(text) or ends_with_ellipsis(text):
        return False
    return _date_of(text) is None


def title_key(text: str) -> str:
    """Compare titles as a reader would: case, quote style and dash style ignored."""
    plain = _QUOTES_RE.sub(lambda quote: _PLAIN_QUOTES[quote.group()], unicodedata.normalize("NFC", text))
    return " ".join(plain.casefold().split())


def clean_title(text: str | None, site_names: frozenset[str] = SITE_NAMES) -> str | None:
    """A title without its site-name suffix (`Vilken resa vi gör! – Allmännyttan`); None if only the site.

    Only a suffix that names the site is cut, so a title with its own dash
    (`Boden – en stad i förändring`) keeps it. Entities left in the text are read: a headless
    front end may print WordPress's `&#8221;` into `<title>` and `og:title` as it is.
    """
    if not text:
        return None
    title = normalise_space(html.unescape(text) if "&" in text else text)
    for _ in range(2):
        for separator in TITLE_SEPARATORS:
            head, sep, tail = title.rpartition(separator)
            if sep and head and _is_site_name(tail, site_names):
                title = head.strip()
                break
        else:
            break
    for separator in TITLE_SEPARATORS:  # "Allmännyttan | Title" (site name first)
        head, sep, tail = title.partition(separator)
        if sep and tail and _is_site_name(head, site_names):
            title = tail.strip()
            break
    return None if _is_site_name(title, site_names) else title


def _is_site_name(text: str, site_names: frozenset[str]) -> bool:
    folded = text.strip().casefold()
    return folded in site_names or folded.removeprefix("www.") in site_names


def _date_of(text: str, reference: datetime | None = None) -> date | None:
    if len(text) > MAX_DATE_LINE or not _DIGIT_RE.search(text) and reference is None:
        return None
    return match_date_line(text, reference=reference)


def _date_of_line(line: Line, facts: TextFacts, reference: datetime | None, *,
                  page_marks_published: bool) -> date | None:
    """The publish date a line shows: a date line, a byline or meta line holding a date
    (`Publicerad 29 april 2019 av Redaktionen`, `29 april 2019 | Dagbok`), or a line whose
    `<time>` shows a whole date. A date after an update word (`Uppdaterad …`) is not one.

    Themes print `Publicerat den <time>…</time>` or a published and an updated
    `<time>` side by side (the updated one hidden by CSS we cannot see): the line's
    date is that of its `published` `<time>`, else of the first one not marked `updated`.
    A `<time>` that shows how long ago it was (`1 år sedan`), or a badge's pieces run together
    with the year (`11okt2019`, spans with no space between), is dated by its `datetime`.
    """
    if facts.date is not None or facts.names_update or not facts.may_hold_a_date:
        return facts.date
    times = [e for e in line.inlines if e.tag == "time"]
    for element in sorted(times, key=lambda e: "published" not in (e.get("class") or "").split()):
        if not is_update_element(element, line, page_marks_published=page_marks_published):
            shown = element_text(element)
            found = _date_in_meta(shown, reference)
            if found is None and (counts_back(shown) or is_date_badge(shown) and _YEAR_RE.search(shown)):
                found = parse_date(element.get("datetime") or "", reference=reference)
            if found is not None:
                return found
    return None


def is_update_element(element: Any, line: Line | None, *, page_marks_published: bool) -> bool:
    """Whether a `<time>` or other date element on `line` shows an update's date, never the
    publish date: it is marked `updated` and nothing says it is the post's date, its line starts
    with an update word (`Uppdaterad …`), or one stands right before it (`Läsningstid: 3 min
    Uppdaterad: <time>`).

    hAtom asks for an `updated` date, so themes that print one date may mark it so: The7's
    `entry-date updated`, Enfold's `updated` with schema.org's `datePublished`, Sage's bare
    `<time class="updated">` holding the publish date. Such a date is the post's, unless the
    page marks another date `published` (`page_marks_published`, `marks_published`): Soledad
    hides the modified date as `entry-date updated` beside it."""
    classes = (element.get("class") or "").split()
    marked_published = "published" in classes or element.get("itemprop") == "datePublished" or not page_marks_published
    if "updated" in classes and not marked_published:
        return True
    if line is None:
        return False
    if names_update(line.text):
        return True
    shown = element_text(element)
    at = line.text.find(shown) if shown else -1
    return at >= 0 and ends_with_update_word(line.text[:at])


def marks_published(document: Document) -> bool:
    """Whether the page marks a date it shows as published (a `published` class, schema.org's
    `datePublished`). A `<meta itemprop="datePublished">` shows nothing: Newspaper prints one
    beside its only date, a `<time class="entry-date updated">`, which is the post's."""
    return any(e.tag != "meta" for e in document.with_class("published", "itemprop:datePublished"))


def _shows_an_update_only(line: Line, *, page_marks_published: bool) -> bool:
    """The line's date elements all show an update's date (`is_update_element`)."""
    times = [e for e in line.inlines if e.tag == "time"]
    return bool(times) and all(is_update_element(e, line, page_marks_published=page_marks_published)
                               for e in times)


def _date_in_meta(text: str, reference: datetime | None = None) -> date | None:
    """A whole date line, or the first date of a short meta line that is not an update's.

    Around the date only what a theme prints may stand: a published word (part of the
    date form), a short label (`Dagbok 29 april 2019`, `Dagbok | 29 april 2019`), a
    separator, or a byline tail (`av Redaktionen`, `i Dagbok`, `By admin`). A sentence
    that holds a date (`Vi ses 29 april 2019!`) is not a meta line.
    """
    found = _date_of(text, reference)
    if found is not None:
        return found
    if not _DIGIT_RE.search(text) and reference is None:
        return None
    previous = 0
    dates = search_dates(text, reference=reference)
    for number, (start, end, found) in enumerate(dates):
        head = text[previous:start]
        if ends_with_update_word(head):
            previous = end  # `Uppdaterad 3 maj 2019 | Publicerad 29 april 2019`: the next date may be it
            continue
        sentence = text.casefold().startswith(POST_SENTENCE_STARTS)  # `Detta inlägg publicerades … av X.`
        if previous == 0 and not _is_meta_head(head):
            return None
        following = dates[number + 1] if number + 1 < len(dates) else None
        if following and not text[end:following[0]].strip() and is_timestamp(text[start:end]):
            previous = end  # a hidden machine timestamp (often the update's) right before the shown date
            continue
        if not _is_meta_tail(text[end:], sentence=sentence):
            return None
        return found
    return None


def _shows_an_update(text: str, reference: datetime | None) -> bool:
    """Whether a line shows an update's date, which is never body: it starts with an update word
    and holds a date (`Uppdaterad 3 maj 2019`), or a date right after an update word ends the
    line or a meta row (`Läsningstid: 3 min Uppdaterad: 12 oktober 2018`). An editor's note that
    goes on as a sentence after the date (`Uppdatering 14 mars 2019: mötet är flyttat till
    Folkets hus.`) is the post's text."""
    dates = search_dates(text, reference=reference)
    if names_update(text):
        return bool(dates) and not _is_sentence(text[dates[0][1]:])
    return any(ends_with_update_word(text[:start]) and _is_meta_tail(text[end:]) and not _is_sentence(text[end:])
               for start, end, _ in dates)


def _is_sentence(text: str, *, words: int = 4) -> bool:
    """`words` words or more, ending with a full stop, an exclamation or a question mark."""
    stripped = text.strip()
    return len(stripped.split()) >= words and stripped[-1] in ".!?"


_SEPARATORS = "|·•–—-/:,"
# Theme furniture that may follow a date on one meta line: the categories, tags, comment links.
_META_CONTINUATIONS = tuple(p.casefold() for p in CATEGORY_PREFIXES) + CHROME_PREFIXES


def _is_meta_head(head: str) -> bool:
    """What may stand before a date on a meta line: nothing, a label before a separator, a
    short capitalised label (`Dagbok`), a byline, or words of publishing: a published word first
    (`Publicerat i Dagbok den`) or a theme's sentence about the post (`Detta inlägg
    publicerades i Dagbok den`, `This entry was posted in Dagbok on`), not any sentence
    that holds a published word (`Rapporten publicerades 1 mars 2019 av Boverket.`)."""
    stripped = head.strip()
    if not stripped:
        return True
    if stripped[-1] in _SEPARATORS:  # labels between separators (`Dagbok /`, `2 kommentarer / Dagbok / Av Anna /`)
        items = re.split(f"[{re.escape(_SEPARATORS)}]", stripped.rstrip(_SEPARATORS + " "))
        return all(len(item.split()) <= 4 and (not _DIGIT_RE.search(item) or len(item.split()) <= 2)
                   for item in items)
    if is_byline(stripped) or _LOGIN_RE.fullmatch(stripped):
        return True  # the account, perhaps its login, before the date (`By Anna Kanervo Dagbok`, TheGem's;
        # `sabo_webb 30 januari 2019 Dagbok 0`, Mesmerize's, when the account has no display name)
    folded = stripped.casefold()
    words = folded.split()
    if len(words) <= 8 and not _DIGIT_RE.search(stripped) and (
            words[0] in PUBLISHED_WORDS
            or (folded.startswith(POST_SENTENCE_STARTS) and any(w in PUBLISHED_WORDS for w in words))):
        return True
    return _is_label_words(stripped)


def _is_meta_tail(tail: str, *, sentence: bool = False) -> bool:
    """What may follow a date on a meta line: nothing, a separator and more meta, a byline (`av
    Redaktionen`, `i Dagbok`, `skrivet av sabo_webb`; `av Redaktionen.` ending a theme's
    `sentence`), an update or another date (a theme's hidden `updated` date shown as text), the
    post's categories or tags (`Kategoriserad som Dagbok`, `Taggar: …`, printed inline after the
    date), a comment count (`Inga kommentarer`, Elementor's cards), a reading time or a share
    counter with their counts (`1 min read 0 96`, Gillion's), a bare count (the comments' beside
    their icon, `By Webbredaktionen 7 november 2018 0`), or a short capitalised label, perhaps with
    a comment count or more meta after it (`Redaktionen 1 kommentar`, ColorMag; `Dagbok Lämna en
    kommentar 184 Visningar`, Sahifa's)."""
    stripped = tail.strip()
    if not stripped or stripped[0] in _SEPARATORS or names_update(stripped) or _is_comment_count(stripped.casefold()):
        return True
    if stripped.isdecimal() and len(stripped) <= _MAX_COUNT_DIGITS:
        return True
    if stripped.casefold().startswith(_META_CONTINUATIONS) or is_chrome(stripped):
        return True
    words = stripped.split()
    if len(words) > 1 and _is_label_words(words[0]) and _is_meta_tail(" ".join(words[1:]), sentence=sentence):
        return True  # a label (the category) before more of the row
    if len(words) > 2 and _is_comment_count(" ".join(words[-2:]).casefold()):
        return _is_meta_tail(" ".join(words[:-2]), sentence=sentence)  # `Redaktionen 1 kommentar`
    dates = search_dates(stripped)
    if dates and dates[0][0] == 0:
        return True
    if words[0].casefold() in BYLINE_WORDS or stripped.casefold().startswith(BYLINE_PREFIXES):
        return len(words) <= 6 and (stripped[-1] not in ".!?" or (sentence and stripped[-1] == "."))
    return _is_label_words(stripped)


def _is_label_words(text: str) -> bool:
    words = text.split()
    return len(words) <= 2 and all(w[0].isupper() for w in words) and text[-1] not in ".!?" \
        and not _DIGIT_RE.search(text)


# --- Evidence from the tree ------------------------------------------------------------


def heading_level(line: Line) -> int | None:
    """1–6 when the line is (inside) a heading element, else None."""
    element = candidate = line.element
    while candidate is not None:  # up to the nearest container: a heading wraps its lines closely
        level = HEADING_TAGS.get(candidate.tag)
        if level:
            return level
        if candidate.get("role") == "heading":
            level = candidate.get("aria-level", "2")
            return int(level) if level.isdigit() else 2
        if candidate.tag in ("body", "article", "section", "main", "td", "div") and candidate is not element:
            break
        candidate = candidate.getparent()
    return None


def is_emphasised(line: Line, document: Document) -> bool:
    """The whole line is bold or enlarged (`<b>Title</b><br>` in legacy markup): an emphasis
    element that shows this line and no other, with the line's text."""
    for element in line.inlines:
        if element.tag in EMPHASIS_TAGS and (element.tag != "font" or element.get("size")):
            # a legacy <font> left open holds the rest of the page: it shows more lines than this one
            if document.span(element) == (line.index, line.index + 1) and element_text(element) == line.text:
                return True
    return False


def shared_depth(a: Any, b: Any) -> int:
    """Depth of the deepest element that contains both a and b (how close they sit in the tree)."""
    if a is b:
        return len(list(a.iterancestors())) + 1
    ancestors = {id(e): depth for depth, e in enumerate(reversed([a, *a.iterancestors()]))}
    for element in (b, *b.iterancestors()):
        depth = ancestors.get(id(element))
        if depth is not None:
            return depth
    return 0


def lies_within(x: Any, a: Any, b: Any) -> bool:
    """Whether element x lies in the smallest element that holds both a and b."""
    return shared_depth(a, x) >= shared_depth(a, b)


class TextFacts(NamedTuple):
    """What a line's text alone says it is (`text_facts`)."""

    marker: bool  # the subscribe box or the footer: the post ends here (`is_marker`)
    removable: bool  # never body either: a marker, credit, ad or embed label, hashtag line, update's date, date badge
    chrome: bool  # theme furniture (`is_chrome`) or what follows a post
    after_post: bool  # starts what follows a post: comments, previous/next links (`is_after_post`)
    only_after_post: bool  # printed only after a post (`only_follows_a_post`)
    wordless: bool  # no letter in it (`is_wordless`): unless it is a date line, never body either
    update_label: bool  # an update word printed as a meta row's element of its own (`Uppdaterad`)
    names_update: bool  # starts with an update word (`names_update`)
    may_hold_a_date: bool  # short, with a digit or a relative word: worth reading for a date
    relative: bool  # may hold a relative date (`igår`), whose day depends on the capture moment
    date: date | None  # the date it shows as a date line or meta line (`_date_in_meta`)
    name: bool  # `looks_like_name`
    role: bool  # `looks_like_role`


@functools.lru_cache(maxsize=512)
def text_facts(text: str, reference: datetime | None = None) -> TextFacts:
    """Judge a line's text, once: a site prints the same header, menu, footer, subscribe box
    and teasers on every page, so most lines a crawl reads (three in four on the sample
    site) were judged on an earlier page. `reference`, the moment the page was captured,
    matters only to a relative date (`igår`): give it only for a text judged `relative`
    without it, or it would make every page's lines new.
    """
    marker = is_marker(text)
    after_post = is_after_post(text)
    names_an_update = names_update(text)
    may_hold = len(text) <= 2 * MAX_DATE_LINE and may_hold_a_date(text)
    shown = _date_in_meta(text, reference) if may_hold else None
    update_date = shown is None and (names_an_update or may_hold) and _shows_an_update(text, reference)
    return TextFacts(
        marker=marker,
        removable=marker or is_credit(text) or is_insert_label(text) or is_hashtag_line(text) or update_date
        or (shown is None and is_date_badge(text)),
        chrome=is_chrome(text) or after_post,
        after_post=after_post,
        only_after_post=after_post and only_follows_a_post(text),
        wordless=is_wordless(text),
        update_label=names_an_update and is_meta_word(text),
        names_update=names_an_update,
        may_hold_a_date=may_hold,
        relative=may_hold and may_be_relative(text),
        date=shown,
        name=looks_like_name(text),
        role=looks_like_role(text),
    )


class LineFacts:
    """What each line of a page is, for the readers that put lines together (layout, teasers).

    `line_facts` builds it once per page from each line's `text_facts`, the line's date
    (which may come from its `<time>`) and whether it sits in navigation. A line's
    heading level and title key are found when a reader first asks: readers ask about a
    few lines, and a body paragraph is long to fold.
    """

    __slots__ = ("texts", "lines", "text_facts", "furniture", "removable", "marker", "after_post", "comments", "chrome",
                 "nav", "dates", "marks_published", "_headings", "_keys")

    def __init__(self, lines: list[Line], judged: list[TextFacts], *, nav: list[bool], dates: dict[int, date],
                 removable: list[bool], marks_published: bool) -> None:
        self.lines = lines
        self.texts = [line.text for line in lines]
        self.text_facts = judged  # each line's `text_facts`
        self.removable = removable  # a marker, credit, hashtag line or update date: never body either
        self.furniture = [r or f.chrome for r, f in zip(removable, judged)]  # never a title or signature
        self.marker = [f.marker for f in judged]  # subscribe box or footer: ends a post
        self.after_post = [f.after_post for f in judged]  # comments, previous/next links, widgets: end a post
        self.chrome = [f.chrome for f in judged]  # theme furniture (`is_chrome`), what follows a post
        self.nav = nav  # inside <nav> or role=navigation, a table of contents, breadcrumbs, the page's tools
        self.dates = dates  # date lines, in page order
        self.marks_published = marks_published  # the page marks a date published (`marks_published`)
        # the first line of comments or previous/next links (or the line count)
        self.comments = next((i for i, f in enumerate(judged) if f.only_after_post), len(lines))
        self._headings: dict[int, int | None] = {}
        self._keys: dict[int, str] = {}

    def is_name(self, j: int) -> bool:
        """`looks_like_name` of line j."""
        return self.text_facts[j].name

    def signs(self, name: int, role: int) -> bool:
        """Line `name` over line `role` reads as a signature: a name, then a role (docs/site.md,
        "A post page")."""
        return self.text_facts[name].name and self.text_facts[role].role

    def key(self, j: int) -> str:
        """`title_key` of line j."""
        if j not in self._keys:
            self._keys[j] = title_key(self.texts[j])
        return self._keys[j]

    def heading(self, j: int) -> int | None:
        """`heading_level` of line j."""
        if j not in self._headings:
            self._headings[j] = heading_level(self.lines[j])
        return self._headings[j]


def _text_facts_of(line: Line, reference: datetime | None) -> TextFacts:
    """`text_facts` of a line, read against the capture moment when it may hold a relative date."""
    facts = text_facts(line.text)
    if facts.relative and reference is not None:
        return text_facts(line.text, reference)
    return facts


def _is_table_figure(line: Line) -> bool:
    """A table's cell that shows the editor's figures or times (`468`, `10.00–12.00`), not a
    calendar's day or a date badge's piece: a bare number counts only in a row that names what
    it counts (`Boden` / `7` / `468`), where a calendar's week is numbers alone."""
    cell = line.element
    if cell.tag not in _TABLE_CELLS:
        return False
    if not line.text.isdigit():
        return True
    row = cell.getparent()
    return line.text == element_text(cell) and row is not None \
        and any(_LETTER_RE.search(element_text(other)) for other in row
                if other is not cell and other.tag in _TABLE_CELLS)


def _date_in_pieces(pieces: list[Line]) -> date | None:
    """The date of a badge printed in three pieces, one per line (`NOV` / `7` / `2018`, an old
    theme's calendar icon; `19` / `feb` / `2020`, an editor's headline blocks): three short
    lines in one element, or in elements side by side, that read together as a date line."""
    if len(pieces) < 3 or any(len(piece.text) > _MAX_BADGE_PIECE for piece in pieces):
        return None
    first = pieces[0].element
    if not all(p.element is first or p.element.getparent() is first.getparent() for p in pieces):
        return None
    return match_date_line(" ".join(piece.text for piece in pieces))


def _shows_the_title(line: Line, titles: frozenset[str], page_title: str | None) -> bool:
    """The line is the title structured data names, or the `<title>`'s in a main heading."""
    key = title_key(line.text)
    return key in titles or (key == page_title and (heading_level(line) or 9) <= 2)


def _navigating_lists(document: Document) -> list[tuple[int, int]]:
    """The lines of the lists that guide a reader rather than tell the post: tables of contents
    (a list, or a plugin's `<div>` of links) and breadcrumb trails, each with the `<nav>` it sits
    in, if any."""
    found: list[tuple[int, int]] = []
    # the cheap test first: only an element that holds a link to a place in the page may be a table of contents
    in_page = {box for anchor in document.tree.iter("a") if "#" in anchor.get("href", "")
               for box in anchor.iterancestors("ul", "ol", "div")}
    for listing in document.tree.iter("ul", "ol", "div"):
        if listing.tag == "div" and listing not in in_page:
            continue
        start, end = document.span(listing)
        if any(s <= start and end <= e for s, e in found):
            continue  # a list inside one already found
        parent = listing.getparent()
        block = parent if parent is not None and parent.tag == "nav" else listing
        if listing in in_page and _is_table_of_contents(document, listing):
            found.append(_with_heading(document, block))
        elif listing.tag != "div" and _is_breadcrumb_trail(document, listing):
            found.append(document.span(block))
    return found


def _is_a_meta_row_nav(document: Document, element: Any, dates: dict[int, date]) -> bool:
    """A `<nav>` that is the post's meta row, not navigation (Oshine's `Posted By : Redaktionen /
    aug 21, 2019 / In Dagbok / 0 comments`): it shows a date, and its links lead only to the
    account's, a category's or a tag's archive, or to this page (`#comments`). Navigation leads
    to other posts and pages."""
    start, end = document.span(element)
    return any(i in dates for i in range(start, end)) and all(
        archive_of(href) or document.links_here(href) for anchor in element.iter("a") if (href := anchor.get("href")))


def archive_of(href: str) -> str | None:
    """The kind of WordPress archive `href` leads to, by its first path step (`author` for
    `/author/redaktionen/`, `tag`, `kategori`…), or `author` for `/?author=2` on a site without
    pretty permalinks; None for any other page."""
    parts = urlsplit(href)
    first = next((s.lower() for s in parts.path.split("/") if s), None)
    if first in ARCHIVE_SEGMENTS:
        return first
    return "author" if any(key == "author" for key, _ in parse_qsl(parts.query)) else None


def _link_boxes(document: Document) -> list[tuple[int, int]]:
    """The lines of each box that is one link to another page and shows more than one line: a
    previous or next post's title and date (BeTheme prints them before the post's header),
    a related post's tile. What it shows is that page's, never this post's."""
    found = []
    for anchor in document.tree.iter("a"):
        start, end = document.span(anchor)
        href = anchor.get("href") or ""
        if end - start >= 2 and href and not document.links_here(href):
            found.append((start, end))
    return found


def _is_table_of_contents(document: Document, listing: Any) -> bool:
    """A table of contents, as plugins print one in a post: a list of nothing but links to places
    in this page (`#…`). It guides a reader through the post; it is not its text. A `<div>` of
    such links (LuckyWP's items) must lead to the post's headings: a meta row's lone link to the
    comments (`#respond`) leads to a place in the page too."""
    anchors = []
    for anchor in listing.iter("a"):
        href = anchor.get("href") or ""
        if not _links_within(document, href) or (listing.tag == "div" and not _leads_to_a_heading(document, href)):
            return False
        anchors.append(anchor)
    return bool(anchors) and _shown_length(listing.itertext()) == _shown_length(
        t for a in anchors for t in a.itertext())


def _leads_to_a_heading(document: Document, href: str) -> bool:
    """The place `href` names (`#vad-hander-nu`) is a heading, or inside one."""
    name = unquote(href.split("#", 1)[1])
    target = next(iter(document.tree.xpath("//*[@id=$name or @name=$name]", name=name)), None)
    return target is not None and any(e.tag in HEADING_TAGS for e in (target, *target.iterancestors()))


def _with_heading(document: Document, block: Any) -> tuple[int, int]:
    """The lines of a table of contents, with its heading (`Innehåll`, a `dölj` or `Växla` toggle):
    each box around it counts while one or two short lines are all else it holds (a plugin may
    wrap the list once more before its heading)."""
    start, end = document.span(block)
    found = start, end
    box = block.getparent()
    while box is not None:
        box_start, box_end = document.span(box)
        heading = [i for i in range(box_start, box_end) if not start <= i < end]
        if len(heading) > 2 or not all(len(document.lines[i].text.split()) <= 3 for i in heading):
            break
        found = box_start, box_end
        box = box.getparent()
    return found


def _is_breadcrumb_trail(document: Document, listing: Any) -> bool:
    """A breadcrumb trail printed as a list (`Hem` / `Dagbok` / the post's title), perhaps after a
    label (`Du är här:`), which some themes put between the title and the text: its first item
    links to the site's home page, its items but the last are links, and its last is this page's
    own (no link, or a link here)."""
    items = [item for item in listing if item.tag == "li"]
    if items and next(items[0].iter("a"), None) is None and element_text(items[0]).endswith(":"):
        items = items[1:]  # a label before the trail (`Du är här:`)
    if len(items) < 2:
        return False
    first = next(items[0].iter("a"), None)
    if first is None or not document.links_home(first.get("href") or ""):
        return False
    if not all(document.links_here(a.get("href") or "") for a in items[-1].iter("a")):
        return False  # a menu: it starts at home too, but its last item leads elsewhere
    return all(_is_a_link(item) for item in items[:-1])


def _is_breadcrumb_line(document: Document, line: Line, titles: frozenset[str], page_title: str | None) -> bool:
    """A breadcrumb trail printed on one line (Yoast's `Hem » Dagbok » the post's title`): steps
    between separators, each but the last the text of a link, the first leading to the site's
    home page, the last this page's own (no link, or a link here). A theme may draw the
    separators with its stylesheet (TheGem's `Home Dagbok Första workshopen i Rannebergen`): then
    two links or more, the first leading home, and after their texts the page's title."""
    anchors = [e for e in line.inlines if e.tag == "a"]
    if not anchors:
        return False
    if _BREADCRUMB_SPLIT_RE.search(line.text) is None:  # most lines: no mark
        return _is_bare_breadcrumb(document, line.text, anchors, titles, page_title)
    steps = [step.strip() for step in _BREADCRUMB_SPLIT_RE.split(line.text)]
    if len(steps) < 2 or [element_text(a) for a in anchors[:len(steps) - 1]] != steps[:-1]:
        return False
    if not document.links_home(anchors[0].get("href") or ""):
        return False
    return all(document.links_here(a.get("href") or "") for a in anchors[len(steps) - 1:])


def _is_bare_breadcrumb(document: Document, text: str, anchors: list[Any], titles: frozenset[str],
                        page_title: str | None) -> bool:
    if len(anchors) < 2:
        return False  # most lines: one link in a sentence, or a line that is one link
    steps = " ".join(element_text(a) for a in anchors)
    if not text.startswith(steps + " "):
        return False
    last = title_key(text[len(steps) + 1:])
    return (last in titles or last == page_title) and document.links_home(anchors[0].get("href") or "")


def line_link(line: Line) -> Any:
    """The `<a>` whose text is all of the line, or None: a line that is one link."""
    return next((e for e in line.inlines if e.tag == "a" and element_text(e) == line.text), None)


def _is_page_tool(document: Document, line: Line) -> bool:
    """A short line of nothing but links to this page: to a place in it (`Till toppen` to `#top`
    or `#`, at the end of each section of a text), to another view of it (a plugin's `PDF` and
    `Skriv ut` buttons, to `?print=pdf` and `?print=print`), to its script (a quote block's
    `Tweet` button, to `javascript:void(0)`), or to a service that shares it (a click-to-tweet
    block's `Tweet` or `Klicka för att tweeta`, to `twitter.com/intent/tweet?…`). It works the
    page; it is not text."""
    anchors = [e for e in line.inlines if e.tag == "a"]
    if not anchors or len(line.text.split()) > 4:
        return False
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        if not (href == "#" or href.lower().startswith("javascript:") or _links_within(document, href)
                or "?" in href and (document.links_here(href) or _shares(href))):
            return False
    return _shown_length([line.text]) == _shown_length(text for anchor in anchors for text in anchor.itertext())


def _files_the_post(document: Document, line: Line) -> bool:
    """A short line with no date that links to where the post is filed and to the post itself,
    and nowhere else: the entry footer of Twenty Ten's kind (`This entry was posted in Nyheter. Bookmark the
    permalink.`, Flatsome; `Detta inlägg postades i Dagbok. Bokmärk permalänken.`)."""
    hrefs = [href for e in line.inlines if e.tag == "a" and (href := e.get("href"))]
    if len(line.text.split()) > _FILED_LINE_WORDS or len(hrefs) < 2 or _DIGIT_RE.search(line.text):
        return False  # a date links to the post too: a meta row's, weighed as a date line
    archives = [archive_of(href) is not None for href in hrefs]
    if all(archives) or not any(archives):
        return False
    return all(a or document.links_here(href) for href, a in zip(hrefs, archives))


def signup_form(element: Any) -> Any | None:
    """The sign-up form `element` stands in (a newsletter's, Mailchimp for WordPress's, which a
    plugin may put between a post's paragraphs), or None."""
    return next((form for form in element.iterancestors("form") if _is_signup_form(form)), None)


def _is_signup_form(form: Any) -> bool:
    """A form that asks for an e-mail address and for nothing to write: a newsletter's sign-up form,
    not a comment or contact form (those have a text area)."""
    return form.find(".//textarea") is None and any(
        field.get("type", "").lower() == "email" or "email" in field.get("name", "").lower()
        for field in form.iter("input"))


def _shares(href: str) -> bool:
    """`href` asks a social service to share a page (`twitter.com/intent/tweet?text=…&url=…`)."""
    parts = urlsplit(href)
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")) in SHARE_ENDPOINTS


def _is_a_link(element: Any) -> bool:
    """All the text `element` shows is that of one link."""
    anchors = list(element.iter("a"))
    if len(anchors) != 1:
        return False
    shown = _shown_length(element.itertext())
    return shown > 0 and shown == _shown_length(anchors[0].itertext())


def _shown_length(texts: Iterable[str]) -> int:
    """Characters of `texts` past their whitespace."""
    return sum(len("".join(text.split())) for text in texts)


def _language_switches(document: Document) -> list[int]:
    """The short lines whose links lead to this post in another language, or to this page: WPML's
    `Detta inlägg finns även på: Engelska (English)` at the top of the text, a language switcher.
    The page's `<link rel="alternate" hreflang>` names its translations; without one, none."""
    translations = [urljoin(document.base_url, href) for link in document.tree.iter("link")
                    if link.get("hreflang") and (href := (link.get("href") or "").strip())
                    and not document.links_here(href)]
    if not translations:
        return []
    found = []
    for i, line in enumerate(document.lines):
        hrefs = [href for e in line.inlines if e.tag == "a" and (href := e.get("href"))]
        if not hrefs or len(line.text.split()) > MAX_SWITCH_WORDS:
            continue
        leads = [any(document.links_to(href, translation) for translation in translations) for href in hrefs]
        if any(leads) and all(lead or document.links_here(href) for lead, href in zip(leads, hrefs)):
            found.append(i)
    return found


def _links_within(document: Document, href: str) -> bool:
    """`href` leads to a place in this page (`#section`, or this page's address with a fragment)."""
    if "#" not in href:
        return False
    address, fragment = href.split("#", 1)
    return bool(fragment) and (not address or document.links_here(address))


def line_facts(document: Document, *, titles: frozenset[str] = frozenset(), page_title: str | None = None) -> LineFacts:
    """Each line's facts and date, in one loop over the lines.

    `titles` are the title keys structured data names for the post, `page_title` the key of its
    `<title>`: a line that shows one (`_shows_the_title`) is the post's title, never a date line
    or what follows a post, whatever its words (`Föreningsdag 11 maj 2019`, `Kommentarer från
    deltagarna`).
    """
    lines = document.lines
    reference = document.capture.captured
    judged = [_text_facts_of(line, reference) for line in lines]
    removable = [f.removable for f in judged]
    dates = {}
    published_marked = marks_published(document)
    named = titles or page_title
    for i, (line, facts) in enumerate(zip(lines, judged)):
        if named and (facts.after_post or facts.marker or facts.date) and _shows_the_title(line, titles, page_title):
            judged[i] = facts._replace(marker=False, removable=False, chrome=False, after_post=False,
                                       only_after_post=False, may_hold_a_date=False, date=None)
            removable[i] = False
            continue
        found = _date_of_line(line, facts, reference, page_marks_published=published_marked)
        if found is None and (facts.removable or facts.wordless) and len(line.text) <= _MAX_BADGE_PIECE \
                and i - 1 not in dates and i - 2 not in dates:
            found = _date_in_pieces(lines[i:i + 3])
        if published_marked and facts.may_hold_a_date and _shows_an_update_only(line, page_marks_published=True):
            removable[i] = True  # its `<time>` is marked as an update's, and another date as published
        elif found is not None and i and judged[i - 1].update_label:
            removable[i] = True  # after an `Uppdaterad` label of its own: an update's date
        elif found is not None:
            dates[i] = found
    nav = [False] * len(lines)
    navigation = list(document.tree.iter(*NAVIGATION_TAGS))
    navigation += document.with_class(*(f"role:{r}" for r in NAVIGATION_ROLES))
    for element in navigation:
        start, end = document.span(element)
        if _is_a_meta_row_nav(document, element, dates):  # its date is the post's to weigh, the rest furniture
            removable[start:end] = [i not in dates for i in range(start, end)]
        else:
            nav[start:end] = [True] * (end - start)
    for start, end in _navigating_lists(document) + _link_boxes(document):
        nav[start:end] = [True] * (end - start)
    for i, line in enumerate(lines):
        if line.inlines and (_is_breadcrumb_line(document, line, titles, page_title) or _is_page_tool(document, line)
                             or _files_the_post(document, line)):
            nav[i] = True
    for i in _language_switches(document):
        nav[i] = True
    if not dates:
        # htmldate's order: the costly reading only when the fast one found nothing at all
        dates = {i: d for i, line in enumerate(lines)
                 if len(line.text) <= FALLBACK_DATE_LINE and _DIGIT_RE.search(line.text)
                 and not removable[i] and not judged[i].chrome
                 and (d := parse_date(line.text, reference=reference)) is not None}
    for i, facts in enumerate(judged):
        if facts.wordless and i not in dates and not _is_table_figure(lines[i]):
            removable[i] = True
    for form in document.tree.iter("form"):
        if _is_signup_form(form):  # a sign-up form's heading and sentence are the form's, not text
            start, end = document.span(form)
            removable[start:end] = [True] * (end - start)
    return LineFacts(lines, judged, nav=nav, dates=dates, removable=removable, marks_published=published_marked)
