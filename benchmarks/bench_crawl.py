"""Crawl benchmark: dagbok's own time per request, requests per post, recrawl, rebuild, memory.

1. A full crawl of the sample site (delay 0) through `archive.runs.run_crawl` into a
   fresh database: wall time against the sum of the server's own time to answer
   (each request timed around `SampleSite.handle`, in a subclass, so routing and
   rendering count as the server's and everything else as dagbok's: fetch, classify,
   extract, store, WARC), and requests per post.
2. An incremental recrawl of the unchanged site into the same database: requests
   sent beyond robots.txt. Goal: at most 5.
3. `dagbok rebuild` of a database from that crawl's WARC files alone: captures read
   again a second, against the crawl's own pages a second at delay 0.
4. Memory per known URL: peak memory of a full crawl of the site at 35, 350 and 3,500
   posts (the sample site's posts, then copies with new slugs, titles and dates). Each
   crawl runs in its own subprocess against a server in this one, which (after a
   short warm-up crawl) reports its tracemalloc peak (Python objects allocated during
   the crawl) and its peak RSS (VmHWM, which also sees lxml's C allocations). Goal:
   the tracemalloc peak grows by at most 1 kB per added post. A lab page lists its
   lab's ten newest posts (`LAB_POSTS`), as a WordPress posts block or category page
   shows one page of them; listing every copy instead (850 teasers, 1.3 MB of HTML at
   3,500 posts) would make the peak that of reading one page that grows with the site,
   not what the crawl keeps per URL. The same archive is then crawled again, the way a
   scheduled job does (incremental) and with `--full`, each in a subprocess too: the
   URLs are known then, and what the run holds per known URL is measured as a figure.

    python -m benchmarks.bench_crawl [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.rebuild import rebuild
from archive.runs import run_crawl
from scraper.sample_site import SamplePost, SampleSite, load_posts

GOAL_INCREMENTAL = 5
GOAL_KB_PER_POST = 1.0
COPIES = (1, 10, 100)  # the memory crawls: the site, then 10× and 100× its posts
QUICK_COPIES = (1, 10)
QUICK_MEMORY_POSTS = 6  # posts of the smallest site in --quick
LAB_POSTS = 10  # posts a lab page lists in the memory crawls: a page's size must not grow with the site
ROOT = Path(__file__).resolve().parents[1]


class TimedSite(SampleSite):
    """The sample site, timing its own work for every request (routing, rendering, validators)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.server_seconds: list[float] = []

    def handle(self, request):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return super().handle(request)
        finally:
            self.server_seconds.append(time.perf_counter() - start)


def grown_posts(copies: int, *, base: list[SamplePost] | None = None) -> list[SamplePost]:
    """`copies` versions of each post (the first is the post itself), each copy a week earlier."""
    posts = list(base if base is not None else load_posts())
    grown = [p.copy() for p in posts]
    for number in range(2, copies + 1):
        shift = timedelta(days=7 * (number - 1))  # a week earlier per copy: dates stay in this century
        grown += [p.copy(slug=f"{p.slug}-{number}", title=f"{p.title} – del {number}",
                         published=p.published - shift, modified=p.modified - shift, wp_id=0)
                  for p in posts]
    return grown


