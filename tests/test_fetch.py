"""Fetching over http(s) from a local server on 127.0.0.1: answers, limits and one-line errors.

`LocalServer` and the `server` fixture are shared with the other import tests (and the acceptance
suite): no test touches the internet.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.ingest import fetch as fetch_module
from reader.ingest.fetch import FetchError, fetch


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with routes set by the test; records requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fallback: Route | None = None
        # Called with the path of each request before it is answered (tests of concurrency).
        self.on_request: Callable[[str], None] | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                if server.on_request is not None:
                    server.on_request(self.path)
                route = server.routes.get(self.path) or server.fallback
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """The full address of `path` on this server."""
        return self.base + path

    def add(self, path: str, body: bytes, status: int = 200, **headers: str) -> str:
        """Serve `body` at `path` (header names with `_` for `-`); return its address."""
        self.routes[path] = Route(
            body, status, {k.replace("_", "-"): v for k, v in headers.items()}
        )
        return self.url(path)


@contextmanager
def running_server() -> Iterator[LocalServer]:
    """A local HTTP server, stopped when the block ends."""
    local = LocalServer()
    local.thread.start()
    try:
        yield local
    finally:
        local.httpd.shutdown()
        local.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the test."""
    with running_server() as local:
        yield local


def test_fetch_returns_body_headers_and_final_url(server: LocalServer) -> None:
    server.add("/final", b"<rss/>", Content_Type="application/rss+xml; charset=gbk")
    server.add("/start", b"", 302, Location="/final")
    answer = fetch(server.url("/start"))
    assert answer.status == 200
    assert answer.url == server.url("/final")
    assert answer.body == b"<rss/>"
    assert answer.content_type == "application/rss+xml"
    assert server.requests[0][1]["user-agent"].startswith("reader/")


def test_fetch_decompresses_gzip(server: LocalServer) -> None:
    server.add("/z", gzip.compress("新闻".encode() * 100), Content_Encoding="gzip")
    assert fetch(server.url("/z")).body == "新闻".encode() * 100


def test_fetch_conditional_request_answers_not_modified(server: LocalServer) -> None:
    server.add("/feed", b"<rss/>", ETag='"v1"')
    assert not fetch(server.url("/feed")).not_modified
    again = fetch(server.url("/feed"), etag='"v1"')
    assert again.not_modified and again.body == b""
    assert server.requests[-1][1]["if-none-match"] == '"v1"'


def test_fetch_errors_are_one_line(server: LocalServer) -> None:
    server.add("/gone", b"no", 404)
    with pytest.raises(FetchError, match=r"^HTTP 404"):
        fetch(server.url("/gone"))
    with pytest.raises(FetchError, match="only http and https"):
        fetch("file:///etc/passwd")
    server.add("/evil", b"", 302, Location="file:///etc/passwd")
    with pytest.raises(FetchError, match="non-http"):
        fetch(server.url("/evil"))


def test_fetch_size_cap_applies_to_declared_and_inflated_sizes(server: LocalServer) -> None:
    server.add("/big", b"x" * 5000)
    with pytest.raises(FetchError, match="too large"):
        fetch(server.url("/big"), max_bytes=1000)
    bomb = gzip.compress(b"\0" * 200_000)
    server.add("/bomb", bomb, Content_Encoding="gzip")
    assert len(bomb) < 1000
    with pytest.raises(FetchError, match="too large"):
        fetch(server.url("/bomb"), max_bytes=1000)


def test_fetch_connection_refused_names_the_host() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"refused.*127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{port}/feed")


def test_fetch_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # A listening socket that never answers: the read times out.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        monkeypatch.setattr(fetch_module, "TIMEOUT_S", 0.3)
        with pytest.raises(FetchError, match="timed out"):
            fetch(f"http://127.0.0.1:{port}/slow", timeout=0.3)
