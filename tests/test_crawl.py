"""The crawl over the sample site: discovery, page kinds, incremental recrawls, faults, the Wayback Machine."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from datetime import date, datetime, timezone

import pytest

from scraper.crawl import crawl, crawl_wayback, read_page
from scraper.errors import SiteUnreachable
from scraper.fetch import Fetcher
from scraper.labs import LabVocabulary
from scraper.names import PageKind, Source
from scraper.records import REPLAY_URL_HEADER, Candidate, Capture, DiscoveryDone, ListingChecked, PageResult, Validators
from scraper.sources.wayback import BadTimestamp
from scraper.sample_site import MARKUPS
from scraper.sample_site.content import fields_of
from tests.fetchers import fetcher
from tests.route_server import Reply, RouteServer
from tests.unmarked_pages import unmarked_pages_site

LABS = LabVocabulary.load()


def remember(known: dict[str, Validators], items: Iterable[PageResult | ListingChecked | DiscoveryDone]) -> None:
    """What the archive keeps of each page for the next run (as archive.runs.known_validators reads it)."""
    for item in items:
        if isinstance(item, ListingChecked):
            # `provisional` is not followed here: the retry tests need listings that say nothing changed.
            known[item.url] = item.validators
            continue
        if not isinstance(item, PageResult) or item.capture is None:
            continue
        status = item.capture.status
        if status in (404, 410):
            known.pop(item.url, None)
            continue
        if not (200 <= status < 300 or status == 304):
            continue
        old = known.get(item.url, Validators())
        modified = (item.candidate.modified if item.candidate else None) or (item.post.modified if item.post else None)
        if status == 304 or item.pending:  # a pending listing's validators wait for its ListingChecked
            known[item.url] = Validators(old.etag, old.last_modified, old.digest, modified or old.modified)
        else:
            headers = item.capture.headers
            known[item.url] = Validators(headers.get("etag"), headers.get("last-modified"), item.capture.digest,
                                         modified or old.modified)


def run(site, known=None, **options) -> tuple[list, Fetcher]:
    used = options.pop("fetcher", None) or fetcher()
    items = list(crawl(site.base, fetcher=used, known=known if known is not None else {}, labs=LABS, **options))
    if known is not None:
        remember(known, items)
    return items, used


def pages(items) -> list[PageResult]:
    return [item for item in items if isinstance(item, PageResult)]


def done(items) -> DiscoveryDone:
    found = [item for item in items if isinstance(item, DiscoveryDone)]
    assert len(found) == 1 and items[-1] is found[0], "DiscoveryDone comes once, last"
    return found[0]


def posts_by_url(items) -> dict[str, PageResult]:
    return {r.url: r for r in pages(items) if r.kind == PageKind.POST and r.post is not None}


def beyond_robots(site) -> list[str]:
    return [r.path + ("?" + r.query if r.query else "") for r in site.requests if r.path != "/robots.txt"]


# --- a first crawl -----------------------------------------------------------------


def test_every_ground_truth_post_is_found_and_read_from_its_own_page(sample_site):
    items, used = run(sample_site)
    posts = posts_by_url(items)
    for post in sample_site.live_posts:
        result = posts[sample_site.url(post.path)]
        assert result.capture.status == 200
        assert result.post.title == post.title
        assert result.error is None
    assert len(posts) == len(sample_site.live_posts)
    assert done(items).urls == {sample_site.url(p.path) for p in sample_site.posts}
    assert done(items).complete


def test_read_page_reads_a_kept_capture_again_as_the_crawl_read_it(sample_site):
    """What `dagbok rebuild` relies on: the crawl's public read step, given only the capture back."""
    items, _ = run(sample_site)
    for crawled in posts_by_url(items).values():
        bare = PageResult(crawled.url, PageKind.OTHER, crawled.source, capture=crawled.capture,
                          candidate=crawled.candidate)
        again = read_page(bare, sample_site.base, LABS)
        assert (again.kind, again.post, again.teasers, again.error) == (PageKind.POST, crawled.post,
                                                                        crawled.teasers, None)


def test_robots_txt_comes_first_and_every_exchange_is_yielded(sample_site):
    items, used = run(sample_site)
    assert sample_site.requests[0].path == "/robots.txt"
    results = pages(items)
    assert results[0].url == sample_site.url("/robots.txt") and results[0].kind == PageKind.LISTING
    assert len(results) == used.requests == len(sample_site.requests)
    kinds = {r.url: r.kind for r in results}
    assert kinds[sample_site.url("/wp-json/wp/v2/posts?per_page=100&page=1&orderby=modified&order=desc")] == \
        PageKind.LISTING
    assert kinds[sample_site.url("/feed/")] == PageKind.LISTING
    assert kinds[sample_site.url("/wp-sitemap.xml")] == PageKind.LISTING


