"""Decoding a capture once and reading its visible text as lines."""

from __future__ import annotations

import codecs
import gzip
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.extract.document import normalise_space, parse_document
from scraper.records import Capture

INVISIBLE = "\u200b\ufeff\u00ad\u200e\u200f"
SWEDISH = "Vilken resa vi gör! Allmännyttans innovationslabb – ”starta eget” i Södertälje"


def capture(body: bytes | str, content_type: str = "text/html") -> Capture:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Capture(url="https://www.allmannyttan.se/x/", final_url="https://www.allmannyttan.se/x/", status=200,
                   headers={"content-type": content_type}, body=data, fetched=datetime(2020, 1, 1, tzinfo=timezone.utc))


def texts(html: str | bytes, content_type: str = "text/html") -> list[str]:
    return [line.text for line in parse_document(capture(html, content_type)).lines]


def page(text: str) -> str:
    return f"<html><body><p>{text}</p></body></html>"


def test_header_charset_decodes_a_windows_1252_page():
    body = page(SWEDISH).encode("cp1252")
    assert texts(body, "text/html; charset=windows-1252") == [SWEDISH]


def test_cp1252_bytes_declared_as_utf8_still_come_out_right():
    body = page(SWEDISH).encode("cp1252")
    document = parse_document(capture(body, "text/html; charset=utf-8"))
    assert [line.text for line in document.lines] == [SWEDISH]
    assert document.encoding == "windows-1252"


@pytest.mark.parametrize("damage", ["cut", "stray"])
def test_utf8_with_a_bad_byte_is_still_utf8(damage):
    # a capture cut short inside `ö`, or one stray byte: the whole page was read as windows-1252
    body = page(SWEDISH).encode("utf-8")
    body = body[:body.index("gör".encode()) + 2] if damage == "cut" else body.replace(b"resa", b"re\xffsa")
    document = parse_document(capture(body, "text/html; charset=utf-8"))
    shown = "Vilken resa vi g�" if damage == "cut" else SWEDISH.replace("resa", "re�sa")
    assert ([line.text for line in document.lines], document.encoding) == ([shown], "utf-8")
    assert document.warning == "1 byte is not utf-8 (a capture cut short, a stray byte), each read as �"


def test_meta_charset_is_used_when_the_header_names_none():
    body = f'<html><head><meta charset="iso-8859-1"></head><body><p>{SWEDISH}</p></body></html>'.encode("cp1252")
    assert texts(body) == [SWEDISH]


def test_valid_utf8_declared_as_latin1_is_read_as_utf8():
    assert texts(page(SWEDISH).encode("utf-8"), "text/html; charset=ISO-8859-1") == [SWEDISH]


def test_byte_order_mark_wins_over_a_wrong_declaration():
    body = codecs.BOM_UTF8 + page(SWEDISH).encode("utf-8")
    assert texts(body, "text/html; charset=windows-1252") == [SWEDISH]


def test_unknown_charset_falls_back_to_utf8():
    assert texts(page(SWEDISH).encode("utf-8"), "text/html; charset=x-klingon") == [SWEDISH]


def test_lines_break_at_blocks_and_br_but_not_at_inline_elements():
    html = ("<div>29 april 2019<h2>Vilken <em>resa</em> vi gör!</h2><p>Läs mer om <a href='/b/'>Boden</a> här"
            "<br>Anna Kanervo<br/>projektansvarig</p><ul><li>ett</li><li>två</li></ul></div>")
    assert texts(html) == ["29 april 2019", "Vilken resa vi gör!", "Läs mer om Boden här", "Anna Kanervo",
                           "projektansvarig", "ett", "två"]


def test_a_preformatted_blocks_lines_are_lines():
    # the block editor's Verse and Preformatted blocks are `<pre>`: their lines were run together
    html = "<html><body><p>Före</p><pre>Rad ett\nRad två <em>kursiv</em>\n\nRad tre</pre><p>Efter</p></body></html>"
    assert texts(html) == ["Före", "Rad ett", "Rad två kursiv", "Rad tre", "Efter"]


def test_table_cells_are_separate_lines():
    assert texts("<table><tr><td>Start</td><td>Kontakt</td></tr></table>") == ["Start", "Kontakt"]


