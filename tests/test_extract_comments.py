"""Readers' comments under a post: found by their shape and words in any markup, never the post's author or date."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

import pytest

from scraper.extract import extract_post, parse_document
from scraper.extract.comments import read_comments
from scraper.records import Capture

URL = "https://www.allmannyttan.se/god-jul-fran-innovationslabben/"
BODY = ["Året går mot sitt slut och det gör även den första terminen för Allmännyttans innovationslabb.",
        "Dagboken tar ett kort juluppehåll och är tillbaka i mitten av januari. God jul och gott nytt år!"]
# A reader who signs like an author: the trap of an unsigned post.
COMMENTS = [("Maria Svensson", "20 december 2018",
             ["God jul på er också!", "Maria Svensson", "hyresgäst i Rannebergen"]),
            ("Ahmed Hassan", "21 december 2018", ["Ser fram emot fortsättningen i januari."])]


def document(html: str):
    capture = Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html.encode(), fetched=datetime(2019, 1, 10, tzinfo=timezone.utc))
    return parse_document(capture)


ENGLISH = {"skriver:": "says:", "kl. 14:02": "at 2:02 pm", "kommentarer": "comments", ">Svara<": ">Reply<",
           "Lämna en kommentar": "Leave a Reply", "E-postadressen publiceras inte.": "",
           "20 december 2018": "December 20, 2018", "21 december 2018": "December 21, 2018"}


def in_english(html: str) -> str:
    """The same markup with a theme's English words and a month-first date no date rule reads."""
    for swedish, english in ENGLISH.items():
        html = html.replace(swedish, english)
    return html


def classic_list(comments=COMMENTS) -> str:
    """WordPress's classic comment list: `Name skriver:`, a date linking to `#comment-N`, text, `Svara`."""
    items = "".join(
        f'<li id="comment-{n}" class="comment"><article class="comment-body"><footer class="comment-meta">'
        f'<div class="comment-author vcard"><b class="fn">{escape(name)}</b> <span class="says">skriver:</span></div>'
        f'<div class="comment-metadata"><a href="{URL}#comment-{n}"><time datetime="2018-12-20T14:02:00+01:00">'
        f'{day} kl. 14:02</time></a></div></footer><div class="comment-content">'
        + "".join(f"<p>{escape(t)}</p>" for t in [text[0]]) + (
            f"<p>{'<br>'.join(escape(t) for t in text[1:])}</p>" if text[1:] else "")
        + '</div><div class="reply"><a class="comment-reply-link" href="#respond">Svara</a></div></article></li>'
        for n, (name, day, text) in enumerate(comments, 1))
    return (f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(comments)} kommentarer</h2>'
            f'<ol class="comment-list">{items}</ol>{comment_form()}</div>')


def disqus_fallback(comments=COMMENTS) -> str:
    """An old Disqus plugin's list as the page holds it before its script runs: a `<cite>` name and
    the text, no date, no reply link."""
    items = "".join(
        f'<li class="comment" id="dsq-comment-{n}"><div class="dsq-comment-header"><cite>{escape(name)}</cite></div>'
        '<div class="dsq-comment-body">' + "".join(f"<p>{escape(t)}</p>" for t in text) + "</div></li>"
        for n, (name, _, text) in enumerate(comments, 1))
    return f'<div id="disqus_thread"><ul id="dsq-comments">{items}</ul></div>'


def bare_list(comments=COMMENTS) -> str:
    """No class, no id, no `skriver:`: a name, a date, the text and a `Svara` link, as a block theme prints it."""
    items = "".join(
        f"<div><div>{escape(name)}</div><div>{day}</div>" + "".join(f"<p>{escape(t)}</p>" for t in text)
        + '<div><a href="#">Svara</a></div></div>'
        for name, day, text in comments)
    return f"<section><h3>{len(comments)} svar till ”God jul från innovationslabben”</h3>{items}</section>"


def comment_form(heading: str = "Lämna en kommentar") -> str:
    return (f'<div><h3>{heading}</h3><form action="/wp-comments-post.php" method="post">'
            '<p>E-postadressen publiceras inte.</p><p><label>Kommentar</label><textarea></textarea></p>'
            '<p><label>Namn *</label><input name="author"></p><p><input type="submit" value="Publicera kommentar"></p>'
            "</form></div>")


def post_page(after: str, *, signed: bool = False) -> str:
    signature = "<p>Anna Kanervo<br>projektansvarig</p>" if signed else ""
    return ("<html><head><title>God jul från innovationslabben – Allmännyttan</title></head><body>"
            "<main><article><p>19 december 2018</p><h1>God jul från innovationslabben</h1>"
            + "".join(f"<p>{escape(t)}</p>" for t in BODY) + signature + f"</article>{after}</main>"
            "<footer><p>Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se.</p></footer>"
            "</body></html>")


def lines_of(doc, start: int, end: int) -> list[str]:
    return [line.text for line in doc.lines[start:end]]


@pytest.mark.parametrize("after, heading, dates", [
    (classic_list(), "2 kommentarer", ["20 december 2018 kl. 14:02", "21 december 2018 kl. 14:02"]),
    (bare_list() + comment_form("Kommentera"), "2 svar till ”God jul från innovationslabben”",
     ["20 december 2018", "21 december 2018"]),
], ids=["classic", "bare"])
def test_the_comment_section_runs_from_its_heading_to_the_form(after, heading, dates):
    doc = document(post_page(after))
    comments = read_comments(doc)
    texts = [line.text for line in doc.lines]
    [(start, end)] = comments.sections
    assert texts[start] == heading and texts.index(BODY[-1]) == start - 1
    # the form's last line of text (its labels and buttons are the controls', not the page's)
    assert texts[end - 1] == "E-postadressen publiceras inte." and end == len(texts) - 1
    assert [texts[i] for i in comments.dates] == dates


