"""Named faults, each bound to one route, on the model of Scrapy's mock server.

`SampleSite(faults=("rate-limit", "huge"))` switches them on; `site.fault_route(name)`
tells a test which path misbehaves (override with `fault_routes={name: path}`; `*` is
every path, for faults of the whole site).
A fault's `apply(site, request, hit, normal)` gets the hit number (1 for the
first request to its route) and `normal()` (the response the route would give)
and returns the response to send, or None to let the normal one through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Callable

from .content import date_line
from .server import EVERY_ROUTE, Request, Response

if TYPE_CHECKING:
    from .server import SampleSite

Normal = Callable[[], Response]
Apply = Callable[["SampleSite", Request, int, Normal], "Response | None"]


@dataclass(frozen=True)
class Fault:
    """One way a server misbehaves, on one route."""

    name: str
    description: str
    route: Callable[["SampleSite"], str]
    apply: Apply | None = None
    robots: Callable[["SampleSite"], list[str]] | None = None  # lines added to robots.txt


def post_route(index: int) -> Callable[["SampleSite"], str]:
    """The page of the index-th live post (oldest first), so every fault has its own post."""

    def route(site: "SampleSite") -> str:
        posts = site.live_posts
        return posts[index % len(posts)].path if posts else "/"

    return route


def error_page(status: int, title: str) -> Response:
    body = f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
    return Response(status, {"Content-Type": "text/html; charset=UTF-8"}, body.encode(), validators=False)


def first(times: int | None, response: Callable[[], Response]) -> Apply:
    """Misbehave for the first `times` hits (None: always), then answer normally."""

    def apply(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
        return response() if times is None or hit <= times else None

    return apply


def slow(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """Sleep past any sane read timeout (`site.slow_seconds`) on the first hit, then answer."""
    if hit == 1:
        import time

        time.sleep(site.slow_seconds)
    return None


def reset(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    return Response(0, action="reset") if hit == 1 else None


def truncated(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """Content-Length promises more than is sent, then the connection closes (first hit)."""
    if hit != 1:
        return None
    response = normal()
    response.action = "truncate"
    return response


def trickle(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The whole page, but its body at `site.trickle_rate` bytes a second (3: a page takes hours)."""
    response = normal()
    response.action = "trickle"
    return response


