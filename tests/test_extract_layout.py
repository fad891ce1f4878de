"""The layout layer: date line, title, body and signature read from the page's text (docs/site.md, "A post page")."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html import escape

import pytest

from scraper.extract.document import parse_document
from scraper.extract.reading import read_layers
from scraper.extract.lines import looks_like_name, looks_like_role
from scraper.records import Capture

SUBSCRIBE = ["Få nya inlägg i din inkorg", "Följ oss på Instagram"]
FOOTER = ["Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se. Sveriges Allmännytta är "
          "bransch- och intresseorganisation för allmännyttiga kommunala bostadsföretag över hela Sverige.",
          "Sveriges Allmännytta Box 474, 101 29 Stockholm 08-406 55 00 info@sverigesallmannytta.se"]
NAV = ["Start", "Vad vi gör", "Innovationslabb", "Kontakt"]
BODY = [
    "Idag samlades alla fyra labben i Stockholm för att dela erfarenheter från hösten.",
    "Det blev en lång dag med många goda samtal, och vi gick hem med nya idéer.",
]
TEASER = ["7 oktober 2019", "En egen kväll för tjejer",
          "Mötesplatsen i Lina Hage arrangerade nyligen en egen kväll för enbart tjejer, vilket blev mycket "
          "uppskattat. Det är ofta fler killar än tjejer som deltar i olika typer av aktiviteter...",
          "Martin Kesenci", "stadsdelsutvecklare på Telge Bostäder"]


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>\n" for line in lines)


def breaks(lines: list[str]) -> str:
    return "<table><tr><td>" + "<br>\n".join(escape(line) for line in lines) + "</td></tr></table>"


def divs(lines: list[str]) -> str:
    return "".join(f'<div class="x{n % 3} q"><span>{escape(line)}</span></div>\n' for n, line in enumerate(lines))


STYLES = {"paragraphs": paragraphs, "breaks": breaks, "divs": divs}


def layout_of(lines: list[str], style=paragraphs, head: str = ""):
    html = f"<html><head>{head}</head><body>{style(lines)}</body></html>"
    document = parse_document(Capture(url="https://www.allmannyttan.se/p/", final_url="https://www.allmannyttan.se/p/",
                                      status=200, headers={}, body=html.encode(), fetched=datetime.now(timezone.utc)))
    return document, read_layers(document).layout


def post_of(lines: list[str], style=paragraphs, head: str = "") -> dict:
    """The layout's reading as texts: date, title, body lines, author, role."""
    document, layout = layout_of(lines, style, head)
    frame = layout.frame
    if frame is None:
        return {}
    text = [line.text for line in document.lines]
    return {
        "published": frame.published,
        "title": text[frame.title] if frame.title is not None else None,
        "body": [text[j] for j in frame.body],
        "author": text[frame.signature[0]] if frame.signature else None,
        "role": text[frame.signature[1]] if frame.signature else None,
    }


def page(*, title="Alla labb på plats", date_line="6 mars 2019", body=BODY, signature=("Anna Kanervo", "projektansvarig"),
         subscribe=True, teasers=(TEASER,), title_first=False) -> list[str]:
    header = [title, date_line] if title_first else [date_line, title]
    return [*NAV, *header, *body, *signature, *(SUBSCRIBE if subscribe else []),
            *[line for teaser in teasers for line in teaser], *FOOTER]


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES)
def test_the_site_layout_is_read_in_any_markup(style):
    assert post_of(page(), style) == {"published": date(2019, 3, 6), "title": "Alla labb på plats", "body": BODY,
                                      "author": "Anna Kanervo", "role": "projektansvarig"}


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES)
def test_date_line_after_the_title_is_read(style):
    found = post_of(page(title_first=True), style)
    assert found == {"published": date(2019, 3, 6), "title": "Alla labb på plats", "body": BODY,
                     "author": "Anna Kanervo", "role": "projektansvarig"}


