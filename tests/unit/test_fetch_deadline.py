"""Every time limit of a fetch is a wall-clock deadline, whatever pace the server keeps.

The servers (`support.drip`) run on 127.0.0.1 and answer a byte at a time, or never. The limit on
a single wait stays at its real 20 s so that only the overall deadline, lowered to one second,
can end these fetches in time.
"""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.drip import Piece, drip, endless, silent_server, slow_server
from support.server import running_server

from reader.cli import cli
from reader.ingest import fetch as fetch_module
from reader.ingest.fetch import FetchError, fetch
from reader.ingest.runner import import_sources
from reader.store import Library

DEADLINE = 1.0
MARGIN = 2.0
"""A busy machine may take this much longer to notice the deadline; a wait is 20 s."""
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"


def feed(name: str) -> bytes:
    """An RSS feed of one entry, linked to `http://a.example/<name>`."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title>'
        f"<item><title>{name}</title><link>http://a.example/{name}</link>"
        f"<description>entry {name}</description></item></channel></rss>"
    ).encode()


FEED = feed("1")


@pytest.fixture(autouse=True)
def _short_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fetches must end within DEADLINE; a single wait keeps its real limit."""
    monkeypatch.setattr(fetch_module, "DEADLINE_S", DEADLINE)


def timed_failure(url: str, **options: Any) -> tuple[float, str]:
    """How long `fetch(url)` took to fail under the one-second deadline, and why."""
    started = time.monotonic()
    with pytest.raises(FetchError) as failure:
        fetch(url, **options)
    return time.monotonic() - started, str(failure.value)


def assert_deadline(elapsed: float, reason: str) -> None:
    assert reason == f"timed out after {DEADLINE:g} s"
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + MARGIN


def answers(script: Callable[[], Iterable[Piece]]) -> Callable[[str], Iterable[Piece]]:
    """The same answer for every path."""
    return lambda _path: script()


def test_headers_sent_a_byte_at_a_time() -> None:
    script = answers(lambda: [HEADERS, *endless(b"X-Slow: a\r\n", 0.05)])
    with slow_server(script) as server:
        assert_deadline(*timed_failure(server.base + "/feed"))


def test_status_line_sent_a_byte_at_a_time() -> None:
    with slow_server(answers(lambda: endless(b"HTTP/1.1 200 OK ", 0.05))) as server:
        assert_deadline(*timed_failure(server.base + "/feed"))


def test_body_sent_a_byte_at_a_time() -> None:
    script = answers(lambda: [HEADERS + b"Content-Length: 100000\r\n\r\n", *endless(b"<", 0.05)])
    with slow_server(script) as server:
        assert_deadline(*timed_failure(server.base + "/feed"))


def test_chunked_body_sent_slowly() -> None:
    head = HEADERS + b"Transfer-Encoding: chunked\r\n\r\n"
    script = answers(lambda: [head, *endless(b"1\r\nx\r\n", 0.02)])
    with slow_server(script) as server:
        assert_deadline(*timed_failure(server.base + "/feed"))


def test_redirect_chain_of_slow_hops() -> None:
    # Each hop answers within a fraction of the deadline; the chain as a whole takes longer.
    def hop(path: str) -> Iterator[Piece]:
        number = int(path.rsplit("/", 1)[-1])
        if number < 5:
            answer = f"HTTP/1.1 302 Found\r\nLocation: /hop/{number + 1}\r\n"
            yield from drip(answer.encode() + b"Content-Length: 0\r\n\r\n", 0.4 / 60)
        else:
            yield HEADERS + f"Content-Length: {len(FEED)}\r\n\r\n".encode() + FEED

    with slow_server(hop) as server:
        assert fetch(server.base + "/hop/5").body == FEED
        assert_deadline(*timed_failure(server.base + "/hop/0"))


def test_connection_accepted_but_never_answered() -> None:
    with silent_server(accept=True) as base:
        assert_deadline(*timed_failure(base + "/feed"))


