"""The sample site's HTTP server: routing, validators, conditional requests, the request log.

One `SampleSite` serves one markup on 127.0.0.1 (port 0 → a free port). The
socket is bound and listening before the serving thread starts, so the site is
ready the moment `start()` returns. Everything shared by the markups lives
here or in `content.py`/`wordpress.py`; a markup module only draws HTML.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any, Iterable
from urllib.parse import parse_qs, urlsplit

from ..errors import DagbokError
from . import bare, legacy, nested, pagebuilder, semantic, wordpress
from .content import (ARCHIVE_NAV, CONTACT_PAGE, NAV, TEASER_COUNT, PageView, PostView, SamplePost,
                      archive_page_number, archive_view, assign_ids, load_news, load_pages, load_posts, newest,
                      not_found_view, page_view, retitled)

RENDERERS: dict[str, ModuleType] = {module.NAME: module for module in (semantic, bare, legacy, nested, pagebuilder)}
MARKUPS = tuple(RENDERERS)
# How readers and crawlers find posts: "wordpress" offers REST API, feed and sitemaps (and lab and
# programme pages that list posts); "archive" offers only a paginated HTML archive (/dagbok/, "Äldre
# inlägg »" → /dagbok/page/2/ …) linked from the menu, so some posts are reachable only from page 2 on.
INDEXES = ("wordpress", "archive")
WORDPRESS_ENDPOINTS = ("/wp-json/", "/feed", "/wp-sitemap", "/sitemap")
EVERY_ROUTE = "*"  # a fault's route that stands for every path of the site
EPOCH = wordpress.PAGES_LASTMOD  # Last-Modified of pages with no date of their own, as their sitemap says


class SampleSiteError(DagbokError):
    """The sample site was asked for something it does not have (markup, fault, post)."""


@dataclass(frozen=True)
class Request:
    """One request, as the routes see it. Header keys are lower-case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]

    @property
    def params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.query).items()}


@dataclass(frozen=True)
class RequestRecord(Request):
    """One request the site answered, and how: what a test counts."""

    status: int  # 0 when the connection was reset without a response
    at: float = 0.0  # time.monotonic() when it arrived


