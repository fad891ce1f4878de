"""The one exception family and the exit codes. `archive/cli.py` turns each error into a message and its code.

Each message names the bad value and says what to do instead.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    """What `dagbok` exits with: one meaning each, listed in the README."""

    OK = 0  # the run went well
    PAGES_FAILED = 1  # the run finished, but some pages failed or could not be read (each is named)
    CANNOT_RUN = 2  # bad input, a locked, damaged or foreign database, a full disk, a site that does not answer
    SITE_LOOKS_WRONG = 3  # the site answers differently from what the archive holds (a takedown, a maintenance page)
    INTERNAL_ERROR = 70  # a bug in dagbok (sysexits' EX_SOFTWARE): said in one line, -v shows the traceback
    INTERRUPTED = 130  # Ctrl-C or SIGTERM: stopped after the current page; the next run completes the work


class DagbokError(Exception):
    """Something dagbok cannot do, with a message fit for the user; `exit_code` is what the CLI exits with."""

    exit_code: ExitCode = ExitCode.CANNOT_RUN


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
