"""A real browser on the served archive: headless Chromium (tests/devtools.py) types a search into Datasette."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_queries import make_archive
from tests.devtools import NEEDS_CHROMIUM, DevTools, evaluate, open_page
from tests.processes import start_serving, stop

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def served_url(tmp_path) -> Iterator[str]:
    process, base = start_serving(make_archive(tmp_path / "dagbok.db"))
    yield base + "dagbok"
    stop(process)


def type_and_submit(browser: DevTools, session: str, box: str, text: str) -> None:
    """Type `text` into the input `box` (a CSS selector) and submit its form; wait for the next page."""
    evaluate(browser, session, f"document.querySelector('{box}').focus()")
    browser.send("Input.insertText", {"text": text}, session=session)
    evaluate(browser, session, f"document.querySelector('{box}').form.requestSubmit()")
    browser.wait_for("Page.loadEventFired")


def screenshot(browser: DevTools, session: str, path: Path) -> bytes:
    """The page as a PNG, also saved at `path` (in the test's tmp_path, to look at)."""
    shot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
    path.write_bytes(shot)
    return shot


def test_full_text_search_typed_into_datasette_shows_the_matching_posts(browser, served_url, tmp_path):
    session = open_page(browser, served_url + "/post_details")
    assert evaluate(browser, session, "document.querySelectorAll('td.col-title').length") == 6

    # type into the search box as a user would, then press Enter
    assert evaluate(browser, session, "(() => { const box = document.querySelector('input[name=_search]');"
                                      " box.focus(); return document.activeElement === box; })()") is True
    browser.send("Input.insertText", {"text": "göteborg"}, session=session)
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                "windowsVirtualKeyCode": 13, "text": "\r"}, session=session)
    browser.wait_for("Page.loadEventFired")

    assert "_search=g%C3%B6teborg" in evaluate(browser, session, "location.href")
    titles = evaluate(browser, session,
                      "Array.from(document.querySelectorAll('td.col-title')).map(td => td.textContent.trim())")
    assert sorted(titles) == ["Där vi bor", "Fyra labb, ett program"]
    page_text = evaluate(browser, session, "document.body.innerText")
    assert "2 rows where search matches" in page_text and "Portalen öppnar" not in page_text

    # the column descriptions fill the top of the page: show the search box and the results
    evaluate(browser, session, "document.querySelector('form.filters').scrollIntoView()")
    shot = screenshot(browser, session, tmp_path / "search.png")
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 10_000


def test_search_canned_query_shows_highlighted_snippets(browser, served_url, tmp_path):
    session = open_page(browser, served_url + "/search")
    type_and_submit(browser, session, "input[name=words]", "innovationslabb")
    snippets = evaluate(browser, session,
                        "Array.from(document.querySelectorAll('td.col-snippet')).map(td => td.textContent.trim())")
    assert snippets == ["**Innovationslabbet** i Boden har startat"]
    shot = screenshot(browser, session, tmp_path / "canned-search.png")
    assert shot.startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def crawled_url(sample_crawl) -> Iterator[str]:
    """The sample site crawled (about 35 posts with real bodies), then served."""
    process, base = start_serving(sample_crawl)
    yield base + "dagbok"
    stop(process)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


VISIBLE_ROWS = ("Array.from(document.querySelectorAll('table.rows-and-columns tbody tr'))"
                ".filter(tr => tr.getBoundingClientRect().bottom <= window.innerHeight).length")


@pytest.mark.parametrize("table", ["posts", "post_details"])
def test_ten_posts_are_on_the_first_screen_of_a_1400_by_1000_window(browser, crawled_url, table, tmp_path):
    session = open_page(browser, "about:blank")
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
    browser.send("Page.navigate", {"url": f"{crawled_url}/{table}"}, session=session)
    browser.wait_for("Page.loadEventFired")
    assert evaluate(browser, session, "[window.innerWidth, window.innerHeight]") == [1400, 1000]
    visible = evaluate(browser, session, VISIBLE_ROWS)
    shot = screenshot(browser, session, tmp_path / f"{table}.png")
    assert png_size(shot) == (1400, 1000) and len(shot) > 50_000
    assert visible >= 10, f"{visible} rows on the first screen; see {tmp_path / f'{table}.png'}"
    # one line a row: a body cell is cut in the HTML and again, with "…", by the stylesheet
    heights = evaluate(browser, session, "Array.from(document.querySelectorAll('table.rows-and-columns tbody tr'))"
                                         ".map(tr => tr.getBoundingClientRect().height)")
    assert max(heights) < 2 * min(heights)
    facets = evaluate(browser, session, "Array.from(document.querySelectorAll('p.facet-info-name strong'))"
                                        ".map(s => s.firstChild.textContent.trim())")
    assert "author" in facets and not any(name.endswith("_id") for name in facets)


def test_a_search_with_a_hyphen_typed_into_the_box_shows_posts_not_an_error(browser, crawled_url, tmp_path):
    session = open_page(browser, crawled_url + "/posts")
    type_and_submit(browser, session, "input[name=_search]", "Lina-Hage")
    text = evaluate(browser, session, "document.body.innerText")
    assert "rows where search matches" in text and "Lina-Hage" in text
    titles = evaluate(browser, session,
                      "Array.from(document.querySelectorAll('td.col-title')).map(td => td.textContent.trim())")
    assert len(titles) >= 3
    assert evaluate(browser, session, "document.querySelector('input[name=_search]').value") == "Lina-Hage"


def test_the_home_page_opens_on_the_posts(browser, crawled_url):
    session = open_page(browser, crawled_url.rsplit("/", 1)[0] + "/")
    links = evaluate(browser, session,
                     "Array.from(document.querySelectorAll('ul.archive-tables a')).map(a => a.textContent)")
    assert links[:2] == ["post_details", "posts"] and "bodies" not in links


def test_a_posts_own_page_shows_the_whole_body_at_a_reading_width(browser, crawled_url):
    session = open_page(browser, crawled_url + "/posts.json?_shape=array&_size=max")
    posts = evaluate(browser, session, "JSON.parse(document.body.innerText)")
    longest = max(posts, key=lambda post: len(post["body"] or ""))
    browser.send("Page.navigate", {"url": f"{crawled_url}/posts/{longest['id']}"}, session=session)
    browser.wait_for("Page.loadEventFired")
    cell = ("(() => { const td = document.querySelector('td.col-body'); const box = td.getBoundingClientRect();"
            " return [td.innerText, box.left, box.right, window.innerWidth]; })()")
    text, left, right, width = evaluate(browser, session, cell)
    assert " ".join(text.split()) == " ".join(longest["body"].split())  # whole, not cut
    assert 0 < left and right <= width  # no sideways scrolling to read it
    assert right - left > 500  # a reading width, not a narrow column
