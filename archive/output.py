"""Posts and figures as text: table, json, csv, jsonl or markdown.

Functions return strings; `archive/cli.py` prints them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from archive.check import CheckReport
from archive.queries import FIELDS, Stats

# The terminal table shows what fits on a line; the other formats carry every field.
TABLE_COLUMNS = ("published", "lab", "author", "title")
MAX_CELL = 60


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return " ".join(str(value).split())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_cell: int = MAX_CELL) -> str:
    """An aligned plain-text table with a dashed rule under the headers; long cells are clipped with `…`."""
    cells = [[_clip(_text(value), max_cell) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _markdown_cell(value: Any) -> str:
    return _text(value).replace("\\", "\\\\").replace("|", "\\|")


def format_posts(posts: Sequence[dict[str, Any]], fmt: str) -> str:
    """Posts (query-JSON dicts) in format `fmt`: table, json, csv, jsonl or markdown.

    csv carries `labs` as JSON text (`["Boden", "Göteborg"]`), as Datasette's CSV of the
    `post_details` view does, so the list reads back unambiguously.
    """
    if fmt == "json":
        return json.dumps(list(posts), ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(post, ensure_ascii=False) for post in posts)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for post in posts:
            writer.writerow({**post, "labs": json.dumps(post["labs"], ensure_ascii=False)})
        return buffer.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| published | title | author | role | lab |", "|---|---|---|---|---|"]
        for post in posts:
            title = _markdown_cell(post["title"]).replace("[", "\\[").replace("]", "\\]")
            linked = f"[{title}]({post['url']})" if post.get("url") else title
            lines.append("| " + " | ".join([
                _markdown_cell(post["published"]), linked, _markdown_cell(post["author"]),
                _markdown_cell(post["role"]), _markdown_cell(post["lab"]),
            ]) + " |")
        return "\n".join(lines)
    if fmt == "table":
        return render_table(TABLE_COLUMNS, [[post[c] for c in TABLE_COLUMNS] for post in posts])
    raise ValueError(f"unknown format {fmt!r}")


def format_stats(stats: Stats, fmt: str) -> str:
    """`dagbok stats` as sections of small tables (`table`) or one JSON object (`json`)."""
    if fmt == "json":
        return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")

    def post_line(post: dict[str, Any] | None) -> str:
        if post is None:
            return "-"
        by = f" ({post['author']})" if post.get("author") else ""
        return f"{post['published']}  {post['title']}{by}"

    summary = [
        f"posts: {stats.posts}",
        f"first post: {post_line(stats.first_post)}",
        f"last post:  {post_line(stats.last_post)}",
    ]
    crawl = stats.last_crawl
    if crawl is None:
        summary.append("last crawl: never")
    else:
        summary.append(
            f"last crawl: {crawl['started']} – {crawl['ended'] or '…'}  {crawl['status']}, "
            f"{crawl['source']} {crawl['site']}  (new {crawl['new']}, changed {crawl['changed']}, "
            f"unchanged {crawl['unchanged']}, gone {crawl['gone']}, errors {crawl['errors']})"
        )
    sections = ["\n".join(summary)]
    sections.append(render_table(
        ["year", "posts"], [[row["year"] or "(no date)", row["posts"]] for row in stats.per_year]))
    sections.append(render_table(
        ["lab", "posts about it", "posts naming it"],
        [[row["lab"] or "(whole programme)", row["posts"],
          "" if row["named_in"] is None else row["named_in"]] for row in stats.per_lab]))
    sections.append(render_table(
        ["author", "posts", "first", "last"],
        [[row["author"] or "(no signature)", row["posts"], row["first"], row["last"]]
         for row in stats.per_author]))
    return "\n\n".join(sections)


def format_check(report: CheckReport, fmt: str) -> str:
    """`dagbok check`'s report: coverage per field with its layers, disagreements, failed pages."""
    if fmt == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    checked = f"posts checked: {report.posts}"
    if report.teaser_only:
        checked += f" (and {report.teaser_only} known only from teasers, not checked)"
    sections = [checked, render_table(
        ["field", "present", "coverage", "minimum", "check", "layers"],
        [[c.field, f"{c.present}/{c.total}", f"{c.percent:.1f}%",
          "-" if not c.threshold else f"{c.threshold:g}%",
          "BELOW" if c.below else "ok" if c.threshold else "",
          ", ".join(f"{layer} {n}" for layer, n in c.layers.items())]
         for c in report.coverage],
    )]
    if report.disagreements:
        sections.append("disagreements between layers (the winning layer is in `layers`):\n" + render_table(
            ["field", "losing layer", "posts"],
            [[d["field"], d["layer"], d["posts"]] for d in report.disagreements]))
    else:
        sections.append("disagreements between layers: none")
    if report.failed_pages:
        sections.append(f"pages that failed: {len(report.failed_pages)}\n" + render_table(
            ["url", "status", "reason"],
            [[p.url, p.status or "", p.reason] for p in report.failed_pages], max_cell=100))
    else:
        sections.append("pages that failed: none")
    if report.stored_twice:
        sections.append(f"posts stored twice, under two forms of the site: {len(report.stored_twice)}\n"
                        + "\n".join("  " + "  ".join(urls) for urls in report.stored_twice))
    if report.other_archives:
        sections.append(f"WARC files of other archives in this one's WARC folder (a rebuild of the folder "
                        f"needs --archive; export --format wacz leaves them out): {len(report.other_archives)}\n"
                        + "\n".join(f"  {other}" for other in report.other_archives))
    if report.warnings:
        sections.append(f"pages read with a warning: {len(report.warnings)}\n" + render_table(
            ["url", "warning"], [[w["url"], w["warning"]] for w in report.warnings], max_cell=100))
    if report.below:
        sections.append("coverage below the minimum: " + ", ".join(
            f"{c.field} {c.percent:.1f}% < {c.threshold:g}%" for c in report.below))
    else:
        sections.append("coverage: every field at or above its minimum")
    return "\n\n".join(sections)
