"""Swedish dates: a regex fast path for the site's forms, then a cached dateparser.

Why this shape (htmldate's order, cheapest and surest first): the diary shows its
date line as `D månad YYYY` (`29 april 2019`, docs/site.md), and structured data gives ISO
text. One compiled regex reads those and their near relatives (`den 29 april 2019`,
`29 apr. 2019`, `maj 28, 2019`, `April 29, 2019`, `29/4 2019`, ISO, a weekday or a
theme's `Publicerad`/`Posted on` in front, a time such as `kl. 10.15` or `@ 10:15`
after, and the relative forms a Swedish reader accepts: `igår`, `för två dagar sedan`,
`för en vecka sedan`) in microseconds. Only text that regex does not recognise goes to
dateparser (`languages=['sv']`), which costs about a millisecond a call. Every word those
forms use (months, weekdays, published and update words, counts) is in the vocabulary below.

dateparser fixes its settings when the parser is built, and relative words (`igår`,
`för 3 dagar sedan`) need a reference moment. That moment is the capture time of the
page, never the clock, so a page re-parsed years later gives the same date: one parser
is built per reference moment and kept in an `lru_cache`.

Rules kept on both paths:
- ISO text (`2019-04-05`) is always year-month-day, never read day-first.
- An impossible date (`31 februari 2019`, `2019-02-30`) is None, never clamped or
  guessed; when the fast path recognises the form, dateparser is not asked again.
- A timestamp with an offset or `Z` is converted to Europe/Stockholm before its date is
  taken: the published date is the local date shown on the page, so a feed's UTC time
  (`2019-03-05T23:30:00Z`) must not move it back a day.
- The fallback is strict: it answers only for text with a day, a month and a
  four-digit year, or with a relative expression that names a day (`igår`, `för 3 dagar
  sedan`, not `förra veckan` or `för en månad sedan`); `Boden 2019` or a phone number is None.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from scraper.errors import DagbokError

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# --- Vocabulary: every word a date form may use, kept here and nowhere else ----------------

#: Month names and the abbreviations seen in Swedish text, lower case. English names too:
#: a theme's own words may be English (`Published April 29, 2019`), docs/site.md,
#: "What stock WordPress prints".
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augusti": 8, "aug": 8, "august": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

#: Weekdays in front of a date: `måndag 29 april 2019`, `måndagen den 29 april 2019`, `mån 29 apr 2019`.
WEEKDAYS = (
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    "måndagen", "tisdagen", "onsdagen", "torsdagen", "fredagen", "lördagen", "söndagen",
    "tors", "mån", "tis", "ons", "tor", "fre", "lör", "sön",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip

#: Words a theme prints in front of the publish date (`Publicerad 29 april 2019`, `Postat …`,
#: `Published …`), optionally followed by one of `PUBLISHED_LINKS` and a colon
#: (`Publicerat den …`, `Posted on …`, `Publicerad: 2019-04-29`).
PUBLISHED_WORDS = (
    "publicerad", "publicerat", "publicerade", "publicerades", "postad", "postat", "postade", "postades",
    "skriven", "skrivet", "datum", "published", "posted", "date",
)  # fmt: skip
PUBLISHED_LINKS = ("den", "on")

#: How a theme's sentence about the post begins (`Detta inlägg publicerades i Dagbok den …`,
#: `This entry was posted in … on …`): with a published word, such a line is a byline.
POST_SENTENCE_STARTS = ("detta inlägg", "inlägget", "this entry", "this post")

#: Words that make the date after them the date of an update, never the publish date.
UPDATED_WORDS = (
    "uppdaterad", "uppdaterat", "uppdaterades", "uppdatering", "senast uppdaterad", "senast uppdaterat",
    "ändrad", "ändrat", "senast ändrad", "redigerad", "updated", "last updated", "modified", "last modified",
)  # fmt: skip

#: Words that may follow the date on a byline: `… av Redaktionen`, `… i Dagbok`, `… by admin`, `… in News`.
BYLINE_WORDS = ("av", "i", "by", "in", "under")

#: Relative day words the fast path answers itself (dateparser misses `i förrgår`).
RELATIVE_DAYS: dict[str, int] = {
    "idag": 0, "igår": -1, "iförrgår": -2, "förrgår": -2,
    "imorgon": 1, "iövermorgon": 2, "övermorgon": 2,
}  # fmt: skip

#: Counts and units of `för två dagar sedan`, `för en vecka sedan`, `för 3 timmar sedan`. Months
#: and years are left out: `för en månad sedan` names no single day.
COUNT_WORDS: dict[str, int] = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12,
}  # fmt: skip
RELATIVE_UNITS: dict[str, timedelta] = {
    "minut": timedelta(minutes=1), "minuter": timedelta(minutes=1),
    "timme": timedelta(hours=1), "timmar": timedelta(hours=1),
    "dag": timedelta(days=1), "dagar": timedelta(days=1),
    "vecka": timedelta(weeks=1), "veckor": timedelta(weeks=1),
}  # fmt: skip


class InvalidTimestamp(DagbokError, ValueError):
    """An ISO timestamp that cannot be read (from a feed, an API or a `<time>`)."""


def _alternation(words) -> str:
    # Longest first, so `sept` is tried before `sep` and `måndag` before `mån`.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH = rf"(?:{_alternation(MONTHS)})"
_DATE_BADGE_RE = re.compile(rf"\d{{0,2}}{_MONTH}\.?\d{{0,2}}(?:\d{{4}})?", re.IGNORECASE)
# An optional time after the date (`, kl. 10.15`, ` 10:15`, ` @ 10:15 am`); only its range is checked.
_TIME = r"(?:,?\s(?:kl\.?\s?|@\s?)?(?P<hh>\d{1,2})[.:](?P<mm>\d{2})(?:[.:](?P<ss>\d{2}))?(?:\s?[ap]m)?)?"
_REL_TIME = r"(?:,?\s(?:kl\.?\s?|@\s?)?\d{1,2}[.:]\d{2})?"
_PREFIX = (
    rf"(?:(?:{_alternation(PUBLISHED_WORDS)})(?:\s(?:{_alternation(PUBLISHED_LINKS)}))?:?\s)?"
    rf"(?:(?:{_alternation(WEEKDAYS)})\.?,?\s)?"
    r"(?:den\s)?"
)
_RELATIVE_PATTERN = (
    # i dag, igår, i förrgår, i morgon
    r"(?P<rel>i\s?dag|i\s?går|(?:i\s)?förrgår|i\s?morgon|(?:i\s)?övermorgon)(?!\w)"
    rf"{_REL_TIME}"
    # för två dagar sedan, för en vecka sedan, 3 timmar sedan
    rf"|(?:för\s)?(?P<count>\d{{1,3}}|{_alternation(COUNT_WORDS)})\s(?P<unit>{_alternation(RELATIVE_UNITS)})"
    r"\s(?:sedan|sen)(?!\w)"
)
_DATE_PATTERN = (
    rf"{_PREFIX}(?:(?:"
    # 29 april 2019, 29 apr. 2019, 29 april, 2019, 29:e april 2019
    rf"(?P<d1>\d{{1,2}})(?::[ae])?\s(?P<m1>{_MONTH})\.?,?\s(?P<y1>\d{{4}})"
    # maj 28, 2019, April 29, 2019, April 29th, 2019
    rf"|(?P<m2>{_MONTH})\.?\s(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y2>\d{{4}})"
    # 29/4 2019, 29/4/2019, 29/4-2019, 29.4.2019, 29.04.2019, 29.05.19 (day first, as Swedish writes
    # it; 04/29/2019, whose second number is no month, month first; a two-digit year is this century's)
    r"|(?P<d3>\d{1,2})/(?P<m3>\d{1,2})[\s/-](?P<y3>\d{4})"
    r"|(?P<d5>\d{1,2})\.(?P<m5>\d{1,2})\.(?P<y5>\d{4}|\d{2})"
    rf"){_TIME}"
    # 2019-04-29, 2019-04-29T10:15:00+02:00, 2019-04-29 10:15, ...Z, 2019-04-29 kl. 10:15 (a theme's
    # date format; a time after `kl.` is the wall clock's, so the date is as shown)
    r"|(?P<iso>(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
    r"(?:[T\s]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)"
    r"(?:,?\s(?:kl\.?\s?|@\s?)\d{1,2}[.:]\d{2})?"
    rf"|{_RELATIVE_PATTERN}"
    r")"
)
_DATE_RE = re.compile(_DATE_PATTERN, re.IGNORECASE)
# The same forms inside a longer line (a byline): not glued to a word or a number on either side,
# except to a machine timestamp, whose form is unambiguous: a hidden timestamp and the shown date
# in two elements with no space between them (`…+02:0029 april 2019`, `29 april 20192019-05-03T…`).
_STAMP_AHEAD = r"(?=\d{4}-\d\d-\d\d[T\s]\d\d:\d\d)"
_OFFSET_ENDS = r"(?<=[+-]\d\d:\d\d)|(?<=\dZ)"
_DATE_IN_TEXT_RE = re.compile(rf"(?:(?<![\w/.-])|{_OFFSET_ENDS}|{_STAMP_AHEAD})(?:{_DATE_PATTERN})"
                              rf"(?:{_OFFSET_ENDS}|{_STAMP_AHEAD}|(?![\d/]))", re.IGNORECASE)
_TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}")
_UPDATED_RE = re.compile(rf"(?:{_alternation(UPDATED_WORDS)})(?:\s(?:den|on))?\s?:?(?:\s|$)", re.IGNORECASE)
_UPDATED_BEFORE_RE = re.compile(rf"(?<!\w)(?:{_alternation(UPDATED_WORDS)})(?:\s(?:den|on))?\s?:?\s*$", re.IGNORECASE)

# Gates in front of dateparser: a four-digit year plus at least one more number, or a
# relative-date word. Anything else is not a date and costs dateparser nothing.
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NUMBER_RE = re.compile(r"\d+")
_RELATIVE_RE = re.compile(
    r"(?<!\w)(?:(?:\d+|en|ett)\s\w+\ssedan|om\s(?:\d+|en|ett)\s\w+"
    r"|i\s?går|i\s?dag|i\s?morgon|förrgår|övermorgon)(?!\w)",
    re.IGNORECASE,
)
_TRAILING_TIME_RE = re.compile(r",?\s(?:kl\.?\s?|@\s?)\d{1,2}(?:[.:]\d{2})?$", re.IGNORECASE)
_FALLBACK_MAX_LENGTH = 80
# No date form is longer than this even with a weekday, `den` and a time, so a body
# paragraph is turned down before it is normalised.
_MAX_RAW_LENGTH = 200


def _naive_local(moment: datetime) -> datetime:
    """The reference moment as naive Stockholm wall time, which dateparser expects."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def _fast_path(text: str, reference: datetime | None) -> tuple[bool, date | None]:
    """Return (recognised, date). Recognised with None means an impossible date."""
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return False, None
    return _read_match(m, reference)


