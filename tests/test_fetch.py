"""The fetcher against real local servers: manners, limits, retries, redirects, validators."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from scraper.errors import DagbokError, FetchError
from scraper.fetch import Fetcher, parse_retry_after
from scraper.records import Validators
from scraper.version import user_agent
from tests.route_server import Reply, RouteServer, sequence


class FakeTime:
    """A monotonic clock that only moves when the fetcher sleeps: waits are recorded, not waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make_fetcher(time: FakeTime | None = None, **options) -> Fetcher:
    time = time or FakeTime()
    options.setdefault("delay", 0)
    options.setdefault("backoff", 0.5)
    return Fetcher(sleep=time.sleep, clock=time.clock, jitter=lambda low, high: 0.0, **options)


def test_user_agent_names_tool_version_and_contact_url():
    with RouteServer({"/": Reply(body="hej")}) as server:
        capture = make_fetcher().fetch(server.url("/"))
    sent = server.seen[0].headers["user-agent"]
    assert sent == user_agent()
    assert sent.startswith("dagbok/") and "(+http" in sent
    assert capture.request_headers["User-Agent"] == sent


def test_capture_records_status_headers_body_time_and_final_url():
    with RouteServer({"/inlagg/": Reply(body="Blåsut – ”hej”", headers={"ETag": '"v1"'})}) as server:
        before = datetime.now(UTC)
        capture = make_fetcher().fetch(server.url("/inlagg/"))
    assert capture.status == 200
    assert capture.body.decode("utf-8") == "Blåsut – ”hej”"
    assert capture.headers["etag"] == '"v1"'
    assert all(key == key.lower() for key in capture.headers)
    assert capture.url == capture.final_url == server.url("/inlagg/")
    assert capture.fetched.tzinfo is UTC and capture.fetched >= before - timedelta(seconds=1)


def test_read_timeout_is_retried_then_raised_without_capture():
    def slow(handler):
        server.release.wait(5)
        return Reply(body="för sent")

    with RouteServer({"/slow/": slow}) as server:
        fetcher = make_fetcher(timeout=(2.0, 0.2), retries=1)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/slow/"))
    assert "timeout" in raised.value.reason
    assert raised.value.capture is None
    assert fetcher.requests == 2


def test_body_dripping_past_the_deadline_times_out():
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x" * 1000)
            handler.wfile.flush()
            if server.release.wait(0.05):
                break

    with RouteServer({"/droppar/": drip}) as server:
        fetcher = make_fetcher(retries=0, max_seconds=0.3)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/droppar/"))
    assert "timeout" in raised.value.reason