def test_listings_are_yielded_as_fetched_and_their_validators_after_the_pages_they_list(sample_site):
    items, _ = run(sample_site)
    first_post = min(i for i, r in enumerate(items) if isinstance(r, PageResult) and r.kind == PageKind.POST)
    last_post = max(i for i, r in enumerate(items) if isinstance(r, PageResult) and r.kind == PageKind.POST)
    listings = [i for i, r in enumerate(items) if isinstance(r, PageResult) and r.kind == PageKind.LISTING]
    assert max(listings) < first_post  # stored as fetched: no listing body is held through the crawl
    checked = [i for i, r in enumerate(items) if isinstance(r, ListingChecked)]
    pending = {r.url: r.capture for r in pages(items) if r.pending}
    first_pages = {"/wp-json/wp/v2/posts?per_page=100&page=1&orderby=modified&order=desc", "/feed/", "/wp-sitemap.xml"}
    # The HTML pages whose lists of posts were followed: the home page, the lab and programme pages.
    html_listings = {"/", "/innovationslabb/", "/innovationslabb/om-programmet/",
                     *(f"/vad-vi-gor/innovationslabbet-i-{town}/" for town in ("boden", "goteborg", "norrkoping",
                                                                              "sodertalje"))}
    assert set(pending) == {sample_site.url(path) for path in first_pages | html_listings}
    assert min(checked) > last_post and {items[i].url for i in checked} == set(pending)
    assert all(items[i].validators.digest == pending[items[i].url].digest for i in checked)


def test_embed_views_are_never_fetched_or_taken_as_posts(sample_site):
    items, _ = run(sample_site)
    assert not [r for r in sample_site.requests if r.path.endswith("/embed/")]
    assert all(not r.url.endswith("/embed/") for r in pages(items))


def test_lab_and_programme_pages_are_archived_as_such(sample_site):
    items, _ = run(sample_site)
    kinds = {r.url: r.kind for r in pages(items)}
    for town in ("boden", "goteborg", "norrkoping", "sodertalje"):
        assert kinds[sample_site.url(f"/vad-vi-gor/innovationslabbet-i-{town}/")] == PageKind.LAB
    assert kinds[sample_site.url("/innovationslabb/")] == PageKind.PROGRAMME
    assert kinds[sample_site.url("/innovationslabb/om-programmet/")] == PageKind.PROGRAMME
    assert all(r.post is None for r in pages(items) if r.kind in (PageKind.LAB, PageKind.PROGRAMME))


def test_teaser_only_post_is_discovered_from_teasers(sample_site):
    only = [p for p in sample_site.posts if p.teaser_only]
    assert only, "the sample site has a post known only from teasers"
    items, _ = run(sample_site)
    results = {r.url: r for r in pages(items)}
    for post in only:
        url = sample_site.url(post.path)
        assert results[url].source == Source.TEASER
        assert results[url].capture.status == 404 and results[url].error is None
        assert any(t.url == url for r in pages(items) for t in r.teasers)
        assert url in done(items).urls


def test_teaser_links_are_in_the_archive_url_form(sample_site):
    items, _ = run(sample_site)
    teaser_urls = {t.url for r in pages(items) for t in r.teasers if t.url}
    assert teaser_urls and teaser_urls <= {sample_site.url(p.path) for p in sample_site.posts}


def test_posts_carry_the_candidate_with_the_api_modified_time(sample_site):
    items, _ = run(sample_site)
    posts = posts_by_url(items)
    for post in sample_site.live_posts:
        candidate = posts[sample_site.url(post.path)].candidate
        assert candidate.source == Source.API
        assert candidate.modified == post.modified


def test_max_pages_bounds_the_crawl(sample_site):
    items, used = run(sample_site, max_pages=5)
    # robots.txt and the API, sitemaps and feed are not pages of the walk; HTML pages (listings too) are.
    walked = [r for r in pages(items) if r.source not in (Source.API, Source.SITEMAP, Source.FEED)
              and not r.url.endswith("/robots.txt")]
    assert len(walked) == 5


# --- incremental ---------------------------------------------------------------------


