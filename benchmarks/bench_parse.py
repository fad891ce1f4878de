"""Parse benchmark: dagbok's reading of a page vs trafilatura vs a bare parse, same run.

Every post page of every markup of the sample site is rendered by the real
server and fetched once with requests (not timed). Then, on the same bytes, it
times per page:

- dagbok: `scraper.crawl.read_page`, all a crawl does with a fetched page: decode,
  parse, classify, the teasers, every extraction layer, labs;
- trafilatura: `bare_extraction(html, url=..., with_metadata=True)`, what a user
  would pick instead for "the text and metadata of an article";
- lxml: `etree.fromstring(html, etree.HTMLParser(...))`, the floor: the parser dagbok
  itself uses (same class, same options), parsing alone, nothing read.

and scores dagbok and trafilatura against the ground truth (scraper/data/sample_site):
published, title, author (None when the page has no signature) and body (exact
after joining paragraphs with a blank line, and a difflib similarity ratio).
Goal: at least 8× faster than trafilatura per page (the plain-code rewrite of the
extraction may cost some speed, but not more). The ratio to the bare parse is a figure.

    python -m benchmarks.bench_parse [--quick]
"""

from __future__ import annotations

import difflib
import gc
import importlib.metadata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

import requests
from lxml import etree

from benchmarks import command
from benchmarks.timing import best_per_call
from scraper.crawl import read_page
from scraper.extract.document import normalise_space
from scraper.extract.lines import text_facts
from scraper.labs import LabVocabulary
from scraper.names import PageKind, Source
from scraper.records import Capture, PageResult
from scraper.sample_site import MARKUPS, SamplePost, SampleSite



def import_problem(error: ImportError) -> str:
    """Why trafilatura cannot be compared: not installed, or installed with an import of its own failing."""
    if isinstance(error, ModuleNotFoundError) and error.name == "trafilatura":
        return "trafilatura is not installed (pip install -e '.[bench]')"
    return f"trafilatura is installed but cannot be imported: {type(error).__name__}: {' '.join(str(error).split())}"


TRAFILATURA_MISSING: str | None = None  # why trafilatura cannot be compared, when it cannot
try:  # the `bench` extra (which also installs lxml_html_clean: trafilatura needs it with lxml >= 5.2)
    import trafilatura
    import trafilatura.meta
except ImportError as error:  # pragma: no cover - depends on the environment
    trafilatura = None
    TRAFILATURA_MISSING = import_problem(error)

TOOLS = ("dagbok", "trafilatura", "lxml")
LABELS = {"dagbok": "dagbok read_page", "trafilatura": "trafilatura", "lxml": "bare parse (etree.HTMLParser)"}
FIELDS = ("published", "title", "author", "body")
GOAL_VS_TRAFILATURA = 8.0
QUICK_PAGES_PER_MARKUP = 3
BARE_PARSER = etree.HTMLParser(remove_pis=True, huge_tree=True)  # the class and options of dagbok's parser


@dataclass(frozen=True)
class FixturePage:
    """One rendered post page: the bytes as fetched, and the post it shows (the ground truth)."""

    markup: str
    truth: SamplePost
    capture: Capture
    site: str


@dataclass(frozen=True)
class Reading:
    """What a tool read from a page, in the ground truth's terms."""

    published: date | None
    title: str | None
    author: str | None
    body: str | None


def fixture_pages(*, markups: tuple[str, ...] = MARKUPS, per_markup: int | None = None) -> list[FixturePage]:
    """Fetch every post page (or the first `per_markup`) of each markup from a running sample site."""
    pages = []
    with requests.Session() as session:
        for markup in markups:
            with SampleSite(markup=markup) as site:
                posts = site.live_posts[:per_markup] if per_markup else site.live_posts
                for post in posts:
                    response = session.get(site.url(post.path), timeout=10)
                    response.raise_for_status()
                    capture = Capture(url=response.url, final_url=response.url, status=response.status_code,
                                      headers={k.lower(): v for k, v in response.headers.items()},
                                      body=response.content, fetched=datetime.now(timezone.utc))
                    pages.append(FixturePage(markup, post, capture, site.base))
    return pages


def as_body(text: str | None) -> str | None:
    """A tool's text in the ground truth's body form: one paragraph per line, blank-line joined."""
    if text is None:
        return None
    paragraphs = [normalise_space(line) for line in text.splitlines()]
    return "\n\n".join(p for p in paragraphs if p) or None


