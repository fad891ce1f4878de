"""What WordPress core serves whatever the theme: REST API, RSS feed, sitemaps, oEmbed views, robots.txt.

These are the same in every markup, as on a real WordPress site where the theme
only changes the post pages. They carry the traps docs/site.md warns of
("What stock WordPress prints"): the API's
`author` and the feed's `dc:creator` are an editor account (not the signature),
`pubDate` is in GMT (a post published at 00:30 local time shows the day before),
and `excerpt.rendered` is WordPress's 55-word excerpt, not the site's teaser.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

from .content import SITE_NAME, SamplePost, as_utc, preliminary_title, render_paragraphs

EDITORS = {3: "Redaktionen", 7: "sabo_webb"}
# The site's categories (id → name): the diary's and the news'; /wp-json/wp/v2/categories lists them.
CATEGORIES = {12: "Dagbok", 13: "Nyheter"}
CATEGORY_IDS = {name: number for number, name in CATEGORIES.items()}
FEED_PAGE_SIZE = 10
API_MAX_PER_PAGE = 100
PAGES_LASTMOD = datetime(2020, 2, 14, 9, 30, tzinfo=timezone.utc)

TEXTURIZE = {"”": "&#8221;", "“": "&#8220;", "’": "&#8217;", "‘": "&#8216;", "–": "&#8211;", "—": "&#8212;",
             "…": "&#8230;", "\u00a0": "&nbsp;"}


def texturize(text: str) -> str:
    """HTML-escape as WordPress's wptexturize leaves titles and content: typographic marks as numeric entities."""
    out = escape(text, quote=False)
    for char, entity in TEXTURIZE.items():
        out = out.replace(char, entity)
    return out


def editor(post: SamplePost) -> tuple[int, str]:
    """The CMS account that published the post: an editor, never the diary author."""
    return (7, EDITORS[7]) if post.published.isoformat() < "2019-04-25" else (3, EDITORS[3])


CONTENT_PARAGRAPH = {"subhead": "<p><strong>{text}</strong></p>", "link": '<p><a href="{href}">{text}</a></p>',
                     "caption": "<p><em>{text}</em></p>", "text": "<p>{text}</p>"}


def content_rendered(post: SamplePost, base: str) -> str:
    """`content.rendered` as the editor typed it: body, then credit and signature (they are in the content)."""
    parts = render_paragraphs(post.paragraphs, CONTENT_PARAGRAPH, texturize, base=base)
    if post.credit:
        parts.append(f"<p>{texturize(post.credit)}</p>")
    if post.author:
        parts.append("<p>&nbsp;</p>")
        parts.append(f"<p><strong>{texturize(post.author)}</strong><br />\n{texturize(post.role or '')}</p>")
    return "\n".join(parts) + "\n"


def wp_excerpt(post: SamplePost) -> str:
    """WordPress's automatic excerpt: the first 55 words, then ' [&hellip;]' (unlike the site's teasers)."""
    words = " ".join([*post.paragraphs, *([post.credit] if post.credit else [])]).split()
    text = texturize(" ".join(words[:55]))
    return f"<p>{text}{' [&hellip;]' if len(words) > 55 else ''}</p>\n"


def naive_iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def api_item(post: SamplePost, base: str) -> dict[str, Any]:
    """One post as /wp-json/wp/v2/posts shows it; `date` is local time without offset, `date_gmt` UTC."""
    link = base.rstrip("/") + post.path
    return {
        "id": post.wp_id,
        "date": naive_iso(post.published_at),
        "date_gmt": naive_iso(as_utc(post.published_at)),
        "guid": {"rendered": f"{base.rstrip('/')}/?p={post.wp_id}"},
        "modified": naive_iso(post.modified.astimezone(post.published_at.tzinfo)),
        "modified_gmt": naive_iso(as_utc(post.modified)),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": texturize(post.title)},
        "content": {"rendered": content_rendered(post, base), "protected": False},
        "excerpt": {"rendered": wp_excerpt(post), "protected": False},
        "author": editor(post)[0],
        "featured_media": 0,
        "comment_status": "closed",
        "format": "standard",
        "categories": [CATEGORY_IDS[post.category]],
        "tags": [],
    }


def api_error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"code": code, "message": message, "data": {"status": status}}, ensure_ascii=False)
    return status, {"Content-Type": "application/json; charset=UTF-8"}, body.encode("utf-8")