def test_unchanged_site_costs_at_most_five_requests_beyond_robots(sample_site):
    known: dict[str, Validators] = {}
    run(sample_site, known)
    sample_site.clear_requests()
    items, used = run(sample_site, known)
    assert len(beyond_robots(sample_site)) <= 5
    assert all(r.status == 304 for r in sample_site.requests if r.path != "/robots.txt")
    assert used.requests == len(sample_site.requests) == 4  # robots.txt, API page 1, sitemap index, feed page 1
    assert not done(items).complete  # nothing was listed, so nothing may be taken as gone


def test_unchanged_site_that_ignores_conditional_requests_is_recognised_by_digest():
    api = json.dumps([{"link": "/forsta-inlagget/", "modified_gmt": "2019-04-29T08:00:00"}])
    rss = "<rss><channel><item><link>/forsta-inlagget/</link></item></channel></rss>"
    with RouteServer({"/wp-json/wp/v2/posts": Reply(body=api, headers={"X-WP-TotalPages": "1"}),
                      "/feed/": Reply(body=rss), "/": Reply(body='<a href="/forsta-inlagget/">1</a>'),
                      "/forsta-inlagget/": Reply(body="<h1>Ett inlägg</h1><p>29 april 2019</p>")}) as server:
        known: dict[str, Validators] = {}
        remember(known, crawl(server.url("/"), fetcher=fetcher(), known=known, labs=LABS))
        server.seen.clear()
        list(crawl(server.url("/"), fetcher=fetcher(), known=known, labs=LABS))
    paths = [seen.path.split("?")[0] for seen in server.seen if seen.path != "/robots.txt"]
    assert len(paths) <= 5
    assert "/forsta-inlagget/" not in paths and "/" not in paths


def test_changed_post_is_refetched_and_unchanged_posts_are_not(sample_site):
    known: dict[str, Validators] = {}
    run(sample_site, known)
    sample_site.update_post("vilken-resa-vi-gor", title="Vilken resa vi har gjort!")
    sample_site.clear_requests()
    items, used = run(sample_site, known)
    fetched = [r.url for r in pages(items) if r.kind == PageKind.POST and r.capture.status == 200]
    assert fetched == [sample_site.url("/vilken-resa-vi-gor/")]
    assert posts_by_url(items)[fetched[0]].post.title == "Vilken resa vi har gjort!"
    assert done(items).complete
    assert len(beyond_robots(sample_site)) < 20


def test_new_post_is_found_on_an_incremental_run(sample_site):
    newest = max(sample_site.live_posts, key=lambda p: p.published_at)
    removed = sample_site.remove_post(newest.slug)
    known: dict[str, Validators] = {}
    run(sample_site, known)
    sample_site.restore_post(removed)
    sample_site.update_post(removed.slug)  # published now: a modified later than anything stored
    items, _ = run(sample_site, known)
    assert sample_site.url(newest.path) in posts_by_url(items)


def test_removed_post_is_missing_from_a_complete_discovery(sample_site):
    known: dict[str, Validators] = {}
    run(sample_site, known)
    gone = sample_site.remove_post("vilken-resa-vi-gor")
    items, _ = run(sample_site, known)
    assert done(items).complete
    assert sample_site.url(gone.path) not in done(items).urls


def test_full_crawl_reads_every_listing_whole_and_asks_for_every_known_post(sample_site):
    known: dict[str, Validators] = {}
    run(sample_site, known)
    sample_site.clear_requests()
    items, _ = run(sample_site, known, full=True)
    post_paths = {post.path for post in sample_site.live_posts}
    asked = [r for r in sample_site.requests if r.path in post_paths]
    assert {r.path for r in asked} == post_paths
    assert {sample_site.url(path) for path in post_paths} <= {r.url for r in pages(items) if r.kind == PageKind.POST}
    # each known post conditionally, with its stored validators: an unchanged one costs a 304
    assert all(r.status == 304 and "if-none-match" in r.headers for r in asked)
    listings = [r for r in sample_site.requests if r.path not in post_paths]
    assert listings and all(r.status != 304 and "if-none-match" not in r.headers for r in listings)


def test_full_crawl_asks_for_a_known_post_that_no_source_lists_any_more(sample_site):
    known: dict[str, Validators] = {}
    run(sample_site, known)
    taken_down = sample_site.live_posts[3]
    sample_site.remove_post(taken_down.slug, status=410)
    sample_site.clear_requests()
    items, _ = run(sample_site, known, full=True)
    url = sample_site.url(taken_down.path)
    [result] = [item for item in pages(items) if item.url == url]
    assert result.capture.status == 410 and result.error is None  # the archive marks it gone (test_faults)


