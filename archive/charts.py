"""Charts of the archive as SVG files: posts per lab per month, and each author's posts over time.

`dagbok stats --chart DIR` writes them, and Datasette shows them at `/<database>/-/charts`
(archive/datasette_plugin). Plain SVG written here (no plotting library):
it opens in any browser, prints, and diffs as text. Every mark carries a `<title>`
(the browser shows it on hover) and `data-*` attributes with the numbers it stands for.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from .queries import open_archive, posts_view

PROGRAMME = "(whole programme)"  # the lab of a post about the whole programme, as in posts_per_lab_per_month
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#999999"]  # the labs in vocabulary order, then PROGRAMME
FONT = 'font-family="sans-serif" font-size="12"'

PER_LAB_MONTH_SQL = """
SELECT substr(published, 1, 7) AS month, coalesce(lab, ?) AS lab, count(*) AS posts
FROM {view} WHERE published IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"""
AUTHOR_POSTS_SQL = """
SELECT author, published, title FROM {view}
WHERE author IS NOT NULL AND published IS NOT NULL ORDER BY published, title"""

CHART_FILES = ("posts-per-lab-per-month.svg", "authors-over-time.svg")


@dataclass(frozen=True)
class ChartSummary:
    files: list[Path]
    months: int
    authors: int


@dataclass(frozen=True)
class Figures:
    """What the charts draw: the labs (programme-wide last), posts per (month, lab), and signed posts."""

    labs: list[str]
    counts: list[tuple[str, str, int]]  # (YYYY-MM, lab, posts)
    posts: list[tuple[str, date, str]]  # (author, published, title), oldest first

    @property
    def months(self) -> list[str]:
        return month_range([month for month, _, _ in self.counts])

    @property
    def authors(self) -> list[str]:
        return list(dict.fromkeys(author for author, _, _ in self.posts))


def read_figures(conn: sqlite3.Connection, *, all_posts: bool = False) -> Figures:
    """The figures of the diary's posts (or of every post) in the archive open on `conn`."""
    view = posts_view(all_posts)
    return Figures(
        labs=[row[0] for row in conn.execute("SELECT name FROM labs ORDER BY id")] + [PROGRAMME],
        counts=[tuple(row) for row in conn.execute(PER_LAB_MONTH_SQL.format(view=view), [PROGRAMME])],
        posts=[(author, date.fromisoformat(published), title)
               for author, published, title in conn.execute(AUTHOR_POSTS_SQL.format(view=view))],
    )


def draw_charts(figures: Figures) -> dict[str, str]:
    """Both charts, as SVG text by file name."""
    return {
        CHART_FILES[0]: posts_per_lab_per_month_svg(figures.months, figures.labs, figures.counts),
        CHART_FILES[1]: authors_over_time_svg(figures.posts),
    }


def write_charts(db_path: Path | str, out_dir: Path | str, *, all_posts: bool = False) -> ChartSummary:
    """Write both charts of the archive at `db_path` into `out_dir` (the diary's posts, or every post)."""
    with open_archive(db_path) as conn:
        figures = read_figures(conn, all_posts=all_posts)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, svg in draw_charts(figures).items():
        (out_dir / name).write_text(svg, encoding="utf-8")
        files.append(out_dir / name)
    return ChartSummary(files, months=len(figures.months), authors=len(figures.authors))


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last given (`YYYY-MM`), empty months included."""
    if not months:
        return []
    year, month = map(int, min(months).split("-"))
    last = max(months)
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT}>',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">{escape(title)}</text>',
        *body,
        "</svg>",
        "",
    ])


def posts_per_lab_per_month_svg(months: list[str], labs: list[str], counts: list[tuple[str, str, int]]) -> str:
    """Stacked bars: one a month, one segment a lab, the labs in vocabulary order (programme-wide last)."""
    left, top, bar, gap, plot_height, legend = 40, 60, 22, 6, 240, 150
    width = left + max(len(months) * (bar + gap), len(labs) * legend) + 20
    height = top + plot_height + 70
    by_month: dict[str, dict[str, int]] = {}
    for month, lab, posts in counts:
        by_month.setdefault(month, {})[lab] = posts
    highest = max([sum(labs_.values()) for labs_ in by_month.values()] or [1])
    unit = plot_height / highest
    base = top + plot_height
    body = []
    for tick in range(0, highest + 1, max(1, highest // 5)):
        y = base - tick * unit
        body.append(f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, month in enumerate(months):
        x = left + index * (bar + gap) + gap / 2
        y = base
        for lab, colour in zip(labs, COLOURS):
            posts = by_month.get(month, {}).get(lab, 0)
            if not posts:
                continue
            y -= posts * unit
            label = f"{month} {lab}: {posts} post{'s' if posts != 1 else ''}"
            body.append(f'<rect class="posts" x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{posts * unit:.1f}" '
                        f'fill="{colour}" data-month="{month}" data-lab="{escape(lab)}" data-posts="{posts}">'
                        f"<title>{escape(label)}</title></rect>")
        if _labelled(months, index):
            body.append(f'<text x="{x + bar / 2:.1f}" y="{base + 16}" text-anchor="middle">{month}</text>')
    for index, (lab, colour) in enumerate(zip(labs, COLOURS)):
        x = left + index * legend
        body.append(f'<rect x="{x}" y="{height - 28}" width="12" height="12" fill="{colour}"/>'
                    f'<text class="legend" x="{x + 16}" y="{height - 18}">{escape(lab)}</text>')
    return _svg(width, height, "Posts per lab per month", body)


def _labelled(months: list[str], index: int) -> bool:
    """Label the first month of each quarter, and the first month when no quarter starts soon after it."""
    quarter = ("-01", "-04", "-07", "-10")
    if months[index].endswith(quarter):
        return True
    return index == 0 and not any(month.endswith(quarter) for month in months[1:3])


def authors_over_time_svg(posts: list[tuple[str, date, str]]) -> str:
    """One row an author (by first post): a line from their first post to their last, a dot a post."""
    authors = list(dict.fromkeys(author for author, _, _ in posts))  # by first post
    left, top, row, plot_width = 190, 50, 26, 640
    width, height = left + plot_width + 30, top + len(authors) * row + 40
    if not posts:
        return _svg(width, height, "Authors over time", [])
    first, last = posts[0][1], posts[-1][1]
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return left + (day - first).days / span * plot_width

    body = []
    for year in range(first.year + 1, last.year + 1):
        x = x_of(date(year, 1, 1))
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 10}" y2="{height - 30}" stroke="#ddd"/>'
                    f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">{year}</text>')
    for index, author in enumerate(authors):
        y = top + index * row + row / 2
        days = [day for who, day, _ in posts if who == author]
        body.append(f'<text class="author" x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">{escape(author)}</text>')
        body.append(f'<line x1="{x_of(min(days)):.1f}" x2="{x_of(max(days)):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="#7570b3" stroke-width="2"/>')
        for who, day, title in posts:
            if who == author:
                body.append(f'<circle class="post" cx="{x_of(day):.1f}" cy="{y:.1f}" r="5" fill="#7570b3" '
                            f'data-author="{escape(author)}" data-published="{day.isoformat()}">'
                            f"<title>{day.isoformat()} {escape(title)}</title></circle>")
    return _svg(width, height, "Authors over time", body)