def _read_match(m: re.Match, reference: datetime | None) -> tuple[bool, date | None]:
    """The date a match of `_DATE_PATTERN` names: (recognised, date), as `_fast_path` returns it.

    A relative form is recognised only with a reference moment to count from.
    """
    # Groups are looked up one by one, the site's own form first: building a
    # groupdict of every group would cost more than the match itself.
    if (day := m["d1"]) is not None:
        month, year = MONTHS[m["m1"].lower()], m["y1"]
    elif (iso := m["iso"]) is not None:
        if m["tz"] is not None or len(iso) > 10:
            try:
                return True, local_date(iso)
            except InvalidTimestamp:
                return True, None
        day, month, year = m["d4"], int(m["m4"]), m["y4"]
    elif (relative := m["rel"]) is not None:
        if reference is None:
            return False, None
        offset = RELATIVE_DAYS[relative.lower().replace(" ", "")]
        return True, _naive_local(reference).date() + timedelta(days=offset)
    elif (count := m["count"]) is not None:
        if reference is None:
            return False, None
        number = int(count) if count.isdecimal() else COUNT_WORDS[count.lower()]
        return True, (_naive_local(reference) - number * RELATIVE_UNITS[m["unit"].lower()]).date()
    elif (day := m["d2"]) is not None:
        month, year = MONTHS[m["m2"].lower()], m["y2"]
    elif (day := m["d3"]) is not None:
        month, year = int(m["m3"]), m["y3"]
        if month > 12 and int(day) <= 12:
            day, month = m["m3"], int(day)  # month first: WordPress's `m/d/Y` setting (04/29/2019)
    else:
        day, month, year = m["d5"], int(m["m5"]), m["y5"]
        year = "20" + year if len(year) == 2 else year
    if (hh := m["hh"]) is not None and (int(hh) > 23 or int(m["mm"]) > 59 or int(m["ss"] or 0) > 59):
        return True, None
    try:
        return True, date(int(year), month, int(day))
    except ValueError:
        return True, None