def api_posts(posts: list[SamplePost], base: str, query: str) -> tuple[int, dict[str, str], bytes]:
    """GET /wp-json/wp/v2/posts: per_page (≤ 100), page, orderby date|modified|id, order, slug.

    Past the last page WordPress answers 400 rest_post_invalid_page_number.
    """
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    try:
        per_page = int(params.get("per_page", 10))
        page = int(params.get("page", 1))
    except ValueError:
        return api_error("rest_invalid_param", "Ogiltig parameter: per_page eller page är inte ett heltal.")
    if not 1 <= per_page <= API_MAX_PER_PAGE:
        return api_error("rest_invalid_param", "Ogiltig parameter: per_page måste vara mellan 1 (inklusive) och 100 (inklusive)")
    if page < 1:
        return api_error("rest_invalid_param", "Ogiltig parameter: page måste vara större än eller lika med 1")
    orderby = params.get("orderby", "date")
    order = params.get("order", "desc")
    keys = {"date": lambda p: (p.published_at, p.wp_id), "modified": lambda p: (p.modified, p.wp_id),
            "id": lambda p: p.wp_id}
    if orderby not in keys or order not in ("asc", "desc"):
        return api_error("rest_invalid_param", f"Ogiltig parameter: orderby={orderby} order={order}")
    chosen = [p for p in posts if not p.teaser_only]
    if "slug" in params:
        chosen = [p for p in chosen if p.slug in params["slug"].split(",")]
    chosen.sort(key=keys[orderby], reverse=order == "desc")
    total = len(chosen)
    pages = math.ceil(total / per_page)
    if page > max(pages, 1):
        return api_error("rest_post_invalid_page_number",
                         "Det begärda sidnumret är större än antalet tillgängliga sidor.")
    items = [api_item(p, base) for p in chosen[(page - 1) * per_page: page * per_page]]
    if "_fields" in params:
        wanted = params["_fields"].split(",")
        items = [{k: v for k, v in item.items() if k in wanted} for item in items]
    headers = {"Content-Type": "application/json; charset=UTF-8", "X-WP-Total": str(total),
               "X-WP-TotalPages": str(pages), "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link"}
    links = []
    endpoint = base.rstrip("/") + "/wp-json/wp/v2/posts"
    if page > 1:
        links.append(f'<{endpoint}?per_page={per_page}&page={page - 1}>; rel="prev"')
    if page < pages:
        links.append(f'<{endpoint}?per_page={per_page}&page={page + 1}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return 200, headers, json.dumps(items, ensure_ascii=False).encode("utf-8")


def rss_date(moment: datetime) -> str:
    """RFC 822 date in GMT with +0000, as WordPress writes pubDate."""
    return format_datetime(as_utc(moment)).replace("-0000", "+0000")


def feed(posts: list[SamplePost], base: str, query: str) -> bytes | None:
    """/feed/ (RSS 2.0), ten items a page, older ones at ?paged=N; None past the last page (WP's 404)."""
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    try:
        paged = int(params.get("paged", 1))
    except ValueError:
        paged = 1
    chosen = sorted((p for p in posts if not p.teaser_only), key=lambda p: p.published_at, reverse=True)
    page_items = chosen[(paged - 1) * FEED_PAGE_SIZE: paged * FEED_PAGE_SIZE]
    if paged < 1 or (paged > 1 and not page_items):
        return None
    root = base.rstrip("/")
    items = []
    for post in page_items:
        items.append(
            f"\t<item>\n\t\t<title>{texturize(post.title)}</title>\n"
            f"\t\t<link>{root}{post.path}</link>\n"
            f"\t\t<dc:creator><![CDATA[{editor(post)[1]}]]></dc:creator>\n"
            f"\t\t<pubDate>{rss_date(post.published_at)}</pubDate>\n"
            f"\t\t<category><![CDATA[{post.category}]]></category>\n"
            f'\t\t<guid isPermaLink="false">{root}/?p={post.wp_id}</guid>\n'
            f"\t\t<description><![CDATA[{wp_excerpt(post).strip()}]]></description>\n"
            f"\t\t<content:encoded><![CDATA[{content_rendered(post, base)}]]></content:encoded>\n"
            f"\t</item>\n")
    built = max((p.modified for p in chosen), default=PAGES_LASTMOD)
    self_url = f"{root}/feed/" + (f"?paged={paged}" if paged > 1 else "")
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
        f"\t<title>{SITE_NAME}</title>\n"
        f'\t<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{root}</link>\n\t<description>Vad allmännyttan är och gör</description>\n"
        f"\t<lastBuildDate>{rss_date(built)}</lastBuildDate>\n\t<language>sv-SE</language>\n"
        "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n\t<sy:updateFrequency>1</sy:updateFrequency>\n"
        "\t<generator>https://wordpress.org/?v=5.3.2</generator>\n"
        + "".join(items) + "\t</channel>\n</rss>\n")
    return text.encode("utf-8")


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def api_categories(base: str) -> bytes:
    """GET /wp-json/wp/v2/categories: every category with its id, name and slug."""
    root = base.rstrip("/")
    items = [{"id": number, "count": 0, "description": "", "link": f"{root}/category/{name.lower()}/",
              "name": name, "slug": name.lower(), "taxonomy": "category", "parent": 0}
             for number, name in CATEGORIES.items()]
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def sitemap_index(base: str) -> bytes:
    root = base.rstrip("/")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{root}/wp-sitemap-index.xsl" ?>\n'
        f'<sitemapindex xmlns="{SITEMAP_NS}">'
        f"<sitemap><loc>{root}/wp-sitemap-posts-post-1.xml</loc></sitemap>"
        f"<sitemap><loc>{root}/wp-sitemap-posts-page-1.xml</loc></sitemap>"
        "</sitemapindex>\n").encode("utf-8")


