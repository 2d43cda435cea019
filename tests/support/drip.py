"""Servers on 127.0.0.1 that answer slowly on purpose: a byte at a time, never, or not at all.

Each test says what every connection gets as a list of pieces (bytes to send, or a pause in
seconds); `drip()` spreads bytes out one at a time. The servers stop, and every connection they
hold is closed, when the block ends.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

Piece = bytes | float
"""Bytes to send at once, or a pause (seconds) before the next piece."""


def drip(data: bytes, every: float) -> Iterator[Piece]:
    """`data` one byte at a time, `every` seconds apart."""
    for byte in data:
        yield bytes([byte])
        yield every


def endless(data: bytes, every: float, lasting: float = 8.0) -> Iterator[Piece]:
    """`data` again and again, a byte at a time, for `lasting` seconds or until the client gives
    up (a fetch with no deadline then ends, and its test fails instead of hanging)."""
    for _ in range(int(lasting / every / max(1, len(data)))):
        yield from drip(data, every)


class SlowServer:
    """A TCP server whose answer to each request is `script(request_path)`, sent piece by piece."""

    def __init__(self, script: Callable[[str], Iterable[Piece]]) -> None:
        self.script = script
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        """`http://127.0.0.1:PORT`."""

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        request = b""
        conn.settimeout(5)
        try:
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode("ascii", "replace")
            for piece in self.script(path):
                if self.stopped.is_set():
                    return
                if isinstance(piece, bytes):
                    conn.sendall(piece)
                elif self.stopped.wait(piece):
                    return
        except OSError:
            return  # the client gave up: that is what the tests want
        finally:
            conn.close()


@contextmanager
def slow_server(script: Callable[[str], Iterable[Piece]]) -> Iterator[SlowServer]:
    """A server answering by `script`, stopped when the block ends."""
    server = SlowServer(script)
    server.thread.start()
    try:
        yield server
    finally:
        server.stopped.set()
        server.listener.close()
        for conn in server.connections:
            conn.close()
        server.thread.join(5)


@contextmanager
def silent_server(*, accept: bool) -> Iterator[str]:
    """`http://127.0.0.1:PORT` of a server that never answers.

    `accept=True`: connections are accepted, then nothing is ever sent. `accept=False`: the
    listening queue is full, so connecting itself never completes.
    """
    listener = socket.create_server(("127.0.0.1", 0), backlog=8 if accept else 0)
    held: list[socket.socket] = []
    try:
        port = listener.getsockname()[1]
        if not accept:
            # One connection fills a queue of length 0; the kernel drops later attempts.
            filler = socket.create_connection(("127.0.0.1", port))
            held.append(filler)
        yield f"http://127.0.0.1:{port}"
    finally:
        for sock in held:
            sock.close()
        listener.close()