def read_dagbok(page: FixturePage, labs: LabVocabulary) -> Reading:
    """What a crawl does with a fetched page: read it as whatever kind it turns out to be."""
    fetched = PageResult(page.capture.url, PageKind.POST, Source.API, capture=page.capture)
    post = read_page(fetched, page.site, labs).post
    if post is None:
        return Reading(None, None, None, None)
    return Reading(post.published, post.title, post.author, post.body)


def bare_parse(page: FixturePage) -> Any:
    return etree.fromstring(page.capture.body, BARE_PARSER)


def read_trafilatura(page: FixturePage) -> Reading:
    found = trafilatura.bare_extraction(page.capture.body, url=page.capture.url, with_metadata=True)
    if found is None:
        return Reading(None, None, None, None)
    values = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    published = None
    if values.get("date"):
        try:
            published = date.fromisoformat(values["date"][:10])
        except ValueError:
            published = None
    title = normalise_space(values["title"]) if values.get("title") else None
    author = normalise_space(values["author"]) if values.get("author") else None
    return Reading(published, title, author, as_body(values.get("text")))


def similarity(got: str | None, expected: str) -> float:
    if not got:
        return 0.0
    return difflib.SequenceMatcher(None, got, expected, autojunk=False).ratio()


def score(readings: list[Reading], pages: list[FixturePage]) -> dict[str, Any]:
    """Field accuracy of one tool's readings against the ground truth."""
    correct = dict.fromkeys(FIELDS, 0)
    ratios = []
    for reading, page in zip(readings, pages):
        truth = page.truth
        correct["published"] += reading.published == truth.published
        correct["title"] += reading.title == truth.title
        correct["author"] += reading.author == truth.author
        correct["body"] += reading.body == truth.body
        ratios.append(similarity(reading.body, truth.body))
    return {"pages": len(pages), "correct": correct, "body_similarity": sum(ratios) / max(1, len(ratios)),
            "body_similarity_min": min(ratios, default=0.0)}


def time_tools(readers: dict[str, Callable[[FixturePage], Any]], pages: list[FixturePage],
               repeat: int) -> dict[str, float]:
    """Best-of-`repeat` mean seconds per page of each tool.

    The tools take turns, one pass each per round, so a burst of load on a shared
    machine falls on every side of the comparison alike. Each pass starts as one crawl
    of these pages would (`forget_earlier_passes`, not timed): a site's header, menu and
    footer recur from page to page, so a tool's memory of texts it has read pays within
    a pass, but no tool may remember the very pages of the previous pass.
    """
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(repeat):
        for name, read in readers.items():
            def work(read: Callable[[FixturePage], Any] = read) -> int:
                for page in pages:
                    read(page)
                return len(pages)

            forget_earlier_passes()
            best[name] = min(best[name], best_per_call(work, repeat=1))
    return best


def forget_earlier_passes() -> None:
    """Empty every tool's memory of texts it has read, and collect the garbage of the last pass.

    dagbok remembers what each line's text is (`text_facts`); trafilatura and the
    libraries it uses keep LRU caches keyed by text and date strings, which it empties
    with `trafilatura.meta.reset_caches` (that also runs the garbage collector).
    """
    text_facts.cache_clear()
    if trafilatura is not None:
        trafilatura.meta.reset_caches()
    gc.collect()