def test_killed_run_leaves_the_next_run_to_finish_the_work(sample_site):
    known: dict[str, Validators] = {}
    stream = crawl(sample_site.base, fetcher=fetcher(), known=known, labs=LABS)
    taken = []
    for item in stream:
        taken.append(item)
        if sum(1 for r in taken if isinstance(r, PageResult) and r.kind == PageKind.POST) == 10:
            break  # the run dies here: only what was yielded so far is stored
    stream.close()
    remember(known, taken)
    items, _ = run(sample_site, known)
    seen = set(posts_by_url(taken)) | set(posts_by_url(items))
    assert seen == {sample_site.url(p.path) for p in sample_site.live_posts}
    assert not set(posts_by_url(taken)) & set(posts_by_url(items))  # finished posts are not fetched again


# --- politeness and faults -----------------------------------------------------------


def test_robots_disallow_is_obeyed(sample_site_factory):
    site = sample_site_factory(faults=("robots-disallow",))
    path = site.fault_route("robots-disallow")
    items, _ = run(site)
    assert site.count(path) == 0
    assert site.url(path) not in {r.url for r in pages(items)}
    assert not [r for r in pages(items) if r.error]  # the site asked us not to: skipped, not failed
    assert site.url(path) in done(items).urls  # still listed, so not taken as gone


def test_robots_crawl_delay_spaces_the_requests(sample_site_factory):
    site = sample_site_factory(faults=("robots-crawl-delay",), crawl_delay=2.5)
    used = fetcher()
    run(site, fetcher=used)
    assert used.delay_for(f"127.0.0.1:{site.port}") == 2.5
    assert len(used.waits) >= used.requests - 2 and max(used.waits) <= 2.5


def test_failing_page_is_reported_and_the_crawl_goes_on(sample_site_factory):
    site = sample_site_factory(faults=("always-500",))
    path = site.fault_route("always-500")
    items, _ = run(site)
    failed = [r for r in pages(items) if r.error]
    assert [r.url for r in failed] == [site.url(path)]  # the one page that failed, and nothing else
    assert failed[0].capture.status == 500 and "HTTP 500" in failed[0].error
    # what the REST API said of the post is kept (for a rebuild); the archive takes no failed page as done
    assert failed[0].candidate.source == Source.API and failed[0].candidate.modified is not None
    assert len(posts_by_url(items)) == len(site.live_posts) - 1
    # The listings the next run checks for "nothing changed" are not proof of it: provisional, not failed.
    checked = [item for item in items if isinstance(item, ListingChecked)]
    assert {c.url for c in checked if c.provisional} == {c.url for c in checked} >= {
        site.url("/wp-json/wp/v2/posts?per_page=100&page=1&orderby=modified&order=desc"),
        site.url("/feed/"), site.url("/wp-sitemap.xml"), site.url("/")}
    assert all("1 page(s) failed" in c.provisional for c in checked)


def test_listings_are_not_provisional_when_every_page_went_well(sample_site):
    items, _ = run(sample_site)
    assert not [r.url for r in pages(items) if r.provisional or r.error]
    assert not [c.url for c in items if isinstance(c, ListingChecked) and c.provisional]


@pytest.mark.parametrize(
    "row",
    [Validators(), Validators(digest="sha256:0123")],
    ids=["no-body", "body-kept-but-failed"],
)
def test_page_that_failed_is_retried_even_when_nothing_changed(sample_site_factory, row):
    site = sample_site_factory(faults=("always-500",))
    path = site.fault_route("always-500")
    known: dict[str, Validators] = {}
    run(site, known)
    known[site.url(path)] = row  # what the archive keeps of a page that failed: no validators, no modified
    site.faults = ()  # the server is fixed
    site.clear_requests()
    items, _ = run(site, known)
    assert posts_by_url(items)[site.url(path)].capture.status == 200
    assert len(beyond_robots(site)) <= 5


@pytest.mark.parametrize(
    "fault",
    ["server-error", "rate-limit", "unavailable", "reset", "truncated", "slow", "wrong-charset", "no-charset",
     "malformed", "huge"],
)
def test_faults_that_pass_are_retried_or_read_and_nothing_is_lost(sample_site_factory, fault):
    site = sample_site_factory(faults=(fault,), slow_seconds=2.0)
    items, used = run(site, fetcher=fetcher(timeout=(2.0, 0.5)) if fault == "slow" else fetcher())
    assert len(posts_by_url(items)) == len(site.live_posts)
    assert not [r for r in pages(items) if r.error]
    if fault in ("rate-limit", "unavailable"):
        assert 1.0 in used.waits  # Retry-After: 1


