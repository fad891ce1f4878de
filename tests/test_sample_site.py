"""The sample site serves what docs/site.md describes, in every markup, and its faults do what they say."""

from __future__ import annotations

import json
import math
import re
import socket
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import lxml.html
import pytest
import requests
from lxml import etree

from scraper.sample_site import FAULTS, MARKUPS, SampleSite, SampleSiteError, date_line, load_posts
from scraper.sample_site.content import FOOTER_PARAGRAPHS, LAB_PATHS, SUBSCRIBE_LINES
from scraper.sample_site.pagebuilder import SHARE

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
POSTS = load_posts()
LIVE = [p for p in POSTS if not p.teaser_only]
TEASER_ONLY = [p for p in POSTS if p.teaser_only]


def text_lines(html: bytes, encoding: str) -> list[str]:
    """The page's visible text lines, whitespace normalised (NBSP → space)."""
    root = lxml.html.document_fromstring(html.decode(encoding))
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.xpath("//p|//div|//h1|//h2|//h3|//td|//tr|//li|//time|//span|//b|//font|//a|//i"):
        block.tail = "\n" + (block.tail or "")
        block.text = "\n" + (block.text or "") if block.tag in ("p", "div", "td", "li", "h1", "h2", "h3") else block.text
    lines = (" ".join(line.replace("\u00a0", " ").split()) for line in root.text_content().split("\n"))
    return [line for line in lines if line]


def get(site: SampleSite, path: str, **headers: str) -> requests.Response:
    return requests.get(site.url(path), headers=headers, allow_redirects=False, timeout=10)


# --- routes, per markup -------------------------------------------------------


@pytest.mark.parametrize("markup", MARKUPS)
def test_every_route_answers_in_every_markup(sample_site_factory, markup):
    site = sample_site_factory(markup=markup)
    post = LIVE[-1]
    paths = ["/", "/robots.txt", post.path, post.path + "embed/", "/wp-json/wp/v2/posts", "/feed/",
             "/feed/?paged=2", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-page-1.xml",
             "/innovationslabb/", "/innovationslabb/om-programmet/", *LAB_PATHS.values()]
    for path in paths:
        assert get(site, path).status_code == 200, path
    assert get(site, "/finns-inte/").status_code == 404
    assert get(site, post.path.rstrip("/")).headers["Location"] == site.url(post.path)


@pytest.mark.parametrize("markup", MARKUPS)
def test_post_page_shows_date_title_body_signature_subscribe_teasers_footer_in_order(sample_site_factory, markup):
    site = sample_site_factory(markup=markup)
    post = next(p for p in LIVE if p.author and not any(p.flags.values()) and p.credit)
    response = get(site, post.path)
    lines = text_lines(response.content, response.encoding)
    at = {name: lines.index(value) for name, value in {
        "title": post.title, "first": " ".join(post.paragraphs[0].split()),
        "credit": post.credit, "author": post.author, "role": post.role,
        "subscribe": SUBSCRIBE_LINES[0], "instagram": SUBSCRIBE_LINES[1], "footer": FOOTER_PARAGRAPHS[0]}.items()}
    at["date"] = next(i for i, line in enumerate(lines) if date_line(post.published) in line)
    if markup == "legacy":  # the legacy layout puts the date line after the title
        assert at["title"] < at["date"] < at["first"]
    elif markup == "pagebuilder":  # a byline under the title
        assert at["title"] < at["date"] < at["first"]
        assert lines[at["date"]] == f"Publicerad {date_line(post.published)}"  # then `av Redaktionen`
    else:
        assert at["date"] < at["title"] < at["first"]
    assert at["first"] < at["credit"] < at["author"] == at["role"] - 1 < at["subscribe"] < at["instagram"]
    teaser_dates = [i for i, line in enumerate(lines) if re.fullmatch(r"(?:Publicerad )?\d{1,2} [a-zé]+ \d{4}(?: av .+)?", line)]
    assert len(teaser_dates) == 4 and at["instagram"] < teaser_dates[1] and teaser_dates[-1] < at["footer"]
    assert "Box 474, 101 29 Stockholm" in " ".join(lines[at["footer"]:])


