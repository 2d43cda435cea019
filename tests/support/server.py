"""A threaded HTTP server on 127.0.0.1 for the import tests: no test touches the internet."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    """The status line's reason phrase (Latin-1), or the standard one."""


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
                self.send_response(route.status, route.reason)
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
