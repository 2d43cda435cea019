"""The floor of a key in this stack, timed from outside in tmux as the peer bench times reader.

Three programs answer the same two keys at 120x40 in the same tmux server, taken in turn:

- `raw`: Python with the terminal in raw mode writes the answer itself (what the measurement and
  a Python process cost: the floor of any Python program);
- `textual`: a bare Textual app of one `Static` and a hidden `Input`: Enter puts a 5 KB Chinese
  text in the `Static` (the body of an article, no database, no Markdown); `/` shows the `Input`
  and focuses it (a prompt you can type into);
- `textual-fps240`: the same app with `TEXTUAL_FPS=240` (Textual's frame interval is 1/60 s).

Each key is timed from `send-keys` to the first capture that shows its answer, `--runs` times per
program, and each answer is taken away before the next (Escape, then a wait for the screen).

Writes `results/floor-keys.json` and `.md`; `bench.peer` reports newsboat's figures for the same
two keys, and the README sets the three side by side.

    python -m bench.floor_keys [--runs 20] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.peer_report import cell, load_text, stats
from bench.store_library import write_results
from bench.tmux_control import Tmux

WIDTH, HEIGHT = 120, 40
MARK = "甲乙丙丁戊"
PROMPT = "搜索："
WORDS = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏"
TEXT = "\n\n".join(
    MARK + "".join(WORDS[(i + j) % len(WORDS)] for j in range(120)) for i in range(14)
)
"""About 5 KB in UTF-8 (1,700 characters), its first words `MARK`."""

RAW = r"""
import os, sys, termios, tty
fd = sys.stdin.fileno()
old = termios.tcgetattr(fd)
tty.setraw(fd)
out = sys.stdout
out.write("\x1b[?1049h\x1b[2J\x1b[Hready"); out.flush()
text = @TEXT@
try:
    while True:
        key = os.read(fd, 16)
        if key == b"q":
            break
        if key == b"\r":
            out.write("\x1b[2J\x1b[H" + text.replace("\n", "\r\n")); out.flush()
        elif key == b"/":
            out.write("\x1b[2J\x1b[H" + @PROMPT@); out.flush()
        elif key == b"\x1b":
            out.write("\x1b[2J\x1b[Hready"); out.flush()
finally:
    termios.tcsetattr(fd, termios.TCSADRAIN, old)
    out.write("\x1b[?1049l"); out.flush()
""".replace("@TEXT@", repr(TEXT)).replace("@PROMPT@", repr(PROMPT))

APP = r"""
from textual.app import App
from textual.widgets import Input, Static

TEXT = @TEXT@

class Floor(App):
    CSS = "Input { display: none; dock: top; } Input.-shown { display: block; }"
    AUTO_FOCUS = None
    BINDINGS = [("enter", "body"), ("slash", "prompt"), ("escape", "back"), ("q", "quit")]

    def compose(self):
        yield Input(placeholder=@PROMPT@)
        yield Static("ready", id="body")

    def action_body(self):
        self.query_one("#body", Static).update(TEXT)

    def action_prompt(self):
        field = self.query_one(Input)
        field.add_class("-shown")
        field.focus()

    def action_back(self):
        field = self.query_one(Input)
        field.remove_class("-shown")
        self.query_one("#body", Static).update("ready")
        self.set_focus(None)

Floor().run()
""".replace("@TEXT@", repr(TEXT)).replace("@PROMPT@", repr(PROMPT))

PROGRAMS = {
    "raw": ("", RAW),
    "textual": ("", APP),
    "textual-fps240": ("TEXTUAL_FPS=240 ", APP),
}


def shown(screen: list[str], what: str) -> bool:
    return any(what in line for line in screen)


def time_key(tmux: Tmux, session: str, key: str, what: str, timeout: float = 10.0) -> float:
    began = time.perf_counter()
    tmux.keys(session, key)
    took = tmux.wait(session, lambda s: shown(s, what), timeout, began)
    if took is None:
        raise SystemExit(f"{session}: {what!r} not shown {timeout:.0f} s after {key}")
    return took


def reset(tmux: Tmux, session: str) -> None:
    tmux.keys(session, "Escape")
    if tmux.wait(session, lambda s: shown(s, "ready") and not shown(s, MARK),
                 10.0, time.perf_counter()) is None:  # fmt: skip
        raise SystemExit(f"{session}: did not come back after Escape")
    time.sleep(0.15)  # past Textual's Escape timeout and any frame still due


def markdown(result: dict[str, Any]) -> str:
    """The report: one row per program, median (min-max) of each key."""
    lines = [
        "# The floor of a key: raw Python and a bare Textual app",
        "",
        f"{result['date']}, Python {result['python']}, Textual {result['textual']}, tmux"
        f" {result['width']}x{result['height']}, {result['runs']} runs per key and program, taken"
        f" in turn; load average {load_text(result['load'])} before.",
        "",
        "| program | Enter to a 5 KB body | `/` to a prompt |",
        "|---|---|---|",
    ]
    for name, steps in result["programs"].items():
        cells = [cell(stats(steps[key]), " ms") for key in ("Enter", "/")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", __doc__.split("\n\n    python")[0], ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 runs")
    parser.add_argument("--sizes", default="", help="ignored: no library is involved")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else args.runs
    if shutil.which("tmux") is None:
        print("floor_keys: skipped, tmux is not installed", file=sys.stderr)
        return 0
    load = list(os.getloadavg())
    times: dict[str, dict[str, list[float]]] = {p: {"Enter": [], "/": []} for p in PROGRAMS}
    with Tmux() as tmux, tempfile.TemporaryDirectory() as folder:
        for name, (env, source) in PROGRAMS.items():
            script = Path(folder) / f"floor_{name.replace('-', '_')}.py"
            script.write_text(source, encoding="utf-8")
            command = f"{env}{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
            tmux.spawn(name, WIDTH, HEIGHT, command)
            if tmux.wait(name, lambda s: shown(s, "ready"), 30.0, time.perf_counter()) is None:
                raise SystemExit(f"{name} did not start")
        time.sleep(1.0)
        for _ in range(runs):
            for name in PROGRAMS:
                times[name]["Enter"].append(time_key(tmux, name, "Enter", MARK) * 1000)
                reset(tmux, name)
                times[name]["/"].append(time_key(tmux, name, "/", PROMPT) * 1000)
                reset(tmux, name)
        for name in PROGRAMS:
            tmux.keys(name, "q")
    result = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "textual": version("textual"),
        "width": WIDTH,
        "height": HEIGHT,
        "runs": runs,
        "load": load,
        "programs": {
            name: {k: [round(t, 2) for t in v] for k, v in steps.items()}
            for name, steps in times.items()
        },
    }
    report = markdown(result)
    write_results("floor-keys", result, report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
