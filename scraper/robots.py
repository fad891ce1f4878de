"""robots.txt through protego: which URLs we may fetch, how slowly, and where the sitemaps are.

Availability follows RFC 9309 §2.3.1: a 4xx robots.txt ("unavailable") allows
everything; a 5xx or no answer ("unreachable") disallows everything, because the
site may be telling us to stay away and we cannot read how.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from protego import Protego

from .errors import FetchError
from .fetch import Fetcher
from .records import Capture

ROBOTS_AGENT = "dagbok"


@dataclass
class Robots:
    """The rules of one site. `state` is `ok`, `missing` (allow all) or `unreachable` (disallow all)."""

    url: str
    state: str
    capture: Capture | None = None
    error: str | None = None
    _parser: Protego | None = None

    @classmethod
    def parse(cls, url: str, text: str, *, capture: Capture | None = None) -> Robots:
        return cls(url=url, state="ok", capture=capture, _parser=Protego.parse(text))

    @classmethod
    def fetch(cls, site: str, fetcher: Fetcher) -> Robots:
        """Fetch `<site>/robots.txt` once (no conditional request: the rules must be read every run)."""
        url = urljoin(site, "/robots.txt")
        try:
            capture = fetcher.fetch(url)
        except FetchError as error:
            return cls(url=url, state="unreachable", capture=error.capture, error=str(error))
        if capture.status >= 500:
            return cls(url=url, state="unreachable", capture=capture, error=f"HTTP {capture.status}")
        if capture.status != 200:  # 4xx ("unavailable"), or any other answer without rules: allow all
            return cls(url=url, state="missing", capture=capture)
        text = capture.body.decode("utf-8", errors="replace")
        return cls.parse(url, text, capture=capture)

    def allowed(self, url: str) -> bool:
        if self.state == "unreachable":
            return False
        if self._parser is None:
            return True
        return self._parser.can_fetch(url, ROBOTS_AGENT)

    @property
    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(ROBOTS_AGENT)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        if self._parser is None:
            return []
        return [urljoin(self.url, url.strip()) for url in self._parser.sitemaps]
