"""A tiny real HTTP server on 127.0.0.1 for fetcher and source tests: one route per behaviour.

Routes map a path (with its query, if any) to a `Reply` or to a function that
writes the exchange itself (for resets and truncated bodies). The socket is
bound and listening before the constructor returns, so no test waits for it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        handler.send_response(self.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **self.headers}
        for key, value in headers.items():
            handler.send_header(key, value)
        if "Content-Length" not in headers:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-answer (timeouts, size caps) are part of the tests: keep the error, print nothing."""

    daemon_threads = True
    errors: list[BaseException]

    def handle_error(self, request: object, client_address: object) -> None:
        self.errors.append(sys.exc_info()[1])


Route = Reply | Callable[[BaseHTTPRequestHandler], object]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class RouteServer:
    """`with RouteServer({"/": Reply(body="hej")}) as server: server.url("/")`."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.seen: list[Seen] = []
        self.release = threading.Event()  # slow routes wait on this instead of sleeping
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in separate writes would wait 40 ms for an ACK

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    Reply(404, "saknas").send(self)
                elif isinstance(route, Reply):
                    route.send(self)
                else:
                    reply = route(self)
                    if isinstance(reply, Reply):
                        reply.send(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.errors = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    def __enter__(self) -> RouteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def sequence(*replies: Reply) -> Callable[[BaseHTTPRequestHandler], Reply]:
    """A route answering with each reply in turn, then repeating the last."""
    remaining = list(replies)

    def route(handler: BaseHTTPRequestHandler) -> Reply:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return route
