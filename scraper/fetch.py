"""The one HTTP client: polite, bounded, and honest about what came back.

Every request goes through `Fetcher.fetch`, which returns a `Capture` (or raises
`FetchError` carrying the last response). It sends a User-Agent naming the tool,
its version and a contact URL; keeps one request at a time per host with a delay
between them; retries connection errors, timeouts, truncated bodies, 5xx and 429
with exponential backoff and jitter (honouring Retry-After); caps body size and
the time one page may take to arrive (retries included), and the delay a site may ask for;
follows redirects itself, only within the allowed hosts; and sends conditional
requests from stored `Validators`.
"""

from __future__ import annotations

import logging
import math
import random
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from .errors import DagbokError, FetchError
from .records import Capture, Validators
from .site import same_site, www_twin
from .version import user_agent as default_user_agent

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
MAX_DELAY = 60.0  # seconds: the longest pause between two requests a site can ask for (README, "Politeness")
PAGE_SECONDS = 120.0  # seconds: the longest one page may take to arrive, retries and redirects included

log = logging.getLogger(__name__)


class NotAllowedURL(DagbokError):
    """A URL the fetcher refuses to request (not http(s), or a host outside the crawl)."""


def host_key(url: str) -> str:
    """The lower-cased host[:port] of a URL, the unit of politeness."""
    return urlsplit(url).netloc.lower()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """A `requests.Session` with the crawl's manners built in.

    `allowed_hosts` limits where requests and redirects may go; each host's www
    twin is allowed with it. When it is None, a redirect may only stay on the
    requested URL's own host (or its twin). `sleep` and `clock` are injectable so
    tests can record waits instead of waiting.
    """

    def __init__(
        self,
        *,
        delay: float = 1.0,
        timeout: tuple[float, float] = (5.0, 20.0),
        max_bytes: int = 8 * 2**20,
        retries: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        max_seconds: float = PAGE_SECONDS,
        max_delay: float = MAX_DELAY,
        allowed_hosts: Iterable[str] | None = None,
        user_agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        if not 0 <= delay <= max_delay:
            raise DagbokError(f"delay {delay!r} is not a number of seconds from 0 to {max_delay:g}")
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        # One page, however slowly it drips and however often it is retried, gets this long to arrive
        # (time spent receiving; the polite pauses between requests do not count).
        self.max_seconds = max_seconds
        self.max_delay = max_delay
        self.user_agent = user_agent or default_user_agent()
        self.allowed_hosts: set[str] | None = None
        if allowed_hosts is not None:
            self.allowed_hosts = set()
            for host in allowed_hosts:
                self.allow_host(host)
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._host_delay: dict[str, float] = {}
        self._last_request: dict[str, float] = {}
        self.requests = 0
        self.bytes = 0
        self.waits: list[float] = []  # every pause taken (politeness and backoff), for reports and tests
        self.session = requests.Session()
        self.session.headers.update(
            {
                "User-Agent": self.user_agent,
                # Identity keeps the stored body byte-for-byte what the server sent (WARC fidelity).
                "Accept-Encoding": "identity",
                "Accept": "*/*",
            }
        )

    # -- configuration ---------------------------------------------------------

    def allow_host(self, host: str) -> None:
        """Allow requests and redirects to `host` (and its www twin)."""
        host = host.lower()
        if self.allowed_hosts is None:
            self.allowed_hosts = set()
        self.allowed_hosts.update({host, www_twin(host)})

    def set_min_delay(self, host: str, delay: float) -> float:
        """Raise the delay for one host (e.g. robots.txt Crawl-delay), never past `max_delay`; return it.

        Never lowers it. A delay that is not a finite number of seconds (`nan`, `inf`) is ignored.
        """
        host = host.lower()
        current = self._host_delay.get(host, self.delay)
        if math.isfinite(delay):
            current = max(current, min(delay, self.max_delay))
        self._host_delay[host] = current
        return current

    def delay_for(self, host: str) -> float:
        return self._host_delay.get(host.lower(), self.delay)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- fetching ---------------------------------------------------------------

    def fetch(self, url: str, *, validators: Validators | None = None) -> Capture:
        """Fetch `url`, following same-site redirects; return the final exchange as a `Capture`.

        2xx, 3xx (incl. 304 with an empty body) and 4xx other than 429 come back
        as a Capture. 5xx and 429 after the retries, a redirect loop or a redirect
        off the site, a body over the cap, and a connection that never answered
        raise `FetchError` (with the last response as `.capture` when there was one).
        """
        try:
            self._check_url(url, origin=None)
        except NotAllowedURL as error:
            raise FetchError(url, str(error)) from None
        headers: dict[str, str] = {}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        seen = {url}
        current = url
        budget = _Budget(self.max_seconds)
        for _hop in range(MAX_REDIRECTS + 1):
            capture = self._fetch_one(current, original=url, headers=headers, budget=budget)
            if capture.status not in REDIRECT_STATUSES or "location" not in capture.headers:
                return capture
            target = urljoin(current, capture.headers["location"].strip())
            target = target.split("#", 1)[0]
            try:
                self._check_url(target, origin=url)
            except NotAllowedURL as error:
                raise FetchError(url, str(error), capture=capture) from None
            if target in seen:
                raise FetchError(url, f"redirect loop at {target}", capture=capture)
            seen.add(target)
            current = target
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", capture=capture)

    def _check_url(self, url: str, *, origin: str | None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise NotAllowedURL(f"only http and https URLs are fetched, not {url!r}")
        if self.allowed_hosts is not None:
            if {parts.netloc.lower(), (parts.hostname or "").lower()} & self.allowed_hosts:
                return
            what = "redirect to another host" if origin else "host outside the crawl"
            raise NotAllowedURL(f"{what}: {parts.netloc}")
        if origin is not None and not same_site(url, origin):
            raise NotAllowedURL(f"redirect to another host: {parts.netloc}")

    def _fetch_one(self, url: str, *, original: str, headers: dict[str, str], budget: _Budget) -> Capture:
        """One URL, no redirects, with retries within the page's `budget`. Returns the final response's Capture."""
        last_capture: Capture | None = None
        reason = "no response"
        for attempt in range(self.retries + 1):
            if budget.left <= 0:
                raise FetchError(
                    original, f"{reason}: gave up after {self.max_seconds:g} s, the most one page may take",
                    capture=last_capture,
                )
            if attempt:
                # A fault the retry heals leaves no failure behind: this line is its only report (-v).
                log.info("%s: %s, retry %d of %d", url, reason, attempt, self.retries)
                self._backoff(attempt, last_capture)
            try:
                capture = self._exchange(url, original=original, headers=headers, budget=budget)
            except _Truncated as truncated:
                last_capture, reason = truncated.capture, "truncated body"
                continue
            except _TooLarge as too_large:
                raise FetchError(
                    original, f"too large (over {self.max_bytes} bytes)", capture=too_large.capture
                ) from None
            except requests.exceptions.Timeout:
                last_capture, reason = None, "timeout"
                continue
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                last_capture, reason = None, f"connection error ({type(error).__name__})"
                continue
            except requests.exceptions.RequestException as error:
                raise FetchError(original, f"request failed: {error}") from None
            if capture.status in RETRY_STATUSES:
                last_capture, reason = capture, f"HTTP {capture.status}"
                asked = self._retry_after(capture)
                if asked is not None and asked > self.max_retry_after:
                    # Asking again sooner would ignore the server (the Internet Archive blocks
                    # addresses that do): give up on this URL now and say when to come back.
                    raise FetchError(original, f"HTTP {capture.status}, and the server asks to wait {asked:.0f} s "
                                               f"(Retry-After), longer than {self.max_retry_after:.0f} s; try again "
                                               "later", capture=capture)
                continue
            return capture
        raise FetchError(original, f"{reason} after {self.retries + 1} attempts", capture=last_capture)

    @staticmethod
    def _retry_after(capture: Capture) -> float | None:
        if capture.status not in RETRY_AFTER_STATUSES:
            return None
        return parse_retry_after(capture.headers.get("retry-after"), now=datetime.now(UTC))

    def _backoff(self, attempt: int, last: Capture | None) -> None:
        wait = self.backoff * 2 ** (attempt - 1)
        wait += self._jitter(0, wait) if wait > 0 else 0.0
        asked = self._retry_after(last) if last is not None else None
        if asked is not None:
            wait = max(wait, asked)
        wait = min(wait, self.max_retry_after)
        if wait > 0:
            self.waits.append(wait)
            self._sleep(wait)

    def _wait_turn(self, host: str) -> None:
        """Keep `delay` seconds between the starts of two requests to one host (monotonic clock).

        Counted from the start of the previous request, not the end of its answer, so a
        slow server is not asked less often than the delay allows (a 50 ms answer at
        `--delay 0.2` would otherwise space requests 0.25 s apart).
        """
        last = self._last_request.get(host)
        if last is None:
            return
        remaining = last + self.delay_for(host) - self._clock()
        if remaining > 0:
            self.waits.append(remaining)
            self._sleep(remaining)

    def _exchange(self, url: str, *, original: str, headers: dict[str, str], budget: _Budget) -> Capture:
        host = host_key(url)
        self._wait_turn(host)
        self._last_request[host] = self._clock()
        self.requests += 1
        fetched = datetime.now(UTC)
        started = self._clock_real()
        try:
            with _headers_within(budget.left):
                response = self.session.get(
                    url, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True
                )
            try:
                body, truncated, complete = self._read_body(response, deadline=started + budget.left)
            finally:
                response.close()
        finally:
            budget.left -= self._clock_real() - started
        self.bytes += len(body)
        response_headers = {key.lower(): value for key, value in response.headers.items()}
        if "content-encoding" in response_headers:
            # The body is stored decoded; say so rather than claim an encoding it no longer has.
            response_headers["x-dagbok-decoded-content-encoding"] = response_headers.pop("content-encoding")
        capture = Capture(
            url=original,
            final_url=url,
            status=response.status_code,
            headers=response_headers,
            body=body,
            fetched=fetched,
            request_headers=dict(response.request.headers),
            truncated=truncated,
        )
        if truncated:
            raise _TooLarge(capture)
        if not complete:
            raise _Truncated(capture)
        return capture

    @staticmethod
    def _clock_real() -> float:
        """The deadline runs on real time even when tests inject a clock for the politeness delay."""
        return time.monotonic()

    def _read_body(self, response: requests.Response, *, deadline: float) -> tuple[bytes, bool, bool]:
        """Read at most `max_bytes` by `deadline`; return (body, over the cap, as long as Content-Length said)."""
        chunks: list[bytes] = []
        size = 0
        try:
            # read1: whatever has arrived, so the deadline is checked however slowly bytes drip in
            while chunk := response.raw.read1(CHUNK, decode_content=True):
                chunks.append(chunk)
                size += len(chunk)
                if self._clock_real() > deadline:
                    raise requests.exceptions.ReadTimeout("body not complete by the page's deadline")
                if size > self.max_bytes:
                    return b"".join(chunks)[: self.max_bytes], True, True
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.IncompleteRead):
            return b"".join(chunks), False, False
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(str(error)) from None
        body = b"".join(chunks)
        expected = response.headers.get("content-length", "")
        received = response.raw.tell()  # bytes on the wire, before any content decoding
        complete = not (expected.isdigit() and received < int(expected))
        return body, False, complete


class _SlowHeaders(Exception):
    """The response's headers did not all arrive within the page's time (`_headers_within`)."""


@contextmanager
def _headers_within(seconds: float) -> Iterator[None]:
    """Give up on a response whose headers have not all arrived within `seconds`.

    `requests` returns a streamed response once its headers are in, and its read timeout
    bounds each read, not their sum: a server that sends its headers a byte at a time would
    hold the run for ever. A timer signal (SIGALRM) bounds the wait, in the main thread, where
    crawls run, unless a program that runs dagbok has a timer of its own armed; elsewhere
    only the read timeout does. The signal's exception is not an `OSError`, so urllib3 lets
    it through (closing the connection) rather than retry it; here it becomes the timeout a
    body that trickles past the page's time gives.
    """
    if (threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer")
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return

    armed = True  # a signal that comes as the wait ends, after this is cleared, does nothing

    def expire(signum, frame):
        if armed:
            raise _SlowHeaders

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
        armed = False
    except _SlowHeaders:
        raise requests.exceptions.ReadTimeout("headers not complete by the page's deadline") from None
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Budget:
    """The seconds one page may still spend arriving (see `Fetcher.max_seconds`)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class _TooLarge(Exception):
    def __init__(self, capture: Capture) -> None:
        self.capture = capture


class _Truncated(Exception):
    def __init__(self, capture: Capture) -> None:
        self.capture = capture
