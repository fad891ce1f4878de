"""HTML listings: which pages list posts, their pagination, and a crawl whose only index is a paginated archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.crawl import crawl, read_page
from scraper.extract.document import parse_document
from scraper.labs import LabVocabulary
from scraper.names import PageKind, Source
from scraper.records import Capture, PageResult
from scraper.sample_site import MARKUPS, load_posts
from scraper.sample_site.content import ARCHIVE_PAGE_SIZE
from scraper.sources.listings import is_archive_url, page_number, read_listing
from tests.fetchers import fetcher
from tests.route_server import Reply, RouteServer

SITE = "https://www.allmannyttan.se/"
LABS = LabVocabulary.load()


def listing_of(html: str, url: str = SITE + "dagbok/"):
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html.encode("utf-8"), fetched=datetime(2020, 2, 1, tzinfo=UTC))
    return read_listing(parse_document(capture), site=SITE)


MENU = ('<nav><a href="/">Start</a> <a href="/dagbok/">Dagbok</a> <a href="/kontakt/">Kontakt</a> '
        '<a href="/om-oss-och-var-verksamhet-i-landet/">Om oss och vår verksamhet i landet</a></nav>')


def item(slug: str, title: str, day: str) -> str:
    return f'<div><p>{day}</p><h2><a href="/{slug}/">{title}</a></h2><p>Ett utdrag som slutar mitt i ett ord...</p></div>'


ITEMS = "".join(item(slug, title, day) for slug, title, day in (
    ("forsta", "Första inlägget i dagboken", "6 mars 2019"),
    ("andra", "Andra inlägget", "11 oktober 2019"),
    ("nu_galler_det", "Nu gäller det att använda tiden rätt", "29 april 2019"),
))


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x.se/dagbok/page/3/", ("https://x.se/dagbok/", 3)),
    ("https://x.se/category/dagbok/sida/2/", ("https://x.se/category/dagbok/", 2)),
    ("https://x.se/dagbok/?paged=4", ("https://x.se/dagbok/", 4)),
    ("https://x.se/?cat=5&paged=2", ("https://x.se/?cat=5", 2)),
    ("https://x.se/dagbok/", ("https://x.se/dagbok/", 1)),
], ids=["page-segment", "swedish-segment", "paged", "paged-keeps-other-params", "first"])
def test_page_number_reads_the_url_forms_wordpress_paginates_with(url, expected):
    assert page_number(url) == expected


def test_archive_urls_are_categories_tags_authors_and_dates():
    for path in ("/category/dagbok/", "/kategori/dagbok/", "/tag/boden/", "/author/redaktionen/", "/2019/",
                 "/2019/04/"):
        assert is_archive_url(SITE.rstrip("/") + path), path
    for path in ("/dagbok/", "/vilken-resa-vi-gor/", "/2019-04-29/"):
        assert not is_archive_url(SITE.rstrip("/") + path), path


def test_a_page_of_titles_and_dates_lists_posts_and_its_menu_does_not_count():
    listing = listing_of(MENU + ITEMS + '<p><a href="/dagbok/page/2/">Äldre inlägg »</a></p>')
    assert listing.posts == (SITE + "forsta/", SITE + "andra/", SITE + "nu_galler_det/")
    assert listing.is_listing and listing.next_pages == (SITE + "dagbok/page/2/",)


def test_a_menu_alone_lists_nothing():
    assert listing_of(MENU + "<p>Välkommen.</p>").posts == ()


@pytest.mark.parametrize("pagination", [
    '<a href="/dagbok/page/2/">Nästa ›</a>',
    '<a href="/dagbok/?paged=2">Older posts</a>',
    '<a rel="next" href="/dagbok/sida-tva/">→</a>',
    '<a href="/dagbok/page/2/">2</a> <a href="/dagbok/page/3/">3</a>',
], ids=["nasta", "older-posts-paged", "rel-next", "numbers"])
def test_the_next_page_is_found_from_texts_rel_and_page_numbers(pagination):
    listing = listing_of(ITEMS + pagination)
    assert len(listing.next_pages) == 1
    assert listing.next_pages[0] in (SITE + "dagbok/page/2/", SITE + "dagbok/?paged=2", SITE + "dagbok/sida-tva/")


def test_a_link_back_or_to_a_listed_post_is_no_next_page():
    html = ITEMS + '<a href="/dagbok/">« Nyare inlägg</a> <a href="/dagbok/page/1/">Nästa</a> <a href="/andra/">Nästa</a>'
    assert listing_of(html, url=SITE + "dagbok/page/2/").next_pages == ()


def test_a_post_with_teasers_is_an_article_not_a_listing():
    body = "<h1>Ett inlägg</h1><p>" + "Vi har träffat hyresgästerna i Hageby och pratat om framtiden. " * 5 + "</p>"
    listing = listing_of(body + ITEMS, url=SITE + "ett-inlagg/")
    assert listing.lists_posts and listing.article and not listing.is_listing


RUNNING = "Vi har träffat hyresgästerna i Hageby och pratat om framtiden. " * 5


def whole(slug: str, title: str) -> str:
    """An archive's card that prints its post whole: a linked title, text with a subhead of its own."""
    return (f'<article><h2><a href="/{slug}/">{title}</a></h2><p>{RUNNING}</p>'
            f'<h3>Vad händer nu?</h3><p>{RUNNING}</p></article>')


