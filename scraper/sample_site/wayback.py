"""A local Internet Archive: the CDX API and raw (`id_`) replay of allmannyttan.se captures.

`SampleSite(wayback=True)` serves it at `/cdx/search/cdx` and `/web/<timestamp>id_/<original>`,
so `crawl --source wayback --wayback-url http://127.0.0.1:PORT/` runs with no network.
The captures are of `https://www.allmannyttan.se/…` pages in the site's markup and
hold the traps of the real archive (docs/site.md, "The Wayback Machine"): a post captured twice with a changed
title, a post that is gone from the live site, a 404 capture, non-HTML captures, an
embed view, an `http://` twin without `www.`, and replays at the nearest timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from types import ModuleType
from functools import cached_property
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import wordpress
from .content import (ARCHIVE_PATH, LAB_PATHS, TEASER_COUNT, PageView, PostView, SamplePost, archive_view, as_utc,
                      load_news, load_pages, newest, not_found_view, page_view, preliminary_title, retitled)

ORIGIN = "https://www.allmannyttan.se/"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
TIMESTAMP = "%Y%m%d%H%M%S"
GONE_URL = ORIGIN + "sommarhalsning-fran-labben/"
ROW_CAP = 2_000  # rows per answer; the real index cuts at 150,000 (docs/site.md, "The Wayback Machine")
OTHER_URLS = 5_000  # captures of the rest of the host: the diary is a small part of the index
# The rest of the host: (path pattern, mimetype); {n} numbers the URL, {year} dates it.
OTHER_SECTIONS = (
    ("/aktuellt/nyheter/{year}/nyhet-{n}/", "text/html"),
    ("/bostad/fragor-och-svar-{n}/", "text/html"),
    ("/globalassets/bilder/{year}/bild-{n}.jpg", "image/jpeg"),
    ("/globalassets/dokument/{year}/rapport-{n}.pdf", "application/pdf"),
    ("/press/pressmeddelande-{n}/", "text/html"),
    ("/wp-content/uploads/{year}/05/foto-{n}.png", "image/png"),
)
# Root-level pages of the host that are not diary posts (replayed, never taken as posts).
OTHER_ROOT_PAGES = {
    "/kontakt/": ("Kontakta oss", ["Sveriges Allmännytta, Box 474, 101 29 Stockholm. Växel 08-406 55 00."]),
    "/om-allmannyttan/": ("Om allmännyttan", ["Allmännyttan är de kommunala bostadsföretagen i Sverige."]),
}


@dataclass(frozen=True)
class WaybackCapture:
    """One archived response, as the CDX index lists it and the replay serves it."""

    timestamp: str  # 14 digits, UTC
    original: str
    status: int  # as replayed (a revisit replays the capture it repeats)
    mimetype: str
    body: bytes
    charset: str | None = None
    slug: str | None = None  # the post it shows, when it is a post page
    title: str | None = None  # the title on this capture (differs from the ground truth on the old capture)
    revisit: bool = False  # listed as `warc/revisit` with status `-`: the same body as an earlier capture
    location: str | None = None  # where a redirect capture points

    @cached_property
    def digest(self) -> str:
        """The CDX digest: base32 of the body's SHA-1."""
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()

    @cached_property
    def order(self) -> tuple[str, str, str]:
        """The index's sort order: SURT key, then time (and the URL as written, for ties)."""
        return self.urlkey, self.timestamp, self.original

    @cached_property
    def urlkey(self) -> str:
        return surt(self.original)

    @property
    def moment(self) -> datetime:
        return datetime.strptime(self.timestamp, TIMESTAMP).replace(tzinfo=timezone.utc)

    def field(self, name: str) -> str:
        values = {"urlkey": self.urlkey, "timestamp": self.timestamp, "original": self.original,
                  "mimetype": "warc/revisit" if self.revisit else self.mimetype,
                  "statuscode": "-" if self.revisit else str(self.status), "digest": self.digest,
                  "length": str(len(self.body))}
        return values[name]


