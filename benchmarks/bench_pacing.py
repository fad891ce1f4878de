"""Pacing benchmark: how far apart a crawl's requests are, against the politeness floor.

A polite crawler asks a site at most once per `--delay`; it should also not ask *less*
often than that, or a crawl of a slow site takes longer than the delay the user chose.
The sample site is crawled with `--delay 0.2` while it takes 0, 50 and 150 ms to answer
each request (a sleep in `SampleSite.handle`). The server notes when each request
arrives; the gaps between arrivals are compared with the delay. The delay counts from
the start of the previous request (`scraper/fetch.py`), so a 50 ms answer should not
stretch the gap to 250 ms. Goal: mean gap ≤ 1.05× the delay at 50 ms.

    python -m benchmarks.bench_pacing [--quick]
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from archive.runs import run_crawl
from benchmarks import command
from benchmarks.timing import percentile
from scraper.sample_site import SampleSite, load_posts

DELAY = 0.2
LATENCIES = (0.0, 0.05, 0.15)
GOAL_LATENCY = 0.05
GOAL_RATIO = 1.05
POSTS = 12  # of the sample site's posts: about 25 requests a crawl
QUICK_POSTS = 3


class SlowSite(SampleSite):
    """The sample site, taking `latency` seconds to answer every request."""

    def __init__(self, *, latency: float, **options: Any) -> None:
        super().__init__(**options)
        self.latency = latency

    def handle(self, request):  # type: ignore[no-untyped-def]
        time.sleep(self.latency)
        return super().handle(request)


def gaps(site: SampleSite) -> list[float]:
    """Seconds between the arrivals of successive requests."""
    arrivals = [record.at for record in site.requests]
    return [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]


def run(quick: bool = False, *, posts: int | None = None, delay: float = DELAY) -> dict:
    """One full crawl per latency; the gaps between requests against the delay."""
    chosen = load_posts()[: posts or (QUICK_POSTS if quick else POSTS)]
    results: dict[str, Any] = {"quick": quick, "delay": delay, "posts": len(chosen), "latencies": {}}
    with tempfile.TemporaryDirectory(prefix="dagbok-pacing-") as tmp:
        for latency in LATENCIES:
            with SlowSite(latency=latency, posts=chosen) as site:
                db = Path(tmp) / f"pacing-{latency}.db"
                start = time.perf_counter()
                summary = run_crawl(db, site=site.base, delay=delay, full=True, warc_dir=Path(tmp) / f"warc-{latency}")
                wall = time.perf_counter() - start
                between = gaps(site)
            results["latencies"][latency] = {
                "requests": len(site.requests), "posts": summary.new, "wall_seconds": wall,
                "mean_gap": statistics.fmean(between), "min_gap": min(between), "max_gap": max(between),
                "p95_gap": percentile(between, 0.95),
                "mean_over_delay": statistics.fmean(between) / delay,
                "floor_seconds": delay * (len(site.requests) - 1),
            }
    at = results["latencies"][GOAL_LATENCY]
    results["goals"] = [{
        "goal": f"pacing: requests ≤ {GOAL_RATIO:g}× the delay apart (--delay {delay:g}, server answering in "
                f"{GOAL_LATENCY * 1e3:.0f} ms)",
        "measured": f"{at['mean_over_delay']:.3f}× (mean gap {at['mean_gap'] * 1e3:.1f} ms, max {at['max_gap'] * 1e3:.1f} ms, "
                    f"over {at['requests']} requests)",
        "reached": at["mean_over_delay"] <= GOAL_RATIO,
    }]
    return results


def table(results: dict) -> str:
    """The gaps per server latency, against the delay."""
    delay_ms = results["delay"] * 1e3
    lines = [
        "| server latency ms | requests | delay ms (floor) | mean gap ms | p95 gap ms | max gap ms | mean ÷ delay "
        "| crawl s | floor s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for latency, f in results["latencies"].items():
        lines.append(f"| {float(latency) * 1e3:.0f} | {f['requests']} | {delay_ms:.0f} | {f['mean_gap'] * 1e3:.1f} "
                     f"| {f['p95_gap'] * 1e3:.1f} | {f['max_gap'] * 1e3:.1f} | {f['mean_over_delay']:.3f}× "
                     f"| {f['wall_seconds']:.2f} | {f['floor_seconds']:.2f} |")
    lines += ["", f"A full crawl of {results['posts']} sample posts per row, `--delay {results['delay']:g}`; gaps are "
              "between the arrivals of successive requests at the server. The floor is what the delay alone "
              "costs: (requests − 1) × delay."]
    return "\n".join(lines)


main = command(run, table, doc=__doc__, quick=f"{QUICK_POSTS} posts per crawl")


if __name__ == "__main__":
    main()
