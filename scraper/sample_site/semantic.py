"""Markup "semantic": a modern WordPress theme, full of metadata — some of it misleading.

Traps: JSON-LD `author` is the editor account, not the signature; `<title>` is
only the site name on some posts; the first `<h1>` is the logo; the CMS byline
names the editor; teasers reuse the post's own `article.post.entry` and
`.entry-content` classes; credit and signature sit inside `.entry-content`.
"""

from __future__ import annotations

import json
from html import escape

from .content import (ADDRESS_PARTS, FOOTER_PARAGRAPHS, NAV, SITE_NAME, SUBSCRIBE_LINKS, PageView, PostView,
                      SamplePost, date_line, render_paragraphs, spaced)
from .wordpress import EDITORS

NAME = "semantic"
CHARSET = "utf-8"


def e(text: str) -> str:
    return escape(text, quote=True)


def head(title: str, *, canonical: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="sv-SE">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<link rel=\"canonical\" href=\"{e(canonical)}\">\n"
        '<link rel="alternate" type="application/rss+xml" title="Allmännyttan &raquo; Flöde" href="/feed/">\n'
        '<link rel="https://api.w.org/" href="/wp-json/">\n'
        f"{extra}</head>\n")


def header(view_base: str, nav: tuple[tuple[str, str], ...] = NAV) -> str:
    items = "".join(f'<li class="menu-item"><a href="{e(view_base.rstrip("/") + path)}">{e(label)}</a></li>'
                    for label, path in nav)
    return (
        '<header id="masthead" class="site-header">\n'
        f'<div class="site-branding"><h1 class="site-title"><a href="{e(view_base)}" rel="home">{SITE_NAME}</a></h1>\n'
        '<p class="site-description">Vad allmännyttan är och gör</p></div>\n'
        f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{items}</ul></nav>\n'
        "</header>\n")


def footer() -> str:
    paragraphs = "".join(f"<p>{e(text)}</p>\n" for text in FOOTER_PARAGRAPHS)
    address = "      ".join(f'<span class="contact-item">{e(part)}</span>' for part in ADDRESS_PARTS)
    return (f'<footer id="colophon" class="site-footer">\n<div class="site-info">\n{paragraphs}'
            f'<p class="address">{address}</p>\n</div>\n</footer>\n</body>\n</html>\n')


def iso(post: SamplePost) -> str:
    return post.published_at.isoformat()


def teaser(post: SamplePost, base: str) -> str:
    """A teaser in the very classes of a post (the trap for class-based extractors)."""
    link = e(base.rstrip("/") + post.path)
    signature = ""
    if post.author:
        signature = (f'<footer class="entry-footer"><p class="author">{e(post.author)}</p>'
                     f'<p class="author-role">{e(post.role or "")}</p></footer>')
    return (
        f'<article id="post-{post.wp_id}" class="post entry type-post status-publish hentry">\n'
        f'<header class="entry-header"><div class="entry-meta"><time class="entry-date published" '
        f'datetime="{iso(post)}">{date_line(post.published)}</time></div>\n'
        f'<h2 class="entry-title"><a href="{link}" rel="bookmark">{e(post.title)}</a></h2></header>\n'
        f'<div class="entry-content"><p>{e(post.excerpt)}</p></div>\n{signature}\n'
        f'<a class="more-link" href="{link}">Läs mer</a>\n</article>\n')


def teasers(posts: list[SamplePost], base: str, heading: str | None = None) -> str:
    """The teaser block; on post pages it has no heading (the seed page shows none)."""
    if not posts:
        return ""
    title = f'<h2 class="widget-title">{heading}</h2>' if heading else ""
    return (f'<section class="recent-posts">{title}\n'
            + "".join(teaser(p, base) for p in posts) + "</section>\n")


PARAGRAPH = {"subhead": "<h3>{text}</h3>\n", "link": '<p><a href="{href}">{text}</a></p>\n',
             "caption": '<p class="wp-caption-text">{text}</p>\n', "text": "<p>{text}</p>\n"}