@pytest.mark.parametrize("markup", MARKUPS)
def test_teasers_are_the_newest_three_and_never_the_host(sample_site_factory, markup):
    site = sample_site_factory(markup=markup)
    newest = sorted(POSTS, key=lambda p: p.published_at, reverse=True)
    for post in [newest[0], newest[2], LIVE[0]]:
        if post.teaser_only or post.flag("no_teasers"):
            continue
        html = get(site, post.path).text
        linked = [p.slug for p in POSTS if p.slug != post.slug and site.url(p.path) in html]
        expected = [p.slug for p in newest if p.slug != post.slug][:3]
        assert linked == sorted(expected, key=linked.index) and set(linked) == set(expected)
        positions = [html.index(site.url(f"/{slug}/")) for slug in expected]
        assert positions == sorted(positions)  # newest first


@pytest.mark.parametrize("markup", MARKUPS)
def test_flags_remove_teasers_subscribe_lines_and_signature(sample_site_factory, markup):
    site = sample_site_factory(markup=markup)
    for post in LIVE:
        response = get(site, post.path)
        lines = text_lines(response.content, response.encoding)
        assert (SUBSCRIBE_LINES[0] in lines) != post.flag("no_subscribe")
        dates = [line for line in lines if re.fullmatch(r"(?:Publicerad )?\d{1,2} [a-z]+ \d{4}(?: av .+)?", line)]
        assert len(dates) == (1 if post.flag("no_teasers") else 4)
        after_post = len(SHARE) if markup == "pagebuilder" else 0  # its share box follows the post
        if post.author is None:
            assert lines[lines.index(SUBSCRIBE_LINES[0]) - 1 - after_post] == " ".join(post.paragraphs[-1].split())
        elif post.flag("no_subscribe") and not post.flag("no_teasers"):
            # the role runs into the first teaser
            assert lines[lines.index(post.role) + 1 + after_post] == dates[1]


def test_markups_share_no_class_names(sample_site_factory):
    classes = {}
    for markup in MARKUPS:
        html = get(sample_site_factory(markup=markup), LIVE[5].path).text
        classes[markup] = {c for attr in re.findall(r'class="([^"]*)"', html, re.I) for c in attr.split()}
    for a in MARKUPS:
        for b in MARKUPS:
            if a < b:
                assert not classes[a] & classes[b], (a, b)