def crawl_figures(quick: bool, workdir: Path, *, posts: list[SamplePost] | None = None) -> dict[str, Any]:
    """Full crawl timed against the server's time, then the incremental recrawl's requests."""
    repeat = 1 if quick else 3
    best: dict[str, Any] | None = None
    walls: list[float] = []
    for attempt in range(repeat):
        with TimedSite(posts=posts) as site:
            db = workdir / f"crawl-{attempt}.db"
            start = time.perf_counter()
            summary = run_crawl(db, site=site.base, delay=0, full=True, warc_dir=workdir / f"warc-{attempt}")
            wall = time.perf_counter() - start
            server = sum(site.server_seconds)
            walls.append(wall)
            figures = {
                "wall_seconds": wall,
                "server_seconds": server,
                "dagbok_seconds": wall - server,
                "wall_over_server": wall / server if server else float("inf"),
                "requests": summary.requests,
                "server_requests": len(site.requests),
                "posts": summary.new,
                "requests_per_post": summary.requests / max(1, summary.new),
                "ms_per_request": (wall - server) / max(1, summary.requests) * 1e3,
                "status": summary.status,
                "errors": summary.errors,
            }
            if best is None or wall < best["wall_seconds"]:
                best = figures
            if attempt == 0:  # the rebuild from this crawl's WARC files, then the recrawl
                start = time.perf_counter()
                rebuilt = rebuild(workdir / f"warc-{attempt}", workdir / f"rebuilt-{attempt}.db")
                rebuild_seconds = time.perf_counter() - start
                rebuilding = {"seconds": rebuild_seconds, "captures": rebuilt.captures, "posts": rebuilt.posts,
                              "captures_per_second": rebuilt.captures / rebuild_seconds,
                              "crawl_pages_per_second": summary.requests / wall}
                # the recrawl: same site, same database, nothing changed
                site.clear_requests()
                start = time.perf_counter()
                again = run_crawl(db, site=site.base, delay=0, full=False, warc_dir=workdir / f"warc-{attempt}")
                recrawl = {
                    "wall_seconds": time.perf_counter() - start,
                    "requests": again.requests,
                    "robots": site.count("/robots.txt"),
                    "beyond_robots": len(site.requests) - site.count("/robots.txt"),
                    "paths": [r.path + ("?" + r.query if r.query else "") + f" → {r.status}" for r in site.requests],
                    "new": again.new, "changed": again.changed, "unchanged": again.unchanged,
                    "status": again.status,
                }
    assert best is not None
    best["first_wall_seconds"] = walls[0]  # the first crawl of a process also pays for imports and first use
    return {"full": best, "repeat": repeat, "incremental": recrawl, "rebuild": rebuilding}


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM, Linux), in MB.

    Not `ru_maxrss`: Linux carries that over from the parent across fork and exec,
    so a child started by a big process would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


RECRAWLS = ("incremental", "full")  # the runs after the first, into the same archive


def memory_child(url: str, warmup_url: str, db: str, warc: str, mode: str = "first") -> dict[str, Any]:
    """In the subprocess: one crawl (`mode`: first, incremental or full) with tracemalloc on; the
    peak and RSS growth as a dict.

    A short crawl into a throwaway database comes first, so imports, dateparser's
    language data and compiled patterns are in place before tracing starts: the
    peak is then what the crawl itself holds, the part that could grow with the site.
    It crawls another server (`warmup_url`): on the measured one it would leave the
    first posts' URLs in the caches keyed by URL, untraced, hiding what they hold.
    """
    import tracemalloc

    run_crawl(f"{db}.warmup", site=warmup_url, delay=0, full=True, warc_dir=f"{warc}.warmup", max_pages=5)
    rss_before = peak_rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    summary = run_crawl(db, site=url, delay=0, full=mode != "incremental", warc_dir=warc)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = peak_rss_mb()
    return {"posts": summary.new, "requests": summary.requests, "status": summary.status,
            "tracemalloc_peak_mb": peak / 2**20, "rss_before_mb": rss_before,
            "rss_peak_mb": rss_after, "rss_growth_mb": rss_after - rss_before, "seconds": seconds}