def test_date_after_a_bold_title_in_legacy_markup():
    html_lines = ["Start", "<b>Alla labb på plats</b>", "6 mars 2019", *BODY, "Anna Kanervo", "projektansvarig"]
    body = "<table><tr><td>" + "<br>".join(html_lines) + "</td></tr></table>"
    document, layout = layout_of([], lambda _: body)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"
    assert layout.frame.title_first


@pytest.mark.parametrize("role", [
    "ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping",
    "verksamhetsledare, BIS (Boden Integration och Samverkan)",
    "projektansvarig för Allmänyttans innovationslabb",
])
def test_role_with_commas_is_kept_whole(role):
    assert post_of(page(signature=("Sophia Lövgren", role)))["role"] == role


def test_no_signature_gives_no_author_not_a_wrong_name():
    found = post_of(page(signature=()))
    assert found["author"] is None and found["role"] is None
    assert found["body"] == BODY


def test_no_signature_and_no_subscribe_lines_take_nothing_from_the_teaser():
    found = post_of(page(signature=(), subscribe=False))
    assert (found["author"], found["role"], found["body"]) == (None, None, BODY)


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES)
def test_role_runs_straight_into_the_first_teaser_when_subscribe_lines_are_missing(style):
    found = post_of(page(subscribe=False), style)
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


def test_role_runs_into_a_title_first_teaser():
    teaser = [TEASER[1], TEASER[0], *TEASER[2:]]
    found = post_of(page(subscribe=False, title_first=True, teasers=(teaser,)))
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


def test_signature_right_before_the_footer_when_there_are_no_teasers():
    found = post_of(page(subscribe=False, teasers=()))
    assert (found["author"], found["role"]) == ("Anna Kanervo", "projektansvarig")


def test_photo_credit_is_not_an_author_and_not_body():
    found = post_of(page(body=[*BODY, "Foto: Anna Andersson"], signature=()))
    assert found["author"] is None
    assert found["body"] == BODY


def test_photo_credit_between_body_and_signature_is_skipped():
    found = post_of(page(body=[*BODY, "Foto: Shutterstock", "\u00a0"]))
    assert (found["author"], found["body"]) == ("Anna Kanervo", BODY)


def test_caption_naming_people_stays_in_body_and_is_not_an_author():
    caption = "På bilden, från vänster: Anna Kanervo, Martin Kesenci och Sophia Lövgren."
    found = post_of(page(body=[*BODY, caption], signature=()))
    assert found["author"] is None
    assert found["body"] == [*BODY, caption]


def test_a_body_sentence_holding_a_date_is_not_a_date_line():
    sentence = "Nästa träff blir den 12 mars 2019 i Boden."
    found = post_of(page(body=[sentence, *BODY]))
    assert found["published"] == date(2019, 3, 6)
    assert found["body"] == [sentence, *BODY]


def test_a_quote_attribution_mid_body_is_not_the_signature():
    body = [BODY[0], "”Vi måste göra det här tillsammans med de boende.”", "Lisa Berg", "verksamhetschef, BIS", BODY[1]]
    found = post_of(page(body=body))
    assert (found["author"], found["role"]) == ("Anna Kanervo", "projektansvarig")
    assert found["body"] == body


def test_nbsp_inside_the_signature_becomes_a_space():
    found = post_of(page(signature=("Anna\u00a0Kanervo", "projekt\u00a0ansvarig")))
    assert (found["author"], found["role"]) == ("Anna Kanervo", "projekt ansvarig")


def test_hashtag_line_is_not_body():
    found = post_of(page(body=[*BODY, "#sabo #allmännyttan #BodenBo"]))
    assert found["body"] == BODY and found["author"] == "Anna Kanervo"


def test_share_and_category_lines_after_the_signature_are_skipped():
    found = post_of(page(signature=("Anna Kanervo", "projektansvarig", "Publicerat i Dagbok", "Dela")))
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


def test_subheads_in_capitals_stay_in_body():
    body = [BODY[0], "MÅL FÖR VARJE LABB", BODY[1]]
    found = post_of(page(body=body, signature=()))
    assert found["body"] == body and found["author"] is None


