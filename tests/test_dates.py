"""Swedish dates: the fast path's forms, rejections, the cached fallback, local dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dateparser
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scraper import dates
from scraper.dates import InvalidTimestamp, counts_back, local_date, match_date_line, parse_date
from scraper.sample_site.date_forms import DATEPARSER_FORMS, FORMS

# The non-empty lines of the seed page (docs/site.md, "The seed page") (long paragraphs cut to 160 characters).
SEED_LINES = [
    '29 april 2019',
    'Vilken resa vi gör!',
    'Att jobba enligt konceptet innovationslabb innebär att man hittar lösningar till utmaningar tillsammans med olika aktörer, bland annat med dem som berörs av pro',
    'Våra fyra innovationslabb har varit i gång sedan i höstas. De första månaderna gick åt att analysera och identifiera vilken utmaning respektive labb ville adres',
    'MÅL FÖR VARJE LABB',
    'Efter det var det dags att sätta smarta mål för varje labb. Detta blev ett grundligt arbete, som visade sig vara något svårare än vad vi trodde i förväg. Men de',
    'Vintern och våren har ”innovationslabbandet” fokuserat på sin kärnverksamhet, nämligen på att hitta lösningar genom olika typer av workshops, samtal och intervj',
    'TEST AV LÖSNINGAR',
    'De konkreta lösningar som testas i labben har vi redan berättat om vid flera tillfällen här i dagboken. Det handlar om allt från en fotbollsskola under sommarlo',
    'Vi strävar inte efter världsnyheter utan vi tror att lösningarna till våra stora utmaningar redan finns där ute. Vi har mycket att lära av varandras erfarenhete',
    'Grunden i vårt innovationsarbete handlar om processen – från behovsdefinition och inkluderande arbetssätt till att ibland till och med våga släppa de idéer som ',
    'IDÉER MÖTER VERKLIGHETEN',
    'Framför oss har vi nu en period av många spännande stunder där idéer möter verkligheten. Våra viktigaste ledord just nu är att våga testa – och inte vara rädd f',
    'Läs mer om innovationslabbet i Boden här',
    'Läs mer om innovationslabbet i Göteborg här',
    'Läs mer om innovationslabbet i Norrköping här',
    'Läs mer om innovationslabbet i Södertälje här',
    'Foto: Shutterstock',
    'Anna Kanervo',
    'projektansvarig',
    'Få nya inlägg i din inkorg',
    'Följ oss på Instagram',
    '11 oktober 2019',
    'Integrationskör i behov av framtidsfinansiering',
    'Integrationskören The Rockin’ Pots – med ursprung i Östersund – har nu startats i flera orter, bland annat i Boden i samarbete med BIS. Idag hade vi ett videomö',
    'Anna Kanervo',
    'projektansvarig för Allmännyttans innovationslabb',
    '7 oktober 2019',
    'En egen kväll för tjejer',
    'Mötesplatsen i Lina Hage arrangerade nyligen en egen kväll för enbart tjejer, vilket blev mycket uppskattat. Det är ofta fler killar än tjejer som deltar i olik',
    'Martin Kesenci',
    'stadsdelsutvecklare på Telge Bostäder',
    '7 oktober 2019',
    'Tio minuter om livet och arbetslivet',
    'Makay Gozar är en av de kvinnor som Portalen jobbar med för att stötta deras etablering på arbetsmarknaden. Idag kom Makay till Portalen för att lyssna på en li',
    'Anna Kanervo',
    'projektansvarig för Allmännyttans innovationslabb',
    '3 oktober 2019',
    'Nu gäller det att använda tiden rätt',
    'Puuh… Vad mycket som ska hinnas med innan Allmännyttans innovationslabbssatsningen tar slut i december. De senaste två dagarna har jag och Sophia Lövgren från H',
    'Anna Kanervo',
    'projektansvarig för Allmänyttans innovationslabb',
    'Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se. Sveriges Allmännytta är bransch- och intresseorganisation för allmännyttiga kommunal',
    'Vill du att ditt allmännyttiga bostadsföretags goda arbete ska synas här? Hör av dig!',
    'Sveriges Allmännytta \xa0 \xa0\xa0 Box 474, 101 29 Stockholm\xa0\xa0\xa0\xa0\xa0\xa008-406 55 00 \xa0\xa0\xa0\xa0\xa0\xa0info@sverigesallmannytta.se\xa0\xa0\xa0\xa0\xa0\xa0www.sverigesallmannytta.se',
]
REF = datetime(2019, 5, 1, 10, 0, tzinfo=timezone.utc)  # a capture time
FIRST, LAST = date(2000, 1, 1), date(2030, 12, 31)

# The forms a layout date line takes (docs/site.md, "A post page"), which match_date_line must accept.
LINE_FORMS = ["site", "den", "abbr-dot", "abbr", "weekday", "weekday-den", "kl", "upper", "nbsp", "month-first",
              "weekday-definite", "publicerad", "publicerat-den", "postat", "publicerad-iso", "posted-on-english",
              "published-english", "english-ordinal", "english-weekday", "dotted", "dotted-padded", "iso-kl"]


def _all_days():
    day = FIRST
    while day <= LAST:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("form", FORMS)
def test_every_day_2000_to_2030_round_trips_through_each_form(form):
    fmt = FORMS[form]
    wrong = [(d, fmt(d)) for d in _all_days() if parse_date(fmt(d), reference=REF) != d]
    assert wrong == []


@pytest.mark.parametrize("form", FORMS)
@given(day=st.dates(min_value=FIRST, max_value=LAST))
def test_any_day_round_trips_through_each_form(form, day):
    assert parse_date(FORMS[form](day), reference=REF) == day


@pytest.mark.parametrize("form", LINE_FORMS)
@given(day=st.dates(min_value=FIRST, max_value=LAST))
def test_date_line_forms_are_matched_as_lines(form, day):
    assert match_date_line(FORMS[form](day)) == day


@pytest.mark.parametrize("form", DATEPARSER_FORMS)
@settings(max_examples=40, deadline=None)
@given(day=st.dates(min_value=FIRST, max_value=LAST))
def test_fast_path_agrees_with_dateparser_sv(form, day):
    # dateparser's Swedish does not know the abbreviation `mar` (for mars); we do.
    assume(not (form.endswith("abbr") or form.startswith("abbr")) or day.month != 3)
    text = FORMS[form](day)
    theirs = dateparser.parse(text, languages=["sv"], settings={"DATE_ORDER": "DMY"})
    assert theirs is not None and theirs.date() == parse_date(text, reference=REF) == day


def test_a_slash_date_is_day_first_unless_its_second_number_is_no_month():
    """WordPress offers `m/d/Y` (04/29/2019) as well as `d/m/Y` (docs/site.md, "What stock
    WordPress prints"): a date is read month first when it can only be that."""
    days = list(_all_days())
    month_first = {d: f"{d.month:02d}/{d.day:02d}/{d.year}" for d in days if d.day > 12}
    assert [d for d, text in month_first.items() if match_date_line(text) != d] == []
    day_first = {d: f"{d.day:02d}/{d.month:02d}/{d.year}" for d in days}
    assert [d for d, text in day_first.items() if match_date_line(text) != d] == []
    assert match_date_line("04/05/2019") == date(2019, 5, 4)  # both ways a date: Swedish order
    assert match_date_line("13/13/2019") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("29 april 2019", date(2019, 4, 29)),
        ("den 29 april 2019", date(2019, 4, 29)),
        ("29 apr. 2019", date(2019, 4, 29)),
        ("29 apr 2019", date(2019, 4, 29)),
        ("29 april, 2019", date(2019, 4, 29)),
        ("maj 28, 2019", date(2019, 5, 28)),
        ("29/4 2019", date(2019, 4, 29)),
        ("29/4/2019", date(2019, 4, 29)),
        ("2019-04-05", date(2019, 4, 5)),
        ("2019-04-29T10:15:00+02:00", date(2019, 4, 29)),
        ("2019-04-29T10:15:00Z", date(2019, 4, 29)),
        ("2019-04-29T10:15:00", date(2019, 4, 29)),
        ("2019-04-29 10:15", date(2019, 4, 29)),
        ("29 april 2019 kl. 10.15", date(2019, 4, 29)),
        ("29 april 2019, kl 10.15", date(2019, 4, 29)),
        ("29 april 2019 10:15", date(2019, 4, 29)),
        ("29 april 2019 @ 10:15", date(2019, 4, 29)),  # WP-Print, and themes' `j F Y @ H:i`
        ("April 29, 2019 @ 10:15 am", date(2019, 4, 29)),
        ("måndag 29 april 2019", date(2019, 4, 29)),
        ("mån 29 apr 2019", date(2019, 4, 29)),
        ("Måndag den 29 april 2019", date(2019, 4, 29)),
        ("den 29:e april 2019", date(2019, 4, 29)),
        ("3 sept. 2019", date(2019, 9, 3)),
        ("3 mar 2019", date(2019, 3, 3)),
        ("6 MARS 2019", date(2019, 3, 6)),
        ("  11\xa0oktober  2019 ", date(2019, 10, 11)),
        ("Publicerad 6 mars 2019", date(2019, 3, 6)),
        ("29.4.2019", date(2019, 4, 29)),
        ("29.05.19", date(2019, 5, 29)),  # a two-digit year (Newspaper's `d.m.y`) is this century's
        ("29-04-2019", date(2019, 4, 29)),  # not a fast-path form: dateparser reads it
    ],
)
def test_known_forms_parse(text, expected):
    assert parse_date(text, reference=REF) == expected


