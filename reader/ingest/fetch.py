"""Fetching feeds and pages over http(s), with every failure told in one line.

urllib only (no extra dependency): a wall-clock deadline for the whole fetch, redirects included,
and a shorter limit on any single wait (`reader.ingest.deadline`), a size cap on the body as
received and again after decompression (a gzip bomb is small on the wire), a bounded number of
redirects that may only lead to http(s), a User-Agent, and conditional requests (ETag /
Last-Modified) so refreshing an unchanged feed costs nothing.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.ingest.deadline import Deadline, opener, within
from reader.ingest.errors import ParseError
from reader.text.urls import is_web_url

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_S = 20.0
"""The longest single wait: for the name lookup, a connection, or any part of the answer."""
DEADLINE_S = 120.0
"""The longest a whole fetch may take, redirects included, however the server paces itself."""
MAX_REDIRECTS = 5
USER_AGENT = f"reader/{__version__} (terminal article reader; feed fetcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
_CHUNK = 64 * 1024


class FetchError(ParseError):
    """A URL could not be fetched; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched document: the final URL after redirects, status, headers (lower-case) and body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request: nothing new to read."""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case ("" when not given)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most MAX_REDIRECTS redirects, and only to http(s) addresses."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_web_url(newurl):
            raise FetchError(f"redirected to a non-http address ({newurl[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    max_bytes: int | None = None,
) -> Response:
    """GET `url` and return the response; raises FetchError with a one-line reason.

    `timeout` bounds each wait (TIMEOUT_S), `deadline` the whole fetch (DEADLINE_S), `max_bytes`
    the body (MAX_BYTES). A 304 answer (when `etag` or `last_modified` were given) is returned
    with an empty body.
    """
    limit = Deadline(DEADLINE_S if deadline is None else deadline, timeout or TIMEOUT_S)
    cap = MAX_BYTES if max_bytes is None else max_bytes
    if not is_web_url(url):
        raise FetchError("only http and https addresses can be fetched")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        request = urllib.request.Request(url, headers=headers)
    except ValueError as error:
        raise FetchError(f"not a valid address ({error})") from None
    try:
        with within(limit), opener(_Redirects()).open(request) as answer:
            found = {k.lower(): v for k, v in answer.headers.items()}
            body = _read(answer, found, cap)
            return Response(answer.geturl(), answer.status, found, body)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Response(url, 304, {k.lower(): v for k, v in error.headers.items()})
        if error.code in (301, 302, 303, 307, 308):
            target = urljoin(url, error.headers.get("Location") or "")
            if not is_web_url(target):
                raise FetchError(f"redirected to a non-http address ({target[:80]})") from None
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
        reason = (error.reason or http.client.responses.get(error.code, "")).strip()
        raise FetchError(f"HTTP {error.code} {reason}".strip()) from None
    except urllib.error.URLError as error:
        raise FetchError(_describe(error.reason, url, limit)) from None
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise FetchError(_describe(error, url, limit)) from None


def _read(answer: Any, headers: Mapping[str, str], max_bytes: int) -> bytes:
    """The body, decompressed, refusing more than `max_bytes` as received or decompressed.

    Every read waits no longer than the fetch's deadline allows (`reader.ingest.deadline`).
    """
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_large(max_bytes))
    coding = headers.get("content-encoding", "").strip().lower()
    inflate = None
    if coding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif coding == "deflate":
        inflate = zlib.decompressobj()
    parts: list[bytes] = []
    size = received = 0
    while True:
        chunk = answer.read1(_CHUNK)
        if not chunk:
            break
        # Compressed data that inflates to little or nothing (empty deflate blocks, bytes after
        # the end of the stream) counts too: the cap holds on the wire as well.
        received += len(chunk)
        if received > max_bytes:
            raise FetchError(_too_large(max_bytes))
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - size)
            except zlib.error as error:
                raise FetchError(f"corrupt {coding} data ({error})") from None
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_large(max_bytes))
        parts.append(chunk)
        if inflate is not None and inflate.eof:
            break  # anything after the end of the compressed stream is not part of the body
    return b"".join(parts)


def _too_large(max_bytes: int) -> str:
    return f"too large (over {max_bytes // (1024 * 1024)} MB)"


def _describe(reason: object, url: str, limit: Deadline) -> str:
    """One readable line for a network failure."""
    host = urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return f"cannot find host {host} (DNS lookup failed)"
    if isinstance(reason, TimeoutError | socket.timeout):
        return limit.reason()
    if isinstance(reason, ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(reason, ConnectionResetError):
        return f"connection reset by {host}"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate of {host} not trusted ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error with {host} ({reason.reason or reason})"
    if isinstance(reason, http.client.HTTPException):
        return f"bad HTTP answer from {host} ({type(reason).__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"{reason.strerror} ({host})"
    text = str(reason).strip() or type(reason).__name__
    return f"{text} ({host})"