def test_semantic_markup_has_misleading_metadata(sample_site):
    post = next(p for p in LIVE if p.author and p.author != "Redaktionen")
    html = get(sample_site, post.path).text
    root = lxml.html.fromstring(html)
    ld = json.loads(root.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["author"]["name"] == "Redaktionen" != post.author
    assert root.xpath("//h1")[0].text_content().strip() == "Allmännyttan"
    assert root.xpath("//meta[@property='og:description']/@content") == [post.excerpt]
    assert root.xpath("//link[@rel='canonical']/@href") == [sample_site.url(post.path)]
    published = root.xpath("//article[1]//time/@datetime")[0]
    assert datetime.fromisoformat(published) == post.published_at and published[-6:] in ("+01:00", "+02:00")
    assert len(root.xpath("//article[contains(@class, 'entry')]")) == 4  # teasers reuse the post's classes
    titles = {get(sample_site, p.path).text.split("<title>")[1].split("</title>")[0] for p in LIVE[:4]}
    assert "Allmännyttan" in titles and len(titles) > 1


def test_bare_markup_has_no_metadata_and_title_in_h2(sample_site_factory):
    site = sample_site_factory(markup="bare")
    post = LIVE[3]
    html = get(site, post.path).text
    for absent in ("application/ld+json", "og:", "<time", "canonical", "<h1", "<article"):
        assert absent not in html
    root = lxml.html.fromstring(html)
    assert [h.text_content() for h in root.xpath("//h2")][:2] == ["Meny", post.title]


def test_legacy_markup_is_really_windows_1252(sample_site_factory):
    site = sample_site_factory(markup="legacy")
    post = next(p for p in LIVE if "–" in p.body or "”" in p.body)
    response = get(site, post.path)
    assert response.headers["Content-Type"] == "text/html; charset=windows-1252"
    assert b'content="text/html; charset=windows-1252"' in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    assert b"\x96" in response.content or b"\x94" in response.content  # – or ” as one cp1252 byte
    assert b"&ouml;" in response.content and b"&nbsp;" in response.content and b"<BR><BR>" in response.content
    assert b"<table" not in response.content and b"<TABLE" in response.content and b"<FONT" in response.content


def test_nbsp_flag_puts_non_breaking_spaces_on_the_page(sample_site):
    post = next(p for p in LIVE if p.flag("nbsp"))
    assert "\u00a0" in get(sample_site, post.path).text


def test_embed_view_has_title_body_hashtags_but_no_date_or_signature(sample_site):
    post = next(p for p in LIVE if p.author and p.hashtags)
    response = get(sample_site, post.path + "embed/")
    lines = text_lines(response.content, "utf-8")
    assert post.title in lines and post.hashtags in lines
    assert date_line(post.published) not in lines and post.author not in lines


def test_one_embed_view_is_stale_and_shows_the_preliminary_title(sample_site):
    from scraper.sample_site.content import preliminary_title, retitled

    post = retitled(POSTS)
    lines = text_lines(get(sample_site, post.path + "embed/").content, "utf-8")
    assert preliminary_title(post) in lines and post.title not in lines
    assert " ".join(post.paragraphs[-1].split()) not in lines
    page = get(sample_site, post.path)
    assert post.title in text_lines(page.content, "utf-8")


def test_nested_markup_has_no_headings_and_a_one_paragraph_signature(sample_site_factory):
    site = sample_site_factory(markup="nested")
    post = next(p for p in LIVE if p.author and not p.flag("nbsp"))
    html = get(site, post.path).text
    assert not re.search(r"<h\d|class=", html)
    assert f"<p>{post.author}<br>{post.role}</p>" in html.replace("&amp;", "&")
    root = lxml.html.fromstring(html)
    assert root.xpath("//meta[@name='description']/@content")[0] != post.excerpt


def test_expected_is_the_query_json_of_a_post(ground_truth):
    post = next(p for p in ground_truth if p.slug == "vilken-resa-vi-gor")
    expected = post.expected("http://127.0.0.1:8000/")
    assert expected["url"] == "http://127.0.0.1:8000/vilken-resa-vi-gor/"
    assert expected["published"] == "2019-04-29" and expected["author"] == "Anna Kanervo"
    assert expected["excerpt"].endswith("...") and len(expected["excerpt"]) <= 253
    assert set(expected) == {"url", "title", "published", "author", "role", "lab", "labs", "excerpt", "body"}


# --- WordPress endpoints --------------------------------------------------------


def test_api_paginates_with_totals_and_400_past_the_last_page(sample_site):
    first = get(sample_site, "/wp-json/wp/v2/posts?per_page=10&page=1")
    total, pages = int(first.headers["X-WP-Total"]), int(first.headers["X-WP-TotalPages"])
    assert total == len(LIVE) and pages == math.ceil(len(LIVE) / 10)
    seen = []
    for page in range(1, pages + 1):
        seen += [item["slug"] for item in get(sample_site, f"/wp-json/wp/v2/posts?per_page=10&page={page}").json()]
    assert sorted(seen) == sorted(p.slug for p in LIVE)
    past = get(sample_site, f"/wp-json/wp/v2/posts?per_page=10&page={pages + 1}")
    assert past.status_code == 400 and past.json()["code"] == "rest_post_invalid_page_number"
    assert get(sample_site, "/wp-json/wp/v2/posts?per_page=101").status_code == 400
    everything = get(sample_site, "/wp-json/wp/v2/posts?per_page=100").json()
    assert len(everything) == len(LIVE)


def test_api_fields_use_local_date_gmt_date_and_an_editor_account(sample_site):
    items = get(sample_site, "/wp-json/wp/v2/posts?per_page=100&orderby=date&order=asc").json()
    assert [item["slug"] for item in items] == [p.slug for p in LIVE]
    for item, post in zip(items, LIVE):
        assert datetime.fromisoformat(item["date"]).date() == post.published
        assert datetime.fromisoformat(item["date_gmt"]).replace(tzinfo=timezone.utc) == post.published_at
        assert item["link"] == sample_site.url(post.path)
        assert item["excerpt"]["rendered"] != f"<p>{post.excerpt}</p>\n"
        assert item["author"] in (3, 7)
    midnight = next(p for p in LIVE if p.time.hour < 2)  # a post whose GMT date is the day before
    item = next(i for i in items if i["slug"] == midnight.slug)
    assert item["date_gmt"][:10] < item["date"][:10]
    by_modified = get(sample_site, "/wp-json/wp/v2/posts?orderby=modified&order=desc&per_page=5").json()
    assert by_modified[0]["slug"] == max(LIVE, key=lambda p: p.modified).slug


def test_feed_pages_ten_items_in_gmt_with_editor_as_creator(sample_site):
    slugs = []
    page = 1
    while True:
        response = get(sample_site, f"/feed/?paged={page}")
        if response.status_code == 404:
            break
        assert response.status_code == 200
        items = etree.fromstring(response.content).findall("./channel/item")
        assert len(items) == 10 or get(sample_site, f"/feed/?paged={page + 1}").status_code == 404
        for item in items:
            slugs.append(item.findtext("link").rstrip("/").rsplit("/", 1)[1])
            assert item.findtext("pubDate").endswith("+0000")
            assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") in ("Redaktionen", "sabo_webb")
        page += 1
    assert slugs == [p.slug for p in sorted(LIVE, key=lambda p: p.published_at, reverse=True)]


def test_sitemaps_list_every_live_post_with_lastmod_and_robots_names_the_index(sample_site):
    robots = get(sample_site, "/robots.txt").text
    assert f"Sitemap: {sample_site.url('/wp-sitemap.xml')}" in robots and "Disallow: /wp-admin/" in robots
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.fromstring(get(sample_site, "/wp-sitemap.xml").content)
    maps = index.xpath("//s:loc/text()", namespaces=ns)
    assert sample_site.url("/wp-sitemap-posts-post-1.xml") in maps and len(maps) == 2
    urlset = etree.fromstring(get(sample_site, "/wp-sitemap-posts-post-1.xml").content)
    locs = urlset.xpath("//s:loc/text()", namespaces=ns)
    assert sorted(locs) == sorted(sample_site.url(p.path) for p in LIVE)
    assert len(urlset.xpath("//s:lastmod", namespaces=ns)) == len(LIVE)
    pages = etree.fromstring(get(sample_site, "/wp-sitemap-posts-page-1.xml").content)
    assert sample_site.url(LAB_PATHS["Boden"]) in pages.xpath("//s:loc/text()", namespaces=ns)


def test_teaser_only_post_is_gone_but_still_teased(sample_site):
    assert TEASER_ONLY, "the ground truth should have a teaser-only post"
    post = TEASER_ONLY[0]
    assert get(sample_site, post.path).status_code == 404
    assert get(sample_site, post.path + "embed/").status_code == 404
    listings = [get(sample_site, path).text for path in
                ("/wp-json/wp/v2/posts?per_page=100", "/feed/", "/feed/?paged=2", "/wp-sitemap-posts-post-1.xml")]
    assert not any(post.slug in text for text in listings)
    teased_on = [p for p in LIVE if sample_site.url(post.path) in get(sample_site, p.path).text]
    teased_on += [path for path in LAB_PATHS.values() if sample_site.url(post.path) in get(sample_site, path).text]
    assert teased_on


def test_home_programme_and_lab_pages_link_to_posts(sample_site):
    home = get(sample_site, "/").text
    assert all(sample_site.url(path) in home for path in LAB_PATHS.values())
    assert any(sample_site.url(p.path) in home for p in POSTS)
    boden = get(sample_site, LAB_PATHS["Boden"]).text
    assert all(sample_site.url(p.path) in boden for p in POSTS if p.lab == "Boden")
    programme = get(sample_site, "/innovationslabb/").text
    assert any(sample_site.url(p.path) in programme for p in LIVE if p.lab is None)


# --- validators, conditional requests, the log ---------------------------------------


def test_etag_and_last_modified_give_304_on_every_route(sample_site):
    for path in ("/", LIVE[0].path, "/wp-json/wp/v2/posts", "/feed/", "/wp-sitemap.xml", "/robots.txt"):
        first = get(sample_site, path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert get(sample_site, path, **{"If-None-Match": etag}).status_code == 304
        assert get(sample_site, path, **{"If-Modified-Since": modified}).status_code == 304
        assert get(sample_site, path, **{"If-None-Match": '"other"'}).status_code == 200
        head = requests.head(sample_site.url(path), timeout=10)
        assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == etag


def test_post_last_modified_is_its_own_modified_time(sample_site):
    post = LIVE[0]
    embed = get(sample_site, post.path + "embed/")
    assert parsedate_to_datetime(embed.headers["Last-Modified"]) == post.modified.replace(second=0)


def test_changing_and_removing_a_post_changes_validators_and_status(sample_site):
    post = LIVE[4]
    first = get(sample_site, post.path)
    sample_site.update_post(post.slug, title="En helt ny rubrik")
    second = get(sample_site, post.path, **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and "En helt ny rubrik" in second.text
    assert parsedate_to_datetime(second.headers["Last-Modified"]) > parsedate_to_datetime(first.headers["Last-Modified"])
    api = get(sample_site, "/wp-json/wp/v2/posts?orderby=modified&per_page=1").json()[0]
    assert api["slug"] == post.slug
    # a change made in place, without touching `modified`, still moves Last-Modified
    sample_site.post(post.slug).paragraphs[0] = "Ändrat i smyg."
    third = get(sample_site, post.path, **{"If-Modified-Since": second.headers["Last-Modified"]})
    assert third.status_code == 200 and "Ändrat i smyg." in third.text
    removed = sample_site.remove_post(post.slug, status=410)
    assert get(sample_site, post.path).status_code == 410
    assert post.slug not in get(sample_site, "/wp-json/wp/v2/posts?per_page=100").text
    sample_site.restore_post(removed)
    assert get(sample_site, post.path).status_code == 200


def test_request_log_records_method_path_query_headers_status(sample_site):
    get(sample_site, "/feed/?paged=2", **{"User-Agent": "dagbok-test"})
    requests.head(sample_site.url("/robots.txt"), timeout=10)
    get(sample_site, "/finns-inte/")
    feed, robots, missing = sample_site.requests
    assert (feed.method, feed.path, feed.query, feed.status) == ("GET", "/feed/", "paged=2", 200)
    assert feed.headers["user-agent"] == "dagbok-test" and feed.params == {"paged": "2"}
    assert (robots.method, robots.status, missing.status) == ("HEAD", 200, 404)
    assert sample_site.count("/feed/") == 1 and sample_site.count() == 3


def test_site_is_ready_when_started_and_gone_when_stopped():
    site = SampleSite(markup="bare")
    base = site.start()
    assert requests.get(base, timeout=5).status_code == 200
    port = site.port
    site.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_unknown_markup_and_fault_are_refused_by_name():
    with pytest.raises(SampleSiteError, match='no markup called "fancy"'):
        SampleSite(markup="fancy")
    with pytest.raises(SampleSiteError, match='no fault called "gremlins"'):
        SampleSite(faults=("gremlins",))


# --- faults --------------------------------------------------------------------


def fault_site(factory, name: str, **options) -> tuple[SampleSite, str]:
    site = factory(faults=(name,), **options)
    return site, site.fault_route(name)


def statuses(site: SampleSite, path: str, times: int) -> list[int]:
    return [get(site, path).status_code for _ in range(times)]


def test_every_post_fault_has_a_route_of_its_own(sample_site):
    routes = [sample_site.fault_route(name) for name in FAULTS]
    post_routes = [r for r in routes if r not in ("/robots.txt", "/wp-sitemap-posts-post-1.xml", "/wp-json/wp/v2/posts",
                                                  "*")]
    assert len(set(post_routes)) == len(post_routes)
    assert all(r in {p.path for p in LIVE} for r in post_routes)


def test_server_error_fails_twice_then_serves(sample_site_factory):
    site, path = fault_site(sample_site_factory, "server-error")
    assert statuses(site, path, 3) == [500, 500, 200]
    assert get(site, LIVE[-1].path).status_code == 200  # other routes are untouched


def test_always_500_never_serves(sample_site_factory):
    site, path = fault_site(sample_site_factory, "always-500")
    assert statuses(site, path, 4) == [500] * 4


@pytest.mark.parametrize("name,status", [("rate-limit", 429), ("unavailable", 503)])
def test_rate_limit_and_unavailable_send_retry_after_once(sample_site_factory, name, status):
    site, path = fault_site(sample_site_factory, name)
    first = get(site, path)
    assert first.status_code == status and first.headers["Retry-After"] == "1"
    assert get(site, path).status_code == 200


def test_slow_answers_after_the_client_timeout_then_fast(sample_site_factory):
    site, path = fault_site(sample_site_factory, "slow", slow_seconds=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(site.url(path), timeout=(2, 0.3))
    started = time.monotonic()
    assert requests.get(site.url(path), timeout=5).status_code == 200
    assert time.monotonic() - started < 0.9


def test_reset_cuts_the_connection_once(sample_site_factory):
    site, path = fault_site(sample_site_factory, "reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(site.url(path), timeout=5)
    assert get(site, path).status_code == 200
    assert [r.status for r in site.requests] == [0, 200]


def test_truncated_body_is_shorter_than_content_length_once(sample_site_factory):
    site, path = fault_site(sample_site_factory, "truncated")
    with socket.create_connection(("127.0.0.1", site.port), timeout=5) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    assert len(body) < length
    assert len(get(site, path).content) == int(get(site, path).headers["Content-Length"])


def test_redirect_loop_never_ends(sample_site_factory):
    site, path = fault_site(sample_site_factory, "redirect-loop")
    with pytest.raises(requests.exceptions.TooManyRedirects):
        requests.get(site.url(path), timeout=5)


def test_offsite_redirect_points_to_another_host(sample_site_factory):
    site, path = fault_site(sample_site_factory, "offsite-redirect")
    location = get(site, path).headers["Location"]
    assert location.startswith("http://localhost:") and location.endswith(path)


@pytest.mark.parametrize("markup", ["semantic", "legacy"])
def test_wrong_charset_declares_utf8_for_cp1252_bytes(sample_site_factory, markup):
    site, path = fault_site(sample_site_factory, "wrong-charset", markup=markup)
    response = get(site, path)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<meta charset="utf-8">' in response.content and b"windows-1252" not in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    post = next(p for p in LIVE if p.path == path)
    assert " ".join(post.paragraphs[0].split()) in " ".join(text_lines(response.content, "cp1252"))


@pytest.mark.parametrize("markup", ["semantic", "legacy"])
def test_no_charset_anywhere(sample_site_factory, markup):
    site, path = fault_site(sample_site_factory, "no-charset", markup=markup)
    response = get(site, path)
    assert response.headers["Content-Type"] == "text/html"
    assert b"charset" not in response.content.lower()
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")


def test_huge_page_is_about_six_megabytes_and_still_the_post(sample_site_factory):
    site, path = fault_site(sample_site_factory, "huge")
    response = get(site, path)
    assert 5_500_000 < len(response.content) < 8 * 2**20
    post = next(p for p in LIVE if p.path == path)
    assert post.paragraphs[-1].split()[0] in response.text


@pytest.mark.parametrize("markup", MARKUPS)
def test_malformed_html_keeps_its_text(sample_site_factory, markup):
    site, path = fault_site(sample_site_factory, "malformed", markup=markup)
    response = get(site, path)
    assert b"</body>" not in response.content and b"</p>" not in response.content
    assert b"</div></span></div>" in response.content
    lines = " ".join(text_lines(response.content, response.encoding))
    post = next(p for p in LIVE if p.path == path)
    assert all(" ".join(paragraph.split()) in lines for paragraph in post.paragraphs)


def test_hostile_sitemap_has_xxe_and_entity_bomb_but_real_locs(sample_site_factory):
    site, path = fault_site(sample_site_factory, "hostile-sitemap")
    body = get(site, path).content
    assert b'<!ENTITY xxe SYSTEM "file:///etc/passwd">' in body and b"&lol9;" in body
    with pytest.raises(etree.XMLSyntaxError):  # libxml2 refuses the bomb even with entities off...
        etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)  # ...but recovers the locs
    locs = [loc.text for loc in etree.fromstring(body, parser).iter("{%s}loc" % SITEMAP_NS) if loc.text]
    assert {site.url(p.path) for p in LIVE} <= set(locs) and not any("root:" in loc for loc in locs)


def test_robots_faults_add_crawl_delay_and_disallow_one_post(sample_site_factory):
    from protego import Protego

    site = sample_site_factory(faults=("robots-crawl-delay", "robots-disallow"), crawl_delay=0.5)
    robots = Protego.parse(get(site, "/robots.txt").text)
    assert robots.crawl_delay("dagbok") == 0.5
    banned = site.fault_route("robots-disallow")
    assert not robots.can_fetch(site.url(banned), "dagbok")
    assert robots.can_fetch(site.url(LIVE[0].path), "dagbok")
    assert get(site, banned).status_code == 200  # robots.txt forbids it; the server would still serve it


# --- the Wayback Machine ------------------------------------------------------------


def cdx(site: SampleSite, **params) -> list[list[str]]:
    params = {"url": "allmannyttan.se/*", "output": "json", "fl": "timestamp,original,statuscode,digest,mimetype",
              **params}
    return requests.get(site.url("/cdx/search/cdx"), params=params, timeout=10).json()


def test_cdx_lists_every_post_including_those_gone_from_the_live_site(sample_site_factory):
    site = sample_site_factory(wayback=True)
    site.wayback.row_cap = 100_000  # one answer holds the whole index
    rows = cdx(site)
    assert rows[0] == ["timestamp", "original", "statuscode", "digest", "mimetype"]
    originals = {row[1] for row in rows[1:]}
    assert {f"https://www.allmannyttan.se{p.path}" for p in POSTS} <= originals
    assert get(site, TEASER_ONLY[0].path).status_code == 404  # gone live, kept in the archive
    assert any(row[2] == "404" for row in rows[1:])
    assert {row[4] for row in rows[1:]} >= {"text/html", "application/pdf", "image/jpeg"}
    html_ok = cdx(site, filter=["statuscode:200", "mimetype:text/html"], collapse="urlkey")
    assert all(row[2] == "200" and row[4] == "text/html" for row in html_ok[1:])
    assert len({row[1] for row in html_ok[1:]}) == len(html_ok) - 1


def test_replay_serves_each_latest_post_capture_raw(sample_site_factory):
    site = sample_site_factory(wayback=True, markup="bare")
    for post, capture in site.wayback.latest_posts():
        response = get(site, f"/web/{capture.timestamp}id_/{capture.original}")
        assert response.status_code == 200 and post.title in text_lines(response.content, "utf-8")
        assert "wm-ipp" not in response.text and "https://www.allmannyttan.se/" in response.text
        assert response.headers["Memento-Datetime"]
    assert {post.slug for post, _ in site.wayback.latest_posts()} == {p.slug for p in POSTS}


def test_a_post_captured_twice_shows_its_old_title_on_the_old_capture(sample_site_factory):
    site = sample_site_factory(wayback=True)
    changed = site.wayback.changed
    post = next(p for p in POSTS if p.slug == changed.slug)
    original = f"https://www.allmannyttan.se/{changed.slug}/"
    old = get(site, f"/web/{changed.old_timestamp}id_/{original}").text
    new = get(site, f"/web/{changed.new_timestamp}id_/{original}").text
    assert changed.old_title in old and changed.old_title not in new and post.title in new
    stamps = [row[0] for row in cdx(site, url=original)[1:]]
    assert stamps == sorted([changed.old_timestamp, changed.new_timestamp])


def test_replay_redirects_to_the_nearest_capture_and_404s_unknown_urls(sample_site_factory):
    site = sample_site_factory(wayback=True)
    changed = site.wayback.changed
    original = f"https://www.allmannyttan.se/{changed.slug}/"
    near = get(site, f"/web/{changed.new_timestamp[:8]}235959id_/{original}")
    assert near.status_code == 302 and changed.new_timestamp in near.headers["Location"]
    assert get(site, "/web/2019id_/https://www.allmannyttan.se/aldrig-funnits/").status_code == 404
    gone = next(row for row in cdx(site, filter="statuscode:404")[1:])
    assert get(site, f"/web/{gone[0]}id_/{gone[1]}").status_code == 404
