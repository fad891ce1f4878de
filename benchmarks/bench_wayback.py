"""Wayback benchmark: requests and time to archive the diary from a large index, at the Archive's pace.

Against the sample site's local archive (the diary among thousands of other URLs of
the host, every CDX answer cut at a row cap):

1. One CDX request without resume keys (how dagbok asked before) against the
   index read to its end through resume keys: rows and diary posts each sees.
2. A first run into a fresh database: CDX requests, replays, posts archived, and
   the time it takes at the Archive's pace (the default `--cdx-pace` between CDX
   requests and `--delay` between replays). The full run waits for real; `--quick`
   runs without pauses and adds the pauses up instead.
3. A second run with nothing new: requests sent and captures replayed.

    python -m benchmarks.bench_wayback [--quick]
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
import sqlite_utils

from archive.runs import run_crawl
from benchmarks import command
from scraper.sample_site import SampleSite
from scraper.sources.wayback import CDX_PACE, FILTERS

ORIGIN = "https://www.allmannyttan.se/"
REPLAY_DELAY = 1.0  # the crawl's default --delay


def crawl_once(site: SampleSite, db_path: Path, *, paced: bool) -> dict[str, Any]:
    """One run through `run_crawl`, with the requests the archive answered split by endpoint."""
    site.clear_requests()
    start = time.perf_counter()
    summary = run_crawl(db_path, site=ORIGIN, source="wayback", wayback_url=site.base,
                        delay=REPLAY_DELAY if paced else 0, cdx_pace=CDX_PACE if paced else 0)
    seconds = time.perf_counter() - start
    cdx = sum(1 for r in site.requests if r.path == "/cdx/search/cdx")
    replays = sum(1 for r in site.requests if r.path.startswith("/web/"))
    diary = sqlite_utils.Database(db_path).execute("SELECT count(*) FROM post_details").fetchone()[0]
    return {"requests": summary.requests, "cdx": cdx, "replays": replays, "new": summary.new, "diary": diary,
            "exit_code": int(summary.exit_code), "seconds": seconds,
            # what the Archive's pace costs: a wait before every CDX request but the first and every replay
            "paced_seconds": seconds if paced else max(cdx - 1, 0) * CDX_PACE + replays * REPLAY_DELAY + seconds}


def run(quick: bool = False, *, row_cap: int | None = None) -> dict:
    """The three measurements; the database lives in a temporary directory removed afterwards."""
    with SampleSite(wayback=True, crawl_delay=0) as site:
        archive = site.wayback
        if row_cap is not None:
            archive.row_cap = row_cap
        slugs = {p.slug for p in archive.posts}  # the diary's (the host's news posts are captured too)
        rules = [rule.split(":", 1) for rule in FILTERS]
        kept = sum(all(re.fullmatch(pattern, c.field(name)) for name, pattern in rules) for c in archive.captures)
        one = requests.get(site.url("/cdx/search/cdx"), params={"url": "allmannyttan.se/*"}, timeout=30).text
        seen_once = {c.slug for c in archive.captures if c.slug in slugs and f" {c.original} " in one}
        with tempfile.TemporaryDirectory(prefix="dagbok-wayback-") as tmp:
            first = crawl_once(site, Path(tmp) / "a.db", paced=not quick)
            second = crawl_once(site, Path(tmp) / "a.db", paced=not quick)
        results: dict[str, Any] = {
            "quick": quick, "rows": len(archive.captures), "kept": kept, "row_cap": archive.row_cap,
            "posts": len(slugs),
            "one_request": {"rows": len(one.splitlines()), "posts": len(seen_once)},
            "first": first, "second": second,
        }
    results["goals"] = [
        {"goal": "every diary post archived from an index cut at a row cap",
         "measured": f"{first['diary']} of {len(slugs)} posts from {results['rows']} rows cut at {archive.row_cap} "
                     f"({first['cdx']} CDX requests; one request without resume keys sees "
                     f"{len(seen_once)} of them)",
         "reached": first["diary"] == len(slugs) and first["exit_code"] == 0},
        {"goal": "a second run with nothing new replays nothing",
         "measured": f"{second['replays']} replays, {second['requests']} requests (the CDX index asked again)",
         "reached": second["replays"] == 0 and second["new"] == 0},
    ]
    return results


def table(results: dict) -> str:
    """Markdown: the one-request view against the whole index, then the two runs."""
    one, first, second = results["one_request"], results["first"], results["second"]
    how = "added up (run without pauses)" if results["quick"] else "measured (real pauses)"
    lines = [
        "| index read | CDX requests | rows seen | diary posts seen |",
        "|---|---:|---:|---:|",
        f"| one request, no resume key | 1 | {one['rows']} | {one['posts']} of {results['posts']} |",
        f"| resume keys to the end, filtered on the server | {first['cdx']} | {results['kept']} "
        f"| {first['diary']} of {results['posts']} |",
        "",
        "| run | CDX requests | replays | requests | posts new (diary) | s at the Archive's pace | s without pauses |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, run_ in (("first", first), ("second, nothing new", second)):
        unpaced = f"{run_['seconds']:.1f}" if results["quick"] else "—"
        lines.append(f"| {label} | {run_['cdx']} | {run_['replays']} | {run_['requests']} | {run_['new']} ({run_['diary']}) "
                     f"| {run_['paced_seconds']:.1f} | {unpaced} |")
    lines += ["", f"Index: {results['rows']} rows of the host ({results['kept']} of them HTML, redirect or revisit "
              f"rows), answers cut at {results['row_cap']} rows. "
              f"Pace: {CDX_PACE:g} s between CDX requests, {REPLAY_DELAY:g} s between replays; time {how}."]
    return "\n".join(lines)


main = command(run, table, doc=__doc__, quick="no real pauses: add them up instead")


if __name__ == "__main__":
    main()