def test_connection_never_accepted() -> None:
    with silent_server(accept=False) as base:
        assert_deadline(*timed_failure(base + "/feed"))


def test_tls_handshake_never_answered() -> None:
    with silent_server(accept=True) as base:
        assert_deadline(*timed_failure(base.replace("http:", "https:") + "/feed"))


def test_name_lookup_that_never_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def slow_lookup(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "slow.invalid":
            time.sleep(DEADLINE + MARGIN + 1)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    assert_deadline(*timed_failure("http://slow.invalid/feed"))


def test_every_address_of_a_host_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    # Five addresses that never complete a connection share one deadline, not one wait each.
    with silent_server(accept=False) as base:
        port = int(base.rsplit(":", 1)[1])
        address = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))
        monkeypatch.setattr(socket, "getaddrinfo", lambda *_args, **_kw: [address] * 5)
        assert_deadline(*timed_failure("http://many.invalid/feed", timeout=DEADLINE * 0.8))


def test_gzip_body_sent_slowly() -> None:
    body = gzip.compress(FEED * 50)
    head = HEADERS + b"Content-Encoding: gzip\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
    with slow_server(answers(lambda: [head, *drip(body, 0.05)])) as server:
        assert_deadline(*timed_failure(server.base + "/feed"))


def test_compressed_data_that_inflates_to_nothing_is_capped_on_the_wire() -> None:
    # Empty deflate blocks: endless input, no output. The size cap holds on what is received.
    stream = zlib.compress(b"")[:2] + b"\x00\x00\x00\xff\xff" * 50_000
    head = HEADERS + b"Content-Encoding: deflate\r\n\r\n"
    with slow_server(answers(lambda: [head, stream])) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match="too large"):
            fetch(server.base + "/feed", max_bytes=len(stream) // 2)
        assert time.monotonic() - started < DEADLINE + MARGIN


def test_a_wait_alone_still_has_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "DEADLINE_S", 60.0)
    with silent_server(accept=True) as base:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
            fetch(base + "/feed", timeout=0.5)
        assert time.monotonic() - started < 0.5 + MARGIN


def test_import_ends_by_the_deadline_and_saves_the_other_sources(tmp_path: Path) -> None:
    local = tmp_path / "local.rss"
    local.write_bytes(feed("local"))
    script = answers(lambda: [HEADERS + b"Content-Length: 100000\r\n\r\n", *endless(b" ", 0.05)])
    with slow_server(script) as slow, running_server() as fast:
        good = fast.add("/good.rss", feed("2"))
        started = time.monotonic()
        result = CliRunner().invoke(
            cli,
            ["import", "--db", str(tmp_path / "lib.db"), slow.base + "/feed", good, str(local)],
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert elapsed < DEADLINE + MARGIN
    failures = [line for line in result.output.splitlines() if slow.base in line]
    assert len(failures) == 1 and failures[0].endswith(f"timed out after {DEADLINE:g} s")
    with Library(tmp_path / "lib.db") as library:
        assert sorted(a.url for a in library.page(limit=10).items) == [
            "http://a.example/2",
            "http://a.example/local",
        ]


def test_refresh_obeys_the_same_deadline(tmp_path: Path) -> None:
    calls = {"n": 0}

    def script(_path: str) -> Iterator[Piece]:
        calls["n"] += 1
        if calls["n"] == 1:
            yield HEADERS + f"Content-Length: {len(FEED)}\r\n\r\n".encode() + FEED
        else:
            yield from [HEADERS, *endless(b"X-Slow: a\r\n", 0.05)]

    with slow_server(script) as server, Library(tmp_path / "lib.db") as library:
        assert not import_sources(library, [server.base + "/feed"]).failed
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["refresh", "--db", str(tmp_path / "lib.db")])
        assert time.monotonic() - started < DEADLINE + MARGIN
    assert result.exit_code == 1, result.output
    assert f"timed out after {DEADLINE:g} s" in result.output
