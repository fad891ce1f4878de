"""Merging the layers into a Post: field priorities, recorded layers, disagreements."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

import pytest

from scraper.extract import derive_excerpt, extract_post, parse_document
from scraper.extract.lines import line_facts
from scraper.labs import LabVocabulary
from scraper.names import Layer
from scraper.records import Capture, Disagreement
from scraper.sample_site.content import POST_FIELDS, fields_of

MARKUPS = Path(__file__).parent / "markups"
EXPECTED = json.loads((MARKUPS / "seed-expected.json").read_text(encoding="utf-8"))
SEED_PAGES = ["seed-wordpress-editor", "seed-divs", "seed-legacy-cp1252", "seed-flat-no-teasers",
              # the date in other places: after the text, a meta row of one word per element, a byline
              "seed-footer-date", "seed-split-meta", "seed-english-byline", "seed-weekday-after-body"]
URL = "https://www.allmannyttan.se/vilken-resa-vi-gor/"
BODY = ["Idag samlades alla fyra labben i Stockholm för att dela erfarenheter från hösten.",
        "Det blev en lång dag med många goda samtal, och vi gick hem med nya idéer."]


def extract(body: bytes | str, labs: LabVocabulary, *, content_type: str = "text/html; charset=utf-8", url: str = URL):
    data = body.encode() if isinstance(body, str) else body
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": content_type}, body=data,
                      fetched=datetime(2019, 11, 1, tzinfo=timezone.utc))
    return extract_post(parse_document(capture), labs=labs)


def html(head: str = "", lines: list[str] = (), tail: str = "") -> str:
    return (f"<html><head>{head}</head><body>" + "".join(f"<p>{escape(t)}</p>" for t in lines)
            + f"{tail}</body></html>")


POST = ["6 mars 2019", "Alla labb på plats", *BODY, "Anna Kanervo", "projektansvarig", "Följ oss på Instagram"]


@pytest.mark.parametrize("name", SEED_PAGES)
def test_the_seed_page_is_exact_in_every_markup_of_our_own(name, labs):
    post = extract((MARKUPS / f"{name}.html").read_bytes(), labs)
    expected = {k: v for k, v in EXPECTED.items() if k != "teasers"}
    assert fields_of(post) == expected


def test_a_cp1252_legacy_page_is_exact_whatever_its_header_says(labs):
    body = (MARKUPS / "seed-legacy-cp1252.html").read_bytes()
    for content_type in ("text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"):
        assert fields_of(extract(body, labs, content_type=content_type))["body"] == EXPECTED["body"]


def test_jsonld_editor_is_never_the_author_and_is_listed_as_a_disagreement(labs):
    post = extract((MARKUPS / "seed-wordpress-editor.html").read_bytes(), labs)
    assert post.author == "Anna Kanervo"
    assert post.layers["author"] == Layer.LAYOUT
    assert Disagreement(field="author", layer=Layer.JSONLD, value="Redaktionen") in post.disagreements


def test_og_title_with_site_suffix_is_cleaned_and_credited_when_the_page_shows_it(labs):
    head = '<meta property="og:title" content="Alla labb på plats | Allmännyttan">'
    post = extract(html(head, POST), labs)
    assert post.title == "Alla labb på plats"
    assert post.layers["title"] == Layer.OPENGRAPH


def test_the_shown_title_wins_over_a_structured_title_the_page_does_not_show(labs):
    head = '<script type="application/ld+json">{"@type": "Article", "headline": "Alla labb på plats (SEO)"}</script>'
    post = extract(html(head, POST), labs)
    assert post.title == "Alla labb på plats"
    assert post.layers["title"] == Layer.LAYOUT
    assert Disagreement(field="title", layer=Layer.JSONLD, value="Alla labb på plats (SEO)") in post.disagreements


def test_title_is_never_the_site_name(labs):
    post = extract(html("<title>Allmännyttan</title>", ["Allmännyttan", *POST]), labs)
    assert post.title == "Alla labb på plats"
    assert extract(html("<title>Allmännyttan</title>", ["Ingen datumrad här."]), labs).title is None


def test_title_from_the_title_element_when_nothing_else_names_it(labs):
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", BODY), labs)
    assert post.title == "Alla labb på plats"
    assert post.layers["title"] == Layer.OPENGRAPH


def test_the_visible_date_wins_over_a_structured_modified_date(labs):
    head = ('<meta property="article:published_time" content="2019-10-15T12:00:00+00:00">'
            '<script type="application/ld+json">{"@type": "Article", "datePublished": "2019-10-15"}</script>')
    post = extract(html(head, POST), labs)
    assert post.published == date(2019, 3, 6)
    assert post.layers["published"] == Layer.LAYOUT
    assert {(d.layer, d.value) for d in post.disagreements if d.field == "published"} == {
        (Layer.OPENGRAPH, "2019-10-15"), (Layer.JSONLD, "2019-10-15")}


def test_a_utc_timestamp_never_shifts_the_date_when_no_date_line_is_shown(labs):
    head = '<meta property="article:published_time" content="2019-03-05T23:30:00Z">'
    post = extract(html(head, POST[1:]), labs)
    assert post.published == date(2019, 3, 6)
    assert post.layers["published"] == Layer.OPENGRAPH


def test_the_posts_own_time_element_is_used_not_a_teasers(labs):
    page = ('<article><h1>Alla labb på plats</h1><time datetime="2019-03-06T10:00:00+01:00"></time>'
            + "".join(f"<p>{t}</p>" for t in BODY) + "</article>"
            '<aside><time datetime="2019-10-07T10:00:00+02:00">7 oktober 2019</time><h3>En egen kväll</h3>'
            "<p>Mötesplatsen i Lina Hage arrangerade...</p></aside>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=page), labs)
    assert post.published == date(2019, 3, 6)
    assert post.layers["published"] == Layer.TIME


def test_a_byline_naming_a_person_is_the_account_that_posted_not_the_author(labs):
    page = ('<article class="hentry"><h1 class="entry-title">Alla labb på plats</h1>'
            '<span class="byline">av <span class="author vcard"><span class="fn">Lena Wikström</span></span></span>'
            '<div class="entry-content">' + "".join(f"<p>{t}</p>" for t in BODY) + "</div></article>")
    post = extract(html(tail=page), labs)
    assert (post.author, post.role) == (None, None)
    assert Disagreement(field="author", layer=Layer.WORDPRESS, value="Lena Wikström") in post.disagreements
    assert post.body == "\n\n".join(BODY)


@pytest.mark.parametrize("editor", ["Redaktionen", "admin", "wpadmin", "anna.k", "Allmännyttan"])
def test_an_editor_account_is_never_the_author(editor, labs):
    head = f'<script type="application/ld+json">{{"@type": "Article", "author": {{"name": "{editor}"}}}}</script>'
    post = extract(html(head, ["Alla labb på plats", *BODY]), labs)
    assert post.author is None


def test_a_jsonld_author_is_not_used_when_the_page_shows_no_signature(labs):
    head = '<script type="application/ld+json">{"@type": "Article", "author": {"name": "Anna Kanervo"}}</script>'
    post = extract(html(head, POST[:4] + ["Följ oss på Instagram"]), labs)
    assert (post.author, post.role) == (None, None)
    assert Disagreement(field="author", layer=Layer.JSONLD, value="Anna Kanervo") in post.disagreements


def test_body_is_the_entry_content_without_theme_furniture(labs):
    page = ('<article class="hentry"><div>6 mars 2019</div><h1 class="entry-title">Alla labb på plats</h1>'
            '<div class="entry-meta">Kategori Dagbok</div><div class="entry-content">'
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Anna Kanervo<br>projektansvarig</p></div></article>")
    post = extract(html(tail=page), labs)
    assert post.body == "\n\n".join(BODY)
    assert post.layers["body"] == Layer.WORDPRESS
    assert Disagreement(field="body", layer=Layer.LAYOUT, value="\n\n".join(["Kategori Dagbok", *BODY])) \
        in post.disagreements
    assert (post.author, post.role) == ("Anna Kanervo", "projektansvarig")


def test_excerpt_is_the_sites_teaser_form_of_the_body_never_a_wordpress_more(labs):
    long_body = [BODY[0] * 3, BODY[1]]
    head = '<meta property="og:description" content="Idag samlades alla fyra labben […]">'
    post = extract(html(head, ["6 mars 2019", "Alla labb på plats", *long_body]), labs)
    joined = " ".join(long_body)
    assert post.excerpt == joined[:250].rstrip() + "..."
    assert len(post.excerpt) <= 253


def test_a_short_body_is_its_own_excerpt_without_ellipsis():
    assert derive_excerpt("Kort.\n\nOch kort igen.") == "Kort. Och kort igen."
    assert derive_excerpt(None) is None


def test_excerpt_cut_at_a_space_is_stripped_before_the_ellipsis():
    text = "a" * 249 + " bcd"
    assert derive_excerpt(text) == "a" * 249 + "..."


def test_description_is_the_excerpt_only_when_there_is_no_body(labs):
    head = ('<meta property="og:description" content="Ett utdrag som sajten själv skrev...">'
            "<title>Alla labb på plats – Allmännyttan</title>")
    post = extract(html(head), labs)
    assert post.body is None
    assert post.excerpt == "Ett utdrag som sajten själv skrev..."
    assert post.layers["excerpt"] == Layer.OPENGRAPH


def test_url_is_the_canonical_on_our_host_else_the_final_url(labs):
    canonical = '<link rel="canonical" href="/alla-labb-pa-plats/">'
    assert extract(html(canonical, POST), labs).url == "https://www.allmannyttan.se/alla-labb-pa-plats/"
    elsewhere = '<link rel="canonical" href="https://example.org/alla-labb-pa-plats/">'
    assert extract(html(elsewhere, POST), labs).url == URL


def test_labs_come_from_title_body_and_role(labs):
    post = extract(html("", ["6 mars 2019", "Fotbollsskola i Rannebergen", *BODY, "Anna Kanervo",
                             "projektansvarig, Bostadsbolaget"]), labs)
    assert (post.lab, post.labs) == ("Göteborg", ["Göteborg"])


def test_every_found_field_names_its_layer(labs):
    post = extract(html("", POST), labs)
    assert post.layers == {name: Layer.LAYOUT for name in ("published", "title", "body", "author", "role", "excerpt")}
    assert post.disagreements == []


def test_modified_comes_from_article_meta_as_utc(labs):
    head = '<meta property="article:modified_time" content="2019-10-15T14:00:00+02:00">'
    assert extract(html(head, POST), labs).modified == datetime(2019, 10, 15, 12, tzinfo=timezone.utc)


FOTBOLL = "\n\n".join([
    "Under sommarlovet drev Vårt Rannebergen en fotbollsskola tillsammans med Bostadsbolaget och den lokala "
    "fotbollsföreningen. Över sextio barn deltog under de tre veckorna, och många av dem hade aldrig spelat i en "
    "förening tidigare.",
    "Idén kom från en workshop i mars, där föräldrar i området berättade att barnen saknade något att göra under "
    "sommaren. Den 12 juni 2019 sparkade vi i gång – och sedan dess har planen vid Fjället varit full varje förmiddag.",
    "LEDARE FRÅN OMRÅDET",
    "Ledarna var ungdomar från Rannebergen som fick feriejobb genom kommunen. Det var en viktig del av upplägget: de "
    "yngre barnen fick förebilder som bor i samma hus som de själva.",
    "”Jag vill att barnen ska känna att planen är deras.”",
    "Yusuf Ali",
    "ledare, Vårt Rannebergen",
    "Nu utvärderar vi sommaren tillsammans med föreningen, och planen är att fortsätta nästa år.",
    "På bilden, från vänster: Yusuf Ali, Sara Lind och Malin Widehammar.",
])
HAGEBY = "\n\n".join([
    "I tisdags genomförde vi en trygghetsvandring i Hageby tillsammans med boende, Hyresbostäder och polisen. Ett "
    "trettiotal personer gick runt i området under en kväll och pekade ut platser där de inte känner sig trygga.",
    "Det som kom upp mest var belysningen längs gångvägen mot Ringdansen och buskagen vid lekplatsen. Flera av de "
    "boende berättade också att de undviker parkeringen efter mörkrets inbrott.",
    "Nu sammanställer Portalen synpunkterna, och i april träffas vi igen för att bestämma vad som ska göras först.",
])


def test_a_block_theme_with_an_editor_account_quotes_captions_and_a_credit_naming_a_person(labs):
    """Yoast graph naming `webbredaktionen`, og:title with a suffix, related posts repeating the
    post's classes, a quote attribution mid-body, a caption and a credit naming people, a role with commas."""
    url = "https://www.allmannyttan.se/fotbollsskola-i-rannebergen/"
    post = extract((MARKUPS / "block-theme.html").read_bytes(), labs, url=url)
    assert fields_of(post) == {
        "url": url, "published": "2019-08-20", "title": "Fotbollsskola i Rannebergen", "author": "Malin Widehammar",
        "role": "projektledare, Bostadsbolaget, Göteborg", "lab": "Göteborg", "labs": ["Göteborg"],
        "excerpt": derive_excerpt(FOTBOLL), "body": FOTBOLL}
    assert Disagreement(field="author", layer=Layer.JSONLD, value="webbredaktionen") in post.disagreements