def memory_figures(quick: bool, workdir: Path, *, posts: int | None = None) -> dict[str, Any]:
    """Crawl the site, then the site grown 10× and 100×, each in a fresh subprocess; peak memory of each."""
    real = load_posts()
    small = real[:posts or (QUICK_MEMORY_POSTS if quick else len(real))]
    sizes: dict[str, Any] = {}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for copies in QUICK_COPIES if quick else COPIES:
        label, posts = ("site" if copies == 1 else f"site × {copies}"), grown_posts(copies, base=small)
        with SampleSite(posts=posts, lab_posts=LAB_POSTS) as site, SampleSite(posts=small) as warmup:
            db, warc = workdir / f"memory-{len(posts)}.db", workdir / f"memory-warc-{len(posts)}"
            for mode in ("first", *RECRAWLS):
                done = subprocess.run(
                    [sys.executable, "-m", "benchmarks.bench_crawl", "--memory-child", site.base, warmup.base,
                     str(db), str(warc), mode],
                    cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
                )
                if done.returncode != 0:
                    raise RuntimeError(
                        f"the {mode} memory crawl of {len(posts)} posts failed:\n{done.stderr[-2000:]}")
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                if mode == "first":
                    figures["site_posts"] = len(posts)
                    sizes[label] = figures
                else:
                    sizes[label][mode] = {**figures, "posts": sizes[label]["posts"]}  # the posts it knows
    measured = list(sizes.values())
    first, last = measured[0], measured[-1]
    return {
        "sizes": sizes,
        "kb_per_added_post": _kb_per_added_post(first, last),
        "recrawl_kb_per_known_post": {mode: _kb_per_added_post(first[mode], last[mode]) for mode in RECRAWLS},
        "pages_growth": last["requests"] / first["requests"],
        "tracemalloc_growth": last["tracemalloc_peak_mb"] / first["tracemalloc_peak_mb"],
        "rss_growth": last["rss_peak_mb"] / first["rss_peak_mb"],
    }


def _kb_per_added_post(smaller: dict[str, Any], larger: dict[str, Any]) -> float:
    added = max(1, larger["posts"] - smaller["posts"])
    return (larger["tracemalloc_peak_mb"] - smaller["tracemalloc_peak_mb"]) * 1024 / added


def run(quick: bool = False, *, site_posts: int | None = None, memory_posts: int | None = None) -> dict:
    """The three measurements, in temporary directories removed afterwards.

    `site_posts` crawls only the first posts of the sample site (default: all of them);
    `memory_posts` sizes the smaller site of the memory comparison (default: all, 6 with `quick`).
    """
    posts = load_posts()[:site_posts] if site_posts else None
    with tempfile.TemporaryDirectory(prefix="dagbok-crawl-") as tmp:
        results: dict[str, Any] = {"quick": quick, **crawl_figures(quick, Path(tmp), posts=posts)}
        results["memory"] = memory_figures(quick, Path(tmp), posts=memory_posts)
    full, inc, mem, again = results["full"], results["incremental"], results["memory"], results["rebuild"]
    sizes = list(mem["sizes"].values())
    results["goals"] = [
        {"goal": "requests per post, full crawl of the sample site (a figure, no goal)",
         "measured": f"{full['requests_per_post']:.2f} ({full['requests']} requests for {full['posts']} posts)",
         "reached": None},
        {"goal": f"incremental recrawl of an unchanged site: ≤ {GOAL_INCREMENTAL} requests beyond robots.txt",
         "measured": f"{inc['beyond_robots']} requests ({', '.join(p for p in inc['paths'] if 'robots.txt' not in p)})",
         "reached": inc["beyond_robots"] <= GOAL_INCREMENTAL},
        {"goal": "rebuild from WARC files: pages a second (a figure, no goal)",
         "measured": f"{again['captures_per_second']:.0f} captures a second ({again['captures']} in "
                     f"{again['seconds']:.2f} s), against {again['crawl_pages_per_second']:.0f} pages a second "
                     "crawled at delay 0",
         "reached": None},
        {"goal": f"crawl memory per known URL: ≤ {GOAL_KB_PER_POST:g} kB of tracemalloc peak per added post",
         "measured": f"+{mem['kb_per_added_post']:.2f} kB a post from {sizes[0]['posts']:,} to {sizes[-1]['posts']:,} "
                     "posts (" + ", ".join(f"{s['posts']:,}: {s['tracemalloc_peak_mb']:.2f} MB" for s in sizes)
                     + f"); peak RSS {mem['rss_growth']:.2f}×",
         "reached": mem["kb_per_added_post"] <= GOAL_KB_PER_POST},
        {"goal": "memory per known URL when the archive is crawled again, incremental / --full (a figure, no goal)",
         "measured": " / ".join(f"+{mem['recrawl_kb_per_known_post'][mode]:.2f}" for mode in RECRAWLS)
                     + f" kB a known post from {sizes[0]['posts']:,} to {sizes[-1]['posts']:,} posts ("
                     + "; ".join(f"{mode}: " + ", ".join(f"{s[mode]['tracemalloc_peak_mb']:.2f}" for s in sizes) + " MB"
                                 for mode in RECRAWLS) + ")",
         "reached": None},
    ]
    return results