def test_an_archive_that_prints_posts_whole_has_no_text_of_its_own():
    """The text under a heading that links to a listed post is that post's, its subheads' too."""
    html = "<h1>Dagbok</h1>" + "".join(whole(s, t) for s, t in (("forsta", "Första inlägget i dagboken"),
                                                                 ("andra", "Andra inlägget i dagboken"),
                                                                 ("tredje", "Tredje inlägget i dagboken")))
    listing = listing_of(html)
    assert listing.lists_posts and not listing.article and listing.is_listing


@pytest.mark.parametrize("before", [
    "<h1>Ett inlägg</h1><p>" + RUNNING + "</p>",  # the post's own text, under its own title
    "",  # the post's title is no heading: the one card above it may hold the post's text
], ids=["own-title", "title-no-heading"])
def test_a_post_after_cards_shown_whole_is_still_an_article(before):
    html = whole("forsta", "Första inlägget i dagboken") + before + "<p>" + RUNNING + "</p>" + ITEMS
    listing = listing_of(html, url=SITE + "ett-inlagg/")
    assert listing.lists_posts and listing.article and not listing.is_listing


def test_archive_links_are_collected_as_first_pages():
    html = '<p>Kategoriserad som <a href="/category/dagbok/">Dagbok</a>, <a href="/category/dagbok/page/2/">2</a></p>'
    assert listing_of(html).archives == (SITE + "category/dagbok/",)


# --- the crawl -------------------------------------------------------------------------------


def crawl_site(url: str) -> list:
    return list(crawl(url, fetcher=fetcher(), known={}, labs=LABS))