@dataclass(frozen=True)
class ChangedTitle:
    """The post captured twice: first with `old_title`, later with its real title."""

    slug: str
    old_title: str
    old_timestamp: str
    new_timestamp: str


def surt(url: str) -> str:
    """Sort-friendly URI key as the CDX server writes it: `se,allmannyttan)/slug/`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return ",".join(reversed(host.split("."))) + ")" + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def normalise(url: str) -> str:
    """Scheme and `www.` dropped, host lower-cased: how a CDX `url=` is compared."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def stamp(moment: datetime) -> str:
    return as_utc(moment).strftime(TIMESTAMP)


def capture_moment(post: SamplePost) -> datetime:
    """When the archive saw a post: a day after its last change."""
    return max(post.modified, post.published_at) + timedelta(days=1)


class Wayback:
    """The captures of one markup's site, and the two endpoints that serve them."""

    def __init__(self, posts: list[SamplePost], renderer: ModuleType, *, other_urls: int = OTHER_URLS,
                 row_cap: int = ROW_CAP) -> None:
        self.renderer = renderer
        self.posts = [p.copy() for p in posts]
        self.news = load_news()  # the host's other posts, signed like the diary's: captured too, never the diary
        self.captures: list[WaybackCapture] = []
        self.changed: ChangedTitle | None = None
        self.revisited: WaybackCapture | None = None  # a post whose latest capture is a revisit row
        self.redirected: WaybackCapture | None = None  # a bare-host 301 capture, later than its page's own
        self.row_cap = row_cap
        self.resume_keys = True  # False: an index that ignores showResumeKey and only ever cuts silently
        # 429 Too Many Requests for requests number `after + 1` to `after + count` (count None: all later ones)
        self.throttle: tuple[int, int | None] | None = None
        self.retry_after: str | None = "1"
        self.throttle_status = 429  # 503: an archive that fails instead
        self.served = 0  # requests to the archive's endpoints, 429s included
        self.build(other_urls)

    # --- the archive's contents ------------------------------------------

    def html_capture(self, original: str, moment: datetime, text: str, *, status: int = 200,
                     slug: str | None = None, title: str | None = None) -> None:
        body = text.encode(self.renderer.CHARSET, errors="xmlcharrefreplace")
        self.captures.append(WaybackCapture(stamp(moment), original, status, "text/html", body,
                                            self.renderer.CHARSET, slug, title))

    def post_capture(self, post: SamplePost, moment: datetime, *, original: str | None = None) -> None:
        teasers = newest(self.posts, limit=TEASER_COUNT, exclude=post.slug, before=moment)
        view = PostView(post=post, base=ORIGIN, teasers=teasers)
        self.html_capture(original or ORIGIN.rstrip("/") + post.path, moment, self.renderer.post_page(view),
                          slug=post.slug, title=post.title)

    def build(self, other_urls: int) -> None:
        posts = sorted(self.posts, key=lambda p: (p.published_at, p.slug))
        for post in posts:  # every post, also those gone from the live site (teaser-only there)
            self.post_capture(post, capture_moment(post))
        target = retitled(posts)
        if target is not None:
            old = target.copy(title=preliminary_title(target), modified=target.published_at)
            early = target.published_at + timedelta(hours=2)
            self.post_capture(old, early)
            self.changed = ChangedTitle(target.slug, old.title, stamp(early), stamp(capture_moment(target)))
        if len(posts) > 4:  # an older capture of the http:// twin without www.
            twin = posts[4]
            self.post_capture(twin, capture_moment(twin) - timedelta(hours=12),
                              original="http://allmannyttan.se" + twin.path)
            embedded = posts[-1]
            self.captures.append(WaybackCapture(stamp(capture_moment(embedded)), ORIGIN.rstrip("/") + embedded.path
                                                + "embed/", 200, "text/html", wordpress.embed(embedded, ORIGIN),
                                                "utf-8"))
        first_moment = min((p.published_at for p in posts), default=datetime(2019, 1, 1, tzinfo=timezone.utc))
        pages = load_pages()
        page_moment = datetime(2019, 6, 1, 8, 0, tzinfo=timezone.utc)
        live = [p for p in self.posts if p.published_at <= page_moment]
        for path in ["/", *LAB_PATHS.values()]:
            view = page_view(path, live, ORIGIN, pages)
            if view is not None:
                self.html_capture(ORIGIN.rstrip("/") + path, page_moment, self.renderer.page(view))
        self.html_capture(GONE_URL, first_moment + timedelta(days=300),
                          self.renderer.page(not_found_view("/sommarhalsning-fran-labben/", ORIGIN)), status=404)
        feed = wordpress.feed([p for p in self.posts if p.published_at <= page_moment], ORIGIN, "") or b""
        self.captures.append(WaybackCapture(stamp(page_moment), ORIGIN + "feed/", 200, "application/rss+xml", feed))
        self.captures.append(WaybackCapture(stamp(page_moment), ORIGIN + "robots.txt", 200, "text/plain",
                                            wordpress.robots(ORIGIN)))
        self.captures.append(WaybackCapture(stamp(first_moment + timedelta(days=40)),
                                            ORIGIN + "wp-content/uploads/2018/10/innovationslabb-karta.pdf", 200,
                                            "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"))
        self.captures.append(WaybackCapture(stamp(first_moment + timedelta(days=41)),
                                            ORIGIN + "wp-content/uploads/2018/10/labb.jpg", 200, "image/jpeg",
                                            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"))
        if len(posts) > 6:
            self.add_revisit(posts[5])
            self.add_redirect(posts[6])
        archived = max((p.published_at for p in posts), default=page_moment) + timedelta(days=30)
        diary = [p for p in self.posts if p.published_at <= archived]
        news = [p for p in self.news if p.published_at <= archived]
        # the diary's archive, and WordPress's category archives of the diary and of the news
        for listed, path, title in ((diary, ARCHIVE_PATH, "Dagbok"), (diary, "/category/dagbok/", "Kategori: Dagbok"),
                                    (news, "/category/nyheter/", "Kategori: Nyheter")):
            number = 1
            while view := archive_view(number, listed, ORIGIN, path=path, title=title):
                self.html_capture(ORIGIN.rstrip("/") + view.path, archived, self.renderer.page(view))
                number += 1
        for item in self.news:
            self.post_capture(item, capture_moment(item))
        for path, (title, paragraphs) in OTHER_ROOT_PAGES.items():
            view = PageView(path=path, title=title, paragraphs=paragraphs, base=ORIGIN, links=[("Till startsidan", "/")])
            self.html_capture(ORIGIN.rstrip("/") + path, page_moment + timedelta(days=30), self.renderer.page(view))
        self.add_other_urls(other_urls)
        self.captures.sort(key=lambda c: c.order)

    def latest_capture(self, post: SamplePost) -> WaybackCapture:
        """The newest capture of `post`'s own page that answered 200."""
        return max((c for c in self.captures if c.slug == post.slug and c.status == 200), key=lambda c: c.timestamp)

    def add_revisit(self, post: SamplePost) -> None:
        """A recapture of a post that found it unchanged: a `warc/revisit` row, later than the capture."""
        latest = self.latest_capture(post)
        moment = latest.moment + timedelta(days=200)
        self.revisited = replace(latest, timestamp=stamp(moment), revisit=True)
        self.captures.append(self.revisited)

    def add_redirect(self, post: SamplePost) -> None:
        """The bare `http://` host captured after the page itself: a 301 to the canonical page."""
        latest = self.latest_capture(post)
        target = ORIGIN.rstrip("/") + post.path
        body = f'<html><body><a href="{target}">Moved Permanently</a></body></html>'.encode()
        self.redirected = WaybackCapture(stamp(latest.moment + timedelta(days=90)), "http://allmannyttan.se" + post.path,
                                         301, "text/html", body, "utf-8", location=target)
        self.captures.append(self.redirected)

    def add_other_urls(self, count: int) -> None:
        """The rest of the host, since 2004: news and other pages, images and PDFs (tiny bodies)."""
        start = datetime(2004, 3, 1, 6, 0, tzinfo=timezone.utc)
        for n in range(count):
            pattern, mimetype = OTHER_SECTIONS[n % len(OTHER_SECTIONS)]
            moment = start + timedelta(hours=n * 37 % 175_000)  # spread over twenty years
            number = n // len(OTHER_SECTIONS) // 3  # three captures a URL
            path = pattern.format(n=number, year=2004 + number % 20)
            body = f"{mimetype} {path} {n}".encode()
            self.captures.append(WaybackCapture(stamp(moment), ORIGIN.rstrip("/") + path, 200, mimetype, body,
                                                "utf-8" if mimetype == "text/html" else None))

    def latest_posts(self) -> list[tuple[SamplePost, WaybackCapture]]:
        """Each diary post with its latest 200 HTML capture: what a Wayback crawl should store (ground truth)."""
        by_slug = {p.slug: p for p in self.posts}
        latest: dict[str, WaybackCapture] = {}
        for capture in self.captures:  # a revisit is a capture too: the page as it was at that time
            if capture.slug not in by_slug or capture.status != 200:
                continue
            best = latest.get(capture.slug)
            if best is None or capture.timestamp > best.timestamp:
                latest[capture.slug] = capture
        return [(by_slug[slug], capture) for slug, capture in sorted(latest.items())]

    # --- the endpoints ------------------------------------------------------

    def respond(self, request, base: str):
        from .server import Response

        self.served += 1
        if self.throttle is not None:
            after, count = self.throttle
            if self.served > after and (count is None or self.served <= after + count):
                headers = {"Content-Type": "text/plain"}
                if self.retry_after is not None:
                    headers["Retry-After"] = self.retry_after
                return Response(self.throttle_status, headers, b"Too Many Requests\n", validators=False)
        if request.path == "/cdx/search/cdx":
            status, content_type, body = self.cdx(request.query)
            return Response(status, {"Content-Type": content_type}, body, validators=False)
        match = re.fullmatch(r"/web/(\d{1,14})([a-z]{2}_)?/(.+)", request.path)
        if not match:
            return Response(404, {"Content-Type": "text/plain"}, b"Wayback Machine: bad replay URL\n")
        timestamp, flag, original = match.groups()
        if request.query:
            original += "?" + request.query
        candidates = [c for c in self.captures if normalise(c.original) == normalise(original)]
        if not candidates:
            return Response(404, {"Content-Type": "text/html; charset=utf-8"},
                            b"<html><body><p>Wayback Machine doesn't have that page archived.</p></body></html>\n")
        padded = timestamp + "20000101000000"[len(timestamp):]  # "2019" means the start of 2019
        try:
            wanted = datetime.strptime(padded, TIMESTAMP).replace(tzinfo=timezone.utc)
        except ValueError:
            return Response(400, {"Content-Type": "text/plain"}, f"bad timestamp {timestamp}\n".encode())
        nearest = min(candidates, key=lambda c: (abs((c.moment - wanted).total_seconds()), c.timestamp))
        if nearest.timestamp != timestamp or nearest.original != original:
            location = f"{base.rstrip('/')}/web/{nearest.timestamp}{flag or ''}/{nearest.original}"
            return Response(302, {"Location": location, "Content-Type": "text/plain"}, b"", validators=False)
        if nearest.location is not None:  # a redirect capture points at the capture of its target
            location = f"{base.rstrip('/')}/web/{nearest.timestamp}{flag or ''}/{nearest.location}"
            return Response(nearest.status, {"Location": location, "Content-Type": "text/html"}, nearest.body,
                            validators=False)
        content_type = nearest.mimetype + (f"; charset={nearest.charset}" if nearest.charset else "")
        body = nearest.body
        if flag != "id_" and nearest.mimetype == "text/html":  # replay with the archive's banner
            body = re.sub(rb"(<body[^>]*>)", rb"\1<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id=\"wm-ipp\">"
                          rb"Wayback Machine</div><!-- END WAYBACK TOOLBAR INSERT -->", body, count=1, flags=re.I)
        headers = {"Content-Type": content_type, "Memento-Datetime": nearest.moment.strftime("%a, %d %b %Y %H:%M:%S GMT"),
                   "Link": f'<{nearest.original}>; rel="original"', "X-Archive-Src": "sample-site.warc.gz"}
        return Response(nearest.status, headers, body, last_modified=nearest.moment)

    def cdx(self, query: str) -> tuple[int, str, bytes]:
        """The CDX server API: url (with `*`), matchType, fl, output=json, filter, from, to, collapse, limit,
        showResumeKey and resumeKey; an answer holds at most `row_cap` rows."""
        params = parse_qs(query)
        one = {k: v[-1] for k, v in params.items()}
        if "url" not in one:
            return 400, "text/plain", b"Error: url parameter is required\n"
        url = one["url"]
        match_type = one.get("matchType", "prefix" if url.endswith("*") else "exact")
        key = normalise(url.rstrip("*"))
        host = key.split("/", 1)[0]

        def matches(capture: WaybackCapture) -> bool:
            other = normalise(capture.original)
            if match_type == "prefix":
                return other.startswith(key)
            if match_type in ("host", "domain"):
                other_host = other.split("/", 1)[0]
                return other_host == host or (match_type == "domain" and other_host.endswith("." + host))
            return other == key

        rows = [c for c in self.captures if matches(c)]
        if "from" in one:
            rows = [c for c in rows if c.timestamp >= one["from"].ljust(14, "0")]
        if "to" in one:
            rows = [c for c in rows if c.timestamp <= one["to"].ljust(14, "9")]
        for rule in params.get("filter", []):
            negate = rule.startswith("!")
            name, _, pattern = rule.lstrip("!").partition(":")
            if name not in CDX_FIELDS:
                return 400, "text/plain", f"Error: unknown filter field {name}\n".encode()
            rows = [c for c in rows if bool(re.fullmatch(pattern, c.field(name))) != negate]
        for name in params.get("collapse", []):
            kept, last = [], None
            for capture in rows:
                value = capture.field(name.split(":")[0])
                if value != last:
                    kept.append(capture)
                last = value
            rows = kept
        if "resumeKey" in one:
            after = resume_position(one["resumeKey"])
            rows = [c for c in rows if c.order > after]
        limit = int(one.get("limit", self.row_cap))
        if limit < 0:
            rows = rows[limit:]
        cap = min(abs(limit), self.row_cap)
        resume = None
        if len(rows) > cap:
            rows = rows[:cap]  # cut silently, as the real index does, unless a resume key was asked for
            if one.get("showResumeKey") == "true" and self.resume_keys:
                resume = resume_key(rows[-1])
        fields = [f for f in one.get("fl", ",".join(CDX_FIELDS)).split(",") if f]
        unknown = [f for f in fields if f not in CDX_FIELDS]
        if unknown:
            return 400, "text/plain", f"Error: unknown field {unknown[0]}\n".encode()
        table = [[c.field(f) for f in fields] for c in rows]
        if one.get("output") == "json":
            if resume is not None:
                table += [[], [resume]]
            body = json.dumps([fields, *table] if table else []).encode()
            return 200, "application/json", body
        text = "".join(" ".join(row) + "\n" for row in table)
        if resume is not None:
            text += "\n" + resume + "\n"
        return 200, "text/plain", text.encode()


def resume_key(capture: WaybackCapture) -> str:
    """Where the next answer starts: after this row (opaque to clients, like the real index's keys)."""
    return quote(" ".join(capture.order), safe="")


def resume_position(key: str) -> tuple[str, ...]:
    return tuple(unquote(key).split(" ", 2))
