"""Markup "nested": a page-builder soup of `<section>`s and `<span>`s, no class names at all.

Traps: no heading elements anywhere (the title is a `<span>`); a kicker line
`Dagbok` above the date line; paragraphs are `<span>`s inside `<section>`s; the
signature is ONE `<p>` with a `<br>` between name and role; `<meta name=description>`
carries WordPress's 55-word excerpt, not the site's teaser excerpt; `<title>` puts
the site name first. Only `data-*` attributes, so no class name is shared with
any other markup.
"""

from __future__ import annotations

import re
from html import escape, unescape

from .content import (ADDRESS_PARTS, FOOTER_PARAGRAPHS, NAV, SITE_NAME, SUBSCRIBE_LINKS, PageView, PostView,
                      SamplePost, date_line, render_paragraphs, spaced)
from .wordpress import wp_excerpt

NAME = "nested"
CHARSET = "utf-8"

PARAGRAPH = {"subhead": '<section data-b="t"><span><strong>{text}</strong></span></section>\n',
             "link": '<section data-b="t"><span><a href="{href}">{text}</a></span></section>\n',
             "caption": '<section data-b="c"><span><em>{text}</em></span></section>\n',
             "text": '<section data-b="t"><span>{text}</span></section>\n'}


def e(text: str) -> str:
    return escape(text, quote=True)


def top(title: str, base: str, description: str = "", nav: tuple[tuple[str, str], ...] = NAV) -> str:
    menu = "".join(f'<span data-m="i"><a href="{e(base.rstrip("/") + path)}">{e(label)}</a></span> '
                   for label, path in nav)
    meta = f'<meta name="description" content="{e(description)}">\n' if description else ""
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n{meta}</head>\n<body>\n<section data-r=\"app\">\n"
        f'<section data-r="top"><span data-k="brand"><a href="{e(base)}">{SITE_NAME}</a></span>\n'
        f'<section data-r="menu">{menu}</section></section>\n')


def bottom() -> str:
    paragraphs = "".join(f"<p>{e(text)}</p>\n" for text in FOOTER_PARAGRAPHS)
    address = "      ".join(f"<span>{e(part)}</span>" for part in ADDRESS_PARTS)
    return f'<section data-r="bottom">\n{paragraphs}<p>{address}</p>\n</section>\n</section>\n</body>\n</html>\n'


def teaser(post: SamplePost, base: str) -> str:
    link = e(base.rstrip("/") + post.path)
    signature = f"<p>{e(post.author)}<br>{e(post.role or '')}</p>" if post.author else ""
    return (f'<section data-b="card"><section><span>{date_line(post.published)}</span></section>\n'
            f'<section><span><a href="{link}">{e(post.title)}</a></span></section>\n'
            f"<section><span>{e(post.excerpt)}</span></section>\n{signature}</section>\n")


def teasers(posts: list[SamplePost], base: str) -> str:
    if not posts:
        return ""
    return '<section data-r="more">\n' + "".join(teaser(p, base) for p in posts) + "</section>\n"


def post_page(view: PostView) -> str:
    post, base = view.post, view.base
    nbsp = post.flag("nbsp")
    body = "".join(render_paragraphs(post.paragraphs, PARAGRAPH, e, base=base, nbsp=nbsp))
    if post.credit:
        body += f'<section data-b="media"><span><em>{e(post.credit)}</em></span></section>\n'
    if post.author:
        body += f"<p>{e(spaced(post.author, nbsp))}<br>{e(spaced(post.role or '', nbsp))}</p>\n"
    subscribe = ""
    if not post.flag("no_subscribe"):
        subscribe = ('<section data-r="follow">'
                     + "".join(f'<p><a href="{href}">{text}</a></p>' for text, href in SUBSCRIBE_LINKS.items())
                     + "</section>\n")
    related = "" if post.flag("no_teasers") else teasers(view.teasers, base)
    description = unescape(re.sub(r"<[^>]+>", "", wp_excerpt(post))).strip()
    return (
        top(f"allmännyttan.se | {post.title}", base, description, view.nav)
        + '<section data-r="main">\n<section data-b="story">\n'
        + '<section data-b="kicker"><span>Dagbok</span></section>\n'
        + f'<section data-b="when"><span>{date_line(post.published)}</span></section>\n'
        + f'<section data-b="headline"><span style="font-size:2em">{e(spaced(post.title, nbsp))}</span></section>\n'
        + f"{body}</section>\n" + subscribe + related + "</section>\n" + bottom())


def page(view: PageView) -> str:
    links = "".join(f'<section><span><a href="{e(view.url(path))}">{e(text)}</a></span></section>\n'
                    for text, path in view.links)
    body = "".join(f'<section data-b="t"><span>{e(text)}</span></section>\n' for text in view.paragraphs)
    return (top(f"allmännyttan.se | {view.title}", view.base, nav=view.nav) + '<section data-r="main">\n'
            + f'<section data-b="headline"><span style="font-size:2em">{e(view.title)}</span></section>\n'
            + body + links + teasers(view.teasers, view.base) + "</section>\n" + bottom())