def test_iso_dates_are_never_read_day_first():
    assert parse_date("2019-04-05", reference=REF) == date(2019, 4, 5)
    assert parse_date("2019-05-04", reference=REF) == date(2019, 5, 4)
    assert parse_date("2019-13-01", reference=REF) is None


@pytest.mark.parametrize(
    "text",
    ["31 februari 2019", "29 februari 2019", "2019-02-30", "31 april 2019", "0 maj 2019",
     "31/9 2019", "32 januari 2020", "29 april 2019 kl. 25.00", "2019-04-29T24:30:00"],
)  # fmt: skip
def test_impossible_dates_are_rejected_not_clamped(text):
    assert parse_date(text, reference=REF) is None
    assert match_date_line(text) is None


def test_leap_day_is_a_date_in_a_leap_year():
    assert parse_date("29 februari 2020", reference=REF) == date(2020, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["Boden 2019", "08-406 55 00", "Box 474, 101 29 Stockholm", "12", "2019", "mars 2019",
     "29 april", "Vilken resa vi gör!", "Foto: Shutterstock", "MÅL FÖR VARJE LABB", "",
     "   ", "Anna Kanervo", "projektansvarig för Allmännyttans innovationslabb",
     "Våra fyra innovationslabb har varit i gång sedan i höstas."],
)  # fmt: skip
def test_non_dates_are_none(text):
    assert parse_date(text, reference=REF) is None


