"""Markup "legacy": an old table layout served as windows-1252.

Traps: one `<TD>` holds the whole post, paragraphs separated only by `<BR><BR>`,
the signature is `name<BR>role` in the same cell; the date line comes AFTER the
title; `<FONT>` everywhere; bytes really are cp1252 (” – … are single bytes),
charset in the HTTP header and a `<META http-equiv>`; named and numeric
entities (`&ouml;`, `&#8217;`, `&nbsp;`) mixed with raw bytes; no metadata.
"""

from __future__ import annotations

from html import escape

from .content import (ADDRESS_PARTS, FOOTER_PARAGRAPHS, NAV, SUBSCRIBE_LINKS, PageView, PostView, SamplePost,
                      date_line, render_paragraphs, spaced)

NAME = "legacy"
CHARSET = "windows-1252"

NAMED = {"å": "&aring;", "ä": "&auml;", "ö": "&ouml;", "Å": "&Aring;", "Ä": "&Auml;", "Ö": "&Ouml;", "é": "&eacute;"}


def raw(text: str) -> str:
    """Escaped, Swedish letters left as cp1252 bytes; only ’ and NBSP as entities."""
    return escape(text, quote=False).replace("’", "&#8217;").replace("\u00a0", "&nbsp;")


def ent(text: str) -> str:
    """Escaped with Swedish letters as named entities, as old editors wrote them."""
    out = raw(text)
    for char, entity in NAMED.items():
        out = out.replace(char, entity)
    return out


def attr(text: str) -> str:
    return escape(text, quote=True)


def top(title: str, base: str, nav: tuple[tuple[str, str], ...] = NAV) -> str:
    root = base.rstrip("/")
    side = "<BR>\n".join(f'<A href="{attr(root + path)}"><FONT face="Verdana" size="1">{ent(label)}</FONT></A>'
                         for label, path in nav)
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<HTML>\n<HEAD>\n'
        '<META http-equiv="Content-Type" content="text/html; charset=windows-1252">\n'
        f"<TITLE>{ent(title)}</TITLE>\n</HEAD>\n"
        '<BODY bgcolor="#FFFFFF" text="#000000" link="#003366" topmargin="0" leftmargin="0">\n'
        '<TABLE width="780" border="0" cellpadding="4" cellspacing="0">\n'
        f'<TR><TD colspan="2" bgcolor="#003366"><A href="{attr(base)}"><IMG src="/bilder/logo.gif" '
        'alt="Allm&auml;nnyttan" border="0" width="200" height="40"></A></TD></TR>\n'
        f'<TR><TD width="160" valign="top" bgcolor="#EEEEEE">{side}</TD>\n<TD valign="top">')


def bottom() -> str:
    paragraphs = "<BR><BR>\n".join(ent(text) for text in FOOTER_PARAGRAPHS)
    address = " &nbsp; &nbsp; ".join(ent(part) for part in ADDRESS_PARTS)
    return (f'<TR><TD colspan="2" bgcolor="#EEEEEE"><FONT face="Verdana" size="1">{paragraphs}<BR><BR>\n'
            f"{address}</FONT></TD></TR>\n</TABLE>\n</BODY>\n</HTML>\n")


def teaser(post: SamplePost, base: str) -> str:
    link = attr(base.rstrip("/") + post.path)
    signature = f"<BR>\n{ent(post.author)}<BR>\n{ent(post.role or '')}" if post.author else ""
    return (f'<TR><TD valign="top"><FONT face="Verdana" size="1">{date_line(post.published)}</FONT><BR>\n'
            f'<FONT face="Verdana" size="2"><B><A href="{link}">{ent(post.title)}</A></B><BR>\n'
            f"{raw(post.excerpt)}{signature}</FONT></TD></TR>\n")


def teasers(posts: list[SamplePost], base: str) -> str:
    if not posts:
        return ""
    return ('<TR><TD></TD><TD><TABLE width="100%" border="0" cellpadding="6" cellspacing="0">\n'
            + "".join(teaser(p, base) for p in posts) + "</TABLE></TD></TR>\n")


PARAGRAPH = {"subhead": "<B>{text}</B>", "link": '<A href="{href}">{text}</A>', "caption": "<I>{text}</I>",
             "text": "{text}"}


def post_page(view: PostView) -> str:
    post, base = view.post, view.base
    nbsp = post.flag("nbsp")
    chunks = render_paragraphs(post.paragraphs, PARAGRAPH, raw, base=base, nbsp=nbsp)
    if post.credit:
        chunks.append(f"<I>{raw(post.credit)}</I>")
    chunks.append("&nbsp;")
    if post.author:
        chunks.append(f"{ent(spaced(post.author, nbsp))}<BR>\n{ent(spaced(post.role or '', nbsp))}")
    if not post.flag("no_subscribe"):
        chunks.append("<BR>\n".join(f'<A href="{href}">{ent(text)}</A>' for text, href in SUBSCRIBE_LINKS.items()))
    related = "" if post.flag("no_teasers") else teasers(view.teasers, base)
    return (
        top("allmännyttan.se - Dagbok", base, view.nav)
        + f'<FONT face="Verdana, Arial" size="4" color="#003366"><B>{ent(spaced(post.title, nbsp))}</B></FONT><BR>\n'
        + f'<FONT face="Verdana" size="1" color="#666666">{date_line(post.published)}</FONT><BR><BR>\n'
        + '<FONT face="Verdana" size="2">\n' + "<BR><BR>\n".join(chunks) + "\n</FONT></TD></TR>\n"
        + related + bottom())


def page(view: PageView) -> str:
    root = view.base.rstrip("/")
    links = "<BR>\n".join(f'<A href="{attr(root + path)}">{ent(text)}</A>' for text, path in view.links)
    body = "<BR><BR>\n".join(raw(text) for text in view.paragraphs)
    return (top(f"allmännyttan.se - {view.title}", view.base, view.nav)
            + f'<FONT face="Verdana" size="4"><B>{ent(view.title)}</B></FONT><BR><BR>\n'
            + f'<FONT face="Verdana" size="2">{body}<BR><BR>\n{links}</FONT></TD></TR>\n'
            + teasers(view.teasers, view.base) + bottom())