@functools.lru_cache(maxsize=64)
def fallback_parser(reference: datetime) -> DateDataParser:
    """The dateparser for one reference moment, built once: its settings are fixed when it is built."""
    return DateDataParser(
        languages=["sv"],
        settings={
            "RELATIVE_BASE": reference,
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
        },
    )


def _fallback(text: str, reference: datetime) -> date | None:
    """Ask dateparser, but only about text that could be a whole date, and check it."""
    if len(text) > _FALLBACK_MAX_LENGTH:
        return None
    year = _YEAR_RE.search(text)
    relative = _RELATIVE_RE.search(text)
    if relative is None and (year is None or len(_NUMBER_RE.findall(text)) < 2):
        return None
    text = _TRAILING_TIME_RE.sub("", text)
    data = fallback_parser(_naive_local(reference)).get_date_data(text)
    found = data.date_obj if data else None
    if found is None or data.period != "day":
        return None
    if relative is None and found.year != int(year.group()):
        return None
    if found.tzinfo is not None:
        return found.astimezone(STOCKHOLM).date()
    return found.date()


def parse_date(text: str, *, reference: datetime) -> date | None:
    """Read a Swedish date (or ISO text) as the date it names, or None.

    `reference` is the moment the text was captured; relative words resolve
    against it, never against the clock.
    """
    if len(text) > _MAX_RAW_LENGTH:
        return None
    text = " ".join(text.split())  # splits on NBSP and narrow NBSP too, so `29\xa0april 2019` is read
    if not text:
        return None
    recognised, found = _fast_path(text, reference)
    if recognised:
        return found
    return _fallback(text, reference)


