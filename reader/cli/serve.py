"""`reader serve`: the app in a browser, one real `reader` process per browser session.

textual-serve runs a shell command for every browser that connects and relays its terminal over a
websocket to xterm.js in the page. The command is built here from this interpreter, the library's
absolute path and the reader identity, each quoted with `shlex`, so no path or name can add shell
syntax; `exec` leaves no shell behind. The page is the project's own (`web/index.html`): every
file it loads, fonts included, comes from this server.

A browser lets any web page open a websocket to any address, and a web page can rename itself to
127.0.0.1 (DNS rebinding), so the server refuses requests whose `Origin` is another site and, when
it listens on a loopback address, requests that name any host but a loopback one.

This module imports textual-serve (and aiohttp) at the top: the command line imports it only when
`reader serve` runs, so the other commands do not pay for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import click
from aiohttp import web
from textual_serve.server import Server

from reader.cli.served import SERVED_BY_ENV
from reader.text.i18n import _

PAGE_FOLDER = Path(__file__).parent / "web"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
STOP_GRACE = 5.0
"""Seconds a browser session's app gets to save its state and quit once the server stops."""


class ServeError(Exception):
    """The server cannot start; the message says why, in one line."""


def app_command(db: Path, user: str) -> str:
    """The shell command textual-serve runs per browser session: this interpreter's
    `-m reader --db=PATH --user=NAME`, every word quoted, the shell replaced by the app."""
    words = [sys.executable, "-m", "reader", f"--db={db}", f"--user={user}"]
    return "exec " + shlex.join(words)


def _is_loopback_address(text: str) -> bool:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) means this machine only: every address it
    resolves to is a loopback address."""
    host = host.strip("[]")
    if _is_loopback_address(host):
        return True
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(_is_loopback_address(str(info[4][0])) for info in infos)


def check_port_free(host: str, port: int) -> None:
    """Bind each address of `host:port` once and let go, so that a busy port or an unknown
    host is one clear line before anything starts (the server binds the same way)."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError) as error:
        raise ServeError(
            _("cannot listen on {address}: {reason}").format(address=host, reason=_reason(error))
        ) from None
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise ServeError(
                    _("cannot listen on {address}: {reason}").format(
                        address=f"{_url_host(host)}:{port}", reason=_reason(error)
                    )
                ) from None


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class ReaderServer(Server):
    """textual-serve's server with the project's page, quiet logging, a check of where each
    request comes from, and every session's app stopped on the way out."""

    def __init__(self, command: str, host: str, port: int) -> None:
        super().__init__(command, host=host, port=port, title="reader", templates_path=PAGE_FOLDER)
        self.loopback = is_loopback(host)

    def initialize_logging(self) -> None:
        """One line per problem on stderr, no tracebacks, no access log."""
        handler = _OneLineHandler()
        for name in ("textual-serve", "aiohttp"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.WARNING)
            logger.propagate = False

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print: `serve` says where it listens before starting."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Tell every session's app to quit (it saves its state, and its session then ends by
        itself); kill any still running after `STOP_GRACE` seconds. Waits until they are all
        gone, so that the event loop sees each one end before it closes."""
        pids = _children()
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        if not await _all_ended(STOP_GRACE):
            _kill_all(_children())
            await _all_ended(STOP_GRACE)
        await asyncio.sleep(0.05)  # the ended processes' callbacks run on the loop

    def allowed(self, request: web.Request) -> bool:
        """Whether `request` may use the app: it names a loopback host when the server listens
        on one (no DNS rebinding), and a browser's `Origin`, if sent, is this very server."""
        host = request.host
        if self.loopback and not _names_loopback(host):
            return False
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """The page, with the websocket address the browser itself used to reach the server
        (so it works on a name, an address or behind a port forward)."""
        if not self.allowed(request):
            raise web.HTTPForbidden(text="reader: this host name is not served here\n")
        context = {
            "title": self.title,
            "static_url": "/static/",
            "websocket_url": f"ws://{request.host}/ws",
            "font_size": _font_size(request.query.get("fontsize", "16")),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: one `reader` process, ended with the session or the server."""
        if not self.allowed(request):
            raise web.HTTPForbidden(text="reader: refused a connection from another site\n")
        return await super().handle_websocket(request)


async def _all_ended(grace: float) -> bool:
    """Wait up to `grace` seconds for this process to have no child left; whether it has."""
    deadline = time.monotonic() + grace
    while _children():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _names_loopback(host_header: str) -> bool:
    name = urlsplit(f"//{host_header}").hostname or ""
    return name.lower() in LOOPBACK_NAMES or _is_loopback_address(name)


def _font_size(text: str) -> int:
    try:
        return min(max(int(text), 6), 64)
    except ValueError:
        return 16


class _OneLineHandler(logging.Handler):
    """Log records as `reader: serve: MESSAGE` on stderr, never with a traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        click.echo(f"reader: serve: {message}", err=True)


def serve(db: Path, user: str, host: str, port: int) -> None:
    """Serve the app on `db` to browsers at `host:port`, every session as the reader `user`,
    until Ctrl+C (or SIGTERM)."""
    check_port_free(host, port)
    server = ReaderServer(app_command(db, user), host, port)
    address = f"http://{_url_host(host)}:{port}/"
    click.echo(
        "reader: "
        + _("serving {path} at {address} (Ctrl+C stops)").format(path=db, address=address)
    )
    if not server.loopback:
        click.echo(
            f"reader: {_('warning')}: "
            + _(
                "{host} is not a loopback address: anyone who can reach port {port} of this "
                "machine can read the library (as {user})"
            ).format(host=host, port=port, user=user),
            err=True,
        )
    os.environ[SERVED_BY_ENV] = str(os.getpid())  # for the apps it starts: see `served`
    try:
        server.serve()
    except OSError as error:
        raise ServeError(
            _("cannot listen on {address}: {reason}").format(
                address=f"{_url_host(host)}:{port}", reason=_reason(error)
            )
        ) from None
    finally:
        stop_children(STOP_GRACE)
    click.echo("reader: " + _("stopped serving"))


def _children() -> list[int]:
    """This process's child processes (Linux: /proc), none where that cannot be read."""
    found: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/self/task/{task}/children").read_text()
        except OSError:
            continue
        found.extend(int(pid) for pid in text.split())
    return found


def stop_children(grace: float) -> None:
    """Ask any session app still running to stop (SIGTERM), then kill what is left after
    `grace` seconds: no app outlives the server."""
    pids = _children()
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if not _reaped(pid)]
        if pids:
            time.sleep(0.02)
    _kill_all(pids)


def _kill_all(pids: list[int]) -> None:
    """SIGKILL those of `pids` that are still this process's children (an ended child's pid
    may since belong to another process)."""
    alive = set(_children())
    for pid in pids:
        if pid in alive:
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _reaped(pid: int) -> bool:
    """Whether child `pid` has ended (and is now reaped)."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # not a child any more: already reaped (by asyncio's child watcher)
    return done == pid
