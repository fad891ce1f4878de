"""Dates benchmark: dagbok's parse_date vs dateparser, same run.

Over a mix of real date strings (every day of 2018–2020 in the site's form `29 april
2019`, a sample of days in each other form dateparser reads too, from
scraper/sample_site/date_forms.py) and non-dates (lines of the seed page, place
names with years, phone numbers), it times per call:

- dagbok: `scraper.dates.parse_date(text, reference=...)`;
- dateparser sv: `dateparser.parse(text, languages=['sv'])`, what a user would write;
- dateparser sv DMY: the same with `settings={'DATE_ORDER': 'DMY'}` (dateparser reads
  `3/5 2019` month-first even for Swedish unless told);
- dateparser auto: `dateparser.parse(text)`, language auto-detection.

and checks each answer against the date the string was made from (None for non-dates).
Goal: the fast path at least 100× faster than dateparser sv, with identical
results on every valid date.

    python -m benchmarks.bench_dates [--quick]
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Callable

import dateparser

from benchmarks import command
from benchmarks.timing import best_per_call
from scraper.dates import parse_date
from scraper.sample_site.date_forms import DATEPARSER_FORMS, FORMS

REFERENCE = datetime(2020, 3, 1, 12, 0, tzinfo=timezone.utc)  # a capture time
FIRST, LAST = date(2018, 1, 1), date(2020, 12, 31)

# The site's own form, and the other forms both dagbok and dateparser read (the sample site's catalogue).
SITE_FORM = FORMS["site"]
RELATIVES = {name: FORMS[name] for name in DATEPARSER_FORMS if name != "site"}

NON_DATES = [
    "Vilken resa vi gör!", "MÅL FÖR VARJE LABB", "TEST AV LÖSNINGAR", "IDÉER MÖTER VERKLIGHETEN",
    "Läs mer om innovationslabbet i Boden här", "Foto: Shutterstock", "Anna Kanervo",
    "projektansvarig", "projektansvarig för Allmännyttans innovationslabb",
    "stadsdelsutvecklare på Telge Bostäder", "Få nya inlägg i din inkorg", "Följ oss på Instagram",
    "Integrationskör i behov av framtidsfinansiering", "En egen kväll för tjejer",
    "Tio minuter om livet och arbetslivet", "Nu gäller det att använda tiden rätt",
    "Box 474, 101 29 Stockholm", "08-406 55 00", "info@sverigesallmannytta.se",
    "Boden 2019", "Rannebergen 2018", "12", "2019", "474", "mars 2019", "april",
    "Puuh… Vad mycket som ska hinnas med", "#sabo #allmännyttan #BodenBo",
    "Våra fyra innovationslabb har varit i gång sedan i höstas.", "Hör av dig!",
]  # fmt: skip


def cases(quick: bool) -> tuple[list[tuple[str, date]], list[tuple[str, date]], list[str]]:
    """(site-form dates, near-relative dates, non-dates) with the date each names."""
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    site_days = days[::8] if quick else days
    sample = days[::61] if quick else days[::7]
    site = [(SITE_FORM(d), d) for d in site_days]
    relatives = [(form(d), d) for form in RELATIVES.values() for d in sample]
    return site, relatives, list(NON_DATES)


def _dagbok(text: str) -> date | None:
    return parse_date(text, reference=REFERENCE)


def _dateparser_sv(text: str) -> date | None:
    found = dateparser.parse(text, languages=["sv"])
    return found.date() if found else None


def _dateparser_sv_dmy(text: str) -> date | None:
    found = dateparser.parse(text, languages=["sv"], settings={"DATE_ORDER": "DMY"})
    return found.date() if found else None


def _dateparser_auto(text: str) -> date | None:
    found = dateparser.parse(text)
    return found.date() if found else None


TOOLS: dict[str, Callable[[str], date | None]] = {
    "dagbok": _dagbok,
    "dateparser sv": _dateparser_sv,
    "dateparser sv DMY": _dateparser_sv_dmy,
    "dateparser auto": _dateparser_auto,
}


def _time_per_call(tool: Callable[[str], date | None], texts: list[str], repeat: int) -> tuple[float, list]:
    """Best-of-`repeat` mean seconds per call, and the answers of the last pass."""
    answers: list = []

    def one_pass() -> int:
        answers[:] = [tool(text) for text in texts]
        return len(texts)

    return best_per_call(one_pass, repeat=repeat), answers


def run(quick: bool = False) -> dict:
    """Time and check every tool on every group of strings; return the figures."""
    site, relatives, non_dates = cases(quick)
    groups = {
        "site form": [(t, d) for t, d in site],
        "near relatives": [(t, d) for t, d in relatives],
        "non-dates": [(t, None) for t in non_dates],
    }
    for tool in TOOLS.values():  # warm up: dateparser loads its language data once
        tool("29 april 2019")
    results: dict = {"quick": quick, "reference": REFERENCE.isoformat(), "groups": {}}
    answers: dict[str, dict[str, list]] = {}
    for group, items in groups.items():
        texts = [t for t, _ in items]
        figures = {"count": len(items)}
        for name, tool in TOOLS.items():
            repeat = 5 if name == "dagbok" else 1
            per_call, got = _time_per_call(tool, texts, repeat)
            answers.setdefault(group, {})[name] = got
            figures[name] = {
                "us_per_call": per_call * 1e6,
                "correct": sum(g == expected for g, (_, expected) in zip(got, items)),
            }
        for name in TOOLS:
            if name == "dagbok":
                continue
            figures[name]["ratio_vs_dagbok"] = figures[name]["us_per_call"] / figures["dagbok"]["us_per_call"]
        results["groups"][group] = figures
    # Where dagbok and a dateparser variant both answer a valid date, is it the same date?
    valid = groups["site form"] + groups["near relatives"]
    ours = answers["site form"]["dagbok"] + answers["near relatives"]["dagbok"]
    results["agreement"] = {}
    for name in TOOLS:
        if name == "dagbok":
            continue
        theirs = answers["site form"][name] + answers["near relatives"][name]
        differ = [(t, str(o), str(th)) for (t, _), o, th in zip(valid, ours, theirs) if th is not None and o != th]
        missed = [t for (t, _), th in zip(valid, theirs) if th is None]
        results["agreement"][name] = {
            "valid_dates": len(valid),
            "read": len(valid) - len(missed),
            "identical": len(valid) - len(missed) - len(differ),
            "differ": len(differ),
            "differ_examples": differ[:5],
            "missed": len(missed),
            "missed_examples": missed[:5],
        }
    results["dagbok_correct_on_valid"] = sum(o == d for o, (_, d) in zip(ours, valid))
    site_identical = all(
        o == th for o, th in zip(answers["site form"]["dagbok"], answers["site form"]["dateparser sv"])
    )
    site_fig = results["groups"]["site form"]
    goal = results["goal"] = {
        "speedup_vs_dateparser_sv": site_fig["dateparser sv"]["ratio_vs_dagbok"],
        "identical_on_site_form": site_identical,
        "reached": site_fig["dateparser sv"]["ratio_vs_dagbok"] >= 100 and site_identical,
    }
    sv, dmy = results["agreement"]["dateparser sv"], results["agreement"]["dateparser sv DMY"]
    measured = (f"{goal['speedup_vs_dateparser_sv']:.0f}× on the site form, identical there: "
                f"{'yes' if site_identical else 'no'}; over all {sv['valid_dates']} valid dates "
                f"dagbok is right on {results['dagbok_correct_on_valid']}, dateparser sv agrees on "
                f"{sv['identical']}, differs on {sv['differ']} (it reads d/m month-first) and reads nothing for "
                f"{sv['missed']}; with DATE_ORDER DMY it differs on {dmy['differ']}")
    results["goals"] = [{"goal": "dates: fast path ≥ 100× faster than dateparser sv, identical results on every "
                                 "valid date", "measured": measured, "reached": bool(goal["reached"])}]
    return results


def table(results: dict) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| strings | n | tool | µs per call | × dagbok | correct |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for group, figures in results["groups"].items():
        for name in TOOLS:
            f = figures[name]
            ratio = f"{f['ratio_vs_dagbok']:.0f}×" if "ratio_vs_dagbok" in f else "1×"
            lines.append(
                f"| {group} | {figures['count']} | {name} | {f['us_per_call']:.1f} | {ratio} "
                f"| {f['correct']}/{figures['count']} |"
            )
    g = results["goal"]
    lines.append("")
    valid = next(iter(results["agreement"].values()))["valid_dates"]
    lines.append(f"dagbok: {results['dagbok_correct_on_valid']}/{valid} valid dates correct.")
    for name, a in results["agreement"].items():
        lines.append(
            f"{name}: read {a['read']}/{a['valid_dates']} valid dates, identical to dagbok on "
            f"{a['identical']}, different on {a['differ']} (e.g. {a['differ_examples'][:2]}), "
            f"nothing for {a['missed']} (e.g. {a['missed_examples'][:2]})."
        )
    lines.append(
        f"Goal (≥ 100× faster than dateparser sv on the site form, identical results there): "
        f"{g['speedup_vs_dateparser_sv']:.0f}×, identical: {g['identical_on_site_form']} — "
        f"{'reached' if g['reached'] else 'NOT reached'}."
    )
    return "\n".join(lines)


main = command(run, table, doc=__doc__, quick="fewer strings, for CI")


if __name__ == "__main__":
    main()
