"""Which posts belong to the diary: a rule over the evidence the site gives, with an override list.

docs/site.md, "The diary among the rest of the site": the site publishes far more than
the diary (news, opinion pieces signed like the diary's posts), and which posts are the
diary is not known from the outside. The rule and its vocabulary are data
(`scraper/data/diary.toml`, where the rule is also written out); this module applies it.
Each decision names the evidence that made it, as a field names its layer.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from .errors import DagbokError
from .labs import LabVocabulary
from .paths import data_path


class Evidence(StrEnum):
    """What decided a post's membership: the value stored in `posts.diary_evidence`."""

    OVERRIDE = "override"
    CATEGORY = "category"
    LAB = "lab"
    AUTHOR = "author"
    NONE = "none"


class BadDiaryRules(DagbokError):
    """The diary rules file cannot be used as it stands."""


def category_key(name: str) -> str:
    """A category name or slug folded for comparison: `Innovationslabb`, `innovationslabb`,
    `Allmännyttans innovationslabb` and `allmannyttans-innovationslabb` meet."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join(re.findall(r"\w+", plain))


@dataclass(frozen=True)
class PostFacts:
    """What the rule reads of one stored post."""

    url: str
    categories: tuple[str, ...] = ()
    title: str = ""
    body: str = ""
    role: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Membership:
    diary: bool
    evidence: Evidence


@dataclass(frozen=True)
class DiaryRules:
    """The diary's categories, the programme's words, the lab threshold and the override lists."""

    categories: frozenset[str]
    programme_words: tuple[str, ...]
    lab_mentions: int
    include: frozenset[str] = field(default_factory=frozenset)
    exclude: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path | None = None) -> DiaryRules:
        """Read `scraper/data/diary.toml` (or `path`); a bad file names what to fix."""
        source = path or data_path("diary.toml")
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
            return cls(
                categories=frozenset(category_key(name) for name in data["categories"]),
                programme_words=tuple(word.casefold() for word in data["programme_words"]),
                lab_mentions=int(data["lab_mentions"]),
                include=frozenset(_override_key(item) for item in data.get("include", [])),
                exclude=frozenset(_override_key(item) for item in data.get("exclude", [])),
            )
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
            raise BadDiaryRules(f"cannot read the diary rules in {source} ({error!r}); fix it or restore it") from None

    def decide(self, post: PostFacts, *, labs: LabVocabulary, signatures: Iterable[str] = ()) -> Membership:
        """Steps 1–5 of the rule (see the module doc and diary.toml); `signatures` are step 4's authors."""
        return self.signed(self.evidence(post, labs=labs), post.author, signatures)

    def evidence(self, post: PostFacts, *, labs: LabVocabulary) -> Membership:
        """Steps 1–3 (override, category, lab), else `none`: what the post itself shows."""
        slug = _override_key(post.url)
        if slug in self.include or post.url in self.include:
            return Membership(True, Evidence.OVERRIDE)
        if slug in self.exclude or post.url in self.exclude:
            return Membership(False, Evidence.OVERRIDE)
        if post.categories:
            return Membership(any(category_key(c) in self.categories for c in post.categories), Evidence.CATEGORY)
        if self.names_the_programme(post, labs=labs):
            return Membership(True, Evidence.LAB)
        return Membership(False, Evidence.NONE)

    @staticmethod
    def signed(found: Membership, author: str | None, signatures: Iterable[str]) -> Membership:
        """Step 4: a post steps 1–3 left undecided is in when signed by someone who signed a diary post."""
        if found.evidence == Evidence.NONE and author and author in set(signatures):
            return Membership(True, Evidence.AUTHOR)
        return found

    def names_the_programme(self, post: PostFacts, *, labs: LabVocabulary) -> bool:
        """Step 3: a programme word, or `lab_mentions` weighted mentions of the labs."""
        text = f"{post.title}\n{post.body}\n{post.role or ''}".casefold()
        if any(re.search(r"(?<!\w)" + re.escape(word), text) for word in self.programme_words):
            return True
        counts = labs.count(title=post.title, body=post.body, role=post.role)
        return sum(counts.values()) >= self.lab_mentions


def _override_key(item: str) -> str:
    """A URL's slug, or a slug as given: `https://www.allmannyttan.se/vad-hande-sedan/` → `vad-hande-sedan`."""
    parts = [part for part in urlsplit(item.strip()).path.split("/") if part]
    return parts[-1] if parts else item.strip()