def test_the_logo_heading_before_the_date_is_not_the_title():
    html = ("<h1><a href='/'>Allmännyttan</a></h1><div>6 mars 2019</div><div>Alla labb på plats</div>"
            + paragraphs([*BODY, "Anna Kanervo", "projektansvarig"]))
    document, layout = layout_of([], lambda _: html)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"


def test_a_heading_title_wins_over_a_plain_line_after_the_date():
    html = "<nav><p>Start</p></nav><h2>Alla labb på plats</h2><p>6 mars 2019</p>" + paragraphs(BODY)
    document, layout = layout_of([], lambda _: html)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"


def test_structured_title_picks_the_title_next_to_the_date():
    head = '<meta property="og:title" content="Alla labb på plats – Allmännyttan">'
    found = post_of(["Start", "Alla labb på plats", "6 mars 2019", "Kort.", *BODY], head=head)
    assert found["title"] == "Alla labb på plats"
    assert found["body"] == ["Kort.", *BODY]


def test_a_date_list_in_a_sidebar_before_the_post_is_not_the_post():
    sidebar = ["Senaste", "1 mars 2019", "Ett annat inlägg", "2 mars 2019", "Ett tredje inlägg"]
    found = post_of([*sidebar, *page()[len(NAV):]])
    assert found["title"] == "Alla labb på plats" and found["body"] == BODY


def test_a_page_without_a_date_line_has_no_frame():
    _, layout = layout_of(["Kontakt", "Ring oss på 08-406 55 00.", *FOOTER])
    assert layout.frame is None


def test_a_meta_line_with_a_published_and_an_updated_time_is_a_date_line():
    html = ('<div><time datetime="2019-03-06">6 mars 2019</time><time class="updated">9 mars 2019</time></div>'
            "<h1>Alla labb på plats</h1>" + paragraphs(BODY))
    _, layout = layout_of([], lambda _: html)
    assert layout.frame.published == date(2019, 3, 6)


@pytest.mark.parametrize("text", ["Anna Kanervo", "Martin Kesenci", "Anna-Karin Ek", "Ebba von Sydow",
                                  "Sophia Lövgren", "Malin Widehammar Berg", "Anna K. Kanervo",
                                  # a title, a nickname in WordPress's quotes, a particle on the surname
                                  "Dr. Maria Ek", "Mohammed ”Mo” Ali", "Sofie d’Aubert", "Sofie d'Aubert"])
def test_names_look_like_names(text):
    assert looks_like_name(text)


@pytest.mark.parametrize("text", [
    "Foto: Shutterstock", "Bilden: Anna Kanervo", "På bilden Anna Kanervo", "#sabo #BodenBo", "Läs mer här",
    "Följ oss på Instagram", "MÅL FÖR VARJE LABB", "Sveriges Allmännytta", "Telge Bostäder", "Anna", "projektansvarig",
    "Anna Kanervo, projektansvarig", "29 april 2019", "Det blev en lång dag.", "Box 474, 101 29 Stockholm",
    "Vilken Resa Vi Gör Nu Igen", "Vi ses!", "A. B.", "Dr. Maria", "”Vi Ses”", "d’",
])
def test_non_names_do_not_look_like_names(text):
    assert not looks_like_name(text)


@pytest.mark.parametrize("text,expected", [
    ("projektansvarig", True),
    ("stadsdelsutvecklare på Telge Bostäder", True),
    ("ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping", True),
    ("Det blev en lång dag med många goda samtal, och vi gick hem med nya idéer och tankar.", False),
    ("Vi ses. Hej då.", False),
    ("verksamhetsledare, BIS.", True),
    ("Foto: Shutterstock", False),
    ("Få nya inlägg i din inkorg", False),
    ("7 oktober 2019", False),
    ("utvecklingsledare på Hyresgästföreningen region Västra Sverige och ledamot i styrgruppen för "
     "Allmännyttans innovationslabb, med ansvar för de boendes delaktighet i Rannebergen och Lina Hage", True),
    ("x" * 201, False),
])
def test_role_lines(text, expected):
    assert looks_like_role(text) is expected