def test_scripts_styles_hidden_and_screen_reader_text_are_not_lines():
    html = ("<head><title>Allmännyttan</title><style>p{}</style></head><body><script>var d='1 maj 2019'</script>"
            "<noscript>Aktivera JavaScript</noscript><p hidden>dold</p><p style='display: none'>dold</p>"
            "<p aria-hidden='true'>dold</p><p><span class='screen-reader-text'>Publicerat den</span>29 april 2019</p>"
            "<template><p>mall</p></template><p>synlig</p></body>")
    assert texts(html) == ["29 april 2019", "synlig"]


PANEL_TEXT = "Portalen fortsätter med livsberättelserna även efter årsskiftet, med Hyresbostäder som huvudman."
PANEL = f"<p>{PANEL_TEXT}</p>"


def test_an_accordions_button_is_the_title_over_its_panel():
    # WAI-ARIA's pattern (a button in a heading), and a pane of two boxes: the title's and the panel's
    in_heading = f"<div><h3><button aria-expanded='false'><span>Vad kom fram?</span></button></h3><div>{PANEL}</div></div>"
    in_pane = f"<div><div><button><span>Vad händer nu?</span><span></span></button></div><div class='hidden'>{PANEL}</div></div>"
    assert texts(in_heading) == ["Vad kom fram?", PANEL_TEXT]
    assert texts(in_pane) == ["Vad händer nu?", PANEL_TEXT]


def test_a_button_that_works_the_page_shows_no_text():
    menu = f"<header><button aria-controls='nav'>Meny</button><nav id='nav'>{PANEL}</nav><a href='/'>Hem</a></header>"
    chat = f"<div><button>Chatta med oss</button><div aria-hidden='true'>{PANEL}</div></div>"
    read_more = f"<div><div><button>Läs mer</button></div><div>{PANEL}</div></div>"
    arrows = f"<div><button>Föregående</button><div>{PANEL}</div><button>Nästa</button></div>"
    assert texts(menu)[0] == PANEL_TEXT
    assert texts(chat) == []
    assert texts(read_more) == [PANEL_TEXT]
    assert texts(arrows) == [PANEL_TEXT]


def test_whitespace_runs_and_nbsp_become_one_space_and_empty_lines_vanish():
    html = "<p>Anna&nbsp;Kanervo\n\t </p><p>&nbsp;</p><p> \u00a0 \u00a0</p><p>ansvarig  för\u00a0\u00a0BIS</p>"
    assert texts(html) == ["Anna Kanervo", "ansvarig för BIS"]


def test_invisible_characters_do_not_split_words():
    assert normalise_space("Bo\u200bden\u00ad\ufeff 2019") == "Boden 2019"


@given(st.text(alphabet=st.sampled_from(list("ab Å.\u00a0\t\n\u2028\u3000\x1c") + list(INVISIBLE)) | st.characters()))
def test_normalised_text_is_its_words_joined_by_one_space(text):
    assert normalise_space(text) == " ".join(text.translate(dict.fromkeys(map(ord, INVISIBLE))).split())


def test_a_line_of_invisible_characters_only_is_no_line():
    assert texts("<p>29 april 2019</p><p>&#8203;\u00ad</p><p>Bo\u200bden</p>") == ["29 april 2019", "Boden"]


def test_text_after_a_comment_is_kept():
    assert texts("<p>före<!-- kommentar -->efter</p>") == ["föreefter"]


def test_a_line_remembers_its_block_element_and_links():
    document = parse_document(capture(
        "<div class='teaser'><h3><a href='/nu-drar-vi-i-gang/'>Nu drar vi i gång!</a></h3>"
        "<p>Text <a href='https://example.org/a'>a</a> och <a href='/b/'>b</a></p></div>"))
    title, text = document.lines
    assert title.element.tag == "h3" and title.links == ("/nu-drar-vi-i-gang/",)
    assert text.element.tag == "p" and text.links == ("https://example.org/a", "/b/")


def test_lines_inside_a_card_link_know_the_link():
    document = parse_document(capture("<a href='/post/'><div>7 oktober 2019</div><div>Titel</div></a>"))
    assert [line.links for line in document.lines] == [("/post/",), ("/post/",)]


