"""Posts as table, json, csv, jsonl and markdown: every format reads back to what went in."""

from __future__ import annotations

import csv
import io
import json

import pytest

from archive.output import format_posts, render_table

POST = {
    "url": "https://www.allmannyttan.se/vilken-resa-vi-gor/",
    "title": "Vilken resa vi gör | ”äntligen” – här",
    "published": "2019-04-29",
    "author": "Åsa Öberg",
    "role": "ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping",
    "lab": None,
    "labs": ["Boden", "Norrköping"],
    "excerpt": "Första stycket. Andra stycket …",
    "body": "Första stycket.\n\nAndra stycket, med ”citat” och en tankstreck – så.",
}
OTHER = {**POST, "url": "https://www.allmannyttan.se/nu_galler_det/", "title": "Nu gäller det",
         "author": None, "role": None, "lab": "Boden", "labs": ["Boden"]}


def test_json_is_a_list_of_objects_with_swedish_characters_kept():
    text = format_posts([POST, OTHER], "json")
    assert json.loads(text) == [POST, OTHER]
    assert "Åsa Öberg" in text and "”äntligen”" in text  # not \u00c5-escaped


def test_jsonl_is_one_object_per_line():
    lines = format_posts([POST, OTHER], "jsonl").split("\n")
    assert [json.loads(line) for line in lines] == [POST, OTHER]


def test_csv_reads_back_with_labs_as_json_and_paragraph_breaks_kept():
    rows = list(csv.DictReader(io.StringIO(format_posts([POST, OTHER], "csv"))))
    assert list(rows[0]) == ["url", "title", "published", "author", "role", "lab", "labs", "excerpt", "body"]
    assert rows[0]["role"] == POST["role"]  # commas inside a field survive
    assert json.loads(rows[0]["labs"]) == ["Boden", "Norrköping"]
    assert rows[0]["body"] == POST["body"]
    assert rows[1]["author"] == "" and rows[1]["lab"] == "Boden"


def test_markdown_table_escapes_pipes_and_links_titles():
    lines = format_posts([POST], "markdown").splitlines()
    assert lines[0] == "| published | title | author | role | lab |"
    assert lines[2] == ("| 2019-04-29 | [Vilken resa vi gör \\| ”äntligen” – här]"
                        "(https://www.allmannyttan.se/vilken-resa-vi-gor/) | Åsa Öberg | "
                        "ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping |  |")
    assert len(lines) == 3


def test_table_aligns_columns_and_clips_long_titles():
    long_title = "Ett " + "mycket " * 20 + "långt namn"
    text = format_posts([{**POST, "title": long_title}, OTHER], "table")
    header, rule, first, second = text.splitlines()
    assert header.split() == ["published", "lab", "author", "title"]
    assert first.startswith("2019-04-29") and first.endswith("…")
    assert len(first.split("  Åsa Öberg  ")[1]) == 60
    assert rule.startswith("----------  -----  ---------  ---")
    assert header.index("author") == first.index("Åsa Öberg") == len("----------  -----  ")
    assert header.index("title") == first.index("Ett mycket") == second.index("Nu gäller det")
    assert second.split("  ")[0] == "2019-04-29" and "Nu gäller det" in second


def test_empty_results():
    assert format_posts([], "json") == "[]"
    assert format_posts([], "jsonl") == ""
    assert format_posts([], "csv").splitlines() == ["url,title,published,author,role,lab,labs,excerpt,body"]
    assert format_posts([], "table").splitlines()[0].split() == ["published", "lab", "author", "title"]


def test_render_table_turns_newlines_and_none_into_plain_cells():
    assert render_table(["a", "b"], [["x\ny", None]]).splitlines() == ["a    b", "---  -", "x y"]


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        format_posts([POST], "xml")