@dataclass
class Response:
    """What a route answers. `html` keeps the text before encoding so faults can re-encode it."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    last_modified: datetime | None = None
    html: str | None = None
    action: str | None = None  # "reset" | "truncate" | "trickle" | "trickle-headers": socket-level faults
    validators: bool = True


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses weak comparison: W/ prefixes ignored, '*' matches anything."""
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class SampleSite:
    """A fake allmannyttan.se on 127.0.0.1: one markup, optional faults, optional Wayback Machine.

        with SampleSite(markup="legacy", faults=("rate-limit",)) as site:
            site.url("/wp-json/wp/v2/posts")   # http://127.0.0.1:PORT/wp-json/wp/v2/posts
            len(site.requests)

    `posts` is the live list; change it between crawls with `update_post`,
    `remove_post` and `restore_post` (they keep `modified` and validators honest).

    `host="www.example.test"` serves the site as `http://www.example.test/`, reached through
    the site itself as an HTTP proxy (`HTTP_PROXY=site.proxy`); requests for the bare host are
    redirected (301) to the www host, as WordPress sends every visitor to its one address.

    `lab_posts=10` makes each lab page list only its lab's ten newest posts, as a WordPress
    posts block shows one page of them: the page keeps its size however many posts the site has.
    """

    def __init__(self, *, markup: str = "semantic", posts: Iterable[SamplePost] | None = None,
                 faults: Iterable[str] = (), wayback: bool = False, slow_seconds: float = 3.0,
                 huge_bytes: int = 6_000_000, crawl_delay: float = 0.25, trickle_rate: int = 3,
                 fault_routes: dict[str, str] | None = None, index: str = "wordpress",
                 host: str | None = None, news: bool = False, lab_posts: int | None = None) -> None:
        from .faults import FAULTS  # faults imports this module's Response

        if markup not in RENDERERS:
            raise SampleSiteError(f'no markup called "{markup}" (markups: {", ".join(MARKUPS)})')
        if index not in INDEXES:
            raise SampleSiteError(f'no index called "{index}" (indexes: {", ".join(INDEXES)})')
        self.index = index
        # news=True: the site's news posts too (category "Nyheter"), listed by the API, feed and sitemaps
        # and served at their own pages, never in the diary's teasers or archive.
        self.news: list[SamplePost] = load_news() if news else []
        self.lab_posts = lab_posts  # how many of its newest posts a lab page lists; None: all of them
        self.nav = ARCHIVE_NAV if index == "archive" else NAV
        unknown = [name for name in faults if name not in FAULTS]
        if unknown:
            raise SampleSiteError(f'no fault called "{unknown[0]}" (faults: {", ".join(FAULTS)})')
        self.markup = markup
        self.host = host
        self.renderer = RENDERERS[markup]
        self.posts: list[SamplePost] = [p.copy() for p in (load_posts() if posts is None else posts)]
        assign_ids(self.posts)
        self.pages = load_pages()
        self.faults = tuple(FAULTS[name] for name in faults)
        self.fault_routes = dict(fault_routes or {})
        self.fault_hits: dict[str, int] = {}
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.trickle_rate = trickle_rate  # bytes a second of a trickling body
        self.crawl_delay = crawl_delay
        self.gone: dict[str, int] = {}  # slug → 404 or 410 for posts removed by remove_post
        self.requests: list[RequestRecord] = []
        self.errors: list[BaseException] = []  # exceptions swallowed while serving (kept for debugging)
        self.wayback = None
        if wayback:
            from .wayback import Wayback
            self.wayback = Wayback(self.posts, self.renderer)
        self._validators: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # --- lifecycle -------------------------------------------------------

    def start(self, *, port: int = 0) -> str:
        """Bind a port (0: a free one), serve in a thread, return the base URL (ready at once)."""
        if self._server is None:
            self._server = _Server(("127.0.0.1", port), _Handler, self)
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"sample-site-{self.port}", daemon=True)
            self._thread.start()
        return self.base

    def stop(self) -> None:
        """Stop serving and cut open keep-alive connections, so a stopped site really is gone."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._connections.clear()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> SampleSite:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise SampleSiteError("the sample site is not started; call start() first")
        return self._server.server_address[1]

    @property
    def base(self) -> str:
        return f"http://{self.host}/" if self.host else self.proxy

    @property
    def proxy(self) -> str:
        """The address the site listens on: its base, or the proxy that reaches `host`."""
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str = "/") -> str:
        return self.base.rstrip("/") + "/" + path.lstrip("/")

    # --- posts ------------------------------------------------------------

    @property
    def live_posts(self) -> list[SamplePost]:
        """Posts with a page of their own (not teaser-only), oldest first."""
        return sorted((p for p in self.posts if not p.teaser_only), key=lambda p: (p.published_at, p.slug))

    def post(self, slug: str) -> SamplePost:
        for post in self.posts:
            if post.slug == slug:
                return post
        raise SampleSiteError(f'no sample post with slug "{slug}"')

    def _touch(self) -> datetime:
        """A `modified` later than any so far, so revisions sort after what was there."""
        latest = max((p.modified for p in self.posts), default=EPOCH)
        return max(latest + timedelta(minutes=1), datetime.now(timezone.utc).replace(microsecond=0))

    def update_post(self, slug: str, **changes: Any) -> SamplePost:
        """Change fields of a post (e.g. title=..., paragraphs=[...]) and bump its `modified`."""
        with self._lock:
            post = self.post(slug)
            for name, value in changes.items():
                if not hasattr(post, name):
                    raise SampleSiteError(f'a sample post has no field "{name}"')
                setattr(post, name, value)
            if "modified" not in changes:
                post.modified = self._touch()
            return post

    def remove_post(self, slug: str, *, status: int = 404) -> SamplePost:
        """Take a post off the site: its page answers `status` (404 or 410), listings drop it."""
        with self._lock:
            post = self.post(slug)
            self.posts.remove(post)
            self.gone[slug] = status
            return post

    def restore_post(self, post: SamplePost) -> None:
        with self._lock:
            self.gone.pop(post.slug, None)
            if all(p.slug != post.slug for p in self.posts):
                self.posts.append(post)

    # --- requests ---------------------------------------------------------

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def count(self, path: str | None = None, *, method: str | None = None) -> int:
        """How many requests were served, optionally for one path (query ignored) or method."""
        return sum(1 for r in list(self.requests)
                   if (path is None or r.path == path) and (method is None or r.method == method))

    def fault_route(self, name: str) -> str:
        """The path a fault is bound to on this site (see faults.py)."""
        from .faults import FAULTS

        if name in self.fault_routes:
            return self.fault_routes[name]
        return FAULTS[name].route(self)

    # --- routing ----------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request: faults first, then the route, then validators and conditionals."""
        if self.host and self.host.startswith("www.") and request.headers.get("host", "").lower() == self.host[4:]:
            location = self.base.rstrip("/") + request.path + (f"?{request.query}" if request.query else "")
            return self.finish(request, Response(301, {"Location": location, "Content-Type": "text/plain"}))
        for fault in self.faults:
            if fault.apply is None or urlsplit(self.fault_route(fault.name)).path not in (EVERY_ROUTE, request.path):
                continue
            with self._lock:
                hit = self.fault_hits.get(fault.name, 0) + 1
                self.fault_hits[fault.name] = hit
            response = fault.apply(self, request, hit, lambda: self.route(request))
            if response is not None:
                return self.finish(request, response)
        return self.finish(request, self.route(request))

    def route(self, request: Request) -> Response:
        path, query = request.path, request.query
        with self._lock:
            posts = list(self.posts)
        every = posts + self.news  # what WordPress's own endpoints list: the diary and the news
        if self.wayback is not None and (path == "/cdx/search/cdx" or path.startswith("/web/")):
            return self.wayback.respond(request, self.base)
        if path == "/robots.txt":
            return self.text(wordpress.robots(self.base, extra=self.robots_lines(), sitemap=self.index != "archive"),
                             "text/plain; charset=utf-8")
        if self.index == "archive":
            if path.startswith(WORDPRESS_ENDPOINTS):
                return self.html(not_found_view(path, self.base))
            if path == "/kontakt/":  # a page that sends no validators, as many CMS pages do
                response = self.html(PageView(path=path, base=self.base, nav=self.nav, **CONTACT_PAGE))
                response.validators = False
                return response
            number = archive_page_number(path)
            if number is not None:
                view = archive_view(number, posts, self.base)
                if view is None:
                    return self.html(not_found_view(path, self.base))
                return self.html(view, last_modified=max([EPOCH, *(p.modified for p in view.teasers)]))
        if path in ("/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts/"):
            status, headers, body = wordpress.api_posts(every, self.base, query)
            return Response(status, headers, body, last_modified=self.newest_modified(every))
        if path in ("/wp-json/wp/v2/categories", "/wp-json/wp/v2/categories/"):
            return self.text(wordpress.api_categories(self.base), "application/json; charset=UTF-8")
        if path == "/wp-json/":
            body = b'{"name":"Allm\\u00e4nnyttan","url":"%s","namespaces":["oembed/1.0","wp/v2"]}' % self.base.encode()
            return self.text(body, "application/json; charset=UTF-8")
        if path == "/feed":
            return self.redirect("/feed/", 301)
        if path == "/feed/":
            body = wordpress.feed(every, self.base, query)
            if body is None:
                return self.html(not_found_view(path, self.base))
            return Response(200, {"Content-Type": "application/rss+xml; charset=UTF-8"}, body,
                            last_modified=self.newest_modified(every))
        if path == "/sitemap.xml":
            return self.redirect("/wp-sitemap.xml", 301)
        if path == "/wp-sitemap.xml":
            return self.text(wordpress.sitemap_index(self.base), "application/xml; charset=UTF-8")
        if path == "/wp-sitemap-posts-post-1.xml":
            return Response(200, {"Content-Type": "application/xml; charset=UTF-8"},
                            wordpress.posts_sitemap(every, self.base), last_modified=self.newest_modified(every))
        if path == "/wp-sitemap-posts-page-1.xml":
            return self.text(wordpress.pages_sitemap(list(self.pages), self.base), "application/xml; charset=UTF-8")
        if path == "/" and "p" in parse_qs(query):  # WordPress's ?p=ID shortlinks (the feed's guid)
            wanted = parse_qs(query)["p"][-1]
            for post in posts:
                if str(post.wp_id) == wanted and not post.teaser_only:
                    return self.redirect(post.path, 301)
            return self.html(not_found_view(path, self.base))
        view = page_view(path, posts, self.base, self.pages, listed=self.index != "archive", nav=self.nav,
                         lab_posts=self.lab_posts)
        if view is not None:
            return self.html(view, last_modified=max([EPOCH, *(p.modified for p in view.teasers)]))
        return self.post_route(path, posts)

    def post_route(self, path: str, posts: list[SamplePost]) -> Response:
        parts = [part for part in path.split("/") if part]
        by_slug = {p.slug: p for p in [*posts, *self.news]}
        slug = parts[0] if parts else ""
        post = by_slug.get(slug)
        if len(parts) == 1 and not path.endswith("/") and (post and not post.teaser_only):
            return self.redirect(f"/{slug}/", 301)  # WordPress adds the trailing slash
        if post is None or post.teaser_only or len(parts) > 2 or (len(parts) == 2 and parts[1] != "embed"):
            status = self.gone.get(slug, 404) if len(parts) in (1, 2) else 404
            return self.html(not_found_view(path, self.base), status=status)
        if len(parts) == 2:
            stale = post is retitled(posts)
            return Response(200, {"Content-Type": "text/html; charset=UTF-8"},
                            wordpress.embed(post, self.base, stale=stale), last_modified=post.modified)
        teasers = newest(posts, limit=TEASER_COUNT, exclude=post.slug)
        view = PostView(post=post, base=self.base, teasers=teasers, nav=self.nav)
        return self.html(view, last_modified=max([post.modified, *(p.modified for p in teasers)]))

    def robots_lines(self) -> list[str]:
        lines: list[str] = []
        for fault in self.faults:
            if fault.robots is not None:
                lines += fault.robots(self)
        return lines

    @staticmethod
    def newest_modified(posts: list[SamplePost]) -> datetime:
        return max((p.modified for p in posts), default=EPOCH)

    # --- response builders ------------------------------------------------

    def render(self, view: PostView | PageView) -> str:
        return self.renderer.post_page(view) if isinstance(view, PostView) else self.renderer.page(view)

    def html(self, view: PostView | PageView, *, status: int | None = None,
             last_modified: datetime | None = None) -> Response:
        text = self.render(view)
        status = status or getattr(view, "status", 200)
        charset = self.renderer.CHARSET
        return Response(status, {"Content-Type": f"text/html; charset={charset.upper() if charset == 'utf-8' else charset}",
                                 "Link": f'<{self.base}wp-json/>; rel="https://api.w.org/"'},
                        text.encode(charset, errors="xmlcharrefreplace"), last_modified=last_modified, html=text)

    @staticmethod
    def text(body: bytes, content_type: str) -> Response:
        return Response(200, {"Content-Type": content_type}, body, last_modified=EPOCH)

    def redirect(self, path: str, status: int = 302) -> Response:
        location = path if path.startswith("http") else self.url(path)
        return Response(status, {"Location": location, "Content-Type": "text/html; charset=UTF-8"}, b"",
                        validators=False)

    def finish(self, request: Request, response: Response) -> Response:
        """Add ETag/Last-Modified to every 200 and turn a matching conditional request into a 304.

        Last-Modified is the content's own date; if the bytes changed while that date
        did not (a test edited a post in place), it moves forward, so If-Modified-Since
        never hides a change.
        """
        if response.status != 200 or not response.validators or response.action:
            return response
        etag = '"' + hashlib.sha256(response.body).hexdigest()[:20] + '"'
        key = request.path + ("?" + request.query if request.query else "")
        natural = (response.last_modified or EPOCH).astimezone(timezone.utc).replace(microsecond=0)
        with self._lock:
            seen = self._validators.get(key)
            modified = natural
            if seen is not None:
                if seen[0] == etag:
                    modified = seen[1]
                elif natural <= seen[1]:
                    modified = max(seen[1] + timedelta(seconds=1),
                                   datetime.now(timezone.utc).replace(microsecond=0))
            self._validators[key] = (etag, modified)
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(modified)
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        not_modified = False
        if inm is not None:
            not_modified = etag_matches(inm, etag)
        elif ims is not None:
            try:
                not_modified = modified <= parsedate_to_datetime(ims).astimezone(timezone.utc)
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            kept = {k: v for k, v in response.headers.items() if k in ("ETag", "Last-Modified", "Link")}
            return Response(304, kept, b"", validators=False)
        return response

    def record(self, request: Request, status: int, at: float) -> None:
        with self._lock:
            self.requests.append(RequestRecord(request.method, request.path, request.query,
                                               dict(request.headers), status, at))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, site: SampleSite) -> None:
        self.site = site
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients that hang up (timeouts, resets) are part of the tests."""
        import sys

        self.site.errors.append(sys.exc_info()[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms a request on Linux), which made every crawl of the site crawl.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        site: SampleSite = self.server.site  # type: ignore[attr-defined]
        with site._lock:
            site._connections.add(self.connection)

    def finish(self) -> None:
        site: SampleSite = self.server.site  # type: ignore[attr-defined]
        with site._lock:
            site._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def version_string(self) -> str:
        return "Apache"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the request log is site.requests
        pass

    def do_GET(self) -> None:
        self.serve(head=False)

    def do_HEAD(self) -> None:
        self.serve(head=True)

    def do_POST(self) -> None:
        self.serve(head=False, allowed=False)

    def serve(self, *, head: bool, allowed: bool = True) -> None:
        site: SampleSite = self.server.site  # type: ignore[attr-defined]
        at = clock.monotonic()
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path or "/", parts.query,
                          {k.lower(): v for k, v in self.headers.items()})
        if not allowed:
            response = Response(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain"}, b"method not allowed\n")
        else:
            try:
                response = site.handle(request)
            except Exception as error:  # a bug in the sample site must not look like a hang
                site.errors.append(error)
                response = Response(500, {"Content-Type": "text/plain"}, f"sample site error: {error!r}\n".encode())
        if response.action == "reset":
            site.record(request, 0, at)
            self.reset()
            return
        if response.action == "trickle-headers":
            site.record(request, response.status, at)
            self.close_connection = True
            lines = [f"{self.protocol_version} {response.status} {self.responses[response.status][0]}",
                     *(f"{name}: {value}" for name, value in response.headers.items()),
                     f"Content-Length: {len(response.body)}", "Connection: close", "", ""]
            self.trickle("\r\n".join(lines).encode("latin-1") + (b"" if head else response.body), site.trickle_rate)
            return
        site.record(request, response.status, at)
        self.send_response(response.status)
        length = len(response.body) + (max(1000, len(response.body)) if response.action == "truncate" else 0)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        if response.action == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            pass
        elif response.action == "trickle":
            self.trickle(response.body, site.trickle_rate)
        else:
            self.wfile.write(response.body)
        self.wfile.flush()

    def trickle(self, body: bytes, rate: int) -> None:
        """Send `rate` bytes a second until the body is out or the client hangs up."""
        for start in range(0, len(body), rate):
            self.wfile.write(body[start:start + rate])
            self.wfile.flush()
            clock.sleep(1.0)

    def reset(self) -> None:
        """Close with SO_LINGER 0: the client sees a connection reset, not a clean EOF."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


__all__ = ["INDEXES", "MARKUPS", "RENDERERS", "RequestRecord", "Response", "Request", "SampleSite", "SampleSiteError"]
