"""Markup "bare": nothing but `<div>`s with generated class names and no metadata at all.

Traps: no JSON-LD, no OpenGraph, no `<time>`, no canonical, a `<title>` that is
the host name; the post title is an `<h2>`, but the menu heading before it is an
`<h2>` too; the date line is a plain `<span>`; the signature is two `<div>`s;
class names carry no meaning (`x9f2 q1`) and are shared between unrelated parts.
"""

from __future__ import annotations

import hashlib
from html import escape

from .content import (ADDRESS_PARTS, FOOTER_PARAGRAPHS, NAV, SITE_NAME, SUBSCRIBE_LINKS, PageView, PostView,
                      SamplePost, date_line, render_paragraphs, spaced)

NAME = "bare"
CHARSET = "utf-8"


def c(role: str) -> str:
    """A generated class attribute: a hash token plus a utility token shared by unrelated roles."""
    digest = hashlib.md5(f"bare:{role}".encode()).hexdigest()
    return f'class="{chr(ord("a") + int(digest[0], 16) % 26)}{digest[1:4]} q{int(digest[4], 16) % 3}"'


def e(text: str) -> str:
    return escape(text, quote=True)


def top(title: str, base: str, nav: tuple[tuple[str, str], ...] = NAV) -> str:
    nav = "".join(f'<div {c("navitem")}><a href="{e(base.rstrip("/") + path)}">{e(label)}</a></div>'
                  for label, path in nav)
    return (
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{e(title)}</title>\n</head>\n<body>\n<div {c('page')}>\n"
        f'<div {c("top")}><div {c("logo")}><a href="{e(base)}">{SITE_NAME}</a></div>\n'
        f'<div {c("nav")}><h2 {c("navhead")}>Meny</h2>{nav}</div></div>\n')


def bottom() -> str:
    paragraphs = "".join(f"<div {c('foottext')}>{e(text)}</div>\n" for text in FOOTER_PARAGRAPHS)
    address = "".join(f"<span {c('addr')}>{e(part)}</span>      " for part in ADDRESS_PARTS).rstrip()
    return f'<div {c("foot")}>\n{paragraphs}<div {c("addrline")}>{address}</div>\n</div>\n</div>\n</body>\n</html>\n'


def teaser(post: SamplePost, base: str) -> str:
    link = e(base.rstrip("/") + post.path)
    signature = ""
    if post.author:
        signature = f"<div {c('tname')}>{e(post.author)}</div><div {c('trole')}>{e(post.role or '')}</div>"
    return (
        f"<div {c('teaser')}>\n<div {c('tdate')}>{date_line(post.published)}</div>\n"
        f'<h3 {c("ttitle")}><a href="{link}">{e(post.title)}</a></h3>\n'
        f"<div {c('ttext')}>{e(post.excerpt)}</div>\n{signature}\n</div>\n")


def teasers(posts: list[SamplePost], base: str) -> str:
    if not posts:
        return ""
    return f"<div {c('teasers')}>\n" + "".join(teaser(p, base) for p in posts) + "</div>\n"


PARAGRAPH = {"subhead": f"<div {c('sub')}><b>{{text}}</b></div>\n",
             "link": f'<div {c("p")}><a href="{{href}}">{{text}}</a></div>\n',
             "caption": f"<div {c('cap')}><i>{{text}}</i></div>\n", "text": f"<div {c('p')}>{{text}}</div>\n"}


def post_page(view: PostView) -> str:
    post, base = view.post, view.base
    nbsp = post.flag("nbsp")
    body = "".join(render_paragraphs(post.paragraphs, PARAGRAPH, e, base=base, nbsp=nbsp))
    if post.credit:
        body += f"<div {c('cap')}>{e(post.credit)}</div>\n"
    signature = ""
    if post.author:
        signature = (f"<div {c('sig')}><div {c('p')}>{e(spaced(post.author, nbsp))}</div>\n"
                     f"<div {c('p')}>{e(spaced(post.role or '', nbsp))}</div></div>\n")
    subscribe = ""
    if not post.flag("no_subscribe"):
        subscribe = "".join(f'<div {c(f"sub{n}")}><a href="{href}">{text}</a></div>\n'
                            for n, (text, href) in enumerate(SUBSCRIBE_LINKS.items(), 1))
    related = "" if post.flag("no_teasers") else teasers(view.teasers, base)
    return (
        top("allmannyttan.se", base, view.nav)
        + f"<div {c('main')}>\n<div {c('post')}>\n"
        + f"<div {c('meta')}><span {c('d')}>{date_line(post.published)}</span></div>\n"
        + f"<h2 {c('title')}>{e(spaced(post.title, nbsp))}</h2>\n"
        + f"<div {c('text')}>\n{body}</div>\n{signature}</div>\n"
        + subscribe + related + "</div>\n" + bottom())


def page(view: PageView) -> str:
    links = "".join(f'<div {c("p")}><a href="{e(view.url(path))}">{e(text)}</a></div>\n' for text, path in view.links)
    body = "".join(f"<div {c('p')}>{e(text)}</div>\n" for text in view.paragraphs)
    return (top("allmannyttan.se", view.base, view.nav) + f"<div {c('main')}>\n<h2 {c('title')}>{e(view.title)}</h2>\n"
            + body + links + teasers(view.teasers, view.base) + "</div>\n" + bottom())
