"""Teasers are records of their own and never lend anything to the page they sit on."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

import pytest

from scraper.extract import extract_post, extract_teasers, parse_document
from scraper.labs import LabVocabulary
from scraper.records import Capture

MARKUPS = Path(__file__).parent / "markups"
EXPECTED = json.loads((MARKUPS / "seed-expected.json").read_text(encoding="utf-8"))
SEED_PAGES = ["seed-wordpress-editor", "seed-divs", "seed-legacy-cp1252", "seed-split-meta", "seed-english-byline",
              "seed-weekday-after-body"]
URL = "https://www.allmannyttan.se/vilken-resa-vi-gor/"
TEASER = ["11 oktober 2019", "Integrationskör i behov av framtidsfinansiering",
          "Integrationskören The Rockin’ Pots – med ursprung i Östersund – har nu startats i flera orter, bland "
          "annat i Boden i samarbete med BIS. Idag hade vi ett videomöte där vi spånade idéer kring hur...",
          "Anna Kanervo", "projektansvarig för Allmännyttans innovationslabb"]


def document_of(body: bytes | str):
    data = body.encode() if isinstance(body, str) else body
    return parse_document(Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html"},
                                  body=data, fetched=datetime(2019, 11, 1, tzinfo=timezone.utc)))


def lines_page(lines: list[str], links: dict[str, str] | None = None) -> str:
    links = links or {}
    cells = [f'<a href="{links[t]}">{escape(t)}</a>' if t in links else escape(t) for t in lines]
    return "<html><body>" + "".join(f"<div>{c}</div>" for c in cells) + "</body></html>"


@pytest.mark.parametrize("name", SEED_PAGES)
def test_teasers_of_the_seed_page_are_read_in_every_markup(name):
    teasers = extract_teasers(document_of((MARKUPS / f"{name}.html").read_bytes()))
    assert [
        {"url": t.url, "published": t.published.isoformat(), "title": t.title, "excerpt": t.excerpt,
         "author": t.author, "role": t.role} for t in teasers
    ] == EXPECTED["teasers"]


def test_a_page_without_teasers_has_none():
    assert extract_teasers(document_of((MARKUPS / "seed-flat-no-teasers.html").read_bytes())) == []


def test_teaser_never_lends_its_author_to_the_host():
    host = ["29 april 2019", "Vilken resa vi gör!", "Ett kort inlägg utan signatur, men med en hel mening."]
    post = extract_post(document_of(lines_page(host + TEASER)), labs=LabVocabulary.load())
    assert (post.author, post.role) == (None, None)
    assert post.body == host[2]


def test_teaser_never_lends_its_date_or_title_to_a_host_without_a_date_line():
    html = ("<html><head><title>Vilken resa vi gör! – Allmännyttan</title></head><body>"
            "<h1>Vilken resa vi gör!</h1><p>Text utan datumrad.</p>" + lines_page(TEASER)[12:])
    post = extract_post(document_of(html), labs=LabVocabulary.load())
    assert post.published is None
    assert post.title == "Vilken resa vi gör!"
    assert post.author is None


def test_the_host_post_is_never_one_of_the_teasers():
    host = ["29 april 2019", "Vilken resa vi gör!", "En text som slutar som ett utdrag...", "Anna Kanervo",
            "projektansvarig"]
    teasers = extract_teasers(document_of(lines_page(host + TEASER)))
    assert [t.title for t in teasers] == [TEASER[1]]


def test_a_short_posts_teaser_without_ellipsis_is_read():
    short = ["3 oktober 2019", "Kort och gott", "Idag var vi i Boden.", "Anna Kanervo", "projektansvarig"]
    host = ["29 april 2019", "Vilken resa vi gör!", "Brödtext här.", "Anna Kanervo", "projektansvarig"]
    teasers = extract_teasers(document_of(lines_page(host + ["Följ oss på Instagram"] + short + TEASER)))
    assert [(t.title, t.excerpt, t.author) for t in teasers] == [
        ("Kort och gott", "Idag var vi i Boden.", "Anna Kanervo"), (TEASER[1], TEASER[2], TEASER[3])]


def test_a_teaser_without_a_signature_has_no_author():
    host = ["29 april 2019", "Vilken resa vi gör!", "Brödtext här.", "Få nya inlägg i din inkorg"]
    teasers = extract_teasers(document_of(lines_page(host + TEASER[:3] + TEASER)))
    assert [(t.author, t.role) for t in teasers] == [(None, None), (TEASER[3], TEASER[4])]


def test_a_teaser_with_its_title_before_the_date_is_read():
    teaser = [TEASER[1], TEASER[0], *TEASER[2:]]
    host = ["Vilken resa vi gör!", "29 april 2019", "Brödtext här.", "Anna Kanervo", "projektansvarig"]
    teasers = extract_teasers(document_of(lines_page(host + teaser)))
    assert [(t.title, t.published, t.author) for t in teasers] == [(TEASER[1], date(2019, 10, 11), "Anna Kanervo")]


def test_teaser_link_is_the_title_anchor_made_absolute():
    host = ["29 april 2019", "Vilken resa vi gör!", "Brödtext här.", "Följ oss på Instagram"]
    html = lines_page(host + TEASER, links={TEASER[1]: "/integrationskor/#kommentarer", TEASER[3]: "/author/anna/"})
    assert extract_teasers(document_of(html))[0].url == "https://www.allmannyttan.se/integrationskor/"


def test_a_read_more_link_gives_the_teaser_its_url_and_is_not_in_the_excerpt():
    host = ["29 april 2019", "Vilken resa vi gör!", "Brödtext här.", "Följ oss på Instagram"]
    teaser = TEASER[:3] + ["Läs mer"] + TEASER[3:]
    html = lines_page(host + teaser, links={"Läs mer": "https://www.allmannyttan.se/integrationskor/"})
    found = extract_teasers(document_of(html))[0]
    assert found.url == "https://www.allmannyttan.se/integrationskor/"
    assert (found.excerpt, found.author) == (TEASER[2], TEASER[3])


def test_teasers_in_cards_wrapped_in_links_and_in_a_block_themes_query_loop():
    cards = extract_teasers(document_of((MARKUPS / "card-grid.html").read_bytes()))
    assert [(t.url, t.published, t.author) for t in cards] == [
        ("https://www.allmannyttan.se/tio-minuter-om-livet-och-arbetslivet/", date(2019, 10, 7), "Anna Kanervo"),
        ("https://www.allmannyttan.se/nu_galler_det_att_anvanda_tiden_ratt/", date(2019, 10, 3), "Anna Kanervo")]
    loop = extract_teasers(document_of((MARKUPS / "block-theme.html").read_bytes()))
    assert [(t.title, t.excerpt.split()[-1], t.role) for t in loop] == [
        ("Integrationskör i behov av framtidsfinansiering", "stödet...", "projektansvarig för Allmännyttans innovationslabb"),
        ("En egen kväll för tjejer", "v...", "stadsdelsutvecklare på Telge Bostäder")]


def test_every_teaser_on_a_page_that_is_not_a_post_is_read():
    html = lines_page(["Innovationslabbet i Boden", "Om labbet.", *TEASER, *TEASER])
    for url, count in (("https://www.allmannyttan.se/vad-vi-gor/innovationslabbet-i-boden/", 2),
                       ("https://www.allmannyttan.se/", 2), (URL, 1)):
        document = parse_document(Capture(url=url, final_url=url, status=200, headers={}, body=html.encode(),
                                          fetched=datetime(2019, 11, 1, tzinfo=timezone.utc)))
        assert len(extract_teasers(document)) == count


def test_the_latest_posts_blocks_dates_are_their_titles():
    # WordPress's Latest Posts block prints each title's link and its `<time>` with nothing between
    # them (a stylesheet shows the date below the title): the line ran `…tiden18 december 2019`, its
    # excerpt was read as a title, and each title took the next item's date
    items = [("tack-for-den-har-tiden", "Tack för den här tiden", "2019-12-18", "18 december 2019"),
             ("bis-tar-over-stafettpinnen-i-boden", "BIS tar över stafettpinnen i Boden", "2019-11-27",
              "27 november 2019"),
             ("fyra-labb-manga-lardomar", "Fyra labb, många lärdomar", "2019-11-13", "13 november 2019")]
    block = "".join(f'<li><a href="/{slug}/">{title}</a><time datetime="{iso}">{shown}</time>'
                    f'<div>Ett utdrag ur inlägget som fortsätter en bit till &hellip; <a href="/{slug}/">Läs mer</a>'
                    "</div></li>" for slug, title, iso, shown in items)
    page = f"<html><body><h1>Innovationslabb</h1><h2>Senaste från dagboken</h2><ul>{block}</ul></body></html>"
    teasers = extract_teasers(document_of(page), is_post=False)
    assert [(t.title, t.published) for t in teasers] == [(title, date.fromisoformat(iso))
                                                          for _, title, iso, _ in items]


def test_a_card_dated_under_its_comment_count_is_read():
    # Enfold's blog grid: title, excerpt, `Läs mer`, then a footer of a comment count, a separator
    # and the date: the separator stopped the walk up to the title, and no card was read
    cards = "".join(
        f'<article><h3><a href="/{slug}/">{title}</a></h3><div>Ett utdrag ur inlägget som fortsätter…</div>'
        f'<div><a href="/{slug}/">Läs mer</a></div><footer><div><a href="/{slug}/#respond">0 Kommentarer</a></div>'
        f"<div>/</div><div><time>{shown}</time></div></footer></article>"
        for slug, title, shown in (("vad-hande-sedan", "Vad hände sedan?", "22 januari 2020"),
                                   ("tack-for-den-har-tiden", "Tack för den här tiden", "18 december 2019")))
    page = f"<html><body><h1>Innovationslabbet i Södertälje</h1><h2>Senaste från labbet</h2>{cards}</body></html>"
    teasers = extract_teasers(document_of(page), is_post=False)
    assert [(t.title, t.published) for t in teasers] == [("Vad hände sedan?", date(2020, 1, 22)),
                                                          ("Tack för den här tiden", date(2019, 12, 18))]