@pytest.mark.parametrize(("fault", "reason"), [("redirect-loop", "redirect loop"),
                                                 ("offsite-redirect", "redirect to another host")])
def test_bad_redirects_fail_one_page_only(sample_site_factory, fault, reason):
    site = sample_site_factory(faults=(fault,))
    items, _ = run(site)
    failed = [r for r in pages(items) if r.error]
    assert len([r for r in failed if r.kind != PageKind.LISTING]) == 1
    assert reason in failed[0].error
    assert not [r for r in site.requests if r.headers.get("host", "").startswith("localhost")]
    assert len(posts_by_url(items)) == len(site.live_posts) - 1


def test_page_over_the_size_cap_fails_with_its_truncated_capture_kept(sample_site_factory):
    site = sample_site_factory(faults=("huge",), huge_bytes=3_000_000)
    items, _ = run(site, fetcher=fetcher(max_bytes=2_000_000))
    failed = [r for r in pages(items) if r.error and r.kind != PageKind.LISTING]
    assert [r.url for r in failed] == [site.url(site.fault_route("huge"))]
    assert "too large" in failed[0].error
    assert failed[0].capture.truncated and len(failed[0].capture.body) == 2_000_000
    assert len(posts_by_url(items)) == len(site.live_posts) - 1


def test_site_without_api_feed_or_sitemap_is_crawled_through_its_links():
    home = '<a href="/vad-vi-gor/innovationslabbet-i-boden/">Boden</a><a href="/forsta-inlagget/">1</a>'
    lab = '<a href="/andra-inlagget/">2</a><a href="/andra-inlagget/embed/">inbäddat</a><a href="https://example.com/x/">ut</a>'
    post = "<h1>Ett inlägg</h1><p>29 april 2019</p>"
    with RouteServer({"/": Reply(body=home), "/vad-vi-gor/innovationslabbet-i-boden/": Reply(body=lab),
                      "/forsta-inlagget/": Reply(body=post), "/andra-inlagget/": Reply(body=post)}) as server:
        items = list(crawl(server.url("/"), fetcher=fetcher(), known={}, labs=LABS))
    fetched = [seen.path for seen in server.seen]
    assert "/forsta-inlagget/" in fetched and "/andra-inlagget/" in fetched
    assert "/andra-inlagget/embed/" not in fetched
    assert done(items).urls == {server.url("/forsta-inlagget/"), server.url("/andra-inlagget/")}
    assert not done(items).complete  # links alone never prove that a post is gone


def test_hostile_sitemap_does_not_stop_discovery(sample_site_factory):
    site = sample_site_factory(faults=("hostile-sitemap",))
    items, _ = run(site)
    assert len(posts_by_url(items)) == len(site.live_posts)
    assert all("lol" not in url and "passwd" not in url for url in done(items).urls)


def test_server_error_on_robots_txt_means_staying_out():
    with RouteServer({"/robots.txt": Reply(503, "nej")}) as server:
        items = list(crawl(server.url("/"), fetcher=fetcher(retries=0), known={}, labs=LABS))
    assert [r.url for r in pages(items)] == [server.url("/robots.txt")]
    assert "503" in pages(items)[0].error
    assert done(items) == DiscoveryDone(frozenset(), complete=False)


def test_unreachable_site_raises_site_unreachable():
    with RouteServer() as server:
        url = server.url("/")
    with pytest.raises(SiteUnreachable, match="did not answer"):
        list(crawl(url, fetcher=fetcher(retries=0), known={}, labs=LABS))


# --- the Wayback Machine ---------------------------------------------------------------


def test_wayback_crawl_gets_every_post_from_its_latest_capture(sample_site_factory):
    site = sample_site_factory(wayback=True)
    items = list(crawl_wayback("https://www.allmannyttan.se/", fetcher=fetcher(), wayback_url=site.base,
                               labs=LABS, cdx_pace=0))
    posts = posts_by_url(items)
    expected = site.wayback.latest_posts()
    news = {"https://www.allmannyttan.se" + item.path for item in site.wayback.news}  # posts, not the diary's
    assert len(posts) == len(expected) + len(news) and news <= set(posts)
    for post, capture in expected:
        url = "https://www.allmannyttan.se" + post.path
        result = posts[url]
        assert result.capture.wayback_timestamp == capture.timestamp
        assert result.capture.url == result.capture.final_url == url
        assert result.capture.request_headers[REPLAY_URL_HEADER] == f"{site.base}web/{capture.timestamp}id_/{url}"
        assert result.post.title == post.title
        assert result.source == Source.WAYBACK
    assert not [r for r in site.requests if "/embed/" in r.path]
    assert not done(items).complete