def test_a_card_grid_without_metadata_signature_or_subscribe_lines(labs):
    """Meaningless classes, the site name as <title> and og:title, a date inside a meta line,
    <br> paragraphs, teaser cards wrapped in links, and no signature: author stays None."""
    url = "https://www.allmannyttan.se/trygghetsvandring-i-hageby/"
    post = extract((MARKUPS / "card-grid.html").read_bytes(), labs, url=url)
    assert fields_of(post) == {
        "url": url, "published": "2019-03-06", "title": "Trygghetsvandring i Hageby", "author": None, "role": None,
        "lab": "Norrköping", "labs": ["Norrköping"], "excerpt": derive_excerpt(HAGEBY), "body": HAGEBY}


@pytest.mark.parametrize("body", [b"", b"<html></html>", bytes(range(256)), b"<p>29 april 2019<p><b>Titel<p>Text <i>utan"])
def test_broken_or_empty_pages_never_raise(body, labs):
    post = extract(body, labs)
    assert post.url == URL


def test_entry_content_never_cuts_a_paragraph_of_the_post_outside_it(labs):
    page = ('<article class="hentry"><div>6 mars 2019</div><h1 class="entry-title">Alla labb på plats</h1>'
            f'<p class="entry-summary">{BODY[0]}</p><div class="entry-content"><p>{BODY[1]}</p>'
            "<p>Anna Kanervo<br>projektansvarig</p></div></article>")
    post = extract(html(tail=page), labs)
    assert post.body == "\n\n".join(BODY)
    assert post.layers["body"] == Layer.LAYOUT


COMMENTS_HTML = ('<div><h2>2 svar på ”Alla labb på plats”</h2><ol><li><b>Sven Svensson</b> <span>skriver:</span>'
                 '<a href="#c1"><time datetime="2019-04-30T10:15:00+02:00">30 april 2019 kl. 10:15</time></a>'
                 '<p>Bra skrivet!</p></li></ol><h3>Lämna ett svar</h3></div>')


def test_a_time_element_anywhere_in_the_posts_own_article_is_read(labs):
    tail = ("<article><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + '<footer><time datetime="2019-03-06T10:00:00+01:00"></time> Kategoriserad som Dagbok</footer></article>'
            + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.TIME)


def test_comment_date_never_becomes_published(labs):
    tail = "<article><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY) + "</article>" + COMMENTS_HTML
    for head in ("<title>Alla labb på plats – Allmännyttan</title>", "<title>Allmännyttan</title>"):
        post = extract(html(head, tail=tail), labs)
        assert post.published is None
        assert all(d.value != "2019-04-30" for d in post.disagreements)
        assert post.author is None


def test_a_footer_date_and_its_time_element_agree_and_the_update_is_left_out(labs):
    tail = ("<article><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + '<footer><span>Publicerad <time class="entry-date published" datetime="2019-03-06T10:00:00+01:00">'
            '6 mars 2019</time></span> <span>Uppdaterad <time class="updated" datetime="2019-03-09T10:00:00+01:00">'
            "9 mars 2019</time></span></footer></article>" + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)
    assert not [d for d in post.disagreements if d.field == "published"]


