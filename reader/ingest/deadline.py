"""HTTP connections whose every wait ends by one wall-clock deadline: a fetch's time limit.

A socket timeout bounds one wait, not a fetch: a server that sends a byte every few seconds keeps
each wait short and the fetch going for ever. Here every wait of a fetch (the name lookup,
connecting to each address, the TLS handshake, sending the request, each read of the headers and
of the body, on every hop of a redirect chain) is given the time left until the fetch's deadline,
at most the per-wait timeout, and a wait due to start after the deadline fails at once.

The deadline belongs to the thread running the fetch (`within`): urllib makes its connections
and reads its answers in that thread, redirects included.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any


class Deadline:
    """When a fetch must be over (`limit` seconds from now), and the longest single wait."""

    def __init__(self, limit: float, wait: float) -> None:
        self.limit = limit
        self.wait = wait
        self.end = time.monotonic() + limit

    @property
    def passed(self) -> bool:
        """True once the fetch has run out of time."""
        return time.monotonic() >= self.end

    def timeout(self) -> float:
        """The time the next wait may take; raises TimeoutError when none is left."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out after {self.limit:g} s")
        return min(self.wait, left)

    def reason(self) -> str:
        """The one-line reason for a wait that timed out: the deadline's or a single wait's."""
        return f"timed out after {self.limit if self.passed else self.wait:g} s"


_current: ContextVar[Deadline | None] = ContextVar("reader_fetch_deadline", default=None)


@contextlib.contextmanager
def within(deadline: Deadline) -> Iterator[Deadline]:
    """Run the block's connections (`opener()`) under `deadline`."""
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """A urllib opener whose http(s) connections wait no longer than the current deadline."""
    return urllib.request.build_opener(_HTTPHandler(), _HTTPSHandler(), *handlers)


def _deadline() -> Deadline:
    found = _current.get()
    if found is None:
        raise RuntimeError("a connection was opened outside `deadline.within`")
    return found


def _resolve(host: str, port: int, deadline: Deadline) -> list[Any]:
    """The addresses of `host`, looked up in a helper thread so that the lookup too can time out
    (the system resolver has no timeout of its own to give it)."""
    found: list[Any] = []
    failed: list[OSError] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except OSError as error:
            failed.append(error)

    worker = threading.Thread(target=lookup, name="reader-resolve", daemon=True)
    worker.start()
    worker.join(deadline.timeout())
    if worker.is_alive():
        raise TimeoutError(deadline.reason())
    if failed:
        raise failed[0]
    return found


def _connect(host: str, port: int) -> socket.socket:
    """A TCP connection to the first address of `host` that answers in time."""
    deadline = _deadline()
    last: OSError = OSError(f"no address found for {host}")
    for family, kind, protocol, _name, address in _resolve(host, port, deadline):
        sock = socket.socket(family, kind, protocol)
        try:
            sock.settimeout(deadline.timeout())
            sock.connect(address)
        except OSError as error:
            sock.close()
            if deadline.passed:
                raise TimeoutError(deadline.reason()) from None
            last = error
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The TLS handshake that may follow takes this as its deadline.
        sock.settimeout(deadline.timeout())
        return sock
    raise last


class _TimedReader(io.RawIOBase):
    """The socket reader of a response, each read given the time left (at most one wait)."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(self._deadline.timeout())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _Response(http.client.HTTPResponse):
    """An answer read under the deadline of the fetch that asked for it."""

    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        # Nothing has been read yet, so the buffered reader can be taken apart safely; its raw
        # reader keeps the socket open as long as the answer is read.
        raw = self.fp.detach()
        self.fp = io.BufferedReader(_TimedReader(raw, sock, _deadline()))


class _HTTPConnection(http.client.HTTPConnection):
    """A connection that connects, sends and reads within the current deadline."""

    response_class = _Response
    _proxied = False

    def set_tunnel(
        self, host: str, port: int | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().set_tunnel(host, port, headers)
        self._proxied = True

    def connect(self) -> None:
        if self._proxied:
            # Through the user's own proxy (whose addresses no server chooses): the standard
            # connection, each of its waits given the time left.
            self.timeout = _deadline().timeout()
            super().connect()
            return
        self.sock = _connect(self.host, self.port)

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(_deadline().timeout())
        super().send(data)


class _HTTPSConnection(http.client.HTTPSConnection, _HTTPConnection):
    """HTTPS: HTTPSConnection.connect wraps what `_HTTPConnection.connect` opened."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req)