def test_wayback_at_picks_the_earlier_capture(sample_site_factory):
    site = sample_site_factory(wayback=True)
    changed = site.wayback.changed
    items = list(crawl_wayback("https://www.allmannyttan.se/", fetcher=fetcher(), wayback_url=site.base,
                               at=changed.old_timestamp, labs=LABS, cdx_pace=0))
    result = posts_by_url(items)[f"https://www.allmannyttan.se/{changed.slug}/"]
    assert result.capture.wayback_timestamp == changed.old_timestamp
    assert result.post.title == changed.old_title


def test_wayback_refuses_a_bad_at_before_any_request(sample_site_factory):
    site = sample_site_factory(wayback=True)
    with pytest.raises(BadTimestamp):
        crawl_wayback("https://www.allmannyttan.se/", fetcher=fetcher(), wayback_url=site.base, at="i maj",
                      labs=LABS)
    assert site.requests == []


# --- the REST API's date, a reading of its own ----------------------------------------------


@pytest.mark.parametrize("markup", MARKUPS)
def test_the_api_date_is_the_published_date_of_a_page_that_shows_none(sample_site_factory, markup):
    """Even where nothing on the page names its title (bare and legacy markup print a
    generic `<title>`, no heading class, no metadata): the API's title finds it."""
    from scraper.names import Layer

    site = sample_site_factory(markup=markup, faults=("undated",))
    undated = site.fault_route("undated")
    results = pages(run(site)[0])
    assert [r.url for r in results if r.error] == []
    posts = posts_by_url(results)
    for post in site.live_posts:
        result = posts[site.url(post.path)]
        assert result.candidate.published == post.published  # the API carries its `date` to the page
        assert result.candidate.title == post.title  # and its title, entities read (`&#8211;` is `–`)
        assert fields_of(result.post) == post.expected(site.url("/"))
        assert result.post.layers["published"] == (Layer.API if post.path == undated else Layer.LAYOUT)
        assert not [d for d in result.post.disagreements if d.field == "published"]


@pytest.mark.parametrize("markup", MARKUPS)
def test_a_body_the_page_cuts_short_is_stored_and_named(sample_site_factory, markup):
    """The page shows the first paragraph and hides the rest behind a `Visa mer` button: the
    shown text is kept as published, and the run names the post as cut short against the
    length of the text the REST API lists for it, so the page is read again next run."""
    site = sample_site_factory(markup=markup, faults=("collapsed-text",))
    collapsed = site.url(site.fault_route("collapsed-text"))
    results = pages(run(site)[0])
    failed = {r.url: r.error for r in results if r.error}
    assert list(failed) == [collapsed]
    assert failed[collapsed].startswith("body cut short: ")
    post = next(p for p in site.live_posts if site.url(p.path) == collapsed)
    read = posts_by_url(results)[collapsed]
    first = post.body.split("\n\n")[0]
    assert (read.post.title, read.post.published, read.post.body) == (post.title, post.published, first)
    listed = read.candidate.words
    assert f"{len(first.split())} words, where the text the site lists for the post has {listed}" in failed[collapsed]
    assert listed >= len(post.body.split())


def test_a_body_that_runs_on_past_the_post_is_named():
    """A post that prints no date and no signature has nothing to end its text: its text runs on
    into an unlinked column after it. With the REST API's listing its date and title are right,
    and the body's length, against the API's text, names the run-on instead of passing it in silence."""
    def paragraphs(lines: list[str]) -> str:
        return "".join(f"<p>{line}</p>" for line in lines)

    html = (f"<html><body><div><div><h1>Alla labb på plats</h1>{paragraphs(BODY)}</div>"
            f"<div>{paragraphs(['Om innovationslabben', *OTHER_TEXT])}</div></div></body></html>")
    read = read_post_page(html, Candidate(POST_URL, Source.API, published=date(2019, 3, 6), title="Alla labb på plats",
                                          words=len(" ".join(BODY).split())))
    assert (read.post.title, read.post.published) == ("Alla labb på plats", date(2019, 3, 6))
    assert read.post.body.startswith("\n\n".join(BODY))
    assert read.error.startswith("body runs on past the post: ")


RECENT = ["Senaste inlägg", '<a href="/ett-annat/">Ett annat inlägg</a>', "1 mars 2019",
          '<a href="/ett-tredje/">Ett tredje inlägg</a>', "2 mars 2019"]
