"""`dagbok stats --chart DIR`: posts per lab per month and authors over time, as SVG whose marks carry their numbers."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections import Counter

from archive.charts import CHART_FILES, PROGRAMME, month_range, write_charts
from archive.queries import open_archive
from test_queries import POSTS, make_archive
from tests.console_scripts import DAGBOK

SVG = "{http://www.w3.org/2000/svg}"


def marks(path, tag: str, css_class: str) -> list[ET.Element]:
    return [element for element in ET.parse(path).iter(SVG + tag) if element.get("class") == css_class]


def test_posts_per_lab_per_month_has_a_segment_for_each_lab_and_month(tmp_path):
    db = make_archive(tmp_path / "dagbok.db")
    summary = write_charts(db, tmp_path / "charts")
    assert [path.name for path in summary.files] == list(CHART_FILES)
    drawn = {(rect.get("data-month"), rect.get("data-lab")): int(rect.get("data-posts"))
             for rect in marks(summary.files[0], "rect", "posts")}
    expected = Counter((post["published"][:7], post["lab"] or PROGRAMME) for post in POSTS)
    assert drawn == dict(expected)
    titles = [rect.find(SVG + "title").text for rect in marks(summary.files[0], "rect", "posts")]
    assert "2019-04 Göteborg: 1 post" in titles
    legend = [text.text for text in marks(summary.files[0], "text", "legend")]
    assert legend == ["Boden", "Göteborg", "Norrköping", "Södertälje", PROGRAMME]
    assert summary.months == len(month_range([post["published"][:7] for post in POSTS])) == 18


def test_authors_over_time_has_a_row_an_author_and_a_dot_a_post(tmp_path):
    db = make_archive(tmp_path / "dagbok.db")
    path = write_charts(db, tmp_path / "charts").files[1]
    signed = sorted((post["published"], post["author"]) for post in POSTS if post["author"])
    rows = [text.text for text in marks(path, "text", "author")]
    assert rows == list(dict.fromkeys(author for _, author in signed))  # by first post
    dots = sorted((dot.get("data-published"), dot.get("data-author")) for dot in marks(path, "circle", "post"))
    assert dots == signed
    xs = {dot.get("data-published"): float(dot.get("cx")) for dot in marks(path, "circle", "post")}
    assert xs["2018-09-12"] < xs["2019-04-29"] < xs["2019-11-11"]


def test_month_range_fills_the_empty_months_across_a_new_year():
    assert month_range(["2019-11", "2020-02"]) == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert month_range([]) == []


def test_stats_chart_writes_the_files_and_says_where(tmp_path):
    db = make_archive(tmp_path / "dagbok.db")
    result = subprocess.run([DAGBOK, "stats", "--db", str(db), "--chart", str(tmp_path / "charts")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    files = [tmp_path / "charts" / name for name in CHART_FILES]
    assert result.stdout.splitlines()[-1] == f"Charts (18 months, 3 authors): {files[0]}, {files[1]}"
    assert all(ET.parse(path).getroot().tag == SVG + "svg" for path in files)


def test_the_charts_are_the_diarys_unless_all_posts_are_asked_for(tmp_path):
    news = {"slug": "arsstamma-2019", "published": "2019-05-02", "title": "Årsstämma 2019", "author": "Ny Person",
            "role": "vd", "lab": None, "labs": [], "body": "Sveriges Allmännytta höll årsstämma.",
            "categories": ["Nyheter"]}
    db = make_archive(tmp_path / "dagbok.db", [*POSTS, news])
    with open_archive(db) as conn:
        in_diary = {row["url"].rstrip("/").rsplit("/", 1)[-1] for row in conn.execute("SELECT url FROM post_details")}
    assert "arsstamma-2019" not in in_diary  # the diary's rule leaves it out
    diary = write_charts(db, tmp_path / "diary")
    everything = write_charts(db, tmp_path / "all", all_posts=True)
    assert "Ny Person" not in diary.files[1].read_text() and "Ny Person" in everything.files[1].read_text()
    assert everything.authors == diary.authors + 1
