"""What the sample site says: the ground-truth posts and the fixed texts around them.

Everything here is markup-free. Renderers turn a `PostView` or `PageView` into
HTML in their own way; the words (date lines, footer, subscribe lines, nav)
come from here so every markup shows the same site (docs/site.md, "A post page").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from pathlib import Path
from html import escape as html_escape
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ..errors import DagbokError
from ..paths import data_path

STOCKHOLM = ZoneInfo("Europe/Stockholm")

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni",
          "juli", "augusti", "september", "oktober", "november", "december")

FLAG_NAMES = ("no_teasers", "no_subscribe", "teaser_only", "nbsp")

SITE_NAME = "Allmännyttan"
# The links under every post (unless its `no_subscribe` flag is set): text → where it leads.
SUBSCRIBE_LINKS = {"Få nya inlägg i din inkorg": "/prenumerera/",
                   "Följ oss på Instagram": "https://www.instagram.com/allmannyttan/"}
SUBSCRIBE_LINES = tuple(SUBSCRIBE_LINKS)
FOOTER_PARAGRAPHS = (
    "Det är Sveriges Allmännytta (tidigare SABO) som står bakom allmännyttan.se. Sveriges Allmännytta är "
    "bransch- och intresseorganisation för allmännyttiga kommunala bostadsföretag över hela Sverige. Här på "
    "allmännyttan.se visar vi vad allmännyttan är och gör.",
    "Vill du att ditt allmännyttiga bostadsföretags goda arbete ska synas här? Hör av dig!",
)
# The seed's address line: five parts separated by runs of spaces.
ADDRESS_PARTS = ("Sveriges Allmännytta", "Box 474, 101 29 Stockholm", "08-406 55 00",
                 "info@sverigesallmannytta.se", "www.sverigesallmannytta.se")

LAB_SLUGS = {"Boden": "boden", "Göteborg": "goteborg", "Norrköping": "norrkoping", "Södertälje": "sodertalje"}
LAB_PATHS = {lab: f"/vad-vi-gor/innovationslabbet-i-{slug}/" for lab, slug in LAB_SLUGS.items()}
PROGRAMME_PATHS = ("/innovationslabb/", "/innovationslabb/om-programmet/")
NAV = (("Start", "/"), ("Innovationslabb", "/innovationslabb/"), ("Om programmet", "/innovationslabb/om-programmet/"),
       *((f"Innovationslabbet i {lab}", path) for lab, path in LAB_PATHS.items()))

# The "archive" index: a paginated HTML archive is the site's only index (no API, feed or sitemaps).
ARCHIVE_PATH = "/dagbok/"
ARCHIVE_PAGE_SIZE = 10  # WordPress's default "posts per page"
ARCHIVE_NAV = (("Start", "/"), ("Dagbok", ARCHIVE_PATH), ("Innovationslabb", "/innovationslabb/"),
               ("Kontakt", "/kontakt/"))
OLDER, NEWER = "Äldre inlägg »", "« Nyare inlägg"
CONTACT_PAGE = {"title": "Kontakt", "paragraphs": [
    "Frågor om allmännyttan.se? Skriv till oss på info@sverigesallmannytta.se eller ring 08-406 55 00."]}

EXCERPT_LENGTH = 250
TEASER_COUNT = 3  # the newest posts the home page and every post page show as teasers
DIARY_CATEGORY, NEWS_CATEGORY = "Dagbok", "Nyheter"


class SampleDataError(DagbokError):
    """The sample site's ground-truth file is missing or malformed."""