RECENT_DATES_FIRST = ["Senaste inlägg", "1 mars 2019", '<a href="/ett-annat/">Ett annat inlägg</a>', "2 mars 2019",
                      '<a href="/ett-tredje/">Ett tredje inlägg</a>']
EVENTS = ["Kalendarium", "Seminarium om boende i Boden", "14 november 2019"]
BODY = ["Idag samlades alla fyra labben i Stockholm för att dela erfarenheter från hösten, och det blev en lång "
        "dag med många goda samtal om hur vi arbetar vidare i våra områden under våren.",
        "Vi gick igenom vad varje labb har gjort sedan i somras, vad som har fungerat och vad som inte har "
        "fungerat, och vi bestämde att ses igen redan i maj för att följa upp det vi kom fram till.",
        "Nästa steg blir att bjuda in fler hyresgäster till samtalen, så att det inte bara är de som redan är "
        "aktiva i föreningslivet som får säga sitt om hur området ska utvecklas framåt."]
OTHER_TEXT = ["Allmännyttans innovationslabb är ett program där fyra allmännyttiga bostadsföretag tillsammans med "
              "boende, föreningar och andra lokala aktörer arbetar fram nya lösningar på utmaningar i sina områden.",
              "Labben finns i Boden, Göteborg, Norrköping och Södertälje. Förutsättningarna skiljer sig åt, men alla "
              "delar en ambition: att bostadsföretaget inte ska lösa problemen åt de boende utan tillsammans med dem.",
              "Programmet pågår i drygt ett år och följs av en forskare som dokumenterar arbetet, så att andra "
              "bostadsföretag kan ta del av erfarenheterna och pröva samma arbetssätt i sina egna bostadsområden.",
              "Varje labb har en egen projektledare hos bostadsföretaget och en styrgrupp där de boende har plats, "
              "och labben träffas flera gånger om året för att dela erfarenheter och lära av varandra."]

SITE, POST_URL = "https://www.allmannyttan.se/", "https://www.allmannyttan.se/alla-labb-pa-plats/"


def read_post_page(html: str, candidate: Candidate | None = None) -> PageResult:
    """`html` served at a post's address, read as a crawl reads it; `candidate` is what a source listed."""
    capture = Capture(url=POST_URL, final_url=POST_URL, status=200,
                      headers={"content-type": "text/html; charset=utf-8"}, body=html.encode(),
                      fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))
    source = candidate.source if candidate is not None else Source.SITEMAP
    return read_page(PageResult(POST_URL, PageKind.POST, source, capture=capture, candidate=candidate), SITE, LABS)


@pytest.mark.parametrize("url, link", [(POST_URL, "/alla-labb-pa-plats/2/"), (POST_URL, "2/"),
                                       (POST_URL, "https://allmannyttan.se/alla-labb-pa-plats/2"),
                                       (SITE + "?p=42", "/?p=42&page=2")])
def test_a_post_split_over_pages_is_kept_and_named(url, link):
    """WordPress splits a post at `<!--nextpage-->` and links its pages under the text: the first
    page's text is kept, the run names the post, and the page links are not body."""
    html = ('<html><body><article><h1>Alla labb på plats</h1><p>Publicerad 6 mars 2019</p>'
            + "".join(f"<p>{line}</p>" for line in BODY)
            + f'<div class="page-links">Sidor: <span>1</span> <a href="{link}"><span>2</span></a></div>'
            + "</article></body></html>")
    capture = Capture(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                      body=html.encode(), fetched=datetime(2020, 3, 1, tzinfo=timezone.utc))
    crawled = read_page(PageResult(url, PageKind.POST, Source.SITEMAP, capture=capture), SITE, LABS)
    assert (crawled.post.body, crawled.post.published) == ("\n\n".join(BODY), date(2019, 3, 6))
    second = SITE + "?p=42&page=2" if "p=42" in url else POST_URL + "2/"
    assert crawled.error == f"post continues on another page: {second} is not read"


def test_a_link_to_another_post_or_a_month_is_no_second_page():
    html = ('<html><body><article><h1>Alla labb på plats</h1><p>Publicerad 6 mars 2019</p>'
            + "".join(f"<p>{line}</p>" for line in BODY)
            + '<p><a href="/fyra-labb-2/">Fyra labb</a> <a href="/2019/02/">februari 2019</a></p></article></body></html>')
    assert read_post_page(html).error is None