def test_a_credit_between_the_date_line_and_the_title_is_skipped():
    found = post_of(["Start", "6 mars 2019", "Foto: Shutterstock", "Alla labb på plats", *BODY, "Anna Kanervo",
                     "projektansvarig"])
    assert (found["title"], found["body"], found["author"]) == ("Alla labb på plats", BODY, "Anna Kanervo")


def test_a_byline_between_the_title_and_the_date_line_is_neither_title_nor_body():
    html = "<p>Start</p><h1>Alla labb på plats</h1><p>Av Anna Kanervo</p><p>6 mars 2019</p>" + paragraphs(BODY)
    document, layout = layout_of([], lambda _: html)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"
    assert [document.lines[j].text for j in layout.frame.body] == BODY


@pytest.mark.parametrize("byline", ["Av Redaktionen och Anna Kanervo", "Av Johanna Lindqvist och Henrik Dahlberg",
                                    "By Anna Kanervo, Martin Kesenci & Karin Sjöberg",
                                    "av Redaktionen | publicerat i: Dagbok | 0"])
def test_a_byline_of_several_accounts_or_over_a_meta_row_is_neither_title_nor_body(byline):
    # PublishPress Authors, Molongui and Co-Authors Plus list every account that wrote the post;
    # Virtue's byline heads a meta row with no date
    html = f"<p>Start</p><h1>Alla labb på plats</h1><p>{byline}</p><p>6 mars 2019</p>" + paragraphs(BODY)
    document, layout = layout_of([], lambda _: html)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"
    assert [document.lines[j].text for j in layout.frame.body] == BODY


def test_a_sentence_that_starts_with_av_and_names_is_text():
    line = "Av Boden, Göteborg och Norrköping har vi lärt oss mest om samarbete."
    html = "<p>Start</p><h1>Alla labb på plats</h1><p>6 mars 2019</p>" + paragraphs([line, *BODY])
    document, layout = layout_of([], lambda _: html)
    assert [document.lines[j].text for j in layout.frame.body] == [line, *BODY]


@pytest.mark.parametrize("contact", ["anna.kanervo@sverigesallmannytta.se", "Tel. 08-406 55 00",
                                     "E-post: anna.kanervo@sverigesallmannytta.se"])
def test_an_email_or_phone_line_after_the_signature_is_skipped(contact):
    found = post_of(page(signature=("Anna Kanervo", "projektansvarig", contact)))
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


def test_a_generic_page_title_does_not_make_a_category_label_the_title():
    head = "<title>allmännyttan.se - Dagbok</title>"
    html = "<p>Start</p><p>Dagbok</p><p>6 mars 2019</p><h1>Alla labb på plats</h1>" + paragraphs(BODY)
    document, layout = layout_of([], lambda _: html, head)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"


def test_a_logo_line_naming_the_site_twice_is_not_the_title():
    html = ("<h1>Allmännyttan.se – Sveriges Allmännytta</h1><p>6 mars 2019</p><p>Alla labb på plats</p>"
            + paragraphs(BODY))
    document, layout = layout_of([], lambda _: html)
    assert document.lines[layout.frame.title].text == "Alla labb på plats"


@pytest.mark.parametrize("shown", ["29-04-2019", "29. april 2019"])
def test_a_date_line_in_another_form_is_read_by_the_slow_path_when_no_line_matches(shown):
    found = post_of(["Start", shown, "Alla labb på plats", *BODY, "Anna Kanervo", "projektansvarig"])
    assert found["published"] == date(2019, 4, 29)
    assert found["title"] == "Alla labb på plats"


def test_a_label_run_into_the_date_line_still_makes_a_date_line():
    teaser = ["Dagbok 7 oktober 2019", *TEASER[1:]]
    found = post_of(page(subscribe=False, teasers=(teaser,)))
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