def test_a_footer_date_past_a_related_posts_box_with_dates_is_the_posts(labs):
    # a related-posts plugin's box at the end of the content, each entry dated, stands between the
    # text and the only date of the post, in the theme's entry footer
    related = ('<div class="related"><h3>Relaterade inlägg</h3>'
               '<div><h4><a href="/nu-drar-vi-i-gang/">Nu drar vi i gång!</a></h4><div>12 september 2018</div></div>'
               '<div><h4><a href="/sa-valdes-de-fyra-labben/">Så valdes de fyra labben</a></h4>'
               "<div>26 september 2018</div></div></div>")
    tail = ("<article><h1>Alla labb på plats</h1><div class=\"content\">" + "".join(f"<p>{t}</p>" for t in BODY)
            + related + "</div><footer><span>Publicerad 6 mars 2019</span></footer></article>" + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.body) == (date(2019, 3, 6), "\n\n".join(BODY))


def test_a_footer_date_past_a_newsletter_form_in_the_content_is_the_posts(labs):
    # a newsletter plugin's form at the end of the content (`Prenumerera på vårt nyhetsbrev`, a line of
    # the subscribe box) stands between the text and the post's only date, in Twenty Twenty-One's footer
    form = ('<div class="mc4wp-form"><h3>Prenumerera på vårt nyhetsbrev</h3><form><p><label>E-postadress</label>'
            '<input type="email"></p><p><input type="submit" value="Skicka"></p></form></div>')
    tail = ("<article><h1>Alla labb på plats</h1><div class=\"content\">" + "".join(f"<p>{t}</p>" for t in BODY)
            + form + '</div><footer><span>Publicerad <time datetime="2019-03-06T10:00:00+01:00">6 mars 2019</time>'
            "</span> <span>av Redaktionen</span></footer></article>" + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.body) == (date(2019, 3, 6), "\n\n".join(BODY))


@pytest.mark.parametrize("credit", ["Bild: Shutterstock", "Bilder: Maria Ek", "Illustration: Maria Ek",
                                    "Omslagsbild: Shutterstock", "Fotografi: Maria Ek", "© Shutterstock",
                                    "(Foto: Shutterstock)", "Text och bild: Anna Kanervo", "Foto och text: Anna Kanervo"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_photo_credit_in_any_form_is_neither_body_nor_author(credit, where, labs):
    # under the text or under the signature: `Text och bild: Anna Kanervo` after the signature took the
    # author away, and the other forms stayed in the body above it
    credit_line = f"<p>{escape(credit)}</p>"
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + (credit_line if where == "before" else "") + "<p>Anna Kanervo<br>projektansvarig</p>"
            + (credit_line if where == "after" else "") + "<p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(BODY))


def test_a_photographer_named_after_the_signature_is_not_the_author(labs):
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Fotograf Maria Ek</p><p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role) == ("Anna Kanervo", "projektansvarig")


@pytest.mark.parametrize("signature", ["<p>/Anna Kanervo<br>projektansvarig</p>",
                                       "<div>/ Anna Kanervo</div><div>projektansvarig</div>",
                                       "<p>– Anna Kanervo<br>projektansvarig</p>",
                                       "<p>—Anna Kanervo</p><p>projektansvarig</p>"])
def test_a_name_signed_off_with_a_slash_or_a_dash_is_the_author(signature, labs):
    # `/Martin Kesenci` over the role, as Swedish e-mails sign off: the signature stayed in the body
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + signature + "<p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(BODY))


@pytest.mark.parametrize("sentence", ["Följ oss på Instagram där vi lägger upp bilder från varje träff i Boden "
                                      "under våren.",
                                      "Prenumerera på dagboken genom att fylla i din e-postadress längst ned på sidan, "
                                      "så missar du inget.",
                                      "Det är Sveriges Allmännytta som står bakom satsningen, och vi är stolta "
                                      "över den."])
def test_a_sentence_that_starts_like_the_sites_furniture_does_not_end_the_post(sentence, labs):
    # a post's own sentence starting with a subscribe line's or the footer's words ended the post
    # there: the rest of the text and the signature were lost
    text = [*BODY[:1], sentence, *BODY[1:]]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in text)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(text))


@pytest.mark.parametrize("sentence", ["Kommentera gärna nedan!", "Lämna en kommentar om du har frågor!",
                                      "Föregående vecka besökte vi Boden.", "Nästa inlägg kommer efter sommaren.",
                                      "Ett svar på frågan är att bygga mer tillsammans med de boende.",
                                      "Inga kommentarer behövs, resultatet talar för sig självt."])
def test_a_sentence_that_starts_like_a_comments_label_does_not_end_the_post(sentence, labs):
    # the words of a comment form's, a comment count's or a previous/next link's label, going on
    # as a sentence of the post's own: the post ended there, and the rest and the signature were lost
    text = [*BODY[:1], sentence, *BODY[1:]]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in text)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>" + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(text))


@pytest.mark.parametrize("intro", ["Sara Lind, hyresgäst i Hageby, säger:", "En av deltagarna skriver:"])
def test_a_quote_introduced_like_a_commenters_line_does_not_end_the_post(intro, labs):
    # `… säger:` over a quote read as a reader's `Sven Svensson skriver:`: the post ended there
    text = [*BODY[:1], intro, "Det här är det bästa som har hänt i området på länge, tycker jag.", *BODY[1:]]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + f"<p>{text[0]}</p><p>{text[1]}</p>"
            + f"<blockquote><p>{text[2]}</p></blockquote>" + "".join(f"<p>{t}</p>" for t in text[3:])
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>" + COMMENTS_HTML)
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(text))


@pytest.mark.parametrize("note", ["Uppdaterad 14 mars 2019: Nu har vi fått svar från kommunen och kan börja bygga.",
                                  "Uppdatering 14 mars 2019: Vi träffades i Boden för att planera nästa steg.",
                                  "Uppdaterat 2019-03-14 – mötet är flyttat till Folkets hus."])
def test_an_editors_update_note_is_text_and_its_date_is_not_the_posts(note, labs):
    # an update word and a date, then a sentence: the whole note was dropped as an update's date line
    # (`Uppdatering`, not an update word then, was a date line that ended the post)
    text = [*BODY, note]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in text)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.author, post.body) == (date(2019, 3, 6), "Anna Kanervo", "\n\n".join(text))


def test_an_editors_update_stamp_on_a_line_of_its_own_does_not_end_the_post(labs):
    text = [*BODY, "Vi träffades i Boden för att planera nästa steg, och det blev en lång och bra dag."]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Uppdatering 14 mars 2019</p><p>{text[-1]}</p><p>Anna Kanervo<br>projektansvarig</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.author, post.body) == (date(2019, 3, 6), "Anna Kanervo", "\n\n".join(text))


@pytest.mark.parametrize(("entry_date", "shown"), [("<p>14 mars 2019</p>", "14 mars 2019"),
                                                   ("<h3>Torsdag 14 mars 2019</h3>", "Torsdag 14 mars 2019"),
                                                   ("<p><strong>14 mars 2019</strong></p>", "14 mars 2019")])
def test_a_date_heading_an_entry_of_the_text_does_not_end_the_post(entry_date, shown, labs):
    # a diary kept day by day: a date alone between two paragraphs ended the post, and the entry was
    # read as a teaser; the rest of the text and the signature were lost
    entry = "Vi träffades i Boden för att planera nästa steg, och det blev en lång och bra dag."
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1><div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + entry_date + f"<p>{entry}</p><p>Anna Kanervo<br>projektansvarig</p></div>"
            "<p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.author) == (date(2019, 3, 6), "Anna Kanervo")
    assert post.body == "\n\n".join([*BODY, shown, entry])


@pytest.mark.parametrize("title", ["Föreningsdag 11 maj 2019", "Kommentarer från deltagarna", "Relaterade projekt",
                                   "Föregående vecka i Boden", "Få nya inlägg i din inkorg"])
def test_a_title_the_page_names_is_the_title_whatever_its_words(title, labs):
    # a title with a date in it was a date line (the post dated by its title, the first paragraph
    # taken for the title); one that starts like what follows a post ended the post before its text
    tail = (f"<div>6 mars 2019</div><h1>{title}</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>")
    post = extract(html(f"<title>{title} – Allmännyttan</title>", tail=tail), labs)
    assert (post.title, post.published, post.author, post.body) == (
        title, date(2019, 3, 6), "Anna Kanervo", "\n\n".join(BODY))


