"""Each discovery source against a real local server: the sample site, or a route server for edge cases."""

from __future__ import annotations

import codecs
import json
from urllib.parse import parse_qs, urlsplit
from datetime import UTC, datetime, time

import pytest

from scraper.names import Source
from scraper.records import Candidate, Validators
from scraper.sample_site.faults import BILLION_LAUGHS_ENTITIES
from scraper.sources import Listing, SourceEnd
from scraper.sources.feed import parse_feed, read_feed
from scraper.sources.links import page_links
from scraper.sources.sitemaps import SitemapError, lists_pages, parse_sitemap, read_sitemaps
from scraper.sources.wp_api import read_api
from tests.fetchers import fetcher
from tests.route_server import Reply, RouteServer


def split(events):
    events = list(events)
    candidates = [e for e in events if isinstance(e, Candidate)]
    listings = [e for e in events if isinstance(e, Listing)]
    ends = [e for e in events if isinstance(e, SourceEnd)]
    assert len(ends) == 1 and events[-1] is ends[0], "a source ends with exactly one SourceEnd"
    return candidates, listings, ends[0]


def live_urls(site) -> set[str]:
    return {site.url(p.path) for p in site.live_posts}


# --- WordPress REST API ------------------------------------------------------


def test_api_lists_every_live_post_with_its_modified_time(sample_site):
    candidates, listings, end = split(read_api(sample_site.base, fetcher(retries=1)))
    assert {c.url for c in candidates} == live_urls(sample_site)
    assert all(c.source is Source.API for c in candidates)
    newest = max(sample_site.live_posts, key=lambda p: p.modified)
    by_url = {c.url: c for c in candidates}
    assert by_url[sample_site.url(newest.path)].modified == newest.modified.astimezone(UTC)
    assert end == SourceEnd(Source.API, found=True, unchanged=False, complete=True)
    # the one page of posts, then the category names (asked once: the items name category ids)
    assert [(urlsplit(l.url).path, l.capture.status) for l in listings] == [
        ("/wp-json/wp/v2/posts", 200), ("/wp-json/wp/v2/categories", 200)]
    assert {c.categories for c in candidates} == {("Dagbok",)}


def test_api_pages_until_the_last_page_by_total_pages(sample_site):
    candidates, listings, end = split(read_api(sample_site.base, fetcher(retries=1), per_page=10))
    assert len(candidates) == len(sample_site.live_posts)
    pages = [r.params["page"] for r in sample_site.requests if r.path == "/wp-json/wp/v2/posts"]
    assert pages == ["1", "2", "3", "4"]
    assert end.complete


def test_api_without_total_pages_stops_at_the_400_past_the_last_page():
    page = [{"link": "/ett/", "modified_gmt": "2019-04-29T08:00:00"}]
    with RouteServer() as server:
        def api(handler):
            number = parse_qs(urlsplit(handler.path).query)["page"][0]
            if number == "1":
                return Reply(body=json.dumps(page), headers={"Content-Type": "application/json"})
            return Reply(400, '{"code":"rest_post_invalid_page_number"}')
        server.routes["/wp-json/wp/v2/posts"] = api
        candidates, listings, end = split(read_api(server.url("/"), fetcher(retries=1)))
    assert [c.url for c in candidates] == [server.url("/ett/")]
    assert candidates[0].modified == datetime(2019, 4, 29, 8, 0, tzinfo=UTC)
    assert [l.capture.status for l in listings] == [200, 400]
    assert end.complete and end.found


def test_api_incremental_stops_paging_at_items_already_stored(sample_site):
    first = split(read_api(sample_site.base, fetcher(retries=1), per_page=10))[0]
    known = {c.url: Validators(modified=c.modified) for c in first}
    sample_site.clear_requests()
    candidates, listings, end = split(read_api(sample_site.base, fetcher(retries=1), known=known, per_page=10))
    # page 1 ends with posts no newer than the newest stored one (and the category names)
    assert [urlsplit(l.url).path for l in listings] == ["/wp-json/wp/v2/posts", "/wp-json/wp/v2/categories"]
    assert not end.complete and not end.unchanged


