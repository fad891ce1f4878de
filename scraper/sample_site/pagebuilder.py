"""Markup "pagebuilder": a page-builder theme (Elementor-like) of nested `<div>`s with generated class names.

Traps: every element sits four or five `<div>`s deep with generated class names
(`e-c7f3a1d`), and nothing carries WordPress's conventions (no `entry-title`,
`entry-content`, `hentry`, `single-post`, `<time>`, metadata); a cookie banner and
breadcrumbs (`Start » Dagbok » <title>`) come before the post; the date line is a
byline under the title, `Publicerad 29 april 2019 av Redaktionen` (the editor
account, not the author); a share box (`Dela inlägget` / `Facebook` / `LinkedIn` /
`E-post`) follows the signature; the teaser cards print a `Läs mer »` link.
"""

from __future__ import annotations

import hashlib
from html import escape

from .content import (ADDRESS_PARTS, FOOTER_PARAGRAPHS, NAV, SITE_NAME, SUBSCRIBE_LINKS, PageView, PostView,
                      SamplePost, date_line, render_paragraphs, spaced)
from .wordpress import editor

NAME = "pagebuilder"
CHARSET = "utf-8"

COOKIE_TITLE = "Vi använder kakor"
COOKIE_TEXT = ("Vi använder kakor (cookies) för att ge dig en bättre upplevelse och för att förstå hur webbplatsen "
               "används. Läs mer i vår integritetspolicy.")
SHARE = ("Dela inlägget", "Facebook", "LinkedIn", "E-post")


def g(role: str) -> str:
    """Generated class names as a page builder writes them: an element id and a widget type token."""
    digest = hashlib.sha1(f"pagebuilder:{role}".encode()).hexdigest()
    return f'class="e-el e-{digest[:7]} e-w-{digest[7:10]}" data-id="{digest[10:17]}"'


def wrap(html: str, role: str, depth: int = 4) -> str:
    """`html` inside `depth` nested containers (section, column, widget, widget container)."""
    for level in range(depth):
        html = f"<div {g(f'{role}:{level}')}>{html}</div>"
    return html + "\n"


def e(text: str) -> str:
    return escape(text, quote=True)


def top(title: str, base: str, crumbs: list[tuple[str, str | None]], nav: tuple[tuple[str, str], ...] = NAV) -> str:
    items = "".join(f'<li {g("menu-item")}><a href="{e(base.rstrip("/") + path)}">{e(label)}</a></li>'
                    for label, path in nav)
    trail = " » ".join(f'<a href="{e(base.rstrip("/") + path)}">{e(text)}</a>' if path else f"<span>{e(text)}</span>"
                       for text, path in crumbs)
    return (
        '<!DOCTYPE html>\n<html lang="sv-SE">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} - {SITE_NAME}</title>\n"
        '<link rel="stylesheet" href="/wp-content/uploads/builder/css/post-12.css">\n</head>\n'
        '<body class="wp-theme-builder builder-default builder-kit-5">\n'
        + wrap(f'<p {g("cookie-title")}>{COOKIE_TITLE}</p><div {g("cookie-text")}>{e(COOKIE_TEXT)}</div>'
               '<button type="button">Acceptera alla</button><button type="button">Neka</button>', "cookie", 2)
        + f'<div {g("header")}>'
        + wrap(f'<a href="{e(base)}"><img src="/wp-content/uploads/logo.svg" alt="{SITE_NAME}"></a>', "logo")
        + wrap(f'<ul {g("menu")}>{items}</ul>', "menu")
        + "</div>\n"
        + (wrap(f'<p {g("crumbs-line")}>{trail}</p>', "crumbs", 3) if crumbs else ""))


def bottom() -> str:
    paragraphs = "".join(f"<p>{e(text)}</p>" for text in FOOTER_PARAGRAPHS)
    address = "      ".join(f"<span>{e(part)}</span>" for part in ADDRESS_PARTS)
    return f'<div {g("footer")}>' + wrap(paragraphs + f"<p>{address}</p>", "footer-text") + "</div>\n</body>\n</html>\n"


def teaser(post: SamplePost, base: str) -> str:
    link = e(base.rstrip("/") + post.path)
    signature = ""
    if post.author:
        signature = f"<div {g('card-name')}>{e(post.author)}</div><div {g('card-role')}>{e(post.role or '')}</div>"
    return (f"<div {g('card')}><div {g('card-inner')}>"
            f"<div {g('card-date')}>{date_line(post.published)}</div>"
            f'<h3 {g("card-title")}><a href="{link}">{e(post.title)}</a></h3>'
            f"<div {g('card-excerpt')}><p>{e(post.excerpt)}</p></div>"
            f'<a {g("card-more")} href="{link}">Läs mer »</a>{signature}</div></div>\n')


def teasers(posts: list[SamplePost], base: str) -> str:
    if not posts:
        return ""
    return wrap("".join(teaser(p, base) for p in posts), "cards", 3)


PARAGRAPH = {"subhead": "<h3>{text}</h3>", "link": '<p><a href="{href}">{text}</a></p>',
             "caption": "<p><em>{text}</em></p>", "text": "<p>{text}</p>"}


def post_page(view: PostView) -> str:
    post, base = view.post, view.base
    nbsp = post.flag("nbsp")
    body = "".join(render_paragraphs(post.paragraphs, PARAGRAPH, e, base=base, nbsp=nbsp))
    if post.credit:
        body += f"<p><small>{e(post.credit)}</small></p>"
    if post.author:
        body += f"<p><strong>{e(spaced(post.author, nbsp))}</strong><br>{e(spaced(post.role or '', nbsp))}</p>"
    byline = (f"<span {g('info-date')}>Publicerad {date_line(post.published)}</span> "
              f'<span {g("info-author")}>av <a href="/author/{e(editor(post)[1].lower())}/">{e(editor(post)[1])}</a>'
              "</span>")
    share = "".join(f"<div {g('share-' + word)}><span>{word}</span></div>" for word in SHARE)
    subscribe = ""
    if not post.flag("no_subscribe"):
        subscribe = wrap("".join(f'<p><a href="{href}">{text}</a></p>' for text, href in SUBSCRIBE_LINKS.items()),
                         "follow")
    related = "" if post.flag("no_teasers") else teasers(view.teasers, base)
    crumbs = [("Start", "/"), ("Dagbok", None), (post.title, None)]
    return (
        top(post.title, base, crumbs, view.nav)
        + f'<div {g("post")}>'
        + wrap(f'<h1 {g("heading")}>{e(spaced(post.title, nbsp))}</h1>', "heading")
        + wrap(f'<div {g("info")}>{byline}</div>', "info")
        + wrap(body, "content", 5)
        + wrap(share, "share", 3)
        + "</div>\n" + subscribe + related + bottom())


def page(view: PageView) -> str:
    links = "".join(f'<p><a href="{e(view.url(path))}">{e(text)}</a></p>' for text, path in view.links)
    body = "".join(f"<p>{e(text)}</p>" for text in view.paragraphs)
    crumbs = [("Start", "/"), (view.title, None)] if view.path != "/" else []
    return (top(view.title, view.base, crumbs, view.nav)
            + wrap(f'<h1 {g("heading")}>{e(view.title)}</h1>', "heading")
            + (wrap(body + links, "content", 5) if body or links else "")
            + teasers(view.teasers, view.base) + bottom())
