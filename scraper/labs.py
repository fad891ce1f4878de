"""Which of the four labs a post names, and which one it is about.

The vocabulary is data (`scraper/data/labs.toml`, the table of docs/site.md, "Which lab
a text is about") so users can edit it. The
rule, also written in that file:

- names are matched as whole words, case-sensitively (proper nouns: `BIS` counts, `bis`
  does not; an all-capitals form such as `RANNEBERGEN` in a subhead counts too), with an
  optional genitive `s` (`Bodens`, `BIS:s`), longest name first so text is counted once
  (`Vårt Rannebergen` once, `Göteborgslokaler` not also `Göteborg`), any whitespace
  (NBSP too) between the words of a name;
- each mention in body or role counts 1, in the title 2;
- `labs`: every lab with at least one mention, in vocabulary order;
- `lab`: the lab with the most mentions if it has at least twice as many as the
  runner-up (a runner-up with none counts 0, so a single named lab wins); else None,
  which is what a programme-wide post (all labs named alike, or none) gets.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scraper.errors import DagbokError, UnknownLab
from scraper.paths import data_path

TITLE_WEIGHT = 2
DOMINANCE = 2  # `lab` needs at least this many times the runner-up's mentions


class BadVocabulary(DagbokError):
    """The lab vocabulary file cannot be used as it stands."""


def fold(text: str) -> str:
    """Fold a name for matching what a user typed: case, accents and spacing ignored.

    `GÖTEBORG`, `goteborg` → `goteborg`; `Anna  Kanervö` → `anna kanervo`.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _name_pattern(form: str) -> str:
    """A name as a regex: any whitespace between its words."""
    return r"\s+".join(map(re.escape, form.split()))


@dataclass(frozen=True)
class Lab:
    name: str
    names: tuple[str, ...]


class LabVocabulary:
    """The labs and the names that point to each; decides `lab` and `labs` for a post."""

    def __init__(self, labs: list[Lab], *, source: str = "<memory>") -> None:
        self.labs = tuple(labs)
        self._owner: dict[str, str] = {}
        for lab in self.labs:
            for alias in (lab.name, *lab.names):
                alias = " ".join(alias.split())
                for form in {alias, alias.upper()}:
                    owner = self._owner.setdefault(form, lab.name)
                    if owner != lab.name:
                        raise BadVocabulary(
                            f"{source}: the name {alias!r} is listed under both {owner} and "
                            f"{lab.name}; keep it under one lab"
                        )
        forms = sorted(self._owner, key=len, reverse=True)
        words = "|".join(_name_pattern(form) for form in forms)
        firsts = "".join(sorted({re.escape(form[0]) for form in forms}))
        # One regex for all names; longest first, so an alternative inside a longer
        # name is never tried at the same place. The look-arounds make them whole words;
        # the first, a name's first letters, passes over every other place of the text at
        # the cost of one test (counting a post's labs takes less than half the time).
        self._pattern = re.compile(rf"(?=[{firsts}])(?<!\w)({words})(?::?s)?(?!\w)") if forms else None
        self._folded = {fold(alias): owner for alias, owner in self._owner.items()}
        for lab in self.labs:  # a lab's own name wins over another lab's alias
            self._folded[fold(lab.name)] = lab.name

    @classmethod
    def load(cls, path: Path | None = None) -> LabVocabulary:
        """Read the vocabulary from the package's `labs.toml` (or `path`)."""
        path = Path(path) if path is not None else data_path("labs.toml")
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError:
            raise BadVocabulary(f"no lab vocabulary at {path}; create it or pass another path") from None
        except tomllib.TOMLDecodeError as e:
            raise BadVocabulary(f"{path} is not valid TOML ({e}); fix the file") from None
        labs = []
        for entry in data.get("lab", []):
            name, names = entry.get("name"), entry.get("names", [])
            if not isinstance(name, str) or not name.strip():
                raise BadVocabulary(f"{path}: a [[lab]] has no name; give each lab a name = \"...\"")
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                raise BadVocabulary(f"{path}: names of lab {name!r} must be a list of non-empty strings")
            labs.append(Lab(name=name.strip(), names=tuple(n.strip() for n in names)))
        if not labs:
            raise BadVocabulary(f"{path} lists no labs; add [[lab]] entries with name and names")
        return cls(labs, source=str(path))

    @property
    def names(self) -> list[str]:
        """The labs' names in vocabulary order."""
        return [lab.name for lab in self.labs]

    def mentions(self, text: str) -> dict[str, int]:
        """How many times each lab is named in `text` (labs not named are left out)."""
        counts: dict[str, int] = {}
        if self._pattern is None or not text:
            return counts
        for match in self._pattern.finditer(text):
            owner = self._owner[" ".join(match.group(1).split())]
            counts[owner] = counts.get(owner, 0) + 1
        return counts

    def count(self, *, title: str, body: str, role: str | None = None) -> dict[str, int]:
        """Weighted mentions per lab: title ×2, body and role ×1, in vocabulary order."""
        total: dict[str, int] = {}
        for text, weight in ((title, TITLE_WEIGHT), (body, 1), (role or "", 1)):
            for lab, n in self.mentions(text).items():
                total[lab] = total.get(lab, 0) + n * weight
        return {name: total[name] for name in self.names if name in total}

    def assign(self, *, title: str, body: str, role: str | None = None) -> tuple[str | None, list[str]]:
        """Return (lab, labs) for a post: the lab it is about (or None) and every lab named."""
        counts = self.count(title=title, body=body, role=role)
        labs = list(counts)
        ranked = sorted(counts.values(), reverse=True)
        if not ranked:
            return None, labs
        runner_up = ranked[1] if len(ranked) > 1 else 0
        if ranked[0] >= DOMINANCE * runner_up:
            top = max(labs, key=counts.__getitem__)
            return top, labs
        return None, labs

    def resolve(self, name: str) -> str:
        """The lab a user means by `name`, ignoring case and accents (`goteborg`).

        A name from the vocabulary (`Rannebergen`) resolves to its lab as well.
        """
        found = self._folded.get(fold(name))
        if found is None:
            raise UnknownLab(f'no lab called "{name}" (known labs: {", ".join(self.names)})')
        return found