def test_api_first_page_304_means_unchanged(sample_site):
    first = list(read_api(sample_site.base, fetcher(retries=1)))
    listing = next(e for e in first if isinstance(e, Listing))
    known = {listing.url: Validators(etag=listing.capture.headers["etag"])}
    candidates, listings, end = split(read_api(sample_site.base, fetcher(retries=1), known=known))
    assert candidates == []
    assert listings[0].capture.status == 304
    assert end == SourceEnd(Source.API, found=True, unchanged=True, complete=False)


def test_site_without_api_is_reported_not_found():
    with RouteServer() as server:
        candidates, listings, end = split(read_api(server.url("/"), fetcher(retries=1)))
    assert candidates == [] and not end.found and listings[0].capture.status == 404


def test_api_answering_html_is_an_error_with_the_capture_kept():
    with RouteServer({"/wp-json/wp/v2/posts": Reply(body="<html>inte json</html>")}) as server:
        candidates, listings, end = split(read_api(server.url("/"), fetcher(retries=1)))
    assert listings[0].error and listings[0].capture.status == 200
    assert not end.complete


def test_api_server_error_is_reported_not_raised():
    with RouteServer({"/wp-json/wp/v2/posts": Reply(500, "fel")}) as server:
        candidates, listings, end = split(read_api(server.url("/"), fetcher(retries=1)))
    assert "500" in listings[0].error
    assert not end.complete and not end.unchanged


# --- sitemaps ------------------------------------------------------------------


def test_sitemaps_named_in_robots_are_followed_through_the_index(sample_site):
    events = read_sitemaps(sample_site.base, fetcher(retries=1), robots_sitemaps=[sample_site.url("/wp-sitemap.xml")])
    candidates, listings, end = split(events)
    urls = {c.url for c in candidates}
    assert live_urls(sample_site) <= urls
    assert sample_site.url("/vad-vi-gor/innovationslabbet-i-boden/") in urls  # pages too; discover filters
    pages = {c.url for c in candidates if c.listed_as_page}  # WordPress's pages: lab, programme and home pages
    assert pages == {sample_site.url(path) for path in sample_site.pages} and not pages & live_urls(sample_site)
    assert all(c.modified is not None and c.modified.tzinfo for c in candidates)
    assert [l.url for l in listings] == [sample_site.url(p) for p in (
        "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-page-1.xml")]
    assert end == SourceEnd(Source.SITEMAP, found=True, unchanged=False, complete=True)


@pytest.mark.parametrize("url, pages", [
    ("https://h/wp-sitemap-posts-page-1.xml", True),  # WordPress's own, since 5.5
    ("https://h/wp-sitemap-posts-page-12.xml", True),
    ("https://h/?sitemap=posts&sitemap-subtype=page&paged=1", True),  # ... without pretty permalinks
    ("https://h/page-sitemap.xml", True),  # Yoast, Rank Math, SEOPress
    ("https://h/page-sitemap2.xml", True),
    ("https://h/sitemap-pt-page-2019-05.xml", True),  # Google XML Sitemaps
    ("https://h/sitemap-pt-page.xml.gz", True),
    ("https://h/wp-sitemap-posts-post-1.xml", False),
    ("https://h/?sitemap=posts&sitemap-subtype=post&paged=1", False),
    ("https://h/post-sitemap.xml", False),
    ("https://h/sitemap-pt-post-2019-05.xml", False),
    ("https://h/wp-sitemap-taxonomies-category-1.xml", False),
    ("https://h/sitemap.xml", False),  # Jetpack's and others' sitemaps mix every kind
    ("https://h/homepage-sitemap.xml", False),
    ("https://h/page-sitemap.xml/extra", False),
])
def test_the_sitemap_of_wordpress_s_pages_is_known_by_its_name(url, pages):
    assert lists_pages(url) is pages