def test_no_seed_line_but_a_date_line_is_a_date():
    lines = SEED_LINES
    parsed = {line: parse_date(line, reference=REF) for line in lines}
    assert {line: d for line, d in parsed.items() if d} == {
        "29 april 2019": date(2019, 4, 29),
        "11 oktober 2019": date(2019, 10, 11),
        "7 oktober 2019": date(2019, 10, 7),
        "3 oktober 2019": date(2019, 10, 3),
    }
    assert {line for line in lines if match_date_line(line)} == set(
        {line for line, d in parsed.items() if d}
    )


@pytest.mark.parametrize(
    "line",
    ["Idag skrev vi den 29 april 2019 om labbet.", "29 april 2019 var en bra dag",
     "Vi ses 29 april 2019!", "Läs mer om innovationslabbet i Boden här", "igår", "i dag"],
)  # fmt: skip
def test_a_sentence_containing_a_date_is_not_a_date_line(line):
    assert match_date_line(line) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 /-:.,TZ+abdegijklmnoprstuvåäö", max_size=40))
def test_any_text_gives_a_date_or_none_without_raising(text):
    result = parse_date(text, reference=REF)
    assert result is None or isinstance(result, date)


def test_relative_words_resolve_against_the_reference_not_the_clock():
    long_ago = datetime(2010, 3, 15, 12, 0, tzinfo=timezone.utc)
    assert parse_date("igår", reference=long_ago) == date(2010, 3, 14)
    assert parse_date("i dag", reference=long_ago) == date(2010, 3, 15)
    assert parse_date("idag", reference=long_ago) == date(2010, 3, 15)
    assert parse_date("i förrgår", reference=long_ago) == date(2010, 3, 13)
    assert parse_date("igår kl. 10.15", reference=long_ago) == date(2010, 3, 14)
    assert parse_date("för 3 dagar sedan", reference=long_ago) == date(2010, 3, 12)
    assert parse_date("för 3 dagar sedan", reference=REF) == date(2019, 4, 28)
    assert parse_date("om 2 dagar", reference=long_ago) == date(2010, 3, 17)


