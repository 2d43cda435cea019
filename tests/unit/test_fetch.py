"""Fetching over http(s) from a local server on 127.0.0.1: answers, limits and one-line errors.

The server (`support.server`) runs on 127.0.0.1: no test touches the internet.
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator

import pytest
from support.server import LocalServer, running_server

from reader.ingest import fetch as fetch_module
from reader.ingest.fetch import FetchError, fetch


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