def date_line(day: date) -> str:
    """The site's date line: day without leading zero, Swedish month in lower case (docs/site.md)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def site_excerpt(body: str) -> str:
    """The teaser excerpt: paragraphs joined by one space, 250 characters, then '...'.

    docs/site.md, "Field rules" (excerpt).
    """
    joined = " ".join(body.split("\n\n"))
    if len(joined) <= EXCERPT_LENGTH:
        return joined
    return joined[:EXCERPT_LENGTH].rstrip() + "..."


def paragraph_kind(text: str) -> str:
    """How a body paragraph is shown: 'subhead', 'caption', 'link' or 'text'."""
    if text.startswith("Läs mer"):
        return "link"
    if text.startswith(("På bilden", "Bilden:")):
        return "caption"
    letters = [c for c in text if c.isalpha()]
    if letters and text.upper() == text and len(text) < 90:
        return "subhead"
    return "text"


def render_paragraphs(paragraphs: list[str], templates: dict[str, str], escape: Callable[[str], str], *,
                      base: str, nbsp: bool = False) -> list[str]:
    """Each body paragraph through the markup's template for its kind ({text}, {href} filled in)."""
    root = base.rstrip("/")
    return [templates[paragraph_kind(text)].format(text=escape(spaced(text, nbsp)),
                                                   href=html_escape(root + paragraph_link(text), quote=True))
            for text in paragraphs]


def paragraph_link(text: str) -> str:
    """The path a `Läs mer om …` line links to: a lab page when it names a lab, else the programme."""
    for lab, path in LAB_PATHS.items():
        if lab in text:
            return path
    return PROGRAMME_PATHS[0]


@dataclass
class SamplePost:
    """One diary post of the sample site; its fields are the ground truth tests compare against."""

    slug: str
    published: date
    modified: datetime  # aware
    title: str
    paragraphs: list[str]
    time: time = time(9, 0)  # local publication time
    credit: str | None = None
    author: str | None = None
    role: str | None = None
    lab: str | None = None
    labs: list[str] = field(default_factory=list)
    hashtags: str = ""
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FLAG_NAMES, False))
    wp_id: int = 0  # WordPress post id; assigned by load_posts / SampleSite
    category: str = DIARY_CATEGORY  # the diary's, or NEWS_CATEGORY for the site's other posts

    @property
    def diary(self) -> bool:
        """Ground truth: the post belongs to the diary (the news posts do not)."""
        return self.category == DIARY_CATEGORY

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def excerpt(self) -> str:
        return site_excerpt(self.body)

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def published_at(self) -> datetime:
        """Publication moment, aware, Europe/Stockholm (the WP API's `date` is this, naive)."""
        return datetime.combine(self.published, self.time, STOCKHOLM)

    @property
    def teaser_only(self) -> bool:
        return bool(self.flags.get("teaser_only"))

    def flag(self, name: str) -> bool:
        return bool(self.flags.get(name))

    def expected(self, base: str) -> dict[str, Any]:
        """The post as `dagbok query --format json` should print it, for a site at `base` (its POST_FIELDS)."""
        return {
            "url": base.rstrip("/") + self.path,
            "title": self.title,
            "published": self.published.isoformat(),
            "author": self.author,
            "role": self.role,
            "lab": self.lab,
            "labs": list(self.labs),
            "excerpt": self.excerpt,
            "body": self.body,
        }

    def copy(self, **changes: Any) -> SamplePost:
        """A copy that shares no lists with this post, with `changes` applied."""
        fresh = {"paragraphs": list(self.paragraphs), "labs": list(self.labs), "flags": dict(self.flags)}
        return replace(self, **{**fresh, **changes})


# The fields a post is checked by, in `dagbok query --format json` order: the keys of SamplePost.expected.
POST_FIELDS = ("url", "title", "published", "author", "role", "lab", "labs", "excerpt", "body")


def fields_of(post: Any) -> dict[str, Any]:
    """A post as dagbok read it (a `scraper.records.Post`), in the form of `SamplePost.expected`."""
    values = {name: getattr(post, name) for name in POST_FIELDS}
    values["published"] = post.published.isoformat() if post.published else None
    return values