def test_a_teaser_whose_date_cannot_be_read_still_ends_the_post():
    excerpt = (TEASER[2] * 2)[:250].rstrip() + "..."  # the site's excerpt form: 250 characters and `...`
    teaser = ["Dagbok, vecka 41", TEASER[1], excerpt, *TEASER[3:]]
    found = post_of(page(subscribe=False, teasers=(teaser,)))
    assert (found["author"], found["role"], found["body"]) == ("Anna Kanervo", "projektansvarig", BODY)


# --- The date wherever a theme prints it, and only the post's own ------------------------------

COMMENTS = ["2 svar på ”Alla labb på plats”", "Sven Svensson skriver:", "30 april 2019 kl. 10:15", "Bra skrivet!",
            "Svara", "Lämna ett svar", "Din e-postadress kommer inte publiceras."]


def _headed(*lines: str, title: str = "Alla labb på plats") -> str:
    return f"<h1>{escape(title)}</h1>" + paragraphs(list(lines))


@pytest.mark.parametrize("shown", ["Publicerad 6 mars 2019", "Publicerad 6 mars 2019Av Redaktionen",
                                   "Published March 6, 2019By Redaktionen", "måndagen den 6 mars 2019",
                                   "Postat den 6 mars 2019 i Dagbok", "6 mars 2019",
                                   "Detta inlägg publicerades i Dagbok den 6 mars 2019 av Redaktionen.",
                                   "This entry was posted in Dagbok on March 6, 2019 by admin.",
                                   "Redaktionen / 6 mars 2019 9 mars 2019", "av Redaktionen | mar 6, 2019 | Dagbok"])
def test_date_in_footer_after_content_is_read(shown):
    html = (_headed(*BODY, "Anna Kanervo", "projektansvarig") + f"<footer><span>{escape(shown)}</span></footer>"
            + paragraphs(["Kategoriserad som Dagbok", *COMMENTS]))
    found = post_of([], lambda _: html)
    assert (found["published"], found["title"], found["body"], found["author"]) == (
        date(2019, 3, 6), "Alla labb på plats", BODY, "Anna Kanervo")


@pytest.mark.parametrize("byline", ["Publicerad 6 mars 2019 av Redaktionen", "Publicerat den 6 mars 2019",
                                    "Postat 6 mars 2019", "Publicerad: 2019-03-06", "Posted on March 6, 2019 by admin",
                                    "Av Redaktionen | 6 mars 2019", "onsdagen den 6 mars 2019",
                                    "mars 6, 2019", "Dagbok · 6 mars 2019 · 3 min",
                                    # the account's login when it has no display name (evolve, Mesmerize)
                                    "mars 6, 2019 skrivet av sabo_webb", "sabo_webb 6 mars 2019 Dagbok 0"])
def test_a_byline_under_the_title_gives_the_date_and_is_not_body(byline):
    found = post_of(["Start", "Alla labb på plats", byline, *BODY, "Anna Kanervo", "projektansvarig"])
    assert (found["published"], found["title"], found["body"]) == (date(2019, 3, 6), "Alla labb på plats", BODY)


@pytest.mark.parametrize("style", ["<div>{}</div>", "<p>{}</p>", "<span>{}</span><br>", "<li>{}</li>"])
def test_a_meta_row_split_one_word_per_element_is_read(style):
    row = "".join(style.format(w) for w in ("Publicerad", "6 mars 2019", "i", "Dagbok", "av", "Redaktionen"))
    html = _headed() + f"<div>{row}</div>" + paragraphs(BODY + ["Anna Kanervo", "projektansvarig"])
    found = post_of([], lambda _: html)
    assert (found["published"], found["title"], found["body"]) == (date(2019, 3, 6), "Alla labb på plats", BODY)


@pytest.mark.parametrize("updated", [["Uppdaterad 9 mars 2019"], ["Uppdaterad", "9 mars 2019"],
                                     ["Senast uppdaterad: 2019-03-09"], ["Updated March 9, 2019"]])
def test_updated_date_is_not_published(updated):
    before = post_of(["Start", "Alla labb på plats", *updated, "Publicerad 6 mars 2019", *BODY])
    after = post_of(["Start", "Alla labb på plats", "Publicerad 6 mars 2019", *updated, *BODY])
    for found in (before, after):
        assert (found["published"], found["body"]) == (date(2019, 3, 6), BODY)


