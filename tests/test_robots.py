"""robots.txt: Disallow, Crawl-delay, Sitemap lines, and what a missing or failing file means."""

from __future__ import annotations

from scraper.fetch import Fetcher
from scraper.robots import Robots
from tests.fetchers import fetcher
from tests.route_server import Reply, RouteServer

ROBOTS = """\
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

User-agent: dagbok
Disallow: /privat/
Crawl-delay: 4

Sitemap: {base}/wp-sitemap.xml
Sitemap: /relativ-sitemap.xml
"""


def test_disallow_and_allow_lines_for_our_agent_are_obeyed():
    with RouteServer() as server:
        server.routes["/robots.txt"] = Reply(body=ROBOTS.format(base=server.url("").rstrip("/")),
                                             headers={"Content-Type": "text/plain"})
        robots = Robots.fetch(server.url("/"), fetcher(retries=1))
    assert robots.state == "ok"
    assert not robots.allowed(server.url("/privat/hemligt/"))
    assert robots.allowed(server.url("/vilken-resa-vi-gor/"))
    # our own group replaces the `*` group, as RFC 9309 says
    assert robots.allowed(server.url("/wp-admin/"))


def test_star_group_applies_when_we_are_not_named():
    robots = Robots.parse("https://www.allmannyttan.se/robots.txt", "User-agent: *\nDisallow: /wp-admin/\n")
    assert not robots.allowed("https://www.allmannyttan.se/wp-admin/options.php")
    assert robots.allowed("https://www.allmannyttan.se/vilken-resa-vi-gor/")
    assert robots.crawl_delay is None


def test_crawl_delay_is_read_for_our_agent():
    with RouteServer() as server:
        server.routes["/robots.txt"] = Reply(body=ROBOTS.format(base=server.url("").rstrip("/")))
        robots = Robots.fetch(server.url("/"), fetcher(retries=1))
    assert robots.crawl_delay == 4.0


def test_sitemap_lines_are_listed_absolute():
    with RouteServer() as server:
        base = server.url("").rstrip("/")
        server.routes["/robots.txt"] = Reply(body=ROBOTS.format(base=base))
        robots = Robots.fetch(server.url("/"), fetcher(retries=1))
    assert robots.sitemaps == [f"{base}/wp-sitemap.xml", f"{base}/relativ-sitemap.xml"]


def test_missing_robots_txt_allows_everything():
    with RouteServer() as server:  # every path is 404
        robots = Robots.fetch(server.url("/"), fetcher(retries=1))
    assert robots.state == "missing"
    assert robots.capture.status == 404
    assert robots.allowed(server.url("/wp-admin/"))
    assert robots.sitemaps == [] and robots.crawl_delay is None


def test_server_error_on_robots_txt_disallows_everything_and_says_why():
    with RouteServer({"/robots.txt": Reply(503, "underhåll")}) as server:
        robots = Robots.fetch(server.url("/"), fetcher(retries=1))
    assert robots.state == "unreachable"
    assert not robots.allowed(server.url("/vilken-resa-vi-gor/"))
    assert "503" in robots.error
    assert robots.capture.status == 503


def test_unanswered_robots_txt_disallows_everything():
    with RouteServer() as server:
        url = server.url("/")
    robots = Robots.fetch(url, fetcher(retries=1))
    assert robots.state == "unreachable"
    assert robots.capture is None
    assert not robots.allowed(url + "x/")


def test_sample_site_robots_names_its_sitemap(sample_site):
    robots = Robots.fetch(sample_site.base, fetcher(retries=1))
    assert robots.sitemaps == [sample_site.url("/wp-sitemap.xml")]
    assert not robots.allowed(sample_site.url("/wp-admin/"))
    assert robots.allowed(sample_site.url("/vilken-resa-vi-gor/"))


def test_crawl_delays_that_are_not_a_number_of_seconds_are_ignored_without_a_traceback():
    for value in ("inf", "nan", "-5", "1e400", "soon"):
        robots = Robots.parse("https://www.allmannyttan.se/robots.txt", f"User-agent: *\nCrawl-delay: {value}\n")
        assert robots.crawl_delay is None, value
    fetcher = Fetcher(delay=0.5)
    for value in (float("inf"), float("nan"), -1.0):
        assert fetcher.set_min_delay("www.allmannyttan.se", value) == 0.5
    assert fetcher.set_min_delay("www.allmannyttan.se", 1e308) == fetcher.max_delay == 60.0
