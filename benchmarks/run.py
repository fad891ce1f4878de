"""Run every benchmark, print a table per benchmark, and write benchmarks/results.md.

    python -m benchmarks [--quick] [--only parse,dates,pacing,crawl,wayback,scale] [--output PATH] [--json PATH]
    python benchmarks/run.py [--quick]

Each comparison runs both sides in this one process run, on the same inputs, and
reports the ratio; results.md also names the machine, Python, SQLite and library
versions, and says which of the goals (README, "Benchmarks") are reached, with the measured figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

if not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_crawl, bench_dates, bench_pacing, bench_parse, bench_scale, bench_wayback  # noqa: E402
from benchmarks.machine import describe, load_average  # noqa: E402
from benchmarks.timing import mark  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results.md"
BENCHMARKS: dict[str, tuple[ModuleType, str]] = {
    "parse": (bench_parse, "Parse: dagbok vs trafilatura vs a bare parse, per page, with field accuracy"),
    "dates": (bench_dates, "Dates: parse_date vs dateparser"),
    "pacing": (bench_pacing, "Pacing: requests against the politeness floor, with a slow server"),
    "crawl": (bench_crawl, "Crawl: overhead, requests per post, recrawl, rebuild, memory per known URL"),
    "wayback": (bench_wayback, "Wayback: requests and time from a large index at the Archive's pace"),
    "scale": (bench_scale, "Scale: 1k, 10k and 100k posts, queries including the commonest words"),
}
COMMAND = "python -m benchmarks"


def git_revision() -> str:
    """The commit measured (with `+changes` when the work tree differs from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" +changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_benchmarks(quick: bool, *, only: list[str] | None = None, options: dict[str, dict] | None = None,
                   echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the chosen benchmarks in order; return {name: {"results", "table", "goals", "seconds"}}.

    `options` passes keyword arguments to a benchmark's `run` (the smoke test makes them tiny).
    """
    done: dict[str, Any] = {}
    for name in only or list(BENCHMARKS):
        module, title = BENCHMARKS[name]
        echo(f"\n## {title}\n")
        start = time.perf_counter()
        results = module.run(quick, **(options or {}).get(name, {}))
        seconds = time.perf_counter() - start
        text = module.table(results)
        echo(text)
        goals = results["goals"]
        for goal in goals:
            echo(f"{mark(goal['reached'])} {goal['goal']}: {goal['measured']}")
        done[name] = {"results": results, "table": text, "goals": goals, "seconds": seconds}
    return done


def render(done: dict[str, Any], *, quick: bool, machine: dict[str, str], revision: str, started: datetime) -> str:
    """results.md: how to reproduce, the machine, the goals, then every benchmark's tables."""
    mode = " --quick" if quick else ""
    lines = [
        "# dagbok benchmarks",
        "",
        f"Reproduce with `{COMMAND}{mode}` from the repository root (needs the `bench` extra: "
        "`pip install -e '.[bench]'`). "
        "Each comparison ran both sides in the same process run, on the same inputs.",
        "",
        f"Run: {started.strftime('%Y-%m-%d %H:%M UTC')}, commit {revision}, "
        f"{'QUICK run (small sizes, few repetitions: not the reference figures)' if quick else 'full run'}, "
        f"{sum(d['seconds'] for d in done.values()):.0f} s in all.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine.items()),
        "",
        "## Goals",
        "",
        "✓ reached, ✗ not reached, · a figure measured without a goal.",
        "",
        "| | goal | measured |",
        "|---|---|---|",
    ]
    for entry in done.values():
        for goal in entry["goals"]:
            lines.append(f"| {mark(goal['reached'])} | {goal['goal']} | {goal['measured']} |")
    for name, entry in done.items():
        _, title = BENCHMARKS[name]
        module = BENCHMARKS[name][0]
        summary = (module.__doc__ or "").strip().splitlines()[0]
        lines += ["", f"## {title}", "", f"`benchmarks/{module.__name__.rsplit('.', 1)[-1]}.py` — {summary} "
                  f"({entry['seconds']:.0f} s)", "", entry["table"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repetitions (a minute, for checks)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write results.md")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    unknown = [name for name in only or [] if name not in BENCHMARKS]
    if unknown:
        parser.error(f'no benchmark called "{unknown[0]}" (benchmarks: {", ".join(BENCHMARKS)})')
    started = datetime.now(timezone.utc)
    machine = describe()
    print("# dagbok benchmarks" + (" (quick)" if args.quick else ""))
    print(", ".join(f"{key}: {value}" for key, value in machine.items()))
    done = run_benchmarks(args.quick, only=only)
    machine["load average at the end"] = load_average()
    args.output.write_text(render(done, quick=args.quick, machine=machine, revision=git_revision(), started=started),
                           encoding="utf-8")
    if args.json:
        figures = {name: entry["results"] for name, entry in done.items()}
        args.json.write_text(json.dumps({"machine": machine, "quick": args.quick, "benchmarks": figures},
                                        ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
