"""A real terminal for end-to-end tests: one tmux session on a private server, read off the screen.

The pane stays after its command ends (`remain-on-exit`) and the shell prints the command's exit
status on it, so a test can read what a program printed before it exited and how it exited.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

DEADLINE = 30.0
_REPORT = "(the command ended with status"
_EXITED = re.compile(re.escape(_REPORT) + r" (\d+)")


class Tmux:
    """One tmux session running one command at a fixed size."""

    def __init__(
        self,
        command: str,
        size: tuple[int, int],
        config: Path,
        settings: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        """Run `command` at `size`; `settings` are more lines for tmux's configuration file,
        `env` more variables for tmux (and so for the command)."""
        self.socket = f"reader-tmux-{uuid.uuid4().hex[:8]}"
        self.env = {**client_environment(), **(env or {})}
        config.write_text("\n".join(["set -g remain-on-exit on", *settings, ""]), encoding="utf-8")
        width, height = size
        # The shell reports the exit status on the screen: tmux itself may be slow to reap it.
        reported = f'{command}; echo "{_REPORT} $?"'
        self._tmux(
            "-f", str(config), "new-session", "-d", "-s", "t",
            "-x", str(width), "-y", str(height), reported,
        )  # fmt: skip

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def screen(self, escapes: bool = False, history: bool = False) -> str:
        """The visible text of the pane; with `escapes`, with its colours and attributes; with
        `history`, with the lines scrolled off its top too."""
        options = [*(["-e"] if escapes else []), *(["-S", "-"] if history else [])]
        return self._tmux("capture-pane", "-p", *options, "-t", "t").stdout

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names: Enter, Escape, or plain characters)."""
        self._tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str) -> str:
        """Poll the screen until `check` holds; fail with the last screen after the deadline."""
        end = time.monotonic() + DEADLINE
        text = ""
        while time.monotonic() < end:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{text}")

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended, else None."""
        found = _EXITED.search(self.screen(history=True))
        return int(found.group(1)) if found else None

    def wait_exit(self) -> int:
        """Wait for the command to end; its exit status."""
        end = time.monotonic() + DEADLINE
        while (status := self.exit_status()) is None:
            assert time.monotonic() < end, f"the program did not end:\n{self.screen()}"
            time.sleep(0.05)
        return status

    def printed(self) -> str:
        """What the command printed before it ended (empty while it runs)."""
        text = self.screen(history=True)
        found = _EXITED.search(text)
        return text[: found.start()] if found else ""

    def pasted(self) -> str:
        """tmux's newest paste buffer: what a program copied with OSC 52 (`set-clipboard on`)."""
        return self._tmux("show-buffer").stdout

    def close(self) -> None:
        """End the tmux server (and whatever still runs in it)."""
        self._tmux("kill-server")


def client_environment() -> dict[str, str]:
    """The environment for tmux itself: this process's, in a UTF-8 locale (tmux reads the
    locale to decide how to pass characters; the program under test gets its own settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LC_ALL", "LC_CTYPE", "LANGUAGE", "TMUX", "PYTHONIOENCODING")
    }
    env["LANG"] = "C.UTF-8"
    return env