def post_from_json(item: dict[str, Any]) -> SamplePost:
    """One entry of posts.json → SamplePost; a bad entry names its slug and the field."""
    slug = item.get("slug", "?")
    try:
        modified = datetime.fromisoformat(item["modified"])
        if modified.tzinfo is None:
            raise ValueError(f'modified "{item["modified"]}" has no UTC offset')
        flags = dict.fromkeys(FLAG_NAMES, False)
        flags.update(item.get("flags") or {})
        return SamplePost(
            slug=item["slug"], published=date.fromisoformat(item["published"]), modified=modified,
            title=item["title"], paragraphs=list(item["paragraphs"]),
            time=time.fromisoformat(item.get("time") or "09:00"), credit=item.get("credit"),
            author=item.get("author"), role=item.get("role"), lab=item.get("lab"),
            labs=list(item.get("labs") or []), hashtags=item.get("hashtags") or "", flags=flags,
            category=item.get("category") or DIARY_CATEGORY,
        )
    except (KeyError, ValueError, TypeError) as error:
        raise SampleDataError(f'sample post "{slug}" is malformed ({error!r}); fix scraper/data/sample_site/posts.json') from None


def assign_ids(posts: list[SamplePost]) -> None:
    """Give posts without one a WordPress id, in publication order (ids grow with time as in WP)."""
    taken = {p.wp_id for p in posts if p.wp_id}
    next_id = max(taken, default=100) + 7
    for post in sorted(posts, key=lambda p: (p.published_at, p.slug)):
        if not post.wp_id:
            post.wp_id = next_id
            next_id += 7


def load_posts(path: Path | None = None) -> list[SamplePost]:
    """The sample site's posts (ground truth), oldest first, with stable WordPress ids."""
    path = path or data_path("sample_site", "posts.json")
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SampleDataError(f"no sample posts at {path}; restore scraper/data/sample_site/posts.json") from None
    posts = sorted((post_from_json(item) for item in items), key=lambda p: (p.published_at, p.slug))
    for number, post in enumerate(posts):
        post.wp_id = 101 + 7 * number
    return posts


def load_news() -> list[SamplePost]:
    """The site's news posts (scraper/data/sample_site/news.json): stored by a crawl, never part of the diary.

    Some are signed with a name and a role, one by an author of the diary, one names a
    lab town in passing; their category is "Nyheter". WordPress ids follow the diary's.
    """
    items = json.loads(data_path("sample_site", "news.json").read_text(encoding="utf-8"))
    news = sorted((post_from_json({"modified": f'{item["published"]}T12:00:00+00:00', "category": NEWS_CATEGORY,
                                   **item}) for item in items), key=lambda p: (p.published_at, p.slug))
    for number, post in enumerate(news):
        post.wp_id = 900 + 7 * number
    return news


PRELIMINARY_SUFFIX = " (preliminär rubrik)"


def retitled(posts: list[SamplePost]) -> SamplePost | None:
    """The post that once had a preliminary title: its old Wayback capture and its (stale)
    embed view still show `preliminary_title` (docs/site.md, "Platform": embed text can be older)."""
    ordered = sorted(posts, key=lambda p: (p.published_at, p.slug))
    return ordered[2] if len(ordered) > 2 else None


def preliminary_title(post: SamplePost) -> str:
    return post.title.rstrip("!.") + PRELIMINARY_SUFFIX


def newest(posts: list[SamplePost], *, limit: int, exclude: str | None = None,
           before: datetime | None = None) -> list[SamplePost]:
    """The site's newest posts, newest first: the teaser block (never the host post itself)."""
    chosen = [p for p in posts if p.slug != exclude and (before is None or p.published_at <= before)]
    chosen.sort(key=lambda p: (p.published_at, p.slug), reverse=True)
    return chosen[:limit]


@dataclass(frozen=True)
class PostView:
    """Everything a renderer needs to draw one post page."""

    post: SamplePost
    base: str  # "http://127.0.0.1:PORT/" or "https://www.allmannyttan.se/", ends with "/"
    teasers: list[SamplePost]
    nav: tuple[tuple[str, str], ...] = NAV  # the menu: (text, path)

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + path


@dataclass(frozen=True)
class PageView:
    """A page that is not a post: home, programme, lab or 404, with optional teasers."""

    path: str
    title: str
    paragraphs: list[str]
    base: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, path)
    teasers: list[SamplePost] = field(default_factory=list)
    status: int = 200
    nav: tuple[tuple[str, str], ...] = NAV  # the menu: (text, path)

    def url(self, path: str) -> str:
        return self.base.rstrip("/") + path


