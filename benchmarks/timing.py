"""How the benchmarks time things: best-of-N means for throughput, percentiles for latency.

Best of N (not the mean of N) for per-call cost, because the noise on a shared
machine only ever adds time; percentiles for queries, because a user waits for
every one of them, slow ones included.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence


def best_per_call(work: Callable[[], int], *, repeat: int) -> float:
    """Seconds per item of `work()` (which returns how many items it did), the best of `repeat` runs."""
    best = math.inf
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        items = work()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed / max(1, items))
    return best


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile (0..1) by linear interpolation between the two closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mark(reached: bool | None) -> str:
    """✓ or ✗, as results.md shows a goal; · for a figure that has no goal."""
    return "·" if reached is None else "✓" if reached else "✗"
