"""Headless Chromium driven over the Chrome DevTools Protocol, for the browser tests.

The protocol runs over a pipe (`--remote-debugging-pipe`: commands on fd 3, answers on fd 4, each
message ended by a NUL byte), so no port is opened and no websocket library is needed. Debian's
`chromium` is installed with apt when missing and we are root; `find_chromium` says why not
otherwise, for the test to skip with that reason.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
    # Nothing the page asks for may leave the machine, even when a test finds it asking.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)

# textual.js keeps its xterm.js Terminal in `this.terminal` and exposes it nowhere: catch it as it
# is assigned, so the test can read the terminal's text through xterm.js's public buffer API.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if (value && value.buffer && value.buffer.active) { window.__readerTerminal = value; }
  },
});
"""

SCREEN_TEXT = """
(() => {
  const term = window.__readerTerminal;
  if (!term) { return null; }
  const buffer = term.buffer.active;
  const lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()
"""


def find_chromium() -> tuple[str | None, str]:
    """Chromium's path, installing Debian's package when missing (as root); else None and why."""
    if Path(CHROMIUM).exists():
        return CHROMIUM, ""
    if shutil.which("apt-get") is None:
        return None, "chromium is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return None, "chromium is not installed and installing it needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"could not install chromium with apt-get: {last}"
    if not Path(CHROMIUM).exists():
        return None, f"apt-get installed chromium but {CHROMIUM} is missing"
    return CHROMIUM, ""


class ProtocolError(AssertionError):
    """Chromium answered a command with an error."""


class Browser:
    """One headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, size: tuple[int, int]) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def wire_pipes() -> None:
            # In the child: the protocol expects fds 3 and 4. Copy both out of the way first
            # (either may already sit at 3 or 4), then into place, inheritable by the browser.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, answers_write)]
            for target, fd in zip((3, 4), high, strict=True):
                os.dup2(fd, target, inheritable=True)

        width, height = size
        self.process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            close_fds=False,  # fds 3 and 4 are made in preexec_fn; Python's own are not inherited
        )
        os.close(commands_read)
        os.close(answers_write)
        self._next_id = 0
        self._lock = threading.Lock()
        self._answered: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition(self._lock)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = ""
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        attached = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)
        self.session = attached["sessionId"]

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._answers, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._changed:
                    self._answered[-1] = {"error": {"message": "chromium closed the pipe"}}
                    self._changed.notify_all()
                return
            pending += chunk
            *messages, pending = pending.split(b"\0")
            with self._changed:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answered[message["id"]] = message
                    else:
                        self.events.append(message)
                self._changed.notify_all()

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        """Send one command (to the page, once attached) and return its result."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._changed:
            while ident not in self._answered and -1 not in self._answered:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError(f"no answer to {method} within {timeout} s")
                self._changed.wait(left)
            answer = self._answered.pop(ident, None) or self._answered[-1]
        if "error" in answer:
            raise ProtocolError(f"{method}: {answer['error'].get('message')}")
        return dict(answer.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise ProtocolError(f"script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def screen(self) -> str:
        """The text of the terminal in the page (empty until textual.js has made it)."""
        return self.evaluate(SCREEN_TEXT) or ""

    def wait_for(self, check: Callable[[str], bool], what: str, deadline: float = 30.0) -> str:
        """Poll the terminal's text until `check` holds; fail with the last text after the
        deadline."""
        end = time.monotonic() + deadline
        text = ""
        while time.monotonic() < end:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the page showed:\n{text}")

    def press(self, key: str) -> None:
        """Type one key into the focused page: a character, or `Enter`/`Escape`."""
        named = {"Enter": ("\r", 13), "Escape": ("", 27)}
        text, code = named[key] if key in named else (key, ord(key.upper()))
        base: dict[str, Any] = {
            "key": key,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
        }
        self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **base)
        self.call("Input.dispatchKeyEvent", type="keyUp", **base)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the page to `path`."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for (documents, scripts, fonts, websockets...)."""
        with self._lock:
            events = list(self.events)
        urls = []
        for event in events:
            if event.get("method") == "Network.requestWillBeSent":
                urls.append(event["params"]["request"]["url"])
            elif event.get("method") == "Network.webSocketCreated":
                urls.append(event["params"]["url"])
        return urls

    def close(self) -> None:
        """End Chromium and wait for it."""
        if self.process.poll() is None:
            try:
                self.session = ""
                self.call("Browser.close", timeout=5)
            except ProtocolError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)