def load_pages() -> dict[str, dict[str, Any]]:
    """The texts of the home, programme and lab pages (scraper/data/sample_site/pages.json), by path."""
    return json.loads(data_path("sample_site", "pages.json").read_text(encoding="utf-8"))


def page_view(path: str, posts: list[SamplePost], base: str, pages: dict[str, dict[str, Any]], *,
              listed: bool = True, nav: tuple[tuple[str, str], ...] = NAV,
              lab_posts: int | None = None) -> PageView | None:
    """The view of a non-post page, or None when the path is not one of them.

    Lab pages list their lab's posts as teasers (so a post whose own page is gone
    is still linked from somewhere), the newest `lab_posts` of them when it is given;
    the home page shows the newest three.
    `listed=False` (the "archive" index) keeps lab and programme pages free of post links.
    """
    page = pages.get(path)
    if page is None:
        return None
    links = [(text, target) for text, target in page.get("links", [])]
    if page.get("programme_posts") and listed:  # programme pages link to programme-wide posts (no lab)
        wide = newest([p for p in posts if p.lab is None and not p.teaser_only], limit=page["programme_posts"])
        links += [(p.title, p.path) for p in wide]
    if page.get("lab") and listed:
        ours = [p for p in posts if p.lab == page["lab"]]
        teasers = newest(ours, limit=len(ours) if lab_posts is None else lab_posts)
    elif path == "/":
        teasers = newest(posts, limit=TEASER_COUNT)
    else:
        teasers = []
    return PageView(path=path, title=page["title"], paragraphs=list(page["paragraphs"]), base=base,
                    links=links, teasers=teasers, nav=nav)


def archive_page_number(path: str) -> int | None:
    """1 for `/dagbok/`, N for `/dagbok/page/N/`; None for any other path."""
    if path == ARCHIVE_PATH:
        return 1
    rest = path.removeprefix(ARCHIVE_PATH + "page/")
    if rest != path and rest.endswith("/") and rest[:-1].isdigit() and not rest.startswith("0"):
        return int(rest[:-1])
    return None


def archive_view(number: int, posts: list[SamplePost], base: str, *, path: str = ARCHIVE_PATH,
                 title: str = "Dagbok") -> PageView | None:
    """Page `number` of the diary's HTML archive, newest first, ten posts a page; None past the last.

    `path` and `title` make it another listing of `posts` (a category archive).

    Pagination as WordPress themes print it: "Äldre inlägg »" to the next page,
    "« Nyare inlägg" to the previous one, and the page numbers.
    """
    listed = newest([p for p in posts if not p.teaser_only], limit=len(posts))
    last = max(1, -(-len(listed) // ARCHIVE_PAGE_SIZE))
    if number > last:
        return None

    def page_path(n: int) -> str:
        return path if n == 1 else f"{path}page/{n}/"

    links = [(NEWER, page_path(number - 1))] if number > 1 else []
    links += [(str(n), page_path(n)) for n in range(1, last + 1) if n != number]
    if number < last:
        links.append((OLDER, page_path(number + 1)))
    chosen = listed[(number - 1) * ARCHIVE_PAGE_SIZE: number * ARCHIVE_PAGE_SIZE]
    return PageView(path=page_path(number), title=title if number == 1 else f"{title} – sida {number}",
                    paragraphs=[], base=base, links=links, teasers=chosen, nav=ARCHIVE_NAV)


def not_found_view(path: str, base: str) -> PageView:
    return PageView(path=path, title="Sidan kunde inte hittas",
                    paragraphs=["Sidan du letar efter finns inte längre eller har flyttats."],
                    base=base, links=[("Till startsidan", "/")], status=404)


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def spaced(text: str, on: bool) -> str:
    """The text as the page shows it: with the `nbsp` flag, a NBSP for the first space and ' \\u00a0' for the last.

    docs/site.md, "Text": non-breaking spaces probably appear; extraction must normalise them away.
    """
    if not on or " " not in text:
        return text
    first = text.replace(" ", "\u00a0", 1)
    head, _, tail = first.rpartition(" ")
    return f"{head} \u00a0{tail}" if head else first