@pytest.mark.parametrize("column, side", [(RECENT, "before"), (RECENT_DATES_FIRST, "before"), (EVENTS, "after")])
@pytest.mark.parametrize("own_date", [None, "Publicerad 6 mars 2019"])
def test_a_dated_column_beside_a_post_never_dates_it(column, side, own_date):
    """A column's last date line sits right above the post's title, or its first one right
    after the post's text, but outside the element that holds the post; a list whose dates
    come first ends with a title that links to another post, never this one's. A post that prints
    its date after its text has that date; one that prints none is not read as a post dated
    by the column: it fails loudly, and with the REST API's listing it has the API's date.
    (Its text is not checked there: with no date of its own to end it, a post's text runs on
    to the next date line, through a column after it: `test_a_body_that_runs_on_past_the_post_is_named`.)"""
    article = "<h1>Alla labb på plats</h1>" + "".join(
        f"<p>{line}</p>" for line in [*BODY, "Anna Kanervo", "projektansvarig", *([own_date] if own_date else [])])
    parts = ["<div>" + "".join(f"<div>{line}</div>" for line in column) + "</div>", f"<div>{article}</div>"]
    html = ("<html><body><div>" + "".join(parts if side == "before" else reversed(parts))
            + "</div><p>Få nya inlägg i din inkorg</p></body></html>")
    expected = ("Alla labb på plats", date(2019, 3, 6), "Anna Kanervo", "\n\n".join(BODY))
    crawled = read_post_page(html)
    if own_date is not None:
        post = crawled.post
        assert (post.title, post.published, post.author, post.body) == expected and crawled.error is None
        return
    assert crawled.post is None and crawled.error.startswith("looks like a post but could not be read as one")
    listed = read_post_page(html, Candidate(POST_URL, Source.API, published=date(2019, 3, 6),
                                            title="Alla labb på plats")).post
    assert (listed.title, listed.published) == expected[:2]


def test_pages_the_sitemap_of_pages_lists_are_kept_as_pages_in_a_theme_that_marks_none():
    """Before, `/om-oss/` failed as a post that could not be read (every run exited 1) and the
    conference page was stored as a post dated by its conference."""
    with unmarked_pages_site(pages_sitemap=True) as server:
        items = list(crawl(server.url("/"), fetcher=fetcher(), known={}, labs=LABS))
    read = {r.url: r for r in pages(items) if r.url in (server.url("/om-oss/"), server.url("/innovation-i-vardagen/"))}
    assert [(r.kind, r.error, r.post) for r in read.values()] == [(PageKind.OTHER, None, None)] * 2
    assert list(posts_by_url(items)) == [server.url("/alla-labb-pa-plats/")]
    assert [r.url for r in pages(items) if r.error] == []


def test_a_long_undated_page_no_sitemap_lists_as_a_page_still_fails_loudly():
    """The guard of the test above: without WordPress's word for it, the page may be a post whose
    date the theme lost, and the run says so."""
    with unmarked_pages_site(pages_sitemap=False) as server:
        items = list(crawl(server.url("/"), fetcher=fetcher(), known={}, labs=LABS))
    [about] = [r for r in pages(items) if r.url == server.url("/om-oss/")]
    assert about.error == "looks like a post but could not be read as one: no date found"


def test_a_post_page_served_compressed_twice_is_read_and_named():
    """A cache plugin's `.gz` file sent with `Content-Encoding: gzip` once more: the post was read as no
    page at all, silently. Read decompressed, with a warning; the capture keeps the bytes as they came."""
    post = ("<html><head><title>Alla labb på plats</title></head><body><h1>Alla labb på plats</h1>"
            "<p>6 mars 2019</p>" + "".join(f"<p>{line}</p>" for line in BODY) + "<p>Anna Kanervo<br>projektansvarig</p>"
            "</body></html>").encode()
    twice = gzip.compress(gzip.compress(post))
    with RouteServer({"/": Reply(body='<a href="/alla-labb-pa-plats/">Alla labb</a>'),
                      "/alla-labb-pa-plats/": Reply(body=twice, headers={"Content-Encoding": "gzip"})}) as server:
        items = list(crawl(server.url("/"), fetcher=fetcher(), known={}, labs=LABS))
    [read] = [r for r in pages(items) if r.url == server.url("/alla-labb-pa-plats/")]
    assert (read.kind, read.error, read.post.title, read.post.published) == (
        PageKind.POST, None, "Alla labb på plats", date(2019, 3, 6))
    assert read.warning == "the page came gzip-compressed twice, read decompressed once more"
    assert read.capture.body == gzip.compress(post)
