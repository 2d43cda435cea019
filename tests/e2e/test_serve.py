"""`reader serve` end to end: the real server, opened in headless Chromium, driven by keys, read
off xterm.js's buffer in the page, stopped by Ctrl+C with no app process left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.browser import CATCH_TERMINAL, Browser, find_chromium
from support.ui import make_library

from reader.store import Library

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

DEADLINE = 30.0
# A folder and a reader name made of shell syntax: the per-session command must pass them as
# plain words (if a shell ever read them, `touch` would leave its file behind).
HOSTILE_FOLDER = "a b'$(touch PWNED)\"`touch PWNED2`;x"
HOSTILE_USER = "o'brien $(touch PWNED3)"


@pytest.fixture(scope="session")
def chromium() -> str:
    path, why = find_chromium()
    if path is None:
        pytest.skip(why)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """`reader serve` in its own process group (so a signal to the group is Ctrl+C in a
    terminal), with its output collected as it comes."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            start_new_session=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [
            threading.Thread(target=self._collect, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _collect(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def wait_for_output(self, text: str) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if any(text in line for line in self.out + self.err):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} from reader serve: {self.out} {self.err}")

    def wait_listening(self, port: int) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            assert self.process.poll() is None, f"reader serve ended: {self.out} {self.err}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"reader serve never listened on {port}")

    def ctrl_c(self) -> int:
        """Send SIGINT to the whole process group, as a terminal does; return the exit code."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.finish()

    def finish(self) -> int:
        try:
            code = self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"reader serve did not stop: {self.out} {self.err}") from None
        for thread in self._threads:
            thread.join(timeout=DEADLINE)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for served in started:
        served.stop()
    for line in processes_using(str(tmp_path)):  # what a failed test left running
        os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


def processes_using(marker: str) -> list[str]:
    """Command lines of running processes that mention `marker` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        line = " ".join(word.decode(errors="replace") for word in words)
        if marker in line:
            found.append(f"{entry.name}: {line}")
    return found


def test_the_app_in_a_browser(
    chromium: str, tmp_path: Path, servers: list[Served], request: pytest.FixtureRequest
) -> None:
    folder = tmp_path / HOSTILE_FOLDER
    folder.mkdir()
    library = make_library(folder / "library.db")
    port = free_port()
    served = Served(["--db", str(library), "--user", HOSTILE_USER, "--port", str(port)], tmp_path)
    servers.append(served)
    served.wait_for_output("Ctrl+C stops")
    assert served.out == [f"reader: serving {library} at http://127.0.0.1:{port}/ (Ctrl+C stops)"]
    assert served.err == []  # a loopback address: no warning
    served.wait_listening(port)

    browser = Browser(chromium, tmp_path / "profile", (1280, 800))
    request.addfinalizer(browser.close)
    browser.call("Page.enable")
    browser.call("Network.enable")
    browser.call("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
    browser.call("Page.navigate", url=f"http://127.0.0.1:{port}/")

    browser.wait_for(
        lambda s: "Categories" in s and "Welcome to reader" in s and "40 articles" in s,
        "the tree and the list",
    )
    browser.evaluate("window.__readerTerminal.focus()")
    browser.press("Enter")
    screen = browser.wait_for(
        lambda s: "Home › Getting started › Welcome to reader" in s and "1 view" in s,
        "the article to open",
    )
    # Three panes side by side, the article beside the list it came from.
    row = next(line for line in screen.splitlines() if "Welcome to reader" in line)
    assert "Home › Getting started" in screen and "Categories" in screen
    assert row.count("│") >= 4, row
    shot = browser.screenshot(tmp_path / "served.png")
    assert shot.stat().st_size > 10_000

    browser.press("J")  # the next article of the list, in the reading pane
    browser.wait_for(lambda s: "Home › 入门 › 欢迎使用 reader" in s, "the next article")

    assert not list(tmp_path.rglob("PWNED*"))
    hosts = {urlsplit(url).hostname for url in browser.requested_urls()}
    assert hosts == {"127.0.0.1"}, browser.requested_urls()
    assert processes_using(str(library)), "no app process for the browser session"

    assert served.ctrl_c() == 0
    assert served.out[-1] == "reader: stopped serving"
    assert not any("Traceback" in line for line in served.out + served.err), "\n".join(served.err)
    assert processes_using(str(library)) == []


def handshake(port: int, path: str, headers: dict[str, str]) -> tuple[int, socket.socket]:
    """Send a GET (`Host` is 127.0.0.1:PORT unless given); the status and the open socket."""
    fields = {"Host": f"127.0.0.1:{port}", **headers}
    lines = [f"GET {path} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items()), "", ""]
    conn = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    conn.sendall("\r\n".join(lines).encode())
    answer = b""
    while b"\r\n" not in answer:
        chunk = conn.recv(4096)
        if not chunk:
            break
        answer += chunk
    return int(answer.split(b" ", 2)[1]), conn


def status(port: int, path: str, headers: dict[str, str]) -> int:
    """The HTTP status the server answers a GET with."""
    code, conn = handshake(port, path, headers)
    conn.close()
    return code


def wait_until(check: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not check():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_other_sites_and_foreign_host_names_are_refused(
    lib_path: Path, tmp_path: Path, servers: list[Served]
) -> None:
    port = free_port()
    served = Served(["--db", str(lib_path), "--port", str(port)], tmp_path)
    servers.append(served)
    served.wait_listening(port)
    own = f"http://127.0.0.1:{port}"
    assert status(port, "/", {}) == 200
    assert status(port, "/", {"Host": f"localhost:{port}"}) == 200
    assert status(port, "/ws", {**WEBSOCKET, "Origin": own}) == 101
    # A page on another site opening a websocket to the server...
    assert status(port, "/ws", {**WEBSOCKET, "Origin": "http://evil.example"}) == 403
    # ...and one that renamed itself to 127.0.0.1 (DNS rebinding): same origin, foreign name.
    rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    assert status(port, "/", rebound) == 403
    assert status(port, "/ws", {**WEBSOCKET, **rebound}) == 403
    assert served.ctrl_c() == 0
    assert processes_using(str(lib_path)) == []


def test_a_busy_port_is_one_line(lib_path: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "reader", "serve", "--db", str(lib_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            check=False,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"reader: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_listening_beyond_this_machine_warns(
    lib_path: Path, tmp_path: Path, servers: list[Served]
) -> None:
    port = free_port()
    served = Served(["--db", str(lib_path), "--host", "0.0.0.0", "--port", str(port)], tmp_path)
    servers.append(served)
    served.wait_for_output("warning")
    with Library(lib_path) as library:
        default_reader = library.user
    assert served.err == [
        f"reader: warning: 0.0.0.0 is not a loopback address: anyone who can reach port {port} "
        f"of this machine can read the library (as {default_reader})"
    ]
    served.wait_listening(port)
    assert served.ctrl_c() == 0


def test_no_app_outlives_a_killed_server(
    lib_path: Path, tmp_path: Path, servers: list[Served]
) -> None:
    port = free_port()
    served = Served(["--db", str(lib_path), "--port", str(port)], tmp_path)
    servers.append(served)
    served.wait_listening(port)
    code, session = handshake(port, "/ws", WEBSOCKET)
    try:
        assert code == 101
        # The app has drawn its first screen and now waits for keys, writing nothing.
        received = b""
        end = time.monotonic() + DEADLINE
        while b"Categories" not in received and time.monotonic() < end:
            received += session.recv(1 << 16)
        assert b"Categories" in received
        assert processes_using(str(lib_path))
        served.process.kill()  # the server alone, with no chance to clean up
        served.process.wait()
        wait_until(lambda: processes_using(str(lib_path)) == [], "the app to end with it")
    finally:
        session.close()