@pytest.mark.parametrize("markup", MARKUPS)
def test_a_paginated_html_archive_as_the_only_index_yields_every_post(sample_site_factory, markup):
    site = sample_site_factory(markup=markup, index="archive", crawl_delay=0)
    items = crawl_site(site.base)
    results = [r for r in items if isinstance(r, PageResult)]
    posts = {r.url: r.post for r in results if r.post is not None}
    assert set(posts) == {site.url(p.path) for p in site.live_posts}
    assert all(posts[site.url(p.path)].title == p.title for p in site.live_posts)
    # Some posts are on page 2 and later only: the pagination was followed to its last page, and no further.
    pages = -(-len(site.live_posts) // ARCHIVE_PAGE_SIZE)
    assert pages >= 3
    archive = [f"/dagbok/page/{n}/" for n in range(2, pages + 1)]
    assert [r.path for r in site.requests if r.path.startswith("/dagbok/")] == ["/dagbok/", *archive]
    kinds = {r.url: r.kind for r in results}
    assert all(kinds[site.url(path)] == PageKind.LISTING for path in ["/dagbok/", *archive])
    assert kinds[site.url("/kontakt/")] == PageKind.OTHER


def test_pagination_stops_at_a_page_that_adds_nothing_new():
    """A server that ignores the page number and repeats page 1: page 2 adds nothing, page 3 is never asked."""
    page = ITEMS + '<a href="/dagbok/page/{n}/">Äldre inlägg</a>'
    post = "<h1>Ett inlägg</h1><p>29 april 2019</p>"
    routes = {"/": Reply(body='<a href="/dagbok/">Dagbok</a>'), "/dagbok/": Reply(body=page.format(n=2)),
              "/dagbok/page/2/": Reply(body=page.format(n=3)), "/dagbok/page/3/": Reply(body=page.format(n=4)),
              **{f"/{slug}/": Reply(body=post) for slug in ("forsta", "andra", "nu_galler_det")}}
    with RouteServer(routes) as server:
        crawl_site(server.url("/"))
    asked = [seen.path for seen in server.seen]
    assert "/dagbok/page/2/" in asked and "/dagbok/page/3/" not in asked


def test_category_archives_linked_from_posts_are_read():
    """A post is reachable only from its category's archive, which only another post links to."""
    post = ('<h1>{title}</h1><p>29 april 2019</p><p>Text.</p>'
            '<p>Kategoriserad som <a href="/category/dagbok/">Dagbok</a></p>')
    routes = {"/": Reply(body='<h2><a href="/forsta-inlagget/">Första inlägget i dagboken</a></h2>'),
              "/forsta-inlagget/": Reply(body=post.format(title="Första inlägget")),
              "/category/dagbok/": Reply(body=ITEMS),
              **{f"/{slug}/": Reply(body=post.format(title=slug)) for slug in ("forsta", "andra", "nu_galler_det")}}
    with RouteServer(routes) as server:
        items = crawl_site(server.url("/"))
    found = {r.url for r in items if isinstance(r, PageResult) and r.post is not None}
    assert {server.url("/andra/"), server.url("/nu_galler_det/")} <= found


# --- end to end: a page-builder site whose only index is its paginated archive ------------------


def test_page_builder_site_with_an_html_archive_as_its_only_index_is_archived_exactly(sample_site_factory, tmp_path):
    """`dagbok crawl` on a page-builder theme (date line `Publicerad 29 april 2019 av Redaktionen`)
    with no API, feed or sitemaps: every post, every field exact."""
    import json
    import subprocess

    from tests.console_scripts import DAGBOK

    site = sample_site_factory(markup="pagebuilder", index="archive", crawl_delay=0)
    db = tmp_path / "dagbok.db"
    crawled = subprocess.run([DAGBOK, "crawl", "--site", site.base, "--db", str(db), "--delay", "0", "--json"],
                             capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    summary = json.loads(crawled.stdout)
    assert summary["new"] == len(site.live_posts)
    queried = subprocess.run([DAGBOK, "query", "--db", str(db), "--format", "json"], capture_output=True, text=True,
                             timeout=60)
    shown = {post["url"]: post for post in json.loads(queried.stdout)}
    for post in site.live_posts:
        assert shown[site.url(post.path)] == post.expected(site.base)
    # Most posts are linked only from the archive's later pages (the home page and every post page
    # show the newest three, the archive's first page the newest ten), and the site has no other index.
    assert len(site.live_posts) > ARCHIVE_PAGE_SIZE + 3 and site.count("/dagbok/page/2/") == 1
    asked = {r.path: r.status for r in site.requests}
    assert [asked[path] for path in ("/wp-json/wp/v2/posts", "/feed/", "/wp-sitemap.xml")] == [404, 404, 404]




def test_an_unchanged_listing_from_a_server_without_validators_leads_nowhere_again(tmp_path):
    """No ETag, no Last-Modified (a 304 is impossible): a page whose body is the one stored is not followed again
    (its menu pages are not asked), and a listing of known posts adds nothing (its next page is not asked)."""
    from archive.runs import run_crawl

    page = ITEMS + '<a href="/dagbok/page/{n}/">Äldre inlägg</a>'
    post = "<h1>Ett inlägg</h1><p>29 april 2019</p><p>Text.</p>"
    older = item("aldre", "Ett äldre inlägg i dagboken", "1 mars 2019")
    routes = {"/": Reply(body='<a href="/dagbok/">Dagbok</a> <a href="/om-oss/var-verksamhet/">Om oss</a>'),
              "/om-oss/var-verksamhet/": Reply(body="<h1>Om oss</h1><p>Vi är en organisation.</p>"),
              "/dagbok/": Reply(body=page.format(n=2)),
              "/dagbok/page/2/": Reply(body=older + older.replace("aldre", "aldst") + older.replace("aldre", "sist")),
              **{f"/{slug}/": Reply(body=post) for slug in ("forsta", "andra", "nu_galler_det", "aldre", "aldst", "sist")}}
    db = tmp_path / "dagbok.db"
    with RouteServer(routes) as server:
        assert run_crawl(db, site=server.url("/"), delay=0).new == 6
        assert "/dagbok/page/2/" in [seen.path for seen in server.seen]
        server.seen.clear()
        again = run_crawl(db, site=server.url("/"), delay=0)
    asked = [seen.path for seen in server.seen if seen.path in ("/", "/dagbok/", "/dagbok/page/2/",
                                                                  "/om-oss/var-verksamhet/")]
    assert asked == ["/", "/dagbok/"] and again.new == 0


def test_page_builder_archive_site_with_an_unreadable_date_exits_1_naming_the_page(sample_site_factory, tmp_path):
    """The same site with a post page whose date cannot be read: never exit 0, the page named."""
    import subprocess

    from tests.console_scripts import DAGBOK

    site = sample_site_factory(markup="pagebuilder", index="archive", crawl_delay=0, faults=("undated",))
    undated = site.url(site.fault_route("undated"))
    db = tmp_path / "dagbok.db"
    crawled = subprocess.run([DAGBOK, "crawl", "--site", site.base, "--db", str(db), "--delay", "0"],
                             capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 1, crawled.stdout + crawled.stderr
    named = [line for line in crawled.stdout.splitlines() if undated in line]  # the summary (stderr: progress)
    assert named and all("no date found" in line for line in named), crawled.stdout
    checked = subprocess.run([DAGBOK, "check", "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1
    assert [line for line in checked.stdout.splitlines() if undated in line and "no date found" in line]


# Archive pages of popular themes (tests/markups/unseen/listings/), each showing the diary's newest
# posts as the theme's template prints its cards, written by a session that had not seen the rules:
# page → (its address, how many of the newest posts it shows). Twenty Seventeen's cards show a whole
# first paragraph and `Fortsätt läsa`; Twenty Twenty's, OceanWP's and Newspaper's put the author,
# the date and a comment count in a list; GeneratePress's, a byline by the date; Newspaper's small
# cards show a title and a date alone. Before their titles, headings that link to the post, counted,
# Twenty Seventeen, OceanWP and Newspaper were read as a post titled `Dagbok` with the first card's
# date, Twenty Twenty failed as one, and the first card of a page at the root had no teaser.
UNSEEN_LISTINGS = {
    "twentyseventeen-index": (SITE + "dagbok/", 10),
    "astra-grid": (SITE + "dagbok/", 9),  # `Lämna en kommentar / Dagbok / Av Anna Kanervo / 19 februari 2020`
    "twentytwenty-index": (SITE + "dagbok/", 8),
    "generatepress-index": (SITE + "dagbok/", 10),
    "oceanwp-masonry": (SITE + "dagbok/", 9),
    "divi-blog-module": (SITE + "dagbok/", 9),
    "newspaper-magazine": (SITE + "dagbok/", 9),
    "kadence-category-loadmore": (SITE + "category/dagbok/", 9),
    # Cards that print their date under the excerpt: Twenty Twenty-One's entry footer (`Publicerad
    # …`, after `Fortsätt läsa`), on an archive's second page; Twenty Twenty-Four's query loop. Every
    # teaser was missing; Twenty Twenty-Four's page was read as a post titled `Dagbok`, dated by the
    # first card, with its excerpt for a body: a false post, its listing not followed.
    "twentytwentyone-category-page2": (SITE + "category/dagbok/page/2/", 10),
    "twentytwentyfour-query-loop-grid": (SITE + "dagbok/", 10),
    # Elementor Pro's cards end with `Anna Kanervo 19 februari 2020 Inga kommentarer` under the
    # excerpt and `Läs mer »`: a comment count after a date was not a meta line's, no teaser was read.
    "elementor-pro-posts-cards": (SITE + "dagbok/", 8),
    # The site's own theme as an agency might have built its diary pages, in the seed's teaser form
    # (date, title, excerpt `...`, author, role): a grid of cards that are each one link, a list
    # with page numbers at `/kategori/dagbok/`, a second page whose arrows are icons. Read right at
    # once; besides its posts, each lists the pages its footer and cookie notice link to.
    "site-theme-dagbok-grid-whole-card-links": (SITE + "dagbok/", 10),
    "site-theme-kategori-list-page-numbers": (SITE + "kategori/dagbok/", 10),
    "site-theme-dagbok-page2-icon-links": (SITE + "dagbok/page/2/", 10),
}


@pytest.mark.parametrize("name", UNSEEN_LISTINGS)
def test_an_archive_page_in_an_unseen_theme_lists_every_post_with_its_teaser(name):
    url, count = UNSEEN_LISTINGS[name]
    result = read_listing_page(name, url)
    first, number = page_number(url)
    shown = sorted(load_posts(), key=lambda p: p.published_at, reverse=True)[(number - 1) * count:number * count]
    assert (result.kind, result.error, result.post) == (PageKind.LISTING, None, None)
    assert {SITE + p.slug + "/" for p in shown} <= set(result.listing.posts)
    # in the order the page shows them, so that a crawl asks for them in the same order every run
    assert [u for u in result.listing.posts if u in {SITE + p.slug + "/" for p in shown}] == \
        [SITE + p.slug + "/" for p in shown]
    assert f"{first}page/{number + 1}/" in result.listing.next_pages
    teasers = {t.url: (t.title, t.published) for t in result.teasers}
    assert {SITE + p.slug + "/": (p.title, p.published) for p in shown}.items() <= teasers.items()


def test_an_archive_page_with_dates_that_cannot_be_read_is_a_listing_not_a_post():
    """Avada's timeline dates each card by a badge without a year (`19` / `feb`), the year only in a
    month's divider. It was read as a post titled `Dagbok` with the first card's excerpt for a body,
    exit 0: a page whose text holds titles that link to other posts is an archive, not a post."""
    url = SITE + "dagbok/"
    result = read_listing_page("avada-timeline-badges-no-year", url)
    shown = sorted(load_posts(), key=lambda p: p.published_at, reverse=True)[:10]
    assert (result.kind, result.error, result.post) == (PageKind.LISTING, None, None)
    assert [u for u in result.listing.posts if u in {SITE + p.slug + "/" for p in shown}] == \
        [SITE + p.slug + "/" for p in shown]
    assert url + "page/2/" in result.listing.next_pages


def test_a_full_text_archive_dates_each_card_by_its_own_footer():
    """Twenty Nineteen prints each post whole on an archive, its date in the post's footer, the next
    post's linked title right after it: each teaser took the date of the card before it, silently.
    The title nearer a date in the tree is its card's."""
    url = SITE + "dagbok/"
    result = read_listing_page("twentynineteen-full-text-index", url)
    posts = {SITE + p.slug + "/": p for p in load_posts()}
    # Each post's text is under its linked title: the page has none of its own. It failed as a
    # post that could not be read, and every run that reached it exited 1.
    assert (result.kind, result.error, result.post) == (PageKind.LISTING, None, None)
    assert url + "page/2/" in result.listing.next_pages
    assert len(result.teasers) >= 9
    assert all((t.title, t.published) == (posts[t.url].title, posts[t.url].published) for t in result.teasers)


def read_listing_page(name: str, url: str) -> PageResult:
    """A page of tests/markups/unseen/listings/, fetched at `url`, read as a crawl reads a page it followed."""
    body = (Path(__file__).parent / "markups" / "unseen" / "listings" / f"{name}.html").read_bytes()
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=body, fetched=datetime(2020, 3, 1, tzinfo=UTC))
    return read_page(PageResult(url, PageKind.OTHER, Source.LINKS, capture=capture), SITE, LABS)
