"""Smoke test of benchmarks/: every benchmark runs in --quick mode at tiny sizes and results.md is written.

The figures themselves are not checked (they depend on the machine); their shape
is, so a benchmark that breaks or stops reporting a goal fails here, not on the
day someone regenerates results.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every benchmark runs, crawls included (about 10 s)

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_pacing, bench_parse, run  # noqa: E402
from benchmarks.machine import cpu_model, describe  # noqa: E402

TINY = {
    "parse": {"per_markup": 1},
    "pacing": {"posts": 1, "delay": 0.05},
    "crawl": {"site_posts": 3, "memory_posts": 1},
    "scale": {"sizes": (150,), "repeat": 3},
    "wayback": {"row_cap": 1_000},
}


@pytest.fixture(scope="module")
def done() -> dict:
    lines: list[str] = []
    return run.run_benchmarks(True, options=TINY, echo=lines.append)


def test_every_benchmark_runs_and_states_its_goals(done: dict) -> None:
    assert list(done) == list(run.BENCHMARKS)
    for name, entry in done.items():
        assert entry["goals"], f"{name} reports no goal"
        for goal in entry["goals"]:
            assert set(goal) == {"goal", "measured", "reached"}
            assert goal["reached"] in (True, False, None)  # None: a figure without a goal
            assert goal["measured"]
        assert entry["table"].startswith("|"), f"{name} prints no table"


def test_parse_times_all_three_tools_and_scores_the_extractors(done: dict) -> None:
    results = done["parse"]["results"]
    assert set(results["markups"]) == set(bench_parse.MARKUPS)
    overall = results["all"]
    assert overall["pages"] == len(bench_parse.MARKUPS)
    expected_tools = {"dagbok", "lxml"} | ({"trafilatura"} if bench_parse.trafilatura is not None else set())
    assert expected_tools <= set(overall)
    for tool in expected_tools:
        assert overall[tool]["ms_per_page"] > 0
    assert set(overall["dagbok"]["correct"]) == set(bench_parse.FIELDS)
    assert 0.0 <= overall["dagbok"]["body_similarity"] <= 1.0


def test_a_trafilatura_that_cannot_be_imported_is_not_called_missing() -> None:
    missing = ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura")
    assert bench_parse.import_problem(missing) == "trafilatura is not installed (pip install -e '.[bench]')"
    broken = ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall it.")
    assert bench_parse.import_problem(broken) == (
        "trafilatura is installed but cannot be imported: ImportError: lxml.html.clean module is now a separate "
        "project lxml_html_clean. Install it.")
    broken_dependency = ModuleNotFoundError("No module named 'lxml_html_clean'", name="lxml_html_clean")
    assert "installed but cannot be imported" in bench_parse.import_problem(broken_dependency)


def test_crawl_reports_overhead_recrawl_and_memory(done: dict) -> None:
    results = done["crawl"]["results"]
    full = results["full"]
    assert full["posts"] == 3 and full["requests"] > full["posts"]
    assert full["wall_seconds"] > full["server_seconds"] > 0
    incremental = results["incremental"]
    assert incremental["robots"] == 1
    assert incremental["new"] == 0 and incremental["changed"] == 0
    sizes = list(results["memory"]["sizes"].values())
    assert [s["posts"] for s in sizes] == [1, 10]
    assert all(s["tracemalloc_peak_mb"] > 0 for s in sizes)
    for size in sizes:  # crawled again: the incremental run asks the listings only, the full one every page
        assert size["incremental"]["requests"] < size["full"]["requests"]
        assert size["incremental"]["posts"] == size["full"]["posts"] == size["posts"]
        assert size["full"]["tracemalloc_peak_mb"] > 0
    rebuilt = results["rebuild"]
    assert rebuilt["captures"] == full["requests"] and rebuilt["captures_per_second"] > 0


def test_pacing_measures_the_gaps_between_requests_against_the_delay(done: dict) -> None:
    results = done["pacing"]["results"]
    assert set(results["latencies"]) == set(bench_pacing.LATENCIES)
    for figures in results["latencies"].values():
        assert figures["requests"] >= 3
        # Arrivals are noted by the server, a few ms after the client sent them: a gap may look a little short.
        assert figures["max_gap"] >= figures["mean_gap"] >= results["delay"] * 0.9 and figures["min_gap"] > 0
        assert figures["mean_over_delay"] == pytest.approx(figures["mean_gap"] / results["delay"])



def test_scale_builds_the_archive_and_times_every_query(done: dict) -> None:
    results = done["scale"]["results"]
    built = results["sizes"][150]
    assert built["posts"] == 150 and built["db_mb"] > 0
    assert 1.0 <= built["body_kb_mean"] <= 4.5
    for kind in ("author", "lab + date range", "full-text search", "full-text search, commonest words"):
        for mode in ("screen", "all"):
            figures = built["queries"][kind][mode]
            assert figures["p95_ms"] >= figures["p50_ms"] > 0
    assert built["queries"]["author"]["all"]["rows_max"] > 0


def test_results_md_names_the_machine_and_every_goal(done: dict, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    output = tmp_path / "results.md"
    output.write_text(run.render(done, quick=True, machine=describe(), revision="abc1234",
                                 started=datetime(2026, 11, 26, tzinfo=timezone.utc)), encoding="utf-8")
    text = output.read_text(encoding="utf-8")
    assert "python -m benchmarks --quick" in text
    assert "QUICK run" in text
    for key in ("CPU", "Python", "SQLite", "lxml", "dateparser", "trafilatura", "sqlite-utils"):
        assert f"| {key} |" in text
    goals = [goal for entry in done.values() for goal in entry["goals"]]
    assert len(goals) >= 8
    for goal in goals:
        assert goal["goal"] in text
    marks = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ") and
             line.split("|")[2].strip() in {goal["goal"] for goal in goals}]
    assert marks == [{True: "✓", False: "✗", None: "·"}[goal["reached"]] for goal in goals]


def test_cpu_model_is_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) @ 2.50GHz\n")
    assert cpu_model(cpuinfo) == "Intel(R) Xeon(R) @ 2.50GHz"


def test_wayback_reads_the_whole_index_and_replays_nothing_the_second_time(done: dict) -> None:
    results = done["wayback"]["results"]
    first, second = results["first"], results["second"]
    assert results["row_cap"] == 1_000 and first["cdx"] == -(-results["kept"] // 1_000)
    assert first["diary"] == results["posts"] and results["one_request"]["posts"] < results["posts"]
    assert second["replays"] == 0 and second["requests"] == second["cdx"] == first["cdx"]
    assert first["paced_seconds"] >= first["replays"] * 1.0