@pytest.mark.parametrize("row", ["Läsningstid: 3 min Uppdaterad: 9 mars 2019", "3 min läsning · Senast ändrad den 9 mars 2019",
                                 "Läsningstid: 3 min Uppdaterad: <time>9 mars 2019</time>"])
def test_a_date_right_after_an_update_word_is_an_update_mid_line(row):
    # with no class to say so: a reading time, then the update's date, under the published one
    html = _headed() + paragraphs(["Publicerad 6 mars 2019"]) + f"<div>{row}</div>" + paragraphs(BODY)
    found = post_of([], lambda _: html)
    assert (found["published"], found["body"]) == (date(2019, 3, 6), BODY)


def test_a_sentence_that_says_when_something_was_updated_stays_body():
    body = [BODY[0], "Sidan uppdaterades 9 mars 2019 med fler bilder från dagen.", BODY[1]]
    found = post_of(["Start", "Alla labb på plats", "Publicerad 6 mars 2019", *body])
    assert (found["published"], found["body"]) == (date(2019, 3, 6), body)


def test_an_update_alone_is_no_publish_date():
    found = post_of(["Start", "Alla labb på plats", "Uppdaterad 9 mars 2019", *BODY, *COMMENTS])
    assert not found or found["published"] is None


def test_updated_and_published_on_one_line_gives_the_published():
    for line in ("Uppdaterad 9 mars 2019 | Publicerad 6 mars 2019", "Publicerad 6 mars 2019 · Uppdaterad 9 mars 2019"):
        assert post_of(["Start", line, "Alla labb på plats", *BODY])["published"] == date(2019, 3, 6)


def test_comment_date_never_becomes_published():
    html = _headed(*BODY, "Anna Kanervo", "projektansvarig") + paragraphs(COMMENTS)
    found = post_of([], lambda _: html)
    assert not found or found["published"] is None


def test_previous_next_links_and_widgets_never_lend_their_dates():
    html = (_headed(*BODY) + paragraphs(["Föregående inlägg", "Ett annat inlägg", "1 mars 2019"])
            + "<aside><h2>Senaste inläggen</h2>" + paragraphs(["Ett tredje inlägg", "2 mars 2019"]) + "</aside>")
    found = post_of([], lambda _: html)
    assert not found or found["published"] is None


def test_the_posts_footer_date_wins_over_the_comments_after_it():
    html = _headed(*BODY) + paragraphs(["Publicerad 6 mars 2019", *COMMENTS])
    found = post_of([], lambda _: html)
    assert (found["published"], found["body"]) == (date(2019, 3, 6), BODY)


@pytest.mark.parametrize("shown, days", [("för två dagar sedan", 2), ("för en vecka sedan", 7), ("igår", 1),
                                         ("Publicerad för 3 dagar sedan", 3)])
def test_a_relative_date_line_resolves_against_the_capture_time(shown, days):
    html = f"<html><body>{paragraphs(['Start', shown, 'Alla labb på plats', *BODY])}</body></html>"
    fetched = datetime(2019, 3, 8, 12, 0, tzinfo=timezone.utc)
    document = parse_document(Capture(url="https://www.allmannyttan.se/p/", final_url="https://www.allmannyttan.se/p/",
                                      status=200, headers={}, body=html.encode(), fetched=fetched))
    frame = read_layers(document).layout.frame
    assert frame.published == date(2019, 3, 8) - timedelta(days=days)
    assert document.lines[frame.title].text == "Alla labb på plats"


def test_a_body_sentence_with_a_published_word_and_a_date_is_not_a_byline():
    found = post_of(["Start", "6 mars 2019", "Alla labb på plats", "Rapporten publicerades 1 mars 2019 av Boverket.",
                     *BODY])
    assert found["published"] == date(2019, 3, 6)
    assert found["body"][0] == "Rapporten publicerades 1 mars 2019 av Boverket."