def trickle_headers(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The whole page, its status line and headers too at `site.trickle_rate` bytes a second: no
    read waits long, but the headers take minutes."""
    response = normal()
    response.action = "trickle-headers"
    return response


MAINTENANCE_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Underhåll pågår</title></head>
<body><h1>Webbplatsen uppdateras</h1>
<p>Vi gör just nu underhåll på allmannyttan.se. Välkommen tillbaka om en stund!</p></body></html>
"""


def maintenance_page(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """200 with a maintenance notice instead of the post, no validators (it ignores conditional requests)."""
    return Response(200, {"Content-Type": "text/html; charset=UTF-8"}, MAINTENANCE_PAGE.encode(), validators=False)


def empty_page(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    return Response(200, {"Content-Type": "text/html; charset=UTF-8"}, b"", validators=False)


def redirect_loop(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """/<slug>/ → /<slug>/?from=loop → /<slug>/ → … forever."""
    return site.redirect(request.path if request.query else request.path + "?from=loop")


def offsite_redirect(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """302 to another host name. It is this same server under `localhost`, so a test can see in
    `site.requests` (header `host`) whether a crawler followed it, and nothing hangs if it does."""
    return site.redirect(f"http://localhost:{site.port}{request.path}")


META_CHARSET = re.compile(r'<meta[^>]*charset=[^>]*>\s*', re.IGNORECASE)


def rewritten(response: Response, html: str, charset: str) -> Response:
    """`response` showing `html` instead, encoded in `charset` (characters it lacks as character references)."""
    response.html = html
    response.body = html.encode(charset, errors="xmlcharrefreplace")
    return response


def recoded(response: Response, content_type: str, html: str) -> Response:
    response.headers["Content-Type"] = content_type
    return rewritten(response, html, "cp1252")


def wrong_charset(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """cp1252 bytes declared UTF-8 in the header and in a <meta>."""
    response = normal()
    if response.html is None:
        return None
    html = META_CHARSET.sub("", response.html, count=1)
    html = re.sub(r"(<head>)", r'\1\n<meta charset="utf-8">', html, count=1, flags=re.IGNORECASE)
    return recoded(response, "text/html; charset=utf-8", html)


def no_charset(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """cp1252 bytes and no charset anywhere: not in the header, not in a <meta>, no BOM."""
    response = normal()
    if response.html is None:
        return None
    return recoded(response, "text/html", META_CHARSET.sub("", response.html))


def huge(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The post page with a page-builder blob in <head> making it `site.huge_bytes` long."""
    response = normal()
    if response.html is None:
        return None
    filler = '{"block":"spacer","height":"24px"},'
    blob = filler * max(0, (site.huge_bytes - len(response.body)) // len(filler))
    script = f"<script>var pageBuilderData = [{blob}];</script>\n"
    # A function, not a template: re parses a replacement template char by char (seconds for MBs).
    html = re.sub(r"</head>", lambda match: script + match.group(0), response.html, count=1, flags=re.IGNORECASE)
    return rewritten(response, html, site.renderer.CHARSET)


def malformed(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """Broken HTML whose text is still all there: no </p>, stray </div>s, an unclosed <b>, no </body>."""
    response = normal()
    if response.html is None:
        return None
    html = re.sub(r"</p>", "", response.html, flags=re.IGNORECASE)
    html = re.sub(r"(<body[^>]*>)", r"\1</div></span></div>", html, count=1, flags=re.IGNORECASE)
    html = re.sub(r"(</h[12]>)", r"\1<b></div>", html, count=1, flags=re.IGNORECASE)
    html = re.sub(r"</body>\s*</html>\s*$", "", html, flags=re.IGNORECASE)
    return rewritten(response, html, site.renderer.CHARSET)


# A billion-laughs bomb: each entity is ten of the one before, so &lol9; would expand to 10⁹ "lol"s.
BILLION_LAUGHS_ENTITIES = """\
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">"""
HOSTILE_SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE urlset [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
{BILLION_LAUGHS_ENTITIES}
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{{urls}}<url><loc>{{root}}/&xxe;</loc></url><url><loc>{{root}}/&lol9;/</loc></url></urlset>
"""


def hostile_sitemap(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The posts sitemap with an XXE entity and a billion-laughs bomb; its plain <loc>s are still real."""
    root = site.base.rstrip("/")
    urls = "".join(f"<url><loc>{root}{p.path}</loc></url>" for p in reversed(site.live_posts))
    body = HOSTILE_SITEMAP.format(urls=urls, root=root).encode("utf-8")
    return Response(200, {"Content-Type": "application/xml; charset=UTF-8"}, body)


def undated(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The post page with its own date removed: its date line's text, its `<time datetime>` and
    date metadata (every markup prints the date line in the site's form, metadata in ISO form)."""
    response = normal()
    if response.html is None:
        return None
    slug = request.path.strip("/")
    post = site.post(slug)
    html = response.html.replace(date_line(post.published), "").replace(post.published_at.isoformat(), "")
    return rewritten(response, html, site.renderer.CHARSET)


def collapsed_text(site: "SampleSite", request: Request, hit: int, normal: Normal) -> Response | None:
    """The post page showing its first paragraph only: the rest waits in a box a `Visa mer` button
    would open (`display:none`), as a theme's or plugin's collapsed text does."""
    response = normal()
    if response.html is None:
        return None
    head, body = re.split("(?=<body)", response.html, maxsplit=1, flags=re.IGNORECASE)
    for paragraph in site.post(request.path.strip("/")).body.split("\n\n")[1:]:
        spaced = r"(?:\s|&nbsp;)+".join(re.escape(word) for word in escape(paragraph, quote=False).split())
        body = re.sub(spaced, lambda shown: f'<span style="display: none">{shown[0]}</span>', body, count=1)
    return rewritten(response, head + body, site.renderer.CHARSET)


FAULT_LIST = (
    Fault("server-error", "500 twice, then the page", post_route(0),
          first(2, lambda: error_page(500, "Internal Server Error"))),
    Fault("always-500", "500 on every request", post_route(1),
          first(None, lambda: error_page(500, "Internal Server Error"))),
    Fault("rate-limit", "429 with Retry-After: 1 once, then the page", post_route(2),
          first(1, lambda: _with(error_page(429, "Too Many Requests"), {"Retry-After": "1"}))),
    Fault("unavailable", "503 with Retry-After: 1 once, then the page", post_route(3),
          first(1, lambda: _with(error_page(503, "Service Unavailable"), {"Retry-After": "1"}))),
    Fault("slow", "first answer only after site.slow_seconds (default 3 s)", post_route(4), slow),
    Fault("reset", "connection reset without a response once, then the page", post_route(5), reset),
    Fault("truncated", "Content-Length longer than the body once, then the page", post_route(6), truncated),
    Fault("redirect-loop", "302 between /<slug>/ and /<slug>/?from=loop forever", post_route(7), redirect_loop),
    Fault("wrong-charset", "cp1252 bytes declared utf-8 (header and meta)", post_route(8), wrong_charset),
    Fault("no-charset", "cp1252 bytes, no charset in header or meta", post_route(9), no_charset),
    Fault("huge", "the post page padded to site.huge_bytes (default ~6 MB)", post_route(10), huge),
    Fault("malformed", "unclosed tags, stray </div>s, no </body>; text intact", post_route(11), malformed),
    Fault("offsite-redirect", "302 to another host (this server as localhost)", post_route(12), offsite_redirect),
    Fault("hostile-sitemap", "posts sitemap with XXE and billion-laughs entities",
          lambda site: "/wp-sitemap-posts-post-1.xml", hostile_sitemap),
    Fault("robots-crawl-delay", "robots.txt asks Crawl-delay: site.crawl_delay",
          lambda site: "/robots.txt", robots=lambda site: [f"Crawl-delay: {site.crawl_delay:g}"]),
    Fault("trickle", "the post page's body at site.trickle_rate bytes a second (default 3)", post_route(16),
          trickle),
    Fault("trickle-headers", "the post page's headers and body at site.trickle_rate bytes a second", post_route(19),
          trickle_headers),
    Fault("everything-404", "every path of the site answers 404, robots.txt included", lambda site: EVERY_ROUTE,
          first(None, lambda: error_page(404, "Sidan kunde inte hittas"))),
    Fault("no-api", "the site offers no REST API (404)", lambda site: "/wp-json/wp/v2/posts",
          first(None, lambda: error_page(404, "Sidan kunde inte hittas"))),
    Fault("empty-page", "the post page answers 200 with an empty body", post_route(14), empty_page),
    Fault("maintenance-page", "the post page answers 200 with a maintenance notice", post_route(15),
          maintenance_page),
    Fault("robots-disallow", "robots.txt disallows one post; its route is that post's path",
          post_route(13), robots=lambda site: [f"Disallow: {site.fault_route('robots-disallow')}"]),
    Fault("undated", "the post page without its own date (date line, <time>, metadata); the API still lists it",
          post_route(17), undated),
    Fault("collapsed-text", "the post page shows its first paragraph, the rest hidden behind a `Visa mer` button; "
                            "the API lists the whole text", post_route(18), collapsed_text),
)


def _with(response: Response, headers: dict[str, str]) -> Response:
    response.headers.update(headers)
    return response


FAULTS: dict[str, Fault] = {fault.name: fault for fault in FAULT_LIST}