def match_date_line(text: str, *, reference: datetime | None = None) -> date | None:
    """Return the date when the whole line is a date line, else None (no dateparser).

    docs/site.md, "A post page": a post page starts with a line holding only its date,
    `D månad YYYY`; themes add a word in front (`Publicerad`, a weekday). The layout
    extractor asks this of every text line, so a body sentence that merely contains a
    date must not match. Relative words (`igår`, `för två dagar sedan`) count only with
    the `reference` moment they were captured at.
    """
    if len(text) > _MAX_RAW_LENGTH:
        return None
    return _fast_path(" ".join(text.split()), reference)[1]


# Every date form has a digit, except the relative ones.
_DIGIT_RE = re.compile(r"\d")
# How long ago, in any unit (`1 år sedan`, `3 years ago`): a time counting back, whatever day it names.
_COUNTS_BACK_RE = re.compile(r"(?:för\s)?(?:\d{1,3}|en|ett|an?)\s\w+\s(?:sedan|sen|ago)", re.IGNORECASE)
# A relative form wherever `_DATE_IN_TEXT_RE` could read one: after anything but a letter
# (`Vad hände sedan?` and `Kesenci` hold none).
_RELATIVE_FORM_RE = re.compile(rf"(?<![^\W\d_])(?:{_RELATIVE_PATTERN})", re.IGNORECASE)


