"""How pages write a date: each written form as a function of the date it names.

The sample site's own form is `date_line` ("29 april 2019", docs/site.md); the
others are the forms themes and editors use. tests/test_dates.py checks that
`scraper.dates.parse_date` reads every one of them back to its date, and the
dates benchmark times dagbok against dateparser on `DATEPARSER_FORMS`.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from .content import MONTHS, date_line

MONTH = ("", *MONTHS)  # by month number
ABBR = ["", "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
WEEKDAY = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
ENGLISH = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
ENGLISH_WEEKDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAY_ABBR = ["mån", "tis", "ons", "tors", "fre", "lör", "sön"]


def _abbr_dot(d: date) -> str:
    return f"{d.day} {ABBR[d.month]}{'' if d.month == 5 else '.'} {d.year}"


FORMS: dict[str, Callable[[date], str]] = {
    "site": date_line,
    "den": lambda d: f"den {d.day} {MONTH[d.month]} {d.year}",
    "abbr-dot": _abbr_dot,
    "abbr": lambda d: f"{d.day} {ABBR[d.month]} {d.year}",
    "comma": lambda d: f"{d.day} {MONTH[d.month]}, {d.year}",
    "month-first": lambda d: f"{MONTH[d.month]} {d.day}, {d.year}",
    "slash-space": lambda d: f"{d.day}/{d.month} {d.year}",
    "slash": lambda d: f"{d.day}/{d.month}/{d.year}",
    "iso": lambda d: d.isoformat(),
    "iso-naive-time": lambda d: f"{d.isoformat()}T10:15:00",
    "iso-offset": lambda d: f"{d.isoformat()}T10:15:00+02:00",
    "iso-z-noon": lambda d: f"{d.isoformat()}T12:00:00Z",
    "iso-kl": lambda d: f"{d.isoformat()} kl. 10:15",  # a theme's date format `Y-m-d \k\l. H:i`
    "kl": lambda d: f"{d.day} {MONTH[d.month]} {d.year} kl. 10.15",
    "colon-time": lambda d: f"{d.day} {MONTH[d.month]} {d.year} 10:15",
    "weekday": lambda d: f"{WEEKDAY[d.weekday()]} {d.day} {MONTH[d.month]} {d.year}",
    "weekday-den": lambda d: f"{WEEKDAY[d.weekday()].capitalize()} den {d.day} {MONTH[d.month]} {d.year}",
    "weekday-abbr": lambda d: f"{WEEKDAY_ABBR[d.weekday()]} {d.day} {ABBR[d.month]} {d.year}",
    "weekday-definite": lambda d: f"{WEEKDAY[d.weekday()]}en den {d.day} {MONTH[d.month]} {d.year}",
    "publicerad": lambda d: f"Publicerad {d.day} {MONTH[d.month]} {d.year}",
    "publicerat-den": lambda d: f"Publicerat den {d.day} {MONTH[d.month]} {d.year}",
    "postat": lambda d: f"Postat {d.day} {MONTH[d.month]} {d.year}",
    "publicerad-iso": lambda d: f"Publicerad: {d.isoformat()}",
    "posted-on-english": lambda d: f"Posted on {ENGLISH[d.month]} {d.day}, {d.year}",
    "published-english": lambda d: f"Published {ENGLISH[d.month]} {d.day}, {d.year}",
    "english-ordinal": lambda d: f"{ENGLISH[d.month]} {d.day}{'th' if 4 <= d.day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d.day % 10, 'th')}, {d.year}",
    "english-weekday": lambda d: f"{ENGLISH_WEEKDAY[d.weekday()]}, {d.day} {ENGLISH[d.month]} {d.year}",
    "dotted": lambda d: f"{d.day}.{d.month}.{d.year}",
    "dotted-padded": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "upper": lambda d: f"{d.day} {MONTH[d.month].upper()} {d.year}",
    "nbsp": lambda d: f"{d.day}\xa0{MONTH[d.month]}\xa0{d.year}",
}
# The forms dateparser(languages=["sv"]) reads too, so the two can be compared.
DATEPARSER_FORMS = ["site", "den", "abbr-dot", "abbr", "comma", "month-first", "slash-space", "slash",
                    "iso", "weekday", "weekday-abbr", "upper", "nbsp"]  # fmt: skip