def test_span_gives_the_lines_an_element_shows():
    document = parse_document(capture(
        "<p>före</p><div class='entry-content'><p>ett</p><p>två</p></div><p>efter</p>"))
    content = document.with_class("entry-content")[0]
    assert document.span(content) == (1, 3)
    assert document.line_of(content) == 1


def test_with_class_returns_elements_in_page_order_across_tokens():
    document = parse_document(capture(
        "<p class='published'>a</p><p class='entry-title'>b</p><p class='published entry-title'>c</p>"))
    found = document.with_class("entry-title", "published")
    assert [e.text for e in found] == ["a", "b", "c"]


@pytest.mark.parametrize("body", [b"", b"   ", b"<!-- nothing -->", b"<html></html>"])
def test_an_empty_body_gives_a_document_without_lines(body):
    assert parse_document(capture(body)).lines == []


def test_a_page_with_an_xml_declaration_parses():
    html = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hej</p></body></html>'
    assert texts(html) == ["Hej"]


def test_base_href_sets_the_base_url():
    document = parse_document(capture("<html><head><base href='https://www.allmannyttan.se/a/'></head></html>"))
    assert document.base_url == "https://www.allmannyttan.se/a/"


def test_text_nested_deeper_than_libxml2s_default_limit_is_kept():
    html = "<font>x" * 600 + "29 april 2019"
    assert texts(html)[-1].endswith("29 april 2019")


TEXT = "Vårt Rannebergen – ”därför” öppnar Göteborg…"


@pytest.mark.parametrize(("body", "content_type", "warning"), [
    (page(TEXT).encode("cp1252"), "text/html; charset=utf-8",
     "the charset label utf-8 contradicts the bytes, read as windows-1252"),
    (page(TEXT).encode("utf-8"), "text/html; charset=iso-8859-1",
     "the charset label iso-8859-1 contradicts the bytes, read as utf-8"),
    (page(TEXT).encode("utf-8"), "text/html; charset=x-unheard-of", "the charset label x-unheard-of is unknown, read as utf-8"),
    # Already mojibake when served: UTF-8 read as windows-1252 upstream, sent as UTF-8 again.
    (page("Vårt Rannebergen").encode("utf-8").decode("cp1252").encode("utf-8"), "text/html; charset=utf-8",
     "the text holds mojibake (Ã¥: UTF-8 read as windows-1252 before it was served), kept as published"),
], ids=["cp1252-as-utf8", "utf8-as-latin1", "unknown-label", "mojibake"])
def test_a_charset_the_bytes_contradict_or_mojibake_is_a_warning(body, content_type, warning):
    document = parse_document(capture(body, content_type))
    assert document.warning == warning


@pytest.mark.parametrize(("encoding", "content_type"), [
    ("utf-8", "text/html; charset=utf-8"), ("cp1252", "text/html; charset=windows-1252"),
    ("cp1252", "text/html; charset=ISO-8859-1"), ("utf-8", "text/html"),
])
def test_a_page_whose_label_fits_its_bytes_has_no_warning(encoding, content_type):
    document = parse_document(capture(page(TEXT).encode(encoding, errors="strict") if encoding == "utf-8"
                                      else page(TEXT.replace("”", '"')).encode(encoding), content_type))
    assert document.warning is None


def test_a_page_compressed_twice_is_read_decompressed_and_says_so():
    """WP Super Cache's `.gz` file sent with `Content-Encoding: gzip` once more: after the HTTP layer
    the body is still gzip, and the page read as nothing at all (a post page taken for no post)."""
    page = "<html><body><h1>BIS samlar föreningslivet i Boden</h1><p>7 november 2018</p></body></html>"
    document = parse_document(capture(gzip.compress(page.encode("utf-8")), "text/html; charset=utf-8"))
    assert [line.text for line in document.lines] == ["BIS samlar föreningslivet i Boden", "7 november 2018"]
    assert document.warning == "the page came gzip-compressed twice, read decompressed once more"
    assert parse_document(capture(page.encode("utf-8"), "text/html; charset=utf-8")).warning is None