def table(results: dict) -> str:
    """Markdown: the full crawl, the recrawl, and memory per site size."""
    full, inc, mem, again = results["full"], results["incremental"], results["memory"], results["rebuild"]
    lines = [
        "| crawl | posts | requests | requests/post | wall s | server s | dagbok s | wall ÷ server | dagbok ms/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| full, delay 0 | {full['posts']} | {full['requests']} | {full['requests_per_post']:.2f} "
        f"| {full['wall_seconds']:.2f} | {full['server_seconds']:.2f} | {full['dagbok_seconds']:.2f} "
        f"| {full['wall_over_server']:.1f}× | {full['ms_per_request']:.1f} |",
        f"| incremental, unchanged site | {inc['new'] + inc['changed']} new/changed | {inc['requests']} "
        f"| — | {inc['wall_seconds']:.2f} | | | | |",
        f"| rebuild from its WARC files | {again['posts']} | {again['captures']} captures | — "
        f"| {again['seconds']:.2f} | | | | {again['seconds'] / max(1, again['captures']) * 1e3:.1f} |",
        "",
        f"Incremental recrawl: {inc['robots']} robots.txt + {inc['beyond_robots']} more requests: "
        + ", ".join(inc["paths"]) + ".",
        f"Full crawl: best of {results['repeat']} (the first, which also imports and warms up: "
        f"{full['first_wall_seconds']:.2f} s). Server time is the sum over requests of the time spent in "
        "`SampleSite.handle` (routing, rendering, validators; same process, same run); dagbok time is the rest "
        "of the wall time, so it also carries http.server's request parsing and socket writes.",
        "",
        f"Rebuild: `archive.rebuild.rebuild` of a new database from the first full crawl's WARC files, "
        f"{again['captures_per_second']:.0f} captures a second; that crawl fetched "
        f"{again['crawl_pages_per_second']:.0f} pages a second with no delay.",
        "",
        "| site | posts on site | requests | posts stored | tracemalloc peak MB | kB per added post "
        "| peak RSS MB | RSS growth MB | crawl s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in ("first", *RECRAWLS):
        previous = None
        for label, size in mem["sizes"].items():
            f = size if mode == "first" else size[mode]
            added = f"{_kb_per_added_post(previous, f):.2f}" if previous else "—"
            crawl = label if mode == "first" else f"{label}, crawled again ({mode})"
            lines.append(f"| {crawl} | {size['site_posts']:,} | {f['requests']:,} | {f['posts']:,} "
                         f"| {f['tracemalloc_peak_mb']:.2f} | {added} | {f['rss_peak_mb']:.1f} "
                         f"| {f['rss_growth_mb']:.1f} | {f['seconds']:.1f} |")
            previous = f
    lines.append("")
    lines.append(f"Requests {mem['pages_growth']:.1f}×: tracemalloc peak {mem['tracemalloc_growth']:.2f}× "
                 f"(+{mem['kb_per_added_post']:.2f} kB per added post over the whole range), peak RSS "
                 f"{mem['rss_growth']:.2f}× (each crawl in its own subprocess, tracemalloc on, so its time is "
                 "not comparable with the full crawl above). Crawled again, the archive knows every post: "
                 + ", ".join(f"{mode} +{mem['recrawl_kb_per_known_post'][mode]:.2f} kB per known post"
                             for mode in RECRAWLS) + " (posts stored: the posts the archive holds).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one full crawl; memory on a 6-post site and 10×")
    parser.add_argument("--memory-child", nargs=5, metavar=("URL", "WARMUP_URL", "DB", "WARC_DIR", "MODE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(*args.memory_child)))
        return
    print(table(run(quick=args.quick)))


if __name__ == "__main__":
    main()