def test_the_urls_of_a_sitemap_of_pages_are_listed_as_pages_and_no_others():
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              "<url><loc>/{}</loc></url></urlset>")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             "<sitemap><loc>/post-sitemap.xml</loc></sitemap><sitemap><loc>/page-sitemap.xml</loc></sitemap>"
             "</sitemapindex>")
    with RouteServer({"/sitemap_index.xml": Reply(body=index),
                      "/post-sitemap.xml": Reply(body=urlset.format("vilken-resa-vi-gor/")),
                      "/page-sitemap.xml": Reply(body=urlset.format("om-oss/"))}) as server:
        candidates, _, end = split(read_sitemaps(server.url("/"), fetcher(retries=1)))
    assert [(c.url, c.listed_as_page) for c in candidates] == [
        (server.url("/vilken-resa-vi-gor/"), False), (server.url("/om-oss/"), True)]
    assert end.complete


def test_well_known_sitemaps_are_probed_in_order_until_one_answers():
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              "<url><loc>/{}</loc><lastmod>2019-04-29</lastmod></url></urlset>")
    with RouteServer() as server:
        server.routes["/sitemap_index.xml"] = Reply(body=urlset.format("vilken-resa-vi-gor/"))
        candidates, listings, end = split(read_sitemaps(server.url("/"), fetcher(retries=1)))
    assert [l.url.rsplit("/", 1)[1] for l in listings] == ["wp-sitemap.xml", "sitemap_index.xml"]
    assert candidates == [Candidate(server.url("/vilken-resa-vi-gor/"), Source.SITEMAP,
                                    datetime(2019, 4, 29, tzinfo=UTC))]
    assert end.found and end.complete


def test_unchanged_sitemap_index_is_one_conditional_request(sample_site):
    entry = sample_site.url("/wp-sitemap.xml")
    first = list(read_sitemaps(sample_site.base, fetcher(retries=1), robots_sitemaps=[entry]))
    etag = next(l for l in first if isinstance(l, Listing) and l.url == entry).capture.headers["etag"]
    sample_site.clear_requests()
    candidates, listings, end = split(
        read_sitemaps(sample_site.base, fetcher(retries=1), robots_sitemaps=[entry], known={entry: Validators(etag=etag)})
    )
    assert len(sample_site.requests) == 1 and listings[0].capture.status == 304
    assert end.unchanged and not end.complete


def test_sitemaps_on_other_hosts_are_ignored():
    with RouteServer() as server:
        candidates, listings, end = split(
            read_sitemaps(server.url("/"), fetcher(retries=1), robots_sitemaps=["https://example.com/sitemap.xml"])
        )
    assert all("example.com" not in l.url for l in listings)


BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
{BILLION_LAUGHS_ENTITIES}
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x/&lol9;/</loc></url></urlset>""".encode()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x/&xxe;/</loc></url></urlset>"""


def test_billion_laughs_sitemap_is_refused_not_expanded():
    with pytest.raises(SitemapError, match="not well-formed"):
        parse_sitemap(BILLION_LAUGHS)


def test_xxe_sitemap_does_not_read_local_files():
    kind, entries = parse_sitemap(XXE)
    assert entries == [("http://x/", None)]  # the external entity is left unresolved, unread


def test_malformed_sitemap_is_an_error_listing_not_an_exception():
    with RouteServer({"/wp-sitemap.xml": Reply(body="<urlset><url><loc>trasig")}) as server:
        candidates, listings, end = split(read_sitemaps(server.url("/"), fetcher(retries=1)))
    assert listings[0].error and "not well-formed" in listings[0].error
    assert listings[0].capture.status == 200
    assert not end.complete