def test_relative_expressions_that_name_no_single_day_are_none():
    assert parse_date("förra veckan", reference=REF) is None
    assert parse_date("för en månad sedan", reference=REF) is None
    assert parse_date("för två år sedan", reference=REF) is None


@pytest.mark.parametrize(
    "text, days",
    [("för två dagar sedan", 2), ("för en vecka sedan", 7), ("för 2 veckor sedan", 14), ("för en dag sedan", 1),
     ("För tre dagar sedan", 3), ("3 dagar sedan", 3), ("för tio dagar sen", 10), ("Publicerad för två dagar sedan", 2)],
)  # fmt: skip
def test_relative_forms_a_swedish_reader_accepts_resolve_against_the_capture_time(text, days):
    assert parse_date(text, reference=REF) == REF.date() - timedelta(days=days)
    long_ago = datetime(2010, 3, 15, 12, 0, tzinfo=timezone.utc)
    assert parse_date(text, reference=long_ago) == long_ago.date() - timedelta(days=days)
    assert match_date_line(text) is None  # without a capture time, no relative date
    assert match_date_line(text, reference=REF) == REF.date() - timedelta(days=days)


def test_hours_ago_fall_on_the_stockholm_day_they_name():
    morning = datetime(2019, 5, 1, 1, 0, tzinfo=timezone.utc)  # 03:00 in Stockholm
    assert parse_date("för 5 timmar sedan", reference=morning) == date(2019, 4, 30)
    assert parse_date("för två timmar sedan", reference=morning) == date(2019, 5, 1)


@given(word=st.sampled_from(sorted(dates.COUNT_WORDS)), days=st.integers(min_value=1, max_value=99),
       reference=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2030, 1, 1),
                              timezones=st.just(timezone.utc)))
def test_any_count_of_days_or_weeks_ago_counts_back_from_the_local_capture_day(word, days, reference):
    local = reference.astimezone(ZoneInfo("Europe/Stockholm"))
    assert parse_date(f"för {word} dagar sedan", reference=reference) == (local - timedelta(days=dates.COUNT_WORDS[word])).date()
    assert parse_date(f"för {days} veckor sedan", reference=reference) == (local - timedelta(weeks=days)).date()


def test_relative_words_use_the_stockholm_day_of_a_utc_reference():
    # 23:30 UTC on 14 March is already 15 March in Stockholm.
    late = datetime(2010, 3, 14, 23, 30, tzinfo=timezone.utc)
    assert parse_date("i dag", reference=late) == date(2010, 3, 15)
    assert parse_date("för 1 dag sedan", reference=late) == date(2010, 3, 14)


@pytest.mark.parametrize("text", ["Vad hände sedan?", "Martin Kesenci", "Det går bra", "Fredag 3 maj",
                                  "Tre månader har gått sedan vi drog i gång labbet.", "En fridag i morgonrock"])