def test_headers_dripping_past_the_deadline_time_out_and_a_callers_timer_is_left_alone():
    def drip(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(100):  # each header line well within the read timeout, all of them far past the deadline
            handler.wfile.write(f"X-Droppe-{n}: x\r\n".encode())
            handler.wfile.flush()
            if server.release.wait(0.05):
                return
        handler.wfile.write(b"Content-Length: 0\r\n\r\n")

    with RouteServer({"/droppar/": drip, "/hel/": Reply(body="hej")}) as server:
        fetcher = make_fetcher(retries=0, max_seconds=0.3)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/droppar/"))
        assert "timeout" in raised.value.reason
        signal.setitimer(signal.ITIMER_REAL, 60)  # a program that runs dagbok has a timer of its own
        try:
            assert fetcher.fetch(server.url("/hel/")).body == b"hej"
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 50  # still armed, as it was set
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def test_body_over_the_cap_raises_too_large_but_keeps_a_truncated_capture():
    big = b"x" * 300_000
    with RouteServer({"/stor/": Reply(body=big)}) as server:
        fetcher = make_fetcher(max_bytes=100_000)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/stor/"))
    assert "too large" in raised.value.reason
    capture = raised.value.capture
    assert capture is not None and capture.truncated
    assert len(capture.body) == 100_000
    assert fetcher.requests == 1  # a body over the cap is not retried


def test_body_shorter_than_content_length_is_retried_then_reported_truncated():
    def short(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"y" * 400)
        handler.wfile.flush()
        handler.close_connection = True

    with RouteServer({"/kort/": short}) as server:
        fetcher = make_fetcher(retries=2)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/kort/"))
    assert "truncated" in raised.value.reason
    assert fetcher.requests == 3


def test_truncated_body_then_whole_body_succeeds():
    calls = []

    def flaky(handler):
        calls.append(1)
        if len(calls) == 1:
            handler.send_response(200)
            handler.send_header("Content-Length", "10")
            handler.end_headers()
            handler.wfile.write(b"abc")
            handler.close_connection = True
            return None
        return Reply(body=b"0123456789")

    with RouteServer({"/": flaky}) as server:
        capture = make_fetcher().fetch(server.url("/"))
    assert capture.body == b"0123456789"


def test_server_errors_are_retried_with_exponential_backoff():
    with RouteServer(
        {"/": sequence(Reply(500), Reply(502), Reply(503), Reply(200, "äntligen"))}
    ) as server:
        time = FakeTime()
        fetcher = make_fetcher(time, retries=3, backoff=0.5)
        capture = fetcher.fetch(server.url("/"))
    assert capture.status == 200
    assert fetcher.requests == 4
    assert time.slept == [0.5, 1.0, 2.0]


def test_jitter_is_added_to_the_backoff():
    with RouteServer({"/": sequence(Reply(500), Reply(200))}) as server:
        time = FakeTime()
        fetcher = Fetcher(delay=0, backoff=1.0, sleep=time.sleep, clock=time.clock,
                          jitter=lambda low, high: high)
        fetcher.fetch(server.url("/"))
    assert time.slept == [2.0]


def test_server_error_after_all_retries_raises_with_the_last_capture():
    with RouteServer({"/": Reply(500, "trasig")}) as server:
        fetcher = make_fetcher(retries=2)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/"))
    assert raised.value.capture.status == 500
    assert "HTTP 500" in raised.value.reason
    assert fetcher.requests == 3
    assert len(server.seen) == 3


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_client_errors_are_not_retried_and_come_back_as_captures(status):
    with RouteServer({"/": Reply(status, "nej")}) as server:
        fetcher = make_fetcher()
        capture = fetcher.fetch(server.url("/"))
    assert capture.status == status
    assert fetcher.requests == 1


def test_retry_after_seconds_is_honoured_on_429():
    with RouteServer({"/": sequence(Reply(429, headers={"Retry-After": "7"}), Reply(200))}) as server:
        time = FakeTime()
        fetcher = make_fetcher(time)
        assert fetcher.fetch(server.url("/")).status == 200
    assert time.slept == [7.0]


def test_retry_after_http_date_is_honoured_on_503():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    with RouteServer({"/": sequence(Reply(503, headers={"Retry-After": when}), Reply(200))}) as server:
        time = FakeTime()
        make_fetcher(time).fetch(server.url("/"))
    assert len(time.slept) == 1 and 25 <= time.slept[0] <= 30


def test_a_retry_after_longer_than_the_fetcher_waits_is_not_retried_early():
    with RouteServer({"/": sequence(Reply(429, headers={"Retry-After": "86400"}), Reply(200))}) as server:
        time = FakeTime()
        fetcher = make_fetcher(time, max_retry_after=60)
        with pytest.raises(FetchError, match=r"HTTP 429, and the server asks to wait 86400 s \(Retry-After\), "
                                             r"longer than 60 s; try again later"):
            fetcher.fetch(server.url("/"))
    assert time.slept == [] and fetcher.requests == 1 and len(server.seen) == 1


def test_429_after_all_retries_raises():
    with RouteServer({"/": Reply(429, headers={"Retry-After": "1"})}) as server:
        fetcher = make_fetcher(retries=1)
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/"))
    assert raised.value.capture.status == 429


def test_parse_retry_after_reads_both_forms_and_rejects_garbage():
    now = datetime(2019, 4, 29, 10, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Mon, 29 Apr 2019 10:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 29 Apr 2019 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("snart") is None
    assert parse_retry_after(None) is None


def test_connection_refused_is_retried_then_raised():
    with RouteServer() as server:
        url = server.url("/")
    fetcher = make_fetcher(retries=2)
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url)
    assert "connection error" in raised.value.reason
    assert fetcher.requests == 3


def test_connection_reset_is_retried():
    calls = []

    def reset(handler):
        calls.append(1)
        if len(calls) == 1:
            handler.close_connection = True
            handler.connection.shutdown(2)
            return None
        return Reply(body="igen")

    with RouteServer({"/": reset}) as server:
        fetcher = make_fetcher()
        assert fetcher.fetch(server.url("/")).body == b"igen"
    assert fetcher.requests == 2


def test_same_host_redirects_are_followed_and_final_url_recorded():
    with RouteServer(
        {"/gammal/": Reply(301, headers={"Location": "/mellan/"}),
         "/mellan/": Reply(302, headers={"Location": "/ny/"}),
         "/ny/": Reply(200, "här")}
    ) as server:
        fetcher = make_fetcher()
        capture = fetcher.fetch(server.url("/gammal/"))
    assert capture.url == server.url("/gammal/")
    assert capture.final_url == server.url("/ny/")
    assert capture.body == "här".encode()
    assert fetcher.requests == 3


def test_redirect_to_another_host_is_refused():
    with RouteServer({"/": Reply(302, headers={"Location": "http://example.com/elak/"})}) as server:
        fetcher = make_fetcher()
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/"))
    assert raised.value.reason == "redirect to another host: example.com"
    assert raised.value.capture.status == 302
    assert fetcher.requests == 1


def test_redirect_to_a_non_http_scheme_is_refused():
    with RouteServer({"/": Reply(302, headers={"Location": "ftp://127.0.0.1/fil"})}) as server:
        with pytest.raises(FetchError) as raised:
            make_fetcher().fetch(server.url("/"))
    assert "only http and https" in raised.value.reason


def test_allowed_hosts_admit_the_listed_host_and_its_www_twin_only():
    fetcher = make_fetcher(allowed_hosts={"allmannyttan.se"})
    assert fetcher.allowed_hosts == {"allmannyttan.se", "www.allmannyttan.se"}
    with pytest.raises(FetchError) as raised:
        fetcher.fetch("http://example.com/")
    assert "host outside the crawl: example.com" in str(raised.value)
    assert fetcher.requests == 0


def test_redirect_loop_is_detected():
    with RouteServer(
        {"/a/": Reply(302, headers={"Location": "/b/"}), "/b/": Reply(302, headers={"Location": "/a/"})}
    ) as server:
        fetcher = make_fetcher()
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/a/"))
    assert raised.value.reason.startswith("redirect loop")
    assert fetcher.requests == 2


def test_too_many_redirects_are_refused():
    routes = {f"/{i}/": Reply(302, headers={"Location": f"/{i + 1}/"}) for i in range(10)}
    with RouteServer(routes) as server:
        fetcher = make_fetcher()
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(server.url("/0/"))
    assert "more than 5 redirects" in raised.value.reason
    assert fetcher.requests == 6


def test_conditional_request_sends_validators_and_returns_empty_304():
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", headers={"ETag": '"v1"'})
        return Reply(200, "nytt", headers={"ETag": '"v1"'})

    with RouteServer({"/": conditional}) as server:
        fetcher = make_fetcher()
        capture = fetcher.fetch(
            server.url("/"), validators=Validators(etag='"v1"', last_modified="Mon, 29 Apr 2019 10:00:00 GMT")
        )
    assert capture.status == 304
    assert capture.body == b""
    assert server.seen[0].headers["if-none-match"] == '"v1"'
    assert server.seen[0].headers["if-modified-since"] == "Mon, 29 Apr 2019 10:00:00 GMT"


def test_no_validators_means_no_conditional_headers():
    with RouteServer({"/": Reply(body="x")}) as server:
        make_fetcher().fetch(server.url("/"))
    assert "if-none-match" not in server.seen[0].headers
    assert "if-modified-since" not in server.seen[0].headers


def test_requests_to_one_host_are_spaced_by_the_delay():
    with RouteServer({"/": Reply(body="a")}) as server:
        time = FakeTime()
        fetcher = make_fetcher(time, delay=1.0)
        fetcher.fetch(server.url("/"))
        fetcher.fetch(server.url("/"))
        time.now += 0.25  # the crawler spent a while parsing
        fetcher.fetch(server.url("/"))
    assert time.slept == [1.0, 0.75]


def test_the_delay_counts_from_the_start_of_the_previous_request():
    time = FakeTime()

    def slow(handler):  # the server takes 0.3 s (on the fetcher's clock) to answer
        time.now += 0.3
        return Reply(body="a")

    with RouteServer({"/": slow}) as server:
        fetcher = make_fetcher(time, delay=1.0)
        fetcher.fetch(server.url("/"))
        fetcher.fetch(server.url("/"))
    assert time.slept == [pytest.approx(0.7)]


def test_the_delay_is_per_host():
    with RouteServer({"/": Reply(body="a")}) as one, RouteServer({"/": Reply(body="b")}) as two:
        time = FakeTime()
        fetcher = make_fetcher(time, delay=1.0)
        fetcher.fetch(one.url("/"))
        fetcher.fetch(two.url("/"))
    assert time.slept == []


def test_crawl_delay_raises_but_never_lowers_the_delay():
    with RouteServer({"/": Reply(body="a")}) as server:
        time = FakeTime()
        fetcher = make_fetcher(time, delay=1.0)
        fetcher.set_min_delay(server.host, 3.0)
        fetcher.set_min_delay(server.host, 0.5)
        fetcher.fetch(server.url("/"))
        fetcher.fetch(server.url("/"))
    assert time.slept == [3.0]


def test_counters_count_every_request_and_byte():
    with RouteServer(
        {"/r/": Reply(301, headers={"Location": "/"}), "/": sequence(Reply(500, "fel"), Reply(200, "12345"))}
    ) as server:
        fetcher = make_fetcher()
        fetcher.fetch(server.url("/r/"))
    assert fetcher.requests == 3  # redirect, the 500, the retry
    assert fetcher.bytes == len("fel") + 5


def test_non_http_url_is_refused():
    with pytest.raises(DagbokError) as raised:
        make_fetcher().fetch("file:///etc/passwd")
    assert "only http and https" in str(raised.value)