def test_a_font_left_open_over_the_rest_of_the_page_makes_no_line_a_bold_title():
    html = ('<font size="4">Start<br>6 mars 2019<br><b>Alla labb på plats</b><br>'
            + "<br>".join(escape(t) for t in [*BODY, "Anna Kanervo", "projektansvarig"]))
    found = post_of([], lambda _: html)
    assert (found["title"], found["body"], found["published"]) == ("Alla labb på plats", BODY, date(2019, 3, 6))


def test_a_relative_date_on_a_wayback_capture_counts_from_the_capture_not_the_replay():
    html = f"<html><body>{paragraphs(['Start', 'igår', 'Alla labb på plats', *BODY])}</body></html>"
    url = "https://www.allmannyttan.se/p/"
    replayed = Capture(url=url, final_url=url, status=200, headers={}, body=html.encode(),
                       fetched=datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc), wayback_timestamp="20190307101500")
    assert read_layers(parse_document(replayed)).layout.frame.published == date(2019, 3, 6)


@pytest.mark.parametrize("count", ["Inga kommentarer", "3 kommentarer", "2 svar"])
def test_a_comment_count_in_the_meta_row_under_the_title_does_not_end_the_post(count):
    found = post_of(["Start", "Alla labb på plats", "Publicerad 6 mars 2019", count, *BODY, "Anna Kanervo",
                     "projektansvarig"])
    assert (found["published"], found["body"], found["author"]) == (date(2019, 3, 6), BODY, "Anna Kanervo")


def test_a_date_after_the_header_that_holds_the_title_and_a_lead_dates_the_post():
    # Koji and Twenty Twenty print the manual excerpt under the title in the post's header, then
    # the meta row (`Publicerat i Dagbok` / the date / `Lämna en kommentar`) between it and the text
    lead = "Ett halvår in i arbetet: om smarta mål och om att våga misslyckas."
    meta = ('<ul><li>Publicerat i <a href="/category/dagbok/">Dagbok</a></li><li>6 mars 2019</li>'
            '<li><a href="#respond">Lämna en kommentar</a></li></ul>')
    html = (f"<p>Start</p><article><header><h1>Alla labb på plats</h1><div><p>{lead}</p></div></header>{meta}"
            f"<div>{paragraphs(BODY)}</div></article>")
    found = post_of([], lambda _: html)
    assert (found["published"], found["title"], found["body"]) == (date(2019, 3, 6), "Alla labb på plats",
                                                                   [lead, *BODY])


RELATED = ('<div><div><span>Relaterade inlägg</span></div><p><a href="/sa-valdes-de-fyra-labben/">Så valdes de fyra '
           'labben</a></p><p><a href="/forsta-workshopen-i-rannebergen/">Första workshopen i Rannebergen</a></p></div>')
MORE = ["I januari träffas alla fyra labben för en gemensam workshop om målen för våren.",
        "Vi berättar mer här i dagboken när workshopen är genomförd och målen är satta."]


def test_links_to_other_posts_between_the_paragraphs_are_not_the_texts_end():
    # Publisher and JNews put a `Relaterade inlägg` / `Läs också` box inside the text
    html = ("<p>Start</p><article><h1>Alla labb på plats</h1><p>6 mars 2019</p><div>" + paragraphs(BODY) + RELATED
            + paragraphs([*MORE, "Anna Kanervo", "projektansvarig"]) + "</div></article>")
    found = post_of([], lambda _: html)
    assert (found["body"], found["author"]) == ([*BODY, *MORE], "Anna Kanervo")


def test_links_to_other_posts_after_the_texts_element_end_it():
    about = "Här samlar vi allt som de fyra labben har berättat om sitt arbete sedan starten hösten 2018."
    html = ("<p>Start</p><article><h1>Alla labb på plats</h1><p>6 mars 2019</p><div>" + paragraphs(BODY)
            + "</div></article><aside><h3>Från arkivet</h3>" + RELATED + f"<p>{about}</p></aside>")
    found = post_of([], lambda _: html)
    assert found["body"] == BODY