def test_a_sitemap_and_a_feed_after_a_stray_blank_line_are_read():
    # a theme or plugin printing a newline before WordPress's output: strict XML refuses the declaration
    sitemap = (b'\n\n<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>http://h/a/</loc></url></urlset>")
    assert parse_sitemap(sitemap) == ("urlset", [("http://h/a/", None)])
    assert parse_sitemap(codecs.BOM_UTF8 + sitemap) == ("urlset", [("http://h/a/", None)])
    feed = (b'\n<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            b"<item><link>http://h/a/</link></item></channel></rss>")
    assert [c.url for c in parse_feed(feed)] == ["http://h/a/"]


def test_gzipped_sitemap_is_read():
    import gzip

    body = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                         b"<url><loc>http://h/a/</loc></url></urlset>")
    assert parse_sitemap(body) == ("urlset", [("http://h/a/", None)])


# --- feed ----------------------------------------------------------------------


def test_feed_is_read_page_by_page_until_the_404(sample_site):
    candidates, listings, end = split(read_feed(sample_site.base, fetcher(retries=1)))
    assert {c.url for c in candidates} == live_urls(sample_site)
    assert [l.capture.status for l in listings] == [200, 200, 200, 200, 404]
    assert [r.params.get("paged", "1") for r in sample_site.requests] == ["1", "2", "3", "4", "5"]
    assert end == SourceEnd(Source.FEED, found=True, unchanged=False, complete=True)


def test_feed_incremental_stops_at_a_page_of_known_posts(sample_site):
    first = split(read_feed(sample_site.base, fetcher(retries=1)))[0]
    known = {c.url: Validators() for c in first}
    sample_site.clear_requests()
    candidates, listings, end = split(read_feed(sample_site.base, fetcher(retries=1), known=known))
    assert len(listings) == 1 and not end.complete


def test_atom_feed_links_are_read():
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><title>Vilken resa</title><link rel="alternate" href="/vilken-resa-vi-gor/"/>
      <updated>2019-04-29T10:15:00+02:00</updated></entry></feed>"""
    with RouteServer({"/feed/": Reply(body=atom, headers={"Content-Type": "application/atom+xml"})}) as server:
        candidates, listings, end = split(read_feed(server.url("/"), fetcher(retries=1)))
    assert candidates == [Candidate(server.url("/vilken-resa-vi-gor/"), Source.FEED,
                                    datetime(2019, 4, 29, 8, 15, tzinfo=UTC))]


def test_api_and_feed_give_the_length_of_each_posts_whole_text_never_of_an_excerpt(sample_site):
    """The words of `content.rendered` and `content:encoded`, what the page's body is held against;
    a feed of excerpts (RSS `<description>`, Atom `<summary>`) and a protected post give none."""
    truth = {sample_site.url(p.path): len(" ".join([p.body, p.author or "", p.role or ""]).split())
             for p in sample_site.live_posts}
    for read in (read_api, read_feed):
        candidates = split(read(sample_site.base, fetcher(retries=1)))[0]
        assert {c.url: c.words for c in candidates}.keys() == truth.keys()
        assert all(truth[c.url] <= c.words <= truth[c.url] + 8 for c in candidates)  # + a photo credit
    rss = ("<rss><channel><item><link>/ett/</link><description>Ett utdrag [&#8230;]</description></item></channel>"
           "</rss>")
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link href="/tva/"/><summary type="html">Ett utdrag [&amp;#8230;]</summary></entry><entry>
      <link href="/tre/"/><content type="html">&lt;p&gt;Tre ord &lt;b&gt;här&lt;/b&gt;&lt;/p&gt;&lt;style&gt;.x{}&lt;/style&gt;</content>
      </entry></feed>"""
    api = json.dumps([{"link": "/fyra/", "content": {"rendered": "", "protected": True}, "title": {"rendered": "Fyra"}}])
    for body, words in ((rss, [None]), (atom, [None, 3])):
        with RouteServer({"/feed/": Reply(body=body)}) as server:
            assert [c.words for c in split(read_feed(server.url("/"), fetcher(retries=1)))[0]] == words
    with RouteServer({"/wp-json/wp/v2/posts": Reply(body=api, headers={"Content-Type": "application/json"})}) as server:
        assert [c.words for c in split(read_api(server.url("/"), fetcher(retries=1)))[0]] == [None]


def test_feed_that_ignores_paged_is_read_once():
    rss = "<rss><channel><item><link>/ett/</link></item></channel></rss>"
    with RouteServer({"/feed/": Reply(body=rss)}) as server:
        candidates, listings, end = split(read_feed(server.url("/"), fetcher(retries=1)))
    assert len(listings) == 2 and end.complete


def test_hostile_feed_does_not_expand_entities():
    with RouteServer({"/feed/": Reply(body=BILLION_LAUGHS.replace(b"urlset", b"rss"))}) as server:
        candidates, listings, end = split(read_feed(server.url("/"), fetcher(retries=1)))
    assert candidates == []


# --- links ---------------------------------------------------------------------


def test_page_links_are_absolute_deduplicated_and_http_only():
    html = """<html><head><base href="http://h/undersida/"></head><body>
      <a href="/vilken-resa-vi-gor/#kommentarer">a</a><a href="relativ/">b</a>
      <a href="mailto:info@sabo.se">c</a><a href="javascript:void(0)">d</a><a href="#topp">e</a>
      <a href="http://h/vilken-resa-vi-gor/">f</a></body></html>"""
    assert page_links(html, base_url="http://h/") == ["http://h/vilken-resa-vi-gor/", "http://h/undersida/relativ/"]


def test_page_links_of_nothing_is_nothing():
    assert page_links(b"", base_url="http://h/") == []


def test_api_gives_each_post_its_local_date_never_the_utc_one(sample_site):
    # A post published at 00:30 Stockholm time has a `date_gmt` on the day before.
    late = sample_site.live_posts[3]
    sample_site.update_post(late.slug, time=time(0, 30))
    candidates, _, _ = split(read_api(sample_site.base, fetcher(retries=1)))
    by_url = {c.url: c for c in candidates}
    for post in sample_site.live_posts:
        assert by_url[sample_site.url(post.path)].published == post.published
    assert late.published_at.astimezone(UTC).date() < late.published


def test_api_gives_each_post_its_title_as_the_page_shows_it(sample_site):
    candidates, _, _ = split(read_api(sample_site.base, fetcher(retries=1)))
    by_url = {c.url: c for c in candidates}
    assert any("–" in post.title for post in sample_site.live_posts)  # served as `&#8211;`
    for post in sample_site.live_posts:
        assert by_url[sample_site.url(post.path)].title == post.title


def test_api_title_keeps_its_text_not_its_markup_and_nothing_else_rendered_is_a_title():
    page = [
        {"link": "/ett/", "title": {"rendered": "Vi ses <em>i&nbsp;Boden</em> &#8211; \u201dsnart\u201d"},
         "guid": {"rendered": "/?p=1"}, "content": {"rendered": "<p>Brödtext</p>", "protected": False}},
        {"link": "/tva/", "title": {"rendered": ""}, "content": {"rendered": "<p>Text</p>", "protected": False}},
        {"link": "/tre/", "title": {"rendered": "x" * 501}},
        {"link": "/fyra/"},
    ]
    with RouteServer() as server:
        server.routes["/wp-json/wp/v2/posts"] = Reply(body=json.dumps(page), headers={"Content-Type": "application/json",
                                                                                     "X-WP-TotalPages": "1"})
        candidates, _, _ = split(read_api(server.url("/"), fetcher(retries=1)))
    assert [(urlsplit(c.url).path, c.title) for c in candidates] == [
        ("/ett/", "Vi ses i Boden – ”snart”"), ("/tva/", None), ("/tre/", None), ("/fyra/", None)]


def test_api_and_feed_give_each_post_its_categories_by_name(sample_site_factory):
    site = sample_site_factory(news=True)
    api = {c.url: c.categories for c in split(read_api(site.base, fetcher(retries=1)))[0]}
    feed = {c.url: c.categories for c in split(read_feed(site.base, fetcher(retries=1)))[0]}
    for post in [*site.live_posts, *site.news]:
        assert api[site.url(post.path)] == (post.category,)
    assert {feed[url] for url in feed} == {("Dagbok",), ("Nyheter",)}


def test_a_damaged_gzipped_sitemap_is_an_error_not_a_crash():
    """A `.gz` sitemap cut short or not gzip at all: zlib's error escaped `parse_sitemap`."""
    import gzip

    with pytest.raises(SitemapError, match="not readable gzip"):
        parse_sitemap(b"\x1f\x8b" + b"not gzip at all")
    with pytest.raises(SitemapError):
        parse_sitemap(gzip.compress(b"<urlset></urlset>")[:12])