def run(quick: bool = False, *, per_markup: int | None = None) -> dict:
    """Fetch the fixture pages, time the three tools on them, score dagbok and trafilatura.

    `per_markup` limits the pages of each markup (default: all, or 3 with `quick`).
    """
    labs = LabVocabulary.load()
    pages = fixture_pages(per_markup=per_markup or (QUICK_PAGES_PER_MARKUP if quick else None))
    repeat = 1 if quick else 5
    readers: dict[str, Callable[[FixturePage], Any]] = {
        "dagbok": lambda page: read_dagbok(page, labs),
        "lxml": bare_parse,
    }
    if trafilatura is not None:
        readers["trafilatura"] = read_trafilatura
    for read in readers.values():  # warm up: imports, lazy tables, compiled regexes
        read(pages[0])
    results: dict[str, Any] = {
        "quick": quick,
        "repeat": repeat,
        "trafilatura": importlib.metadata.version("trafilatura") if trafilatura is not None else None,
        "trafilatura_missing": TRAFILATURA_MISSING,
        "markups": {},
    }
    total_time = dict.fromkeys(readers, 0.0)
    for markup in MARKUPS:
        subset = [page for page in pages if page.markup == markup]
        if not subset:
            continue
        figures: dict[str, Any] = {"pages": len(subset),
                                   "kb_per_page": sum(len(p.capture.body) for p in subset) / len(subset) / 1024}
        for name, per_page in time_tools(readers, subset, repeat).items():
            figures[name] = {"ms_per_page": per_page * 1e3}
            total_time[name] += per_page * len(subset)
        figures["dagbok"].update(score([read_dagbok(p, labs) for p in subset], subset))
        if "trafilatura" in readers:
            figures["trafilatura"].update(score([read_trafilatura(p) for p in subset], subset))
        results["markups"][markup] = figures
    overall: dict[str, Any] = {"pages": len(pages)}
    for name in readers:
        overall[name] = {"ms_per_page": total_time[name] / len(pages) * 1e3}
    overall["dagbok"].update(score([read_dagbok(p, labs) for p in pages], pages))
    if "trafilatura" in readers:
        overall["trafilatura"].update(score([read_trafilatura(p) for p in pages], pages))
    results["all"] = overall
    dagbok_ms = overall["dagbok"]["ms_per_page"]
    vs_lxml = dagbok_ms / overall["lxml"]["ms_per_page"]
    results["ratios"] = {"dagbok_over_lxml": vs_lxml}
    goals = []
    if "trafilatura" in readers:
        speedup = overall["trafilatura"]["ms_per_page"] / dagbok_ms
        results["ratios"]["trafilatura_over_dagbok"] = speedup
        goals.append({"goal": f"parse: ≥ {GOAL_VS_TRAFILATURA:g}× faster than trafilatura per page",
                      "measured": f"{speedup:.1f}× ({dagbok_ms:.2f} ms vs {overall['trafilatura']['ms_per_page']:.2f} ms)",
                      "reached": speedup >= GOAL_VS_TRAFILATURA})
    else:
        goals.append({"goal": f"parse: ≥ {GOAL_VS_TRAFILATURA:g}× faster than trafilatura per page",
                      "measured": f"not measured: {TRAFILATURA_MISSING}", "reached": False})
    goals.append({"goal": "parse: time against a bare parse with the same parser (a figure, no goal)",
                  "measured": f"{vs_lxml:.1f}× ({dagbok_ms:.2f} ms vs {overall['lxml']['ms_per_page']:.2f} ms)",
                  "reached": None})
    results["goals"] = goals
    return results


def _row(label: str, pages: int, name: str, figures: dict[str, Any], dagbok_ms: float) -> str:
    f = figures.get(name)
    if f is None:
        return f"| {label} | {pages} | {LABELS[name]} | not measured | | | | | | |"
    ratio = f["ms_per_page"] / dagbok_ms
    if "correct" in f:
        c = f["correct"]
        fields = " | ".join(f"{c[field]}/{f['pages']}" for field in FIELDS)
        similar = f"{f['body_similarity']:.3f}"
    else:
        fields, similar = " | ".join("—" for _ in FIELDS), "—"
    return f"| {label} | {pages} | {LABELS[name]} | {f['ms_per_page']:.2f} | {ratio:.2f}× | {fields} | {similar} |"


def table(results: dict) -> str:
    """The figures as Markdown: time per page (and × dagbok), field accuracy, per markup and overall."""
    lines = [
        "| markup | pages | tool | ms per page | × dagbok | published | title | author | body exact | body similarity |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, figures in [*results["markups"].items(), ("all", results["all"])]:
        for name in TOOLS:
            lines.append(_row(label, figures["pages"], name, figures, figures["dagbok"]["ms_per_page"]))
    lines.append("")
    sizes = ", ".join(f"{m} {f['kb_per_page']:.1f} kB" for m, f in results["markups"].items())
    lines.append(f"Mean page size: {sizes}. Time: best of {results['repeat']} passes over each markup's pages, "
                 f"the tools taking turns pass by pass, each pass with every tool's text caches emptied "
                 f"(what one crawl of the pages costs). Body similarity: difflib ratio against the ground-truth "
                 f"body, mean over pages. trafilatura {results['trafilatura'] or '(' + str(results['trafilatura_missing']) + ')'}, "
                 f"`bare_extraction(html, url=..., "
                 f"with_metadata=True)`; its text is compared line by line as paragraphs.")
    return "\n".join(lines)


main = command(run, table, doc=__doc__, quick=f"{QUICK_PAGES_PER_MARKUP} pages per markup, one pass")


if __name__ == "__main__":
    main()