def test_a_relative_word_outside_a_relative_form_needs_no_capture_time(text):
    # a line judged relative is read again for every page's capture time: only a relative form is
    assert not dates.may_be_relative(text)
    assert dates.search_dates(text, reference=REF) == dates.search_dates(text)


@given(head=st.sampled_from(["", "Publicerad ", "Uppdaterad: ", "x ", "+02:00", "Dagbok | ", "måndag, "]),
       form=st.sampled_from(["igår", "i dag", "I morgon", "i förrgår", "övermorgon", "för två dagar sedan",
                             "3 timmar sen", "för en vecka sedan", "idag, kl. 10.15"]),
       tail=st.sampled_from(["", " av Redaktionen", "!", " | Dagbok"]))
def test_every_relative_date_a_line_holds_makes_it_relative(head, form, tail):
    text = head + form + tail
    assert dates.search_dates(text, reference=REF) != dates.search_dates(text)  # a date only the capture time gives
    assert dates.may_be_relative(text)


def test_fallback_parser_is_built_once_per_reference():
    dates.fallback_parser.cache_clear()
    first = datetime(2011, 1, 10, 9, 0, tzinfo=timezone.utc)
    second = datetime(2012, 1, 10, 9, 0, tzinfo=timezone.utc)
    assert parse_date("29-04-2019", reference=first) == date(2019, 4, 29)
    assert parse_date("30-04-2019", reference=first) == date(2019, 4, 30)
    assert parse_date("01-05-2019", reference=first) == date(2019, 5, 1)
    info = dates.fallback_parser.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert parse_date("02-05-2019", reference=second) == date(2019, 5, 2)
    assert dates.fallback_parser.cache_info().misses == 2


def test_fast_path_forms_never_build_a_dateparser():
    dates.fallback_parser.cache_clear()
    texts = ["29 april 2019", "2019-04-29T10:15:00Z", "31 februari 2019", "Boden 2019", "igår",
             "för två dagar sedan", "för en vecka sedan", "Publicerad: 2019-04-29", "Posted on April 29, 2019",
             "Våra fyra innovationslabb har varit i gång sedan i höstas.", "08-406 55 00"]  # fmt: skip
    for text in texts:
        parse_date(text, reference=REF)
    assert dates.fallback_parser.cache_info().currsize == 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2019-03-05T23:30:00Z", date(2019, 3, 6)),  # CET, +1
        ("2019-03-05T22:59:59Z", date(2019, 3, 5)),
        ("2019-06-30T22:30:00Z", date(2019, 7, 1)),  # CEST, +2
        ("2019-06-30T21:59:00+00:00", date(2019, 6, 30)),
        ("2019-06-30T23:30:00+02:00", date(2019, 6, 30)),
        ("2019-03-05T23:30:00", date(2019, 3, 5)),  # naive: its own date
        ("2019-03-05", date(2019, 3, 5)),
        (datetime(2019, 12, 31, 23, 15, tzinfo=timezone.utc), date(2020, 1, 1)),
        (datetime(2019, 12, 31, 23, 15), date(2019, 12, 31)),
    ],
)
def test_local_date_is_the_stockholm_date(value, expected):
    assert local_date(value) == expected


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(timezone.utc)))
def test_utc_timestamps_map_to_the_stockholm_date(moment):
    expected = moment.astimezone(ZoneInfo("Europe/Stockholm")).date()
    text = moment.isoformat().replace("+00:00", "Z")
    assert local_date(text) == expected
    assert parse_date(text, reference=REF) == expected


def test_local_date_names_a_bad_timestamp():
    with pytest.raises(InvalidTimestamp, match="not an ISO date or timestamp: '29 april 2019'"):
        local_date("29 april 2019")


@pytest.mark.parametrize("text, counts", [("1 år sedan", True), ("för 2 månader sedan", True), ("3 years ago", True),
                                          ("en vecka sedan", True), ("Vi började för 2 år sedan", False),
                                          ("Det var länge sedan", False), ("29 april 2019", False)])
def test_a_time_shown_as_how_long_ago_it_was_is_told_apart(text, counts):
    assert counts_back(text) is counts
