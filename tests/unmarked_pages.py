"""A site in a theme that marks none of WordPress's pages, served on 127.0.0.1 (tests/markups/pages)."""

from __future__ import annotations

from pathlib import Path

from tests.route_server import Reply, RouteServer

PAGES = Path(__file__).parent / "markups" / "pages"  # a custom theme without body_class() or wp_head()
URLSET = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
POST_TEXT = [
    "Nu har alla fyra labben kommit i gång på riktigt. I Boden, Göteborg, Norrköping och Södertälje har "
    "projektledarna börjat träffa de boende, och de första idéerna har redan prövats i liten skala.",
    "Det som förenar labben är arbetssättet: bostadsföretaget löser inte problemen åt de boende, utan "
    "tillsammans med dem, och det som inte fungerar får vi lära oss av lika mycket som av det som gör det.",
]


def unmarked_pages_site(*, pages_sitemap: bool) -> RouteServer:
    """A site whose theme prints neither `body_class()` nor WordPress's head (so no `page-id-N`, no
    shortlink): a post, an about page of long text (`/om-oss/`) and a conference page dated in its
    hero (`/innovation-i-vardagen/`), linked from the home page. Its sitemaps list the post and,
    when `pages_sitemap`, the two pages as WordPress's pages."""
    post = ("<html><head><title>Alla labb på plats</title></head><body><h1>Alla labb på plats</h1>"
            "<p>6 mars 2019</p>" + "".join(f"<p>{line}</p>" for line in POST_TEXT)
            + "<p>Anna Kanervo<br>projektansvarig</p></body></html>")
    server = RouteServer({
        "/": Reply(body='<a href="/alla-labb-pa-plats/">Alla labb</a> <a href="/om-oss/">Om oss</a> '
                        '<a href="/innovation-i-vardagen/">Slutkonferens</a>'),
        "/alla-labb-pa-plats/": Reply(body=post),
        "/om-oss/": Reply(body=(PAGES / "custom-theme-om-oss.html").read_bytes()),
        "/innovation-i-vardagen/": Reply(body=(PAGES / "custom-theme-slutkonferens.html").read_bytes())})
    sitemaps = ["/wp-sitemap-posts-post-1.xml", *(["/wp-sitemap-posts-page-1.xml"] if pages_sitemap else [])]
    server.routes.update({
        "/wp-sitemap.xml": Reply(body='<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                             + "".join(f"<sitemap><loc>{server.url(path)}</loc></sitemap>" for path in sitemaps)
                             + "</sitemapindex>"),
        "/wp-sitemap-posts-post-1.xml": Reply(body=URLSET.format(
            f"<url><loc>{server.url('/alla-labb-pa-plats/')}</loc></url>")),
        "/wp-sitemap-posts-page-1.xml": Reply(body=URLSET.format("".join(
            f"<url><loc>{server.url(path)}</loc></url>" for path in ("/om-oss/", "/innovation-i-vardagen/"))))})
    return server
