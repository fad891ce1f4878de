"""Page kinds from the URL (docs/site.md, "URLs") and, for fetched pages, from what the page shows."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from scraper.classify import classify
from scraper.crawl import PROTECTED, read_page
from scraper.extract import parse_document
from scraper.names import PageKind, Source
from scraper.records import Candidate, Capture, PageResult

SITE = "https://www.allmannyttan.se/"
MARKUPS = Path(__file__).parent / "markups"


def document_of(html: str | bytes, url: str):
    body = html.encode() if isinstance(html, str) else html
    return parse_document(Capture(url=url, final_url=url, status=200, headers={}, body=body,
                                  fetched=datetime.now(timezone.utc)))


@pytest.mark.parametrize("url,kind", [
    ("https://www.allmannyttan.se/vilken-resa-vi-gor/embed/", PageKind.EMBED),
    ("https://www.allmannyttan.se/vilken-resa-vi-gor/embed", PageKind.EMBED),
    ("https://www.allmannyttan.se/vad-vi-gor/innovationslabbet-i-boden/", PageKind.LAB),
    ("https://www.allmannyttan.se/vad-vi-gor/innovationslabbet-i-sodertalje/", PageKind.LAB),
    ("https://www.allmannyttan.se/innovationslabb/", PageKind.PROGRAMME),
    ("https://www.allmannyttan.se/innovationslabb/om-programmet/", PageKind.PROGRAMME),
    ("https://www.allmannyttan.se/wp-json/wp/v2/posts?per_page=100&page=2", PageKind.LISTING),
    ("https://www.allmannyttan.se/feed/", PageKind.LISTING),
    ("https://www.allmannyttan.se/feed/?paged=2", PageKind.LISTING),
    ("https://www.allmannyttan.se/wp-sitemap.xml", PageKind.LISTING),
    ("https://www.allmannyttan.se/sitemap_index.xml", PageKind.LISTING),
    ("https://www.allmannyttan.se/wp-sitemap-posts-post-1.xml", PageKind.LISTING),
    ("https://www.allmannyttan.se/robots.txt", PageKind.LISTING),
    ("https://www.allmannyttan.se/vilken-resa-vi-gor/", PageKind.POST),
    ("https://www.allmannyttan.se/nu_galler_det_att_anvanda_tiden_ratt/", PageKind.POST),
    ("https://www.allmannyttan.se/feedback-fran-boende-i-sitemap-veckan/", PageKind.POST),
    ("https://www.allmannyttan.se/vilken-resa-vi-gor/feed/", PageKind.LISTING),
    ("https://www.allmannyttan.se/sitemap.xml.gz", PageKind.LISTING),
    ("https://allmannyttan.se/vilken-resa-vi-gor/", PageKind.POST),
    ("https://www.allmannyttan.se/?p=1843", PageKind.POST),
    ("https://www.allmannyttan.se/", PageKind.OTHER),
    ("https://www.allmannyttan.se/vad-vi-gor/", PageKind.POST),  # one segment: maybe a post until fetched
    ("https://www.allmannyttan.se/category/dagbok/", PageKind.OTHER),
    ("https://example.org/vilken-resa-vi-gor/", PageKind.OTHER),
])
def test_kind_from_the_url_alone(url, kind):
    assert classify(url, site=SITE) == kind


@pytest.mark.parametrize("name", ["seed-wordpress-editor", "seed-divs", "seed-legacy-cp1252", "seed-flat-no-teasers",
                                  "seed-footer-date", "seed-split-meta", "seed-english-byline",
                                  "seed-weekday-after-body"])
def test_a_page_showing_a_dated_post_is_a_post_in_any_markup(name):
    url = SITE + "vilken-resa-vi-gor/"
    assert classify(url, site=SITE, document=document_of((MARKUPS / f"{name}.html").read_bytes(), url)) == PageKind.POST


TEASER = ("<div>7 oktober 2019</div><h3>En egen kväll för tjejer</h3><p>Mötesplatsen i Lina Hage arrangerade "
          "nyligen en egen kväll...</p><div>Martin Kesenci</div><div>stadsdelsutvecklare på Telge Bostäder</div>")
# What a fetched page shows decides its kind, except where its URL already says (an embed view, a lab page).
SHOWN_PAGES = {
    "a root page without a date line is other": (
        "kontakt/", "<html><head><title>Kontakt – Allmännyttan</title></head><body><h1>Kontakt</h1>"
                    "<p>Ring oss på 08-406 55 00.</p></body></html>", PageKind.OTHER),
    "a page of teasers only is not a post": ("aktuellt/", f"<html><body>{TEASER * 3}</body></html>", PageKind.OTHER),
    "article metadata makes a page a post even without a date line": (
        "alla-labb-pa-plats/", '<html><head><meta property="og:type" content="article"></head><body>'
                               "<h1>Alla labb på plats</h1><p>Text.</p></body></html>", PageKind.POST),
    "an embed view stays an embed whatever it shows": (
        "vilken-resa-vi-gor/embed/", (MARKUPS / "seed-divs.html").read_bytes(), PageKind.EMBED),
    "a lab page with teasers is a lab page": (
        "vad-vi-gor/innovationslabbet-i-boden/", (MARKUPS / "seed-divs.html").read_bytes(), PageKind.LAB),
}


@pytest.mark.parametrize("path, html, kind", SHOWN_PAGES.values(), ids=SHOWN_PAGES)
def test_a_fetched_page_is_the_kind_it_shows(path, html, kind):
    url = SITE + path
    assert classify(url, site=SITE, document=document_of(html, url)) == kind


# --- what an article looks like when it cannot be read as a post ------------------------------

RUNNING = ("Under våren har vi träffat hyresgäster i alla fyra labben och frågat vad de saknar i sina "
           "bostadsområden och vad de själva vill göra.")
FOOTER = ("Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se. Sveriges Allmännytta är "
          "bransch- och intresseorganisation för drygt 300 allmännyttiga bostadsföretag över hela landet.")


def page(main: str, *, footer: str = f"<footer><p>{FOOTER}</p><p>{FOOTER}</p></footer>") -> str:
    return f"<html><head><title>Sida</title></head><body><main>{main}</main>{footer}</body></html>"


@pytest.mark.parametrize("html, article", [
    (page("<h1>Vad hyresgästerna vill</h1>" + f"<p>{RUNNING}</p>" * 3), True),
    (page(f"<h1>Vad hyresgästerna vill</h1><div>{RUNNING}</div><div>{RUNNING}</div><div>{RUNNING}</div>",
          footer=""), True),
    # a contact page: two short lines of its own; the long lines are the site's footer
    (page("<h1>Kontakt</h1><p>Frågor om allmännyttan.se? Skriv till info@sverigesallmannytta.se.</p>"
          "<p>Box 474, 101 29 Stockholm</p>"), False),
    (page(f"<h1>Kort</h1><p>{RUNNING}</p><p>{RUNNING}</p>"), False),  # two paragraphs are not yet an article
])
def test_an_article_is_a_title_and_running_text_outside_the_frame(html, article):
    from scraper.classify import looks_like_article

    document = document_of(html, SITE + "sida/")
    assert looks_like_article(document) is article


def test_teaser_excerpts_are_not_the_pages_own_running_text():
    from scraper.classify import looks_like_article

    excerpts = [RUNNING[:-1] + f" {n}..." for n in range(3)]
    document = document_of(page("<h1>Start</h1>" + "".join(f"<p>{text}</p>" for text in excerpts)), SITE + "start/")
    assert looks_like_article(document)
    assert not looks_like_article(document, besides=excerpts)


# --- WordPress's own pages at a post's address -----------------------------------------------

def wordpress_page(*, body_class: str = "", head: str = "", main: str = "") -> str:
    main = main or "<h1>Om allmännyttan</h1>" + f"<p>{RUNNING}</p>" * 4
    return f'<html><head><title>Sida</title>{head}</head><body class="{body_class}"><main>{main}</main></body></html>'


EVENT_PAGE = ("<h1>Slutkonferens</h1><p>onsdag 18 mars 2020</p><p>Plats: Münchenbryggeriet, Stockholm</p>"
              + f"<p>{RUNNING}</p>" * 4)


@pytest.mark.parametrize("html, listed_as_page, error", [
    # a page a diary post's address could hold, long text and no date: an undated post is named ...
    (wordpress_page(), False, "no date found"),
    # ... but WordPress says which of its pages it shows: its body class, or its shortlink ...
    (wordpress_page(body_class="page-template-default page page-id-31"), False, None),
    (wordpress_page(head="<link rel='shortlink' href='https://www.allmannyttan.se/?page_id=31' />"), False, None),
    # ... or, in a theme that prints neither, its sitemap of pages
    (wordpress_page(), True, None),
    # an event page marked so is never stored as a post, though it shows a date over a line
    (wordpress_page(body_class="page page-id-311", main=EVENT_PAGE), False, None),
    (wordpress_page(main=EVENT_PAGE), True, None),
])
def test_one_of_wordpress_s_pages_is_never_a_post_nor_an_undated_one(html, listed_as_page, error, labs):
    """A crawl that reaches `/om-oss/` or `/personuppgifter/` (long text, no date) failed it as a post it
    could not read, so every scheduled run would exit 1; an event page was stored as a post."""
    url = SITE + "om-allmannyttan/"
    candidate = Candidate(url, Source.SITEMAP, listed_as_page=listed_as_page)
    result = read_page(PageResult(url, PageKind.OTHER, Source.SITEMAP, capture=capture_of(html, url),
                                  candidate=candidate), SITE, labs)
    assert (result.kind, result.post) == (PageKind.OTHER, None)
    if error is None:
        assert result.error is None
    else:
        assert error in result.error


def test_an_event_page_is_a_post_when_only_its_address_says_otherwise(labs):
    """The guard of the rule above: unmarked and in no sitemap of pages, a dated page is a post."""
    url = SITE + "om-allmannyttan/"
    result = read_page(PageResult(url, PageKind.POST, Source.LINKS, capture=capture_of(wordpress_page(
        main=EVENT_PAGE), url)), SITE, labs)
    assert (result.kind, result.post.published.isoformat()) == (PageKind.POST, "2020-03-18")


def test_a_page_the_rest_api_lists_as_a_post_is_a_post_whatever_a_sitemap_says(labs):
    url = SITE + "om-allmannyttan/"
    candidate = Candidate(url, Source.API, published=date(2020, 3, 18), title="Om allmännyttan",
                          listed_as_page=True)
    result = read_page(PageResult(url, PageKind.POST, Source.API, capture=capture_of(wordpress_page(), url),
                                  candidate=candidate), SITE, labs)
    assert (result.kind, result.error, result.post.title) == (PageKind.POST, None, "Om allmännyttan")


def capture_of(html: str, url: str) -> Capture:
    return Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                   body=html.encode(), fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))


def test_a_post_whose_last_paragraph_ends_like_a_site_excerpt_is_a_post(labs):
    """A post of a few paragraphs whose last one is about 250 characters and ends with `...`, signed:
    in the site's own teaser form but for its length, it was read as a teaser of itself, and the
    page failed as a post with no date of its own."""
    last = (RUNNING * 2)[:247].rstrip() + "..."
    html = ("<html><head><title>Vad gör man när ingen kommer?</title></head><body><div>20 mars 2019</div>"
            f"<div>Vad gör man när ingen kommer?</div><div>{RUNNING * 2}</div><div>{RUNNING * 2}</div><div>{last}</div>"
            "<div>Sara Holmberg</div><div>projektledare på Portalen</div><div>Få nya inlägg i din inkorg</div>"
            f"<div>{FOOTER}</div></body></html>")
    url = SITE + "vad-gor-man-nar-ingen-kommer/"
    result = read_page(PageResult(url, PageKind.OTHER, Source.LINKS, capture=capture_of(html, url)), SITE, labs)
    assert (result.kind, result.error) == (PageKind.POST, None)
    assert (result.post.author, result.post.body.split("\n\n")[-1]) == ("Sara Holmberg", last)


def test_a_password_protected_post_is_named_and_its_prompt_never_read_as_its_text(labs):
    """WordPress shows a protected post's title and date over a password form: the prompt was read
    as the post's text and stored as a new version of it."""

    html = ("<html><head><title>Lösenordsskyddat: Intervjuer i Lina Hage – Allmännyttan</title></head><body>"
            "<article><div>21 november 2018</div><h1>Lösenordsskyddat: Intervjuer i Lina Hage</h1>"
            f'<form action="{SITE}wp-login.php?action=postpass" class="post-password-form" method="post">'
            "<p>Detta innehåll är lösenordsskyddat. För att se det, vänligen ange ditt lösenord nedan:</p>"
            '<p><label>Lösenord: <input name="post_password" type="password"></label>'
            '<input type="submit" value="Skicka"></p></form></article></body></html>')
    url = SITE + "intervjuer-i-lina-hage/"
    result = read_page(PageResult(url, PageKind.POST, Source.SITEMAP, capture=capture_of(html, url)), SITE, labs)
    assert result.error is not None and result.error.startswith(PROTECTED)
    assert result.post is None