def urlset(entries: list[tuple[str, datetime | None]], base: str) -> bytes:
    rows = "".join(
        f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{as_utc(mod).isoformat()}</lastmod>" if mod else "") + "</url>"
        for loc, mod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{base.rstrip("/")}/wp-sitemap.xsl" ?>\n'
            f'<urlset xmlns="{SITEMAP_NS}">{rows}</urlset>\n').encode("utf-8")


def posts_sitemap(posts: list[SamplePost], base: str) -> bytes:
    """wp-sitemap-posts-post-1.xml: every live post with its lastmod, newest first."""
    chosen = sorted((p for p in posts if not p.teaser_only), key=lambda p: p.published_at, reverse=True)
    return urlset([(base.rstrip("/") + p.path, p.modified) for p in chosen], base)


def pages_sitemap(paths: list[str], base: str) -> bytes:
    return urlset([(base.rstrip("/") + path, PAGES_LASTMOD) for path in paths], base)


def robots(base: str, *, extra: list[str] = (), sitemap: bool = True) -> bytes:
    """robots.txt as WordPress writes it, with the sitemap named (unless `sitemap` is False);
    `extra` lines go under `User-agent: *`."""
    lines = ["User-agent: *", *extra, "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", ""]
    if sitemap:
        lines += [f"Sitemap: {base.rstrip('/')}/wp-sitemap.xml", ""]
    return "\n".join(lines).encode("utf-8")


def embed(post: SamplePost, base: str, *, stale: bool = False) -> bytes:
    """/<slug>/embed/: WordPress's oEmbed template — title, body, hashtag line; no date, no signature.

    Its rel=canonical names the post page, so a crawler must classify by path, not by canonical.
    `stale`: the cached older text (preliminary title, last paragraph missing) of docs/site.md, "Platform".
    """
    root = base.rstrip("/")
    link = root + post.path
    if stale:
        post = post.copy(title=preliminary_title(post), paragraphs=post.paragraphs[:-1] or post.paragraphs)
    body = "".join(f"<p>{texturize(text)}</p>" for text in post.paragraphs)
    if post.hashtags:
        body += f"<p>{texturize(post.hashtags)}</p>"
    html = (
        '<!DOCTYPE html>\n<html lang="sv-SE" class="no-js">\n<head>\n'
        f"\t<title>{texturize(post.title)} &#8211; {SITE_NAME}</title>\n"
        '\t<meta http-equiv="X-UA-Compatible" content="IE=edge">\n\t<meta name="robots" content="noindex, follow" />\n'
        f'\t<link rel="canonical" href="{link}" />\n</head>\n'
        f'<body class="single single-post postid-{post.wp_id} single-format-standard">\n'
        f'\t<div class="wp-embed post-{post.wp_id} post type-post status-publish format-standard hentry category-dagbok">\n'
        f'\t\t<p class="wp-embed-heading">\n\t\t\t<a href="{link}" target="_top">\n\t\t\t\t{texturize(post.title)}\n'
        "\t\t\t</a>\n\t\t</p>\n"
        f'\t\t<div class="wp-embed-excerpt">{body}</div>\n'
        '\t\t<div class="wp-embed-footer">\n\t\t\t<div class="wp-embed-site-title">\n'
        f'\t\t\t\t<a href="{root}/" target="_top"><span>{SITE_NAME}</span></a>\n'
        "\t\t\t</div>\n\t\t</div>\n\t</div>\n</body>\n</html>\n")
    return html.encode("utf-8")
