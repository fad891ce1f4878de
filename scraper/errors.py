"""The one exception family. `archive/cli.py` turns each into a message and exit code 2.

Each message names the bad value and says what to do instead.
"""


class DagbokError(Exception):
    """Something dagbok cannot do, with a message fit for the user."""


class FetchError(DagbokError):
    """A URL could not be fetched (after retries); `reason` is short and stable."""

    def __init__(self, url: str, reason: str, *, capture=None) -> None:
        super().__init__(f"could not fetch {url}: {reason}")
        self.url = url
        self.reason = reason
        self.capture = capture  # the last response, when there was one (e.g. a 500)


class SiteUnreachable(DagbokError):
    """The site did not answer at all, so a crawl cannot start."""


class UnknownLab(DagbokError):
    """A lab name that is not in the vocabulary."""