def post_page(view: PostView) -> str:
    post, base = view.post, view.base
    canonical = view.url(post.path)
    nbsp = post.flag("nbsp")
    ld = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
          "datePublished": iso(post), "dateModified": post.modified.isoformat(),
          "author": {"@type": "Person", "name": EDITORS[3]},
          "publisher": {"@type": "Organization", "name": "Sveriges Allmännytta"},
          "mainEntityOfPage": canonical}
    meta = (
        f'<meta property="og:locale" content="sv_SE">\n<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{e(post.title)}">\n'
        f'<meta property="og:description" content="{e(post.excerpt)}">\n'
        f'<meta property="og:url" content="{e(canonical)}">\n<meta property="og:site_name" content="{SITE_NAME}">\n'
        f'<meta property="article:published_time" content="{iso(post)}">\n'
        f'<meta property="article:modified_time" content="{post.modified.isoformat()}">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n')
    title = SITE_NAME if post.wp_id % 2 == 0 else f"{post.title} – {SITE_NAME}"
    body = "".join(render_paragraphs(post.paragraphs, PARAGRAPH, e, base=base, nbsp=nbsp))
    if post.credit:
        body += ('<figure class="wp-block-image"><img src="/wp-content/uploads/labb.jpg" alt="">'
                 f"<figcaption>{e(post.credit)}</figcaption></figure>\n")
    if post.author:
        body += (f'<p>\u00a0</p>\n<p class="signature"><strong>{e(spaced(post.author, nbsp))}</strong><br>\n'
                 f"{e(spaced(post.role or '', nbsp))}</p>\n")
    subscribe = ""
    if not post.flag("no_subscribe"):
        subscribe = ('<aside class="widget subscribe">'
                     + "".join(f'<p><a href="{href}">{text}</a></p>' for text, href in SUBSCRIBE_LINKS.items())
                     + "</aside>\n")
    related = "" if post.flag("no_teasers") else teasers(view.teasers, base)
    return (
        head(title, canonical=canonical, extra=meta)
        + f'<body class="post-template-default single single-post postid-{post.wp_id}">\n'
        + header(base, view.nav)
        + '<main id="main" class="site-main">\n'
        + f'<article id="post-{post.wp_id}" class="post entry type-post status-publish format-standard hentry '
        + f'category-{post.category.lower()}">\n'
        + '<header class="entry-header"><div class="entry-meta">'
        + f'<time class="entry-date published" datetime="{iso(post)}">{date_line(post.published)}</time>'
        + f'<time class="updated" datetime="{post.modified.isoformat()}" hidden></time> '
        + '<span class="byline">av <span class="author vcard"><a class="url fn n" href="/author/redaktionen/">'
        + f"{EDITORS[3]}</a></span></span></div>\n"
        + f'<h1 class="entry-title">{e(spaced(post.title, nbsp))}</h1></header>\n'
        + f'<div class="entry-content">\n{body}</div>\n</article>\n'
        + subscribe + related + "</main>\n" + footer())


def page(view: PageView) -> str:
    canonical = view.url(view.path)
    links = "".join(f'<li><a href="{e(view.url(path))}">{e(text)}</a></li>' for text, path in view.links)
    body = "".join(f"<p>{e(text)}</p>\n" for text in view.paragraphs)
    return (
        head(f"{view.title} – {SITE_NAME}", canonical=canonical)
        + '<body class="page-template-default page">\n' + header(view.base, view.nav)
        + '<main id="main" class="site-main">\n<article class="page entry type-page hentry">\n'
        + f'<header class="entry-header"><h1 class="entry-title">{e(view.title)}</h1></header>\n'
        + f'<div class="entry-content">\n{body}<ul class="page-links">{links}</ul>\n</div>\n</article>\n'
        + teasers(view.teasers, view.base, "Från dagboken") + "</main>\n" + footer())
