"""Every sample post rendered in markups generated at random: extraction must not depend on markup.

docs/site.md: nothing of the real site's HTML is known. So instead of trusting a few
hand-made themes, this test draws markups from a space of plausible ones — wrappers,
tags, meaningless classes, where the date sits, how paragraphs, subheads, captions,
credits, signatures, subscribe lines, teasers and footers are marked up, which
structured data lies — and checks every field of every post in each.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, time, timezone
from html import escape
from zoneinfo import ZoneInfo

import pytest

from scraper.extract import extract_post, extract_teasers, parse_document
from scraper.records import Capture
from scraper.sample_site import SamplePost, date_line, load_posts
from scraper.sample_site.date_forms import FORMS

BASE = "https://www.allmannyttan.se"
POSTS = load_posts()
SHOWN = [p for p in POSTS if not p.teaser_only]
FOOTER = ["Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se. Sveriges Allmännytta är "
          "bransch- och intresseorganisation för allmännyttiga kommunala bostadsföretag över hela Sverige. Här på "
          "allmännyttan.se visar vi vad allmännyttan är och gör.",
          "Vill du att ditt allmännyttiga bostadsföretags goda arbete ska synas här? Hör av dig!"]
ADDRESS = ["Sveriges Allmännytta", "Box 474, 101 29 Stockholm", "08-406 55 00", "info@sverigesallmannytta.se"]
NAV = ["Start", "Vad är allmännyttan?", "Innovationslabb", "Innovationslabbet i Boden", "Kontakt"]
SEEDS = range(240)


@dataclass
class Style:
    """One drawn markup."""

    rnd: random.Random

    def __post_init__(self) -> None:
        r = self.rnd
        self.block = r.choice(["p", "div", "section", "br", "li"])
        self.wrap_depth = r.randint(0, 3)
        self.title_tag = r.choice(["h1", "h2", "h3", "div", "p", "b", "strong", "font"])
        self.title_first = self.title_tag in ("h1", "h2", "b", "strong", "font") and r.random() < 0.35
        self.date_tag = r.choice(["span", "div", "p", "time", "small", "font"])
        self.sub_tag = r.choice(["h2", "h3", "h4", "strong", "b", "p"])
        self.signature = r.choice(["two-blocks", "br", "strong-br", "table"])
        self.teaser_wrap = r.choice(["div", "li", "article", "a", "td"])
        self.teaser_title_first = r.random() < 0.25
        self.read_more = r.random() < 0.3
        self.nav_tag = r.choice(["nav", "div", "ul", "td"])
        self.logo_h1 = r.random() < 0.4
        self.semantic_head = r.random() < 0.5
        self.jsonld_editor = r.random() < 0.5
        self.nbsp_lines = r.random() < 0.5
        self.hidden_junk = r.random() < 0.5
        self.legacy_charset = r.random() < 0.3
        # a written form of scraper/sample_site/date_forms.py, or the site's form in a longer line
        self.date_form = r.choice(["site", "site", "publicerad", "weekday", "meta-line", "byline", "posted-on-english",
                                   "weekday-definite", "publicerad-iso", "split"])
        # where the date sits: next to the title, or after the text (a theme's entry footer)
        # (themes that print it there show the title as a heading)
        self.date_place = r.choice(["header", "header", "header", "footer"])
        if self.title_tag not in ("h1", "h2", "h3", "b", "strong", "font"):
            self.date_place = "header"
        self.updated_line = r.random() < 0.2  # an `Uppdaterad …` line next to the published date
        self.comments = r.random() < 0.3  # readers' comments, each with a name and a date, after the post
        self.breadcrumb = r.random() < 0.3  # `Start › Dagbok › <title>` lines before the post
        self.category = r.random() < 0.3  # a `Dagbok` label next to the date line
        self.byline = r.random() < 0.2 and not self.title_first  # `Av Redaktionen` under the title
        self.featured_credit = r.random() < 0.2 and not self.title_first  # `Foto: …` between date and title
        self.share = r.random() < 0.3  # share links after the signature
        self.sidebar = r.choice(["none", "none", "before", "after"])  # a list of recent posts, dated
        self.teaser_heading = r.random() < 0.4  # `Senaste från dagboken` before the teasers
        self.wrap_paragraphs = r.random() < 0.3  # <div><p>…</p></div>
        self.nbsp = r.random() < 0.3  # non-breaking spaces where the text has spaces
        self.updated_time = r.random() < 0.2 and self.date_tag == "time"  # a second, updated <time> on the line
        self.teaser_label = r.random() < 0.25  # each teaser starts with a category label (`Dagbok`)
        self.teaser_breaks = r.random() < 0.25  # a teaser's lines in one block, split by <br>

    def cls(self) -> str:
        r = self.rnd
        if r.random() < 0.5:
            return ""
        return f' class="{r.choice("abcdefghxyz")}{r.randint(0, 99)} {r.choice(["q", "wrap", "col", "box", "t"])}"'

    def blocks(self, texts: list[str]) -> str:
        """Lines as blocks in the drawn style (or one block with <br>s)."""
        if self.block == "br":
            return f"<div{self.cls()}>" + "<br>\n".join(texts) + "</div>\n"
        if self.block == "li":
            return f"<ul{self.cls()}>" + "".join(f"<li>{t}</li>" for t in texts) + "</ul>\n"
        return "".join(f"<{self.block}{self.cls()}>{t}</{self.block}>\n" for t in texts)

    def wrap(self, html: str) -> str:
        for _ in range(self.wrap_depth):
            tag = self.rnd.choice(["div", "section", "article", "main", "div"])
            html = f"<{tag}{self.cls()}>\n{html}</{tag}>\n"
        return html


NBSP = False


def e(text: str) -> str:
    text = escape(text, quote=True)
    return text.replace(" ", "&nbsp;", 2) if NBSP else text


def paragraph(style: Style, text: str) -> str:
    if text.isupper():
        tag = style.sub_tag
        return f"<{tag}>{e(text)}</{tag}>" if tag != "p" else f"<strong>{e(text)}</strong>"
    if text.startswith("Läs mer om "):
        head, _, last = text.rpartition(" ")
        return f'{e(head)} <a href="{BASE}/innovationslabb/">{e(last)}</a>'
    if text.startswith(("På bilden", "Bilden")):
        return f"<em>{e(text)}</em>"
    return e(text)


def titled(style: Style, tag: str, text: str) -> str:
    if tag == "font":
        return f'<font size="4"><b>{e(text)}</b></font>'
    return f"<{tag}{style.cls()}>{e(text)}</{tag}>"


COMMENTS = ("<div><h3>2 svar på ”{title}”</h3><ol><li><b>Sven Svensson</b> <span>skriver:</span><br>"
            "<time datetime='2020-01-30T10:15:00+01:00'>30 januari 2020 kl. 10:15</time><p>Bra skrivet, tack!</p>"
            "<a href='#'>Svara</a></li><li><b>Lena Berg</b> <span>skriver:</span><br>3 februari 2020 kl. 08:00"
            "<p>Håller med.</p></li></ol><h3>Lämna ett svar</h3></div>")


def dated(style: Style, post: SamplePost) -> str:
    shown = e(FORMS.get(style.date_form, date_line)(post.published))
    if style.date_form == "meta-line":
        shown = f"Dagbok | {shown}"
    elif style.date_form == "byline":
        shown = f"Publicerad {shown} av Redaktionen"
    elif style.date_form == "split" and style.date_tag != "time":
        return "".join(f"<{style.date_tag}>{w}</{style.date_tag}><br>" if style.date_tag in ("span", "font", "small")
                       else f"<{style.date_tag}>{w}</{style.date_tag}>"
                       for w in ("Publicerad", shown, "i", "Dagbok", "av", "Redaktionen"))
    if style.date_tag == "time":
        moment = datetime.combine(post.published, time(0, 30), ZoneInfo("Europe/Stockholm"))
        updated = '<time class="updated" datetime="2020-02-01">1 februari 2020</time>' if style.updated_time else ""
        return f'<time datetime="{moment.astimezone(timezone.utc).isoformat()}">{shown}</time>{updated}'
    if style.date_tag == "font":
        return f'<font size="1" color="#666">{shown}</font>'
    return f"<{style.date_tag}{style.cls()}>{shown}</{style.date_tag}>"


def signature(style: Style, name: str, role: str) -> str:
    if style.signature == "two-blocks":
        return f"<div{style.cls()}>{e(name)}</div><div{style.cls()}>{e(role)}</div>"
    if style.signature == "strong-br":
        return f"<p><strong>{e(name)}</strong><br>{e(role)}</p>"
    if style.signature == "table":
        return f"<table><tr><td>{e(name)}</td></tr><tr><td>{e(role)}</td></tr></table>"
    return f"<p>{e(name)}<br>\n{e(role)}</p>"


def teaser(style: Style, post: SamplePost) -> str:
    link = f"{BASE}{post.path}"
    title = f'<a href="{link}">{e(post.title)}</a>' if style.teaser_wrap != "a" else e(post.title)
    head = [f"<h3>{title}</h3>", f"<span>{e(date_line(post.published))}</span>"]
    if not style.teaser_title_first:
        head.reverse()
    parts = [*head, f"<p>{e(post.excerpt)}</p>"]
    if style.read_more:
        parts.append(f'<p><a href="{link}">Läs mer</a></p>')
    if post.author:
        parts += [f"<div>{e(post.author)}</div>", f"<div>{e(post.role or '')}</div>"]
    if style.teaser_label:
        parts.insert(0, "<small>Dagbok</small>")
    inner = "<br>".join(parts) if style.teaser_breaks else "".join(parts)
    if style.teaser_wrap == "a":
        return f'<a href="{link}" class="card">{inner}</a>'
    if style.teaser_wrap == "td":
        return f"<table><tr><td>{inner}</td></tr></table>"
    return f"<{style.teaser_wrap}{style.cls()}>{inner}</{style.teaser_wrap}>"


def render(post: SamplePost, seed: int) -> tuple[bytes, str]:
    """The post's page in a markup drawn from `seed`; returns (body, content type)."""
    global NBSP
    r = random.Random(seed)
    style = Style(r)
    NBSP = style.nbsp
    url = f"{BASE}{post.path}"
    head = ["<meta charset='windows-1252'>" if style.legacy_charset else "<meta charset='utf-8'>",
            f"<title>{r.choice([e(post.title) + ' – Allmännyttan', 'allmännyttan.se', 'Allmännyttan | Dagbok'])}</title>"]
    if style.semantic_head:
        modified = post.modified.isoformat()
        head += [f'<meta property="og:title" content="{e(post.title)} | Allmännyttan">',
                 '<meta property="og:type" content="article">',
                 f'<meta property="og:description" content="{e(post.body[:150])} […]">',
                 f'<meta property="article:published_time" content="{modified}">',  # a modified date: a trap
                 f'<link rel="canonical" href="{url}">']
    if style.jsonld_editor:
        data = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
                "datePublished": post.published_at.astimezone(timezone.utc).isoformat(),
                "author": {"@type": "Person", "name": r.choice(["Redaktionen", "admin", "webbredaktionen"])}}
        head.append(f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
    nav_items = "".join(f'<a href="{BASE}/x/">{e(n)}</a> ' if style.nav_tag != "ul" else f"<li><a href='/x/'>{e(n)}</a></li>"
                        for n in NAV)
    nav = f"<{style.nav_tag}{style.cls()}>{nav_items}</{style.nav_tag}>\n"
    logo = "<h1><a href='/'>Allmännyttan</a></h1>" if style.logo_h1 else "<div><img alt='Allmännyttan' src='/l.png'></div>"
    junk = "<span class='screen-reader-text'>Publicerat den</span><div hidden>Dold text</div>" if style.hidden_junk else ""
    title, date_html = titled(style, style.title_tag, post.title), dated(style, post)
    if style.updated_line:
        date_html = f"<div>Uppdaterad {e(date_line(post.modified.date()))}</div>{date_html}"
    footer_date = style.date_place == "footer"
    if footer_date:
        header = [title]
    elif style.title_first:
        header = [title, date_html]
    else:
        header = [date_html, *(["Foto: Shutterstock"] if style.featured_credit else []), title]
        if style.byline:
            header.append("Av Redaktionen")
    if style.category:
        header.insert(0, "<span>Dagbok</span>")
    if style.breadcrumb:
        header.insert(0, f"<a href='/'>Start</a> › <a href='/dagbok/'>Dagbok</a> › {e(post.title)}")
    paragraphs = [paragraph(style, t) for t in post.paragraphs]
    if style.wrap_paragraphs:
        paragraphs = [f"<span><span>{p}</span></span>" for p in paragraphs]
    if style.nbsp_lines:
        paragraphs.append("&nbsp;")
    if post.credit:
        paragraphs.append(e(post.credit))
    if post.hashtags and r.random() < 0.5:
        paragraphs.append(e(post.hashtags))
    body_html = style.blocks(paragraphs)
    sig = signature(style, post.author, post.role or "") if post.author else ""
    if style.share:
        sig += "<div class='share'><span>Dela</span> <a href='#'>Facebook</a> <a href='#'>Twitter</a></div>"
    if footer_date:
        sig += f"<div{style.cls()}>{date_html}</div><div>Kategoriserad som <a href='/category/dagbok/'>Dagbok</a></div>"
    if style.comments:
        sig += COMMENTS.format(title=e(post.title))
    subscribe = "" if post.flag("no_subscribe") else style.blocks(["Få nya inlägg i din inkorg", "Följ oss på Instagram"])
    others = [p for p in POSTS if p.slug != post.slug and p.published_at > post.published_at][:3]
    teasers = "" if post.flag("no_teasers") else "".join(teaser(style, p) for p in reversed(others))
    if teasers and style.teaser_heading:
        teasers = "<h2>Senaste från dagboken</h2>" + teasers
    recent = [p for p in POSTS if p.slug != post.slug][-4:]
    sidebar = ("<aside><h3>Senaste inlägg</h3><ul>" + "".join(
        f"<li><span>{e(date_line(p.published))}</span><br><a href='{BASE}{p.path}'>{e(p.title)}</a></li>" for p in recent)
        + "</ul></aside>")
    footer = style.blocks([e(t) for t in FOOTER]) + f"<div>{'      '.join(e(a) for a in ADDRESS)}</div>"
    article = style.wrap(junk + "".join(f"<div{style.cls()}>{h}</div>\n" for h in header) + body_html + sig)
    before = sidebar if style.sidebar == "before" else ""
    after = sidebar if style.sidebar == "after" else ""
    html = (f"<!DOCTYPE html><html><head>{''.join(head)}</head><body>{logo}{nav}{before}{article}{subscribe}"
            f"<div{style.cls()}>{teasers}</div>{after}{footer}</body></html>")
    if style.legacy_charset:
        return html.encode("cp1252"), r.choice(["text/html; charset=utf-8", "text/html"])
    return html.encode("utf-8"), "text/html; charset=utf-8"


@pytest.mark.parametrize("seed", SEEDS, ids=[f"random-{seed}" for seed in SEEDS])
def test_a_post_in_a_random_markup_is_exact(seed, labs):
    post = SHOWN[seed % len(SHOWN)]
    body, content_type = render(post, seed)
    url = f"{BASE}{post.path}"
    document = parse_document(Capture(url=url, final_url=url, status=200, headers={"content-type": content_type},
                                      body=body, fetched=datetime(2020, 3, 1, tzinfo=timezone.utc)))
    extracted = extract_post(document, labs=labs)
    got = {name: getattr(extracted, name) for name in ("url", "title", "author", "role", "lab", "labs", "excerpt", "body")}
    got["published"] = extracted.published.isoformat() if extracted.published else None
    assert got == post.expected(BASE)
    for found in extract_teasers(document):
        announced = next(p for p in POSTS if f"{BASE}{p.path}" == found.url)
        assert (found.title, found.published, found.excerpt, found.author, found.role) == (
            announced.title, announced.published, announced.excerpt, announced.author, announced.role)
