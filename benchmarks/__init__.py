"""dagbok's benchmarks: parse, dates, pacing, crawl, Wayback and scale, each side by side with what a user would pick instead.

    python -m benchmarks [--quick]                    # every benchmark, tables on stdout, figures in benchmarks/results.md
    python -m benchmarks.bench_parse [--quick]        # one benchmark, its table on stdout only

One module per benchmark (`bench_parse`, `bench_dates`, `bench_pacing`, `bench_crawl`,
`bench_wayback`, `bench_scale`); each has `run(quick) -> dict`, `table(results) -> str`
and `main()`, most of them made by `command`.
"""

from __future__ import annotations

import argparse
from typing import Callable


def command(run: Callable[..., dict], table: Callable[[dict], str], *, doc: str,
            quick: str) -> Callable[[list[str] | None], None]:
    """The `main` of a benchmark module run on its own: `--quick` (described by `quick`), then its table."""

    def main(argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(description=doc.splitlines()[0])
        parser.add_argument("--quick", action="store_true", help=quick)
        args = parser.parse_args(argv)
        print(table(run(quick=args.quick)))

    return main
