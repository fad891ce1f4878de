"""Serve the sample site by hand: `python -m scraper.sample_site --markup semantic --port 8000`."""

from __future__ import annotations

import argparse
import sys
import threading

from .faults import FAULTS
from .server import INDEXES, MARKUPS, SampleSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scraper.sample_site", description=__doc__)
    parser.add_argument("--markup", choices=MARKUPS, default="semantic")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS), help="repeatable")
    parser.add_argument("--wayback", action="store_true", help="also serve /cdx/search/cdx and /web/… replays")
    parser.add_argument("--index", choices=INDEXES, default="wordpress",
                        help="archive: a paginated HTML archive is the only index (no API, feed or sitemaps)")
    parser.add_argument("--news", action="store_true", help="also serve the site's news posts (not the diary)")
    args = parser.parse_args(argv)
    site = SampleSite(markup=args.markup, faults=args.fault, wayback=args.wayback, index=args.index, news=args.news)
    base = site.start(port=args.port)
    sys.stdout.write(f"sample site ({args.markup}) at {base} — Ctrl-C stops it\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