def test_an_updated_date_beside_one_marked_published_is_the_update(labs):
    # Soledad hides the modified date, marked `entry-date updated`, between the title and its meta
    # row; hAtom's `updated` counts as the post's date only when no other date is marked published
    tail = ("<article><h1>Alla labb på plats</h1>"
            '<div class="tagupdated"><span class="author vcard">av <a href="/author/redaktionen/">Redaktionen</a>'
            '</span> <time class="entry-date updated" datetime="2019-03-09T10:00:00+01:00">9 mars 2019</time></div>'
            '<div class="meta">av Redaktionen <time class="entry-date published" datetime="2019-03-06T10:00:00+01:00">'
            "6 mars 2019</time> 0 kommentarer</div>" + "".join(f"<p>{t}</p>" for t in BODY) + "</article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)
    assert post.body == "\n\n".join(BODY)


def test_an_updated_date_beside_a_meta_tag_marked_published_is_the_posts(labs):
    # Newspaper marks its only date `entry-date updated` and puts schema.org's datePublished in a
    # `<meta>` beside it: the meta tag counted as a date marked published, and the post had none
    tail = ('<article><h1>Alla labb på plats</h1><div class="meta"><span>Redaktionen</span> - '
            '<time class="entry-date updated td-module-date" datetime="2019-03-06T10:00:00+00:00">6 mars 2019</time>'
            '</div><meta itemprop="datePublished" content="2019-03-06T10:00:00+00:00">'
            '<meta itemprop="dateModified" content="2019-03-09T10:00:00+00:00">'
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)


def test_a_bare_updated_time_is_the_posts_date_when_nothing_is_marked_published(labs):
    # Sage, the agencies' starter theme, prints the publish date as `<time class="updated">` (hAtom),
    # here in a meta row with a reading time, the separator hidden from screen readers: the date
    # was read as an update's, and the post had none
    tail = ('<article><h1>Alla labb på plats</h1><div class="entry-meta"><time class="updated" '
            'datetime="2019-03-06T10:00:00+00:00">6 mars 2019</time><span aria-hidden="true">·</span>'
            "<span>2 min läsning</span></div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.body) == (date(2019, 3, 6), "\n\n".join(BODY))


BIO = "<p>Redaktionen</p><p>Redaktionen för allmännyttan.se på Sveriges Allmännytta.</p>"


@pytest.mark.parametrize("signature, box, author", [
    # the account's Gravatar opens an author box: its name and biography are neither text nor author
    ("<p>Anna Kanervo<br>projektansvarig</p>", '<img src="https://secure.gravatar.com/avatar/5e1b7d?s=96" alt="">' + BIO,
     "Anna Kanervo"),
    ("", '<img src="https://secure.gravatar.com/avatar/5e1b7d?s=96" alt="">' + BIO, None),
    ("<p>Anna Kanervo<br>projektansvarig</p>", '<img class="avatar avatar-96 photo" src="/avatar.png" alt="">' + BIO,
     "Anna Kanervo"),
    # a portrait beside the writer's name and role is no avatar: that is the signature
    ("", '<img class="wp-image-12" src="/wp-content/uploads/2019/03/sara.jpg" alt="">'
         "<p>Sara Holmberg</p><p>projektledare på Portalen</p>", "Sara Holmberg"),
])
def test_an_author_box_with_the_accounts_avatar_is_not_the_posts(signature, box, author, labs):
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1><div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"{signature}<div><div>{box}</div></div></div>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.body) == (author, "\n\n".join(BODY))


@pytest.mark.parametrize("heading, title", [
    # Customizr's comment bubble: a count that links to the page's comments
    ('Tio frågor till labben <a href="#tc-comment-title"><span>2 </span></a>', "Tio frågor till labben"),
    ("Tio frågor till labben 2", "Tio frågor till labben 2"),  # a number the title holds is the title's
])
def test_a_comment_count_in_the_title_heading_is_not_the_title(heading, title, labs):
    tail = (f"<div>6 mars 2019</div><h1>{heading}</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p>")
    assert extract(html("<title>Allmännyttan</title>", tail=tail), labs).title == title


@pytest.mark.parametrize("over_text, body", [
    # Bridge: the title again after its date badge, then its meta line: neither is text
    (["21 aug Alla labb på plats", "Posted at 11:00h in Dagbok by Redaktionen 0 Comments"], BODY),
    (["Publicerat vid 16:40h i Dagbok av Redaktionen 0 kommentarer"], BODY),
    # a sentence that starts like a meta line is the text's
    (["Postat från Hageby, där labbet har sin bas."], ["Postat från Hageby, där labbet har sin bas.", *BODY]),
])
def test_a_title_copy_and_a_meta_line_over_the_text_are_not_text(over_text, body, labs):
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<div>{t}</div>" for t in over_text)
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Anna Kanervo<br>projektansvarig</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert post.body == "\n\n".join(body)


@pytest.mark.parametrize("after, published", [
    # Municipio prints the page's dates in a row of their own after the article's element
    ("<ul><li>Publicerad: 6 mars 2019 11:20</li><li>Senast ändrad: 14 januari 2020 10:02</li></ul>", date(2019, 3, 6)),
    ("<dl><dt>Publicerad:</dt><dd>2019-03-06</dd><dt>Sidansvarig:</dt><dd>Redaktionen</dd></dl>", date(2019, 3, 6)),
    # a list of other posts after the article: their dates are theirs, and the post stays undated
    ('<div><h4>Senaste nyheter</h4><p><a href="/ett-annat/">Ett annat inlägg</a></p>'
     "<p>Publicerad: 5 februari 2020</p></div>", None),
    ("<ul><li>6 mars 2019</li></ul>", None),  # a date that does not say it is the page's
])
def test_a_date_labelled_published_after_the_article_is_the_posts(after, published, labs):
    tail = ("<main><article><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Anna Kanervo<br>projektansvarig</p></article><div>{after}</div></main>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.author, post.body) == (published, "Anna Kanervo", "\n\n".join(BODY))


@pytest.mark.parametrize("meta, published, first", [
    # a meta row on one line: the category, the comment link and the views after the date (Sahifa),
    # a reading time and counters (Gillion), a byline word and the category link (Jupiter's `In`)
    ("Redaktionen 6 mars 2019 Dagbok Lämna en kommentar 184 Visningar", date(2019, 3, 6), BODY[0]),
    ("Anna Kanervo, 6 mars 2019 1 min read 0 96", date(2019, 3, 6), BODY[0]),
    ('6 mars 2019</div><div>In <a href="/category/dagbok/">Dagbok</a>', date(2019, 3, 6), BODY[0]),
    # a sentence that holds a date is the text's, and dates nothing
    ("Vi ses 29 april 2019 Dagbok Lämna gärna en kommentar efteråt.", None,
     "Vi ses 29 april 2019 Dagbok Lämna gärna en kommentar efteråt."),
])
def test_a_meta_row_under_the_title_dates_the_post_and_is_not_text(meta, published, first, labs):
    tail = (f"<article><h1>Alla labb på plats</h1><div>{meta}</div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, (post.body or "").split("\n\n")[0]) == (published, first)


@pytest.mark.parametrize("crumbs, opening, first", [
    # breadcrumbs whose separators the stylesheet draws: the links' texts, then the page's title
    ('<div><a href="/">Hem</a> <a href="/category/dagbok/">Dagbok</a> Alla labb på plats</div>', "", BODY[0]),
    # a sentence that opens with a link to the home page is the text's
    ("", '<p><a href="/">Allmännyttan</a> är en mötesplats för alla labb i landet.</p>',
     "Allmännyttan är en mötesplats för alla labb i landet."),
])
def test_breadcrumbs_without_separators_are_not_the_title_or_text(crumbs, opening, first, labs):
    tail = (f"<article><h1>Alla labb på plats</h1>{crumbs}<div>By: Redaktionen</div><div>6 mars 2019</div>"
            + opening + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.title, post.published, post.body.split("\n\n")[0]) == ("Alla labb på plats", date(2019, 3, 6), first)


@pytest.mark.parametrize("contact", [
    "anna.kanervo@sverigesallmannytta.se",
    # Cloudflare hides the address from robots: a reader without its script sees the placeholder
    '<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="0e6f60">[email&#160;protected]</a>',
])
def test_an_email_under_the_signature_is_no_role(contact, labs):
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Anna Kanervo<br>projektansvarig<br>{contact}</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role) == ("Anna Kanervo", "projektansvarig")


SIGNUP = ('<form action="/" method="post"><h4>Få nya inlägg i din inkorg</h4><p>Prenumerera på dagboken så får du '
          'ett mejl varje gång vi publicerar.</p><p><input type="email" name="EMAIL"></p></form>')


def test_a_signup_form_between_the_paragraphs_does_not_end_the_post(labs):
    tail = ("<article><div>6 mars 2019</div><h1>Alla labb på plats</h1><div>" + f"<p>{BODY[0]}</p>" + SIGNUP
            + "<h3>VAD KOM FRAM?</h3>" + "".join(f"<p>{t}</p>" for t in BODY[1:])
            + "<p>Anna Kanervo<br>projektansvarig</p></div></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.body) == ("Anna Kanervo", "\n\n".join([BODY[0], "VAD KOM FRAM?", *BODY[1:]]))


def test_the_signup_form_after_the_post_still_ends_it(labs):
    # the site's own box after the signature, then another post's teaser: not the post's
    tail = ("<div><div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p>" + SIGNUP + "<h3>Senaste från dagboken</h3>"
            "<p>19 februari 2020</p><h4>Slutrapporten är här</h4><p>Nu är slutrapporten från Allmännyttans "
            "innovationslabb publicerad. Den sammanfattar arbetet i de fyra labben under 2018 och...</p></div>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.body) == ("Anna Kanervo", "\n\n".join(BODY))


def test_share_labels_and_article_links_after_the_signature_leave_it_the_signature(labs):
    # Hueman: AddToAny's labels glued together (`FacebookTwitterEmailDela`), then the theme's links to
    # the next and previous article: the signature was read as text, the post as unsigned
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1><div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p><div><span>Facebook</span><span>Twitter</span><span>Email"
            '</span><span>Dela</span></div></div><ul><li><a href="/en-egen-kvall/">Nästa artikel <strong>En egen '
            'kväll för tjejer</strong></a></li><li><a href="/nu-galler-det/">Föregående artikel <strong>Nu gäller '
            "det att använda tiden rätt</strong></a></li></ul>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join(BODY))


def test_a_headless_front_ends_escaped_title_and_split_byline(labs):
    # a Next.js front end prints WordPress's `&#8221;` into `<title>` and og:title as text, and the
    # account's name and the date as two elements (`Redaktionen` / `·21 augusti 2019`): the account
    # was read as the title, and once the title was read right the body was only the account
    title = "”Musik är ett språk alla förstår” – The Rockin’ Pots kommer till Boden"
    escaped = ("&amp;#8221;Musik är ett språk alla förstår&amp;#8221; &amp;#8211; The Rockin&amp;#8217; Pots "
               "kommer till Boden")
    tail = (f"<article><h1>{title}</h1><div><div>Redaktionen</div><div>·21 augusti 2019</div></div>"
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Anna Kanervo</p><p>projektansvarig</p></article>")
    head = f'<title>{escaped} | Allmännyttan</title><meta property="og:title" content="{escaped} | Allmännyttan">'
    post = extract(html(head, tail=tail), labs)
    assert (post.title, post.published, post.author) == (title, date(2019, 8, 21), "Anna Kanervo")
    assert post.body == "\n\n".join(BODY)


@pytest.mark.parametrize("postscript", ["PS. Glöm inte att anmäla dig!", "P.S. Välkomna till träffen i Boden!"])
def test_a_postscript_after_the_signature_is_text_and_leaves_the_signature(postscript, labs):
    # the signature, a spacer, then the author's postscript: the signature was read as text
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Anna Kanervo<br>projektansvarig</p><p>&nbsp;</p><p><em>{postscript}</em></p>"
            + "<p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.role, post.body) == ("Anna Kanervo", "projektansvarig", "\n\n".join([*BODY, postscript]))


def test_the_title_printed_again_as_the_texts_first_heading_leaves_the_post_whole(labs):
    # Twenty Twenty: the title and the meta row in the header, and the editor's own copy of the title
    # as the text's first heading: the copy was taken for the title, and the whole post was lost
    tail = ('<header><h1>Alla labb på plats</h1><ul><li>Av Redaktionen</li><li>6 mars 2019</li>'
            '<li><a href="#respond">Inga kommentarer</a></li></ul></header><div class="content">'
            "<h2>Alla labb på plats</h2>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></div>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.title, post.published, post.author) == ("Alla labb på plats", date(2019, 3, 6), "Anna Kanervo")
    assert post.body.endswith(BODY[-1])


def test_a_caption_after_a_credits_label_is_text(labs):
    # `Bild:` labels a credit (`Bild: Shutterstock`) and a caption that says what the picture shows;
    # the caption was dropped as a credit
    caption = "Bild: Bänkarna har byggts av ungdomar i Hageby under sommaren."
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + f"<p>{BODY[0]}</p><p><em>{caption}</em></p>"
            + f"<p>{BODY[1]}</p><p>Bild: Shutterstock</p><p>Anna Kanervo<br>projektansvarig</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.body) == ("Anna Kanervo", "\n\n".join([BODY[0], caption, BODY[1]]))


@pytest.mark.parametrize("after", [
    # AddToAny's share block appended to the content, its heading set to shout
    '<div class="addtoany_share_save_container"><div class="addtoany_header">Dela gärna!</div>'
    '<div class="a2a_kit"><a href="#"><svg></svg></a></div></div>',
    # The Events Calendar's widget in a widget area a theme prints inside the content
    '<div><h3>Kommande evenemang</h3><h4><a href="/evenemang/sommarlov/">Sommarlovsaktiviteter på Linas mötesplats'
    '</a></h4><div>22 juli @ 13:00 - 16:00</div><h4><a href="/evenemang/avslutning/">Fotbollsskolans avslutning'
    '</a></h4><div>1 augusti @ 12:00 - 14:00</div><p><a href="/evenemang/">Visa alla evenemang</a></p></div>',
], ids=["share-heading", "events-widget"])
def test_a_plugins_box_after_the_signature_in_the_content_leaves_it_the_signature(after, labs):
    # the events' linked titles made the text a list of entries (no post at all); the shouted share
    # heading made the signature text
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1><div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Anna Kanervo<br>projektansvarig</p>{after}</div><p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.author, post.body) == (date(2019, 3, 6), "Anna Kanervo", "\n\n".join(BODY))


def test_a_last_paragraph_cut_like_a_site_excerpt_under_a_short_line_is_text(labs):
    # a short line, then a last paragraph of about 250 characters ending with `...`, then the signature:
    # read as a teaser whose date line could not be read, the short line taken for that date line
    last = ("Så nu provar vi något nytt. I stället för att bjuda in till möten går vi själva ut dit där "
            "kvinnorna redan finns – till öppna förskolan, till språkcaféet och till tvättstugan. Vi vet inte "
            "än om det fungerar bättre, men samtalen har gett oss en del...")
    text = [BODY[0], "Det kom tre personer.", BODY[1], last]
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in text)
            + "<p>Anna Kanervo<br>projektansvarig</p><p>Få nya inlägg i din inkorg</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.author, post.body) == ("Anna Kanervo", "\n\n".join(text))


def test_a_badge_run_together_in_a_time_element_is_dated_by_its_datetime(labs):
    # `<span>6</span><span>mar</span><span>2019</span>` shows `6mar2019`, which no date rule reads
    tail = ('<article><time datetime="2019-03-06T10:00:00+01:00"><span>6</span><span>mar</span><span>2019</span>'
            "</time><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)


def test_times_in_a_tables_cells_are_text(labs):
    # a programme as a table: cells without a letter (`10.00–12.00`) were dropped as a meta row's pieces
    table = ("<figure><table><thead><tr><th>Dag</th><th>Tid</th></tr></thead><tbody>"
             "<tr><td>Tisdag</td><td>10.00–12.00</td></tr></tbody></table></figure>")
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY) + table
            + "<p>Anna Kanervo<br>projektansvarig</p>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert post.body == "\n\n".join([*BODY, "Dag", "Tid", "Tisdag", "10.00–12.00"])


def test_figures_in_a_tables_cells_are_text_and_a_calendars_days_are_not(labs):
    # TablePress's table of participants: a bare number in a row that names what it counts was
    # dropped as a calendar's day, and the table lost every figure
    table = ("<table><thead><tr><th>Labb</th><th>Aktiviteter</th><th>Deltagare</th></tr></thead><tbody>"
             "<tr><td>Boden</td><td>7</td><td>468</td></tr><tr><td>Totalt</td><td>32</td><td>1 503</td></tr>"
             "</tbody></table>")
    calendar = ("<table><caption>mars 2019</caption><tbody><tr><td>4</td><td>5</td><td>6</td><td>7</td></tr>"
                "</tbody></table>")
    tail = ("<div>6 mars 2019</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY) + table
            + "<p>Anna Kanervo<br>projektansvarig</p>" + f"<aside>{calendar}</aside>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=tail), labs)
    assert post.body == "\n\n".join([*BODY, "Labb", "Aktiviteter", "Deltagare", "Boden", "7", "468",
                                      "Totalt", "32", "1 503"])
    capture = Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html(tail=calendar).encode(), fetched=datetime(2019, 11, 1, tzinfo=timezone.utc))
    facts = line_facts(parse_document(capture))
    assert [facts.removable[i] for i, line in enumerate(facts.lines) if line.text.isdigit()] == [True] * 4


def test_a_short_heading_over_a_date_that_starts_with_a_dash_is_the_title(labs):
    # `_row_before_date` passed a short item over a date that starts with a row's separator as the
    # row's: a short title heading over `– 1 juli 2019` was passed too, and the first paragraph became
    # the title, where no structured title names it
    tail = ("<article><h2>Halvtid i labben</h2><div>– 1 juli 2019</div>" + "".join(f"<p>{t}</p>" for t in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></article>")
    post = extract(html("<title>Allmännyttan</title>", tail=tail), labs)
    assert (post.title, post.published, post.body) == ("Halvtid i labben", date(2019, 7, 1), "\n\n".join(BODY))


def test_a_teaser_right_after_an_unsigned_post_in_flat_markup_is_no_entry_of_its_text(labs):
    # every line a sibling `<div>`: the teaser's date between the post's last paragraph and a long
    # title was read as a dated entry of the post, and the teaser's signer became the post's author
    lines = ["12 mars 2019", "Alla labb på plats", *BODY,
             "10 april 2019", "Fotbollsskola på sommarlovet en idé tar form",
             "Vi har bytt namn på satsningen, men uppdraget är detsamma som förut [&hellip;]",
             "Martin Kesenci", "stadsdelsutvecklare på Telge Bostäder"]
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>",
                        tail="".join(f"<div>{line}</div>" for line in lines)), labs)
    assert (post.author, post.body) == (None, "\n\n".join(BODY))


# Pages of a real WordPress 6.1 (sv_SE) in its default themes, as tests/wordpress_site renders them:
# the date in an entry footer (twentytwentyone) or a meta row after the content (twentytwentythree),
# readers' comments with dates under both posts, one post unsigned.
WORDPRESS_PAGES = [f"wp-{theme}-{slug}" for theme in ("twentytwentyone", "twentytwentythree")
                   for slug in ("vilken-resa-vi-gor", "god-jul-fran-innovationslabben")]
WORDPRESS_BASE = "http://127.0.0.1:41639/"


@pytest.mark.parametrize("name", WORDPRESS_PAGES)
def test_real_wordpress_theme_pages_are_exact(name, labs):
    from scraper.sample_site import load_posts

    slug = name.split("-", 2)[2]
    post = next(p for p in load_posts() if p.slug == slug)
    extracted = extract((MARKUPS / f"{name}.html").read_bytes(), labs, url=f"{WORDPRESS_BASE}{slug}/")
    expected = post.expected(WORDPRESS_BASE)
    assert fields_of(extracted) == {k: expected[k] for k in POST_FIELDS}
    assert extracted.published == post.published and extracted.layers["published"] == Layer.LAYOUT


def test_the_api_date_decides_only_when_the_page_shows_no_date_and_a_difference_is_kept(labs):
    shown = extract(html(lines=POST), labs)  # no API date: the page's
    assert (shown.published, shown.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)
    capture = Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html(lines=POST).encode(), fetched=datetime(2019, 11, 1, tzinfo=timezone.utc))
    differs = extract_post(parse_document(capture), labs=labs, api_published=date(2019, 3, 5))
    assert (differs.published, differs.layers["published"]) == (date(2019, 3, 6), Layer.LAYOUT)
    assert Disagreement(field="published", layer=Layer.API, value="2019-03-05") in differs.disagreements
    undated = Capture(url=URL, final_url=URL, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html(head='<meta property="article:published_time" content="2019-03-09T10:00:00+01:00">',
                                lines=POST[1:]).encode(), fetched=datetime(2019, 11, 1, tzinfo=timezone.utc))
    post = extract_post(parse_document(undated), labs=labs, api_published=date(2019, 3, 6))
    assert (post.published, post.layers["published"]) == (date(2019, 3, 6), Layer.API)  # ahead of the meta tag
    assert Disagreement(field="published", layer=Layer.OPENGRAPH, value="2019-03-09") in post.disagreements


@pytest.mark.parametrize("url, title", [
    ("https://www.allmannyttan.se/alla-labb-pa-plats/", "Alla labb på plats"),
    ("http://allmannyttan.se/alla-labb-pa-plats", "Alla labb på plats"),  # the site's other form: this page
    ("https://www.allmannyttan.se/ett-annat-inlagg/", None),  # a title linking elsewhere is a list's entry
])
def test_a_title_that_links_is_this_posts_only_when_it_links_to_this_page(url, title, labs):
    page = ('<div><p>6 mars 2019</p><h1><a href="https://www.allmannyttan.se/alla-labb-pa-plats/">Alla labb på plats'
            f'</a></h1>{"".join(f"<p>{line}</p>" for line in BODY)}<p>Anna Kanervo<br>projektansvarig</p></div>')
    post = extract(html(tail=page), labs, url=url)
    assert post.title == title
    assert post.published == (date(2019, 3, 6) if title else None)


PLUGIN_LINES = {
    # PDF & Print's buttons, their labels glued (`PDFSkriv ut`): links to this page in another view
    "print-buttons": ('<div><a href="/vilken-resa-vi-gor/?print=pdf">PDF</a><a href="?print=print">Skriv ut</a></div>',
                      ""),
    # WPML's notice over the text: a link to the post in English, which the page's head names
    "translation-notice": ('<p>Detta inlägg finns även på: <a href="https://www.allmannyttan.se/en/what-a-journey/">'
                           '<span>Engelska</span><span> (</span><span>English</span><span>)</span></a></p>',
                           '<link rel="alternate" hreflang="en" href="/en/what-a-journey/">'),
    # Contact Form 7's sign-up form in the text: its labels are the form's, the editor's lines stay
    "form-labels": ('<p>Anmäl dig senast den 1 mars.</p><form><p><label>Förening (obligatoriskt)<br>'
                    '<input name="forening"></label></p><p><label>E-post (obligatoriskt)<br><input name="epost">'
                    '</label></p><p><input type="submit" value="Skicka anmälan"></p></form>', ""),
}


@pytest.mark.parametrize("name", PLUGIN_LINES)
def test_what_a_plugin_prints_in_the_text_to_work_the_page_is_not_the_post(name, labs):
    added, head = PLUGIN_LINES[name]
    kept = ["Anmäl dig senast den 1 mars."] if name == "form-labels" else []
    page = ("<div><p>6 mars 2019</p><h1>Alla labb på plats</h1>" + added + "".join(f"<p>{line}</p>" for line in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></div>")
    post = extract(html(head, tail=page), labs)
    assert (post.body, post.author) == ("\n\n".join(kept + BODY), "Anna Kanervo")


def test_a_link_to_a_translation_is_text_when_the_page_names_no_translation(labs):
    # without `<link hreflang>`, a line linking to another page of the site is the post's own
    added, _ = PLUGIN_LINES["translation-notice"]
    page = ("<div><p>6 mars 2019</p><h1>Alla labb på plats</h1>" + added + "".join(f"<p>{line}</p>" for line in BODY)
            + "<p>Anna Kanervo<br>projektansvarig</p></div>")
    post = extract(html(tail=page), labs)
    assert post.body.startswith("Detta inlägg finns även på: Engelska (English)\n\n")


WORD_MARK = '<a href="#_ftn1" name="_ftnref1">[1]</a>'
WORD_NOTE = ('<hr><div id="ftn1"><p><a href="#_ftnref1" name="_ftn1">[1]</a> Sammanlagt kom det in 28 ansökningar.'
             '</p></div>')


def footnoted(mark: str, note: str, after: str = "") -> str:
    return html(tail=f"<div><p>6 mars 2019</p><h1>Alla labb på plats</h1><p>{BODY[0]}{mark}</p><p>{BODY[1]}</p>"
                     f"<p>Anna Kanervo<br>projektansvarig</p>{note}</div>{after}")


@pytest.mark.parametrize("mark, note, shown", [
    # Easy Footnotes: a mark in the sentence, the notes under the content, each linking back to it
    ('<span id="easy-footnote-1-108"></span><sup><a href="#easy-footnote-bottom-1-108">1</a></sup>',
     '<h4>Fotnoter</h4><ol><li><span id="easy-footnote-bottom-1-108"></span>Sammanlagt kom det in 28 ansökningar.'
     '<a href="#easy-footnote-1-108"></a></li></ol>', "Sammanlagt kom det in 28 ansökningar."),
    # a Word paste's footnote, `[1]` linking back to its mark
    (WORD_MARK, WORD_NOTE, "[1] Sammanlagt kom det in 28 ansökningar."),
], ids=["easy-footnotes", "word"])
def test_footnotes_after_the_signature_are_the_posts_and_the_signature_stays(mark, note, shown, labs):
    # the signature was read as text, and no author found
    post = extract(footnoted(mark, note), labs)
    assert (post.author, post.role) == ("Anna Kanervo", "projektansvarig")
    assert post.body.split("\n\n")[1:] == [BODY[1], shown]


def test_a_line_whose_link_leads_to_no_mark_is_no_footnote(labs):
    # a print plugin's line under the content: its `#print` leads to no mark in the text
    printing = '<p>Klicka här för att <a href="#print">skriva ut</a> inlägget.</p>'
    post = extract(footnoted(WORD_MARK, WORD_NOTE, printing), labs)
    assert post.author == "Anna Kanervo" and not post.body.endswith("inlägget.")


@pytest.mark.parametrize("signature, role", [
    # the organisation on a line of its own under the role: it was dropped as a label, lost
    ("Sara Holmberg<br>projektledare på Portalen<br>Hyresbostäder i Norrköping",
     "projektledare på Portalen, Hyresbostäder i Norrköping"),
    # the role broken after its comma, a date after the post: the role was cut, its end lost
    ("Karin Sjöberg<br>ansvarig för stadsdelsutveckling,<br>Hyresbostäder i Norrköping",
     "ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping"),
    # contact lines are no role
    ("Anna Kanervo<br>projektansvarig<br>anna.kanervo@sverigesallmannytta.se<br>070-123 45 67", "projektansvarig"),
], ids=["organisation-line", "broken-after-comma", "contact-lines"])
def test_a_role_typed_over_more_lines_of_the_signature_is_one_role(signature, role, labs):
    page = (f"<article><h1>Alla labb på plats</h1>{''.join(f'<p>{t}</p>' for t in BODY)}<p>{signature}</p>"
            '<footer><time datetime="2019-03-06">6 mars 2019</time> <a href="/category/dagbok/">Dagbok</a></footer>'
            "</article>")
    post = extract(html("<title>Alla labb på plats – Allmännyttan</title>", tail=page), labs)
    assert (post.author, post.role, post.body) == (signature.split("<br>")[0], role, "\n\n".join(BODY))


def test_a_text_credit_over_the_photo_credit_is_neither_body_nor_author(labs):
    page = (f"<div><p>6 mars 2019</p><h1>Alla labb på plats</h1>{''.join(f'<p>{t}</p>' for t in BODY)}"
            "<p><em>Text: Maria Ek<br>Foto: Shutterstock</em></p><p>Anna Kanervo<br>projektansvarig</p></div>")
    post = extract(html(tail=page), labs)
    assert (post.author, post.body) == ("Anna Kanervo", "\n\n".join(BODY))


def test_a_line_printed_again_for_another_screen_size_is_read_once(labs):
    # Avada's Title element twice, one hidden on phones and one on larger screens by a stylesheet:
    # the subhead was read twice. A paragraph the editor pasted twice among the text's paragraphs,
    # and a short repeat, a table's cells, are the text's own.
    page = (f"<div><p>6 mars 2019</p><h1>Alla labb på plats</h1><p>{BODY[0]}</p>"
            '<div class="fusion-no-small-visibility"><h2>TRE SAKER ATT HINNA MED</h2></div>'
            '<div class="fusion-no-medium-visibility fusion-no-large-visibility"><h2>TRE SAKER ATT HINNA MED</h2></div>'
            f"<p>{BODY[1]}</p><p>{BODY[1]}</p><table><tr><td>Boden</td><td>Ja</td><td>Ja</td></tr></table>"
            "<p>Anna Kanervo<br>projektansvarig</p></div>")
    post = extract(html(tail=page), labs)
    assert post.body == "\n\n".join([BODY[0], "TRE SAKER ATT HINNA MED", BODY[1], BODY[1], "Boden", "Ja", "Ja"])


@pytest.mark.parametrize("ending, author, body", [
    # an unsigned notice ending with whom to contact: that person was read as its writer
    (["<p><strong>Kontakt:</strong></p>", "<p>Anna Kanervo<br>projektansvarig, SABO</p>"], None,
     [*BODY, "Kontakt:", "Anna Kanervo", "projektansvarig, SABO"]),
    # a signed post with a contact box after its signature: the signer wrote it
    (["<p>Martin Kesenci<br>stadsdelsutvecklare på Telge Bostäder</p>", "<p>Kontaktperson:</p>",
      "<p>Anna Kanervo<br>projektansvarig</p>"], "Martin Kesenci", BODY),
    # a sentence that asks to be contacted, then the signature
    (["<p>Kontakta mig gärna!</p>", "<p>Anna Kanervo<br>projektansvarig</p>"], "Anna Kanervo",
     [*BODY, "Kontakta mig gärna!"]),
], ids=["unsigned-contact", "contact-after-signature", "sentence-before-signature"])
def test_a_name_and_role_under_a_contact_label_are_no_signature(ending, author, body, labs):
    page = (f"<div><p>6 mars 2019</p><h1>Alla labb på plats</h1>{''.join(f'<p>{t}</p>' for t in BODY)}"
            + "".join(ending) + "</div>")
    post = extract(html(tail=page), labs)
    assert (post.author, post.body) == (author, "\n\n".join(body))


REST = ["Efter lunch delade vi upp oss i grupper och pratade om hur vi mäter det vi gör.",
        "Det blev tydligt att alla fyra labben brottas med samma fråga om tid och uthållighet."]


@pytest.mark.parametrize("collapsed, shown", [
    # Read More Without Refresh: the rest of the post, its signature too, behind `Läs mer`
    ('<span><a href="#" onclick="read_toggle(1, \'Läs mer\', \'Läs mindre\'); return false;">Läs mer</a></span>'
     '<div style="display: none;">' + "".join(f"<p>{t}</p>" for t in REST)
     + "<p>Anna Kanervo<br>projektansvarig</p></div>", True),
    # an accordion's panel, which its title's `aria-controls` names
    ('<div role="tab" aria-expanded="false" aria-controls="panel-0"><a href="#">Vad händer nu?</a></div>'
     '<div id="panel-0" aria-hidden="true">' + "".join(f"<p>{t}</p>" for t in REST) + "</div>"
     "<p>Anna Kanervo<br>projektansvarig</p>", True),
    # a dialog behind its link is not the text's
    ('<p><a href="#tipsa" onclick="show(\'tipsa\'); return false;">Tipsa en vän</a></p>'
     '<div id="tipsa" style="display:none;">' + "".join(f"<p>{t}</p>" for t in REST) + "</div>"
     "<p>Anna Kanervo<br>projektansvarig</p>", False),
], ids=["read-more", "accordion", "dialog"])
def test_text_a_toggle_shows_on_a_click_is_the_posts(collapsed, shown, labs):
    page = f"<div><p>6 mars 2019</p><h1>Alla labb på plats</h1>{''.join(f'<p>{t}</p>' for t in BODY)}{collapsed}</div>"
    post = extract(html(tail=page), labs)
    assert post.author == "Anna Kanervo"
    assert (REST[1] in (post.body or "")) is shown and "Läs mer" not in post.body


def test_a_date_the_editor_typed_as_the_texts_first_line_is_not_the_posts(labs):
    # the site's form, the date line over the title; the text starts with the day of the event:
    # that date was read as the post's, under the title, and the date line above lost
    page = ("<div><p>15 maj 2019</p><h1>Föreningsdag i Boden lockade hundratals besökare</h1><p>11 maj 2019</p>"
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Erik Nordström<br>bosocial samordnare på Bodenbo</p></div>"
            "<p>Få nya inlägg i din inkorg</p>")
    post = extract(html(tail=page), labs)
    assert (post.published, post.author) == (date(2019, 5, 15), "Erik Nordström")
    assert post.body.endswith("\n\n".join(BODY))


def test_a_title_broken_in_two_by_the_editor_is_one_title(labs):
    # WordPress keeps a typed line break in the title's heading: only its second line was the title
    page = ("<div><p>12 juni 2019</p><h1>Fotbollsskolan i Lina Hage<br>är fullbokad</h1>"
            + "".join(f"<p>{t}</p>" for t in BODY) + "<p>Martin Kesenci<br>stadsdelsutvecklare på Telge Bostäder</p></div>")
    post = extract(html(tail=page), labs)
    assert (post.title, post.body) == ("Fotbollsskolan i Lina Hage är fullbokad", "\n\n".join(BODY))


def test_a_subhead_that_says_the_title_is_the_texts(labs):
    # the title again as the text's first heading is the theme's copy; as a subhead among the
    # paragraphs it is the text's own, and it was dropped
    page = (f"<div><p>6 mars 2019</p><h1>Nästa steg för Portalen</h1><p>{BODY[0]}</p><h2>Nästa steg för Portalen</h2>"
            f"<p>{BODY[1]}</p><p>Karin Sjöberg<br>ansvarig för stadsdelsutveckling</p></div>")
    post = extract(html(tail=page), labs)
    assert post.body == "\n\n".join([BODY[0], "Nästa steg för Portalen", BODY[1]])


def test_a_table_of_contents_of_divs_leaves_the_text_with_its_heading(labs):
    # LuckyWP prints its items as `<div>`s, no list, under `Innehåll` and a `dölj` toggle; another
    # plugin wraps its list once more inside the box with the heading.
    divs = '<div><div class="item"><a href="#nasta-steg"><span>1</span> Nästa steg</a></div></div>'
    wrapped = '<div><ul><li><a href="#nasta-steg">Nästa steg</a></li></ul></div>'
    for items in (divs, wrapped):
        toc = f'<div><div><b>Innehåll</b> <span>[<a href="#">dölj</a>]</span></div>{items}</div>'
        page = ("<html><body><article><h1>Alla labb på plats</h1><p>6 mars 2019</p>"
                f"<p>{BODY[0]}</p>{toc}<h2 id=\"nasta-steg\">Nästa steg</h2><p>{BODY[1]}</p>"
                "<p>Anna Kanervo<br>projektansvarig</p></article></body></html>")
        post = extract(page, labs)
        assert post.body == f"{BODY[0]}\n\nNästa steg\n\n{BODY[1]}"
        assert (post.author, post.published) == ("Anna Kanervo", date(2019, 3, 6))


def test_a_lone_link_to_the_comments_beside_the_date_is_no_table_of_contents(labs):
    # a link to a place in the page, but not to a heading: the date row around it stays a date row
    page = ("<html><body><article><h1>Alla labb på plats</h1>"
            '<div><span>6 mars 2019</span><div><a href="#respond">Kommentera</a></div></div>'
            f"<p>{BODY[0]}</p><p>{BODY[1]}</p><p>Anna Kanervo<br>projektansvarig</p>"
            '</article><div id="respond"><h3>Lämna ett svar</h3></div></body></html>')
    post = extract(page, labs)
    assert (post.published, post.body) == (date(2019, 3, 6), f"{BODY[0]}\n\n{BODY[1]}")


def test_a_meta_row_printed_as_a_nav_dates_the_post(labs):
    # Oshine prints its meta row as a `<nav>`: links to the account's and the category's archives
    # and to this page's comments, and the date
    row = ('<nav><ul><li>Posted By : <a href="/author/redaktionen/">Redaktionen</a> /</li><li>aug 21, 2019 /</li>'
           f'<li>In <a href="/category/dagbok/">Dagbok</a> /</li><li><a href="{URL}#comments">0 comments</a></li></ul></nav>')
    page = (f"<html><body><article><h2>Alla labb på plats</h2>{row}<p>{BODY[0]}</p><p>{BODY[1]}</p>"
            "<p>Anna Kanervo<br>projektansvarig</p></article></body></html>")
    post = extract(page, labs)
    assert (post.published, post.body, post.author) == (date(2019, 8, 21), f"{BODY[0]}\n\n{BODY[1]}", "Anna Kanervo")


def test_a_date_in_navigation_to_other_posts_never_dates_the_post(labs):
    links = ('<nav><ul><li><a href="/halvtid-i-innovationslabben/">Halvtid i innovationslabben</a></li>'
             '<li><time>1 juli 2019</time></li></ul></nav>')
    page = (f"<html><body><article><h2>Alla labb på plats</h2>{links}<p>{BODY[0]}</p><p>{BODY[1]}</p>"
            "<p>Anna Kanervo<br>projektansvarig</p></article></body></html>")
    assert extract(page, labs).published is None


@pytest.mark.parametrize("filed", [
    'This entry was posted in <a href="/category/nyheter/">Nyheter</a>. Bookmark the <a href="{url}">permalink</a>.',
    'Detta inlägg postades i <a href="/kategori/dagbok/">Dagbok</a>. Bokmärk <a href="{url}">permalänken</a>.'])
def test_the_entry_footer_that_files_the_post_is_no_text(filed, labs):
    # Twenty Ten's entry footer, which Flatsome prints in English on every post
    page = (f"<html><body><article><h1>Alla labb på plats</h1><p>6 mars 2019</p><p>{BODY[0]}</p><p>{BODY[1]}</p>"
            f"<footer>{filed.format(url=URL)}</footer></article></body></html>")
    assert extract(page, labs).body == f"{BODY[0]}\n\n{BODY[1]}"


def test_a_news_post_under_a_labelled_trail_and_over_a_share_row_and_more_news(labs):
    # a housing company's theme: `Du är här:` before the trail, the title only in metadata and the
    # <h1>, `Dela:` after the signature, then `Fler nyheter`, contact details and the footer
    trail = ('<ul><li>Du är här:</li><li><a href="/">Hem</a></li><li><a href="/nyheter/">Nyheter</a></li>'
             "<li>Alla labb på plats</li></ul>")
    more = ('<div>Dela: <a href="https://www.facebook.com/sharer.php?u=x">Facebook</a></div><h2>Fler nyheter</h2>'
            '<ul><li><a href="/sommarjobb/">Sommarjobb för 120 ungdomar</a></li></ul><h2>Kontakta oss</h2>'
            "<p>Vi har öppet vardagar 8–16 och svarar på frågor om ditt boende och ditt område.</p>")
    tail = (f"{trail}<article><div>Nyhet</div><h1>Alla labb på plats</h1>" + "".join(f"<p>{t}</p>" for t in BODY)
            + f"<p>Anna Kanervo<br>projektansvarig</p>{more}</article>")
    head = '<title>Alla labb på plats – Allmännyttan</title><meta property="og:title" content="Alla labb på plats">'
    post = extract(html(head, tail=tail), labs)
    assert (post.title, post.body, post.author) == ("Alla labb på plats", "\n\n".join(BODY), "Anna Kanervo")