def may_hold_a_date(text: str) -> bool:
    """The cheap test before looking for a date in a line: a digit or a relative word."""
    return _DIGIT_RE.search(text) is not None or may_be_relative(text)


def counts_back(text: str) -> bool:
    """A time shown as how long ago it was (`1 år sedan`, `för 2 månader sedan`, `3 years ago`),
    as themes may print a post's date: only a `<time datetime>` around it says which day."""
    return len(text) <= 30 and _COUNTS_BACK_RE.fullmatch(text.strip()) is not None


def may_be_relative(text: str) -> bool:
    """Whether a line may hold a relative date (`igår`, `för två dagar sedan`), whose day
    depends on the moment the page was captured; every other form names its day itself."""
    return _RELATIVE_FORM_RE.search(text) is not None


def search_dates(text: str, *, reference: datetime | None = None) -> list[tuple[int, int, date]]:
    """Every date form inside a line, as (start, end, date), in order; impossible dates left out.

    For bylines such as `Publicerad 29 april 2019 av Redaktionen`: the caller decides
    whether the words around a date make the line a date line.
    """
    if len(text) > _MAX_RAW_LENGTH:
        return []
    found = []
    for m in _DATE_IN_TEXT_RE.finditer(text):
        recognised, day = _read_match(m, reference)
        if recognised and day is not None:
            found.append((m.start(), m.end(), day))
    return found


def is_timestamp(text: str) -> bool:
    """Whether a date form found by `search_dates` (a published word may lead it) is a machine
    timestamp (`2019-05-03T09:41:12+02:00`) rather than a date written for readers."""
    return _TIMESTAMP_RE.search(text) is not None


def is_date_badge(text: str) -> bool:
    """A date badge's text: a month's name, with its day and year or not, printed in pieces
    (Flatsome's `21` / `aug` on a featured image) or glued (The7's `okt242018`, three spans).
    Meant for a line that is not itself a date line."""
    return len(text) <= 24 and _DATE_BADGE_RE.fullmatch("".join(text.split())) is not None


def names_update(text: str) -> bool:
    """Whether `text` starts with an update word (`Uppdaterad`, `Senast ändrad:`, `Updated`):
    the date that follows is not the publish date."""
    return _UPDATED_RE.match(text.lstrip(" |·•–—-:,")) is not None


def ends_with_update_word(head: str) -> bool:
    """Whether `head`, the text before a date, ends with an update word (`Läsningstid: 3 min
    Uppdaterad:`, `Senast ändrad den`): that date is the update's, wherever on the line it stands."""
    return _UPDATED_BEFORE_RE.search(head) is not None


def is_published_label(text: str) -> bool:
    """A label that only says "published" (`Publicerad`, `Publicerat den:`, `Posted on`), printed
    as an element of its own before the date."""
    words = text.casefold().rstrip(":").split()
    if len(words) == 2 and words[1] in PUBLISHED_LINKS:
        words = words[:1]
    return len(words) == 1 and words[0] in PUBLISHED_WORDS


def local_date(value: str | datetime) -> date:
    """The Stockholm date of an ISO timestamp; a naive one keeps its own date.

    WordPress's REST API gives `date` in site-local time and `date_gmt` in UTC, and feeds
    give UTC: converting aware times to Europe/Stockholm keeps the date shown on the page.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidTimestamp(
                f"not an ISO date or timestamp: {value!r} (expected e.g. 2019-04-29T10:15:00+02:00)"
            ) from None
    else:
        moment = value
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(STOCKHOLM).date()