def test_a_comment_date_in_a_form_no_date_rule_reads_still_marks_a_comment():
    doc = document(post_page(in_english(classic_list()).replace("<time", "<span").replace("</time>", "</span>")))
    comments = read_comments(doc)
    assert [doc.lines[i].text for i in comments.dates] == ["December 20, 2018 at 2:02 pm",
                                                           "December 21, 2018 at 2:02 pm"]
    assert [doc.lines[start].text for start, _ in comments.sections] == ["2 comments"]


def test_a_bare_comment_without_reply_link_or_classes_is_found_by_its_link_to_itself():
    after = (f'<div><p>Fatima Ali</p><p><a href="{URL}#comment-9">28 mars 2019</a></p>'
             "<p>Äntligen! Mina barn har redan varit där tre gånger.</p></div>")
    doc = document(post_page(after))
    [(start, end)] = read_comments(doc).sections
    assert lines_of(doc, start, end) == ["Fatima Ali", "28 mars 2019"]


def test_a_recent_comments_widget_before_the_post_is_a_section_of_its_own(labs):
    widget = ('<aside><h2>Senaste kommentarer</h2><ul><li>Johan Persson om Vad hände sedan?</li>'
              '<li><a href="https://www.allmannyttan.se/vad-hande-sedan/#comment-7">23 januari 2020</a></li>'
              "<li>Kommer slutrapporten att finnas att läsa?</li></ul></aside>")
    page = post_page(classic_list()).replace("<main>", "<main>" + widget)
    doc = document(page)
    comments = read_comments(doc)
    texts = [line.text for line in doc.lines]
    assert [texts[start] for start, _ in comments.sections] == ["Senaste kommentarer", "2 kommentarer"]
    assert texts.index("19 december 2018") not in comments
    post = extract_post(doc, labs=labs)
    assert (post.published.isoformat(), post.author, post.body) == ("2018-12-19", None, "\n\n".join(BODY))


def test_a_form_alone_is_the_section_when_no_one_has_commented():
    doc = document(post_page(comment_form()))
    comments = read_comments(doc)
    assert [lines_of(doc, start, start + 1) for start, _ in comments.sections] == [["Lämna en kommentar"]]
    assert comments.dates == ()


@pytest.mark.parametrize("after", [
    "<p>Kommentera gärna nedan, vi läser allt!</p>",  # a phrase alone is not a section
    '<form role="search" action="/"><input name="s"><button>Sök</button></form>',  # no text area
    '<form action="/kontakt/"><textarea></textarea><button>Skicka</button></form>',  # a form that is not for comments
    # teasers of other posts: date, title, excerpt, name, role — but no reply line, no link to a comment
    "<section><p>6 mars 2019</p><h2><a href='/alla-labb/'>Alla labb på plats</a></h2>"
    "<p>Idag samlades alla fyra labben i Stockholm för att dela erfarenheter...</p>"
    "<p>Anna Kanervo</p><p>projektansvarig</p></section>",
], ids=["phrase", "search-form", "contact-form", "teaser"])
def test_what_is_not_a_comment_section(after):
    assert read_comments(document(post_page(after))).sections == ()


@pytest.mark.parametrize("after", [classic_list(), bare_list() + comment_form(), in_english(classic_list())],
                         ids=["classic", "bare", "english"])
def test_a_reader_who_signs_a_comment_never_becomes_the_author(after, labs):
    post = extract_post(document(post_page(after)), labs=labs)
    assert (post.author, post.role) == (None, None)
    assert post.published.isoformat() == "2018-12-19"
    assert post.body == "\n\n".join(BODY)


@pytest.mark.parametrize("after", [classic_list(), disqus_fallback(COMMENTS[::-1])], ids=["classic", "disqus-undated"])
def test_the_signature_stays_the_author_when_readers_comment(after, labs):
    # undated comments (Disqus's fallback list), the last one signed: its reader was taken for the author
    post = extract_post(document(post_page(after, signed=True)), labs=labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(BODY))


def test_a_byline_over_the_text_is_no_comment_whatever_reply_line_follows_the_section_heading(labs):
    """Timber's starter theme prints the date in a byline under the title (`Av Redaktionen •
    16 januari 2019`) and a comment with no date (`Maria Andersson skriver`, the text, `Svara`)
    under a `Kommentarer` heading: the title and the byline were read as a comment's name and
    date, confirmed by that reply line, and the post had no date."""
    undated = ('<section><h3>Kommentarer</h3><div><h5>Maria Andersson skriver</h5>'
               "<p>Så klokt att lägga tid på målen innan man sätter i gång!</p><h3>Svara</h3></div></section>")
    html = ("<html><head><title>God jul från innovationslabben – Allmännyttan</title></head><body><main><article>"
            "<h1>God jul från innovationslabben</h1><p><span>Av</span><a href='/author/redaktionen/'> Redaktionen </a>"
            "<span>&bull;</span> 19 december 2018</p>" + "".join(f"<p>{escape(t)}</p>" for t in BODY)
            + f"<p>Anna Kanervo</p><p>projektansvarig</p>{undated}</article></main></body></html>")
    post = extract_post(document(html), labs=labs)
    assert (post.published.isoformat(), post.author, post.body) == ("2018-12-19", "Anna Kanervo", "\n\n".join(BODY))
