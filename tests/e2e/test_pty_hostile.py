"""The real app in a pseudo-terminal over a library of hostile articles: the bytes it writes to the
terminal never carry a sequence or control character an article smuggled in, raw or spelled so that
a later stage decodes it, and nothing an article says runs an action.

`run_test()` is headless and cannot show this class of bug (HOSTILE.md, B and G): only the bytes
written to a real terminal can.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from support.hostile import NAMES, forbidden, write_sources

from reader.models import ArticleDraft
from reader.store import Library

pytestmark = pytest.mark.e2e

# Each injected sequence carries a marker that must never reach the terminal.
INJECTED = {
    "osc0-bel": "\x1b]0;PWNED-TITLE-A\x07",
    "osc0-st": "\x1b]2;PWNED-TITLE-B\x1b\\",
    "osc52": "\x1b]52;c;UFdORUQtQ0xJUA==\x07",
    "osc8": "\x1b]8;;http://pwned-link.example/\x1b\\click\x1b]8;;\x1b\\",
    "dcs": "\x1bPPWNED-DCS\x1b\\",
    "apc": "\x1b_PWNED-APC\x1b\\",
    "pm": "\x1b^PWNED-PM\x1b\\",
    "sos": "\x1bXPWNED-SOS\x1b\\",
    "c1-osc": "\x9d0;PWNED-C1\x07",
    "c1-csi": "\x9b31mred",
    "csi-report": "\x1b[6n\x1b[21t",
    "reset": "\x1bc",
    "bidi": "\u202eDESREVER\u202c",
    "bidi-marks": "\u200eLRM\u200fRLM\u061cALM\u202aLRE\u202bRLE\u202dLRO",
    "bidi-isolates": "\u2066LRI\u2067RLI\u2068FSI\u2069PDI",
}
FORBIDDEN_BYTES = [
    b"PWNED-TITLE",
    b"UFdORUQtQ0xJUA",
    b"pwned-link.example",
    b"PWNED-DCS",
    b"PWNED-APC",
    b"PWNED-PM",
    b"PWNED-SOS",
    b"0;PWNED-C1",
    b"\xc2\x9b",
    b"\xc2\x9d",
    b"\x1b[6n",
    b"\x1b[21t",
    b"\x1bc",
    "\u202e".encode(),
]
# Everything Textual itself writes: SGR, cursor position, private modes and their queries, the
# kitty keyboard protocol and OSC 22 pointer shapes. Any other escape came from an article.
TEXTUAL_SEQUENCE = re.compile(
    rb"\x1b\[(?:[0-9;]*m|[0-9]+;[0-9]+H|\?[0-9;]+[hl]|\?[0-9]+\$p|>[0-9]+u|<u)"
    rb"|\x1b\]22;[a-z-]*\x07"
)
ESCAPE_ANSWER_S = 5.0
"""How long to wait for the app to answer an Escape (every Escape typed here changes the screen)."""
MARKUP = ["[@click=app.quit]Q[/]", "[/]", "[@click=app.simulate_key('d')]D[/]", "[link=x]l[/link]"]


def hostile_drafts() -> list[ArticleDraft]:
    """One article per injected sequence, carried in the title, body, category and tags."""
    drafts = []
    for number, (name, seq) in enumerate(INJECTED.items()):
        markup = MARKUP[number % len(MARKUP)]
        drafts.append(
            ArticleDraft(
                title=f"{name} {seq} title {markup}",
                body=f"## {seq}问题？\n\n正文 {seq} body {markup}\n\n- [link]({seq}http://x/)",
                category=(f"分类{seq}", f"{name}{markup}"),
                tags=(f"tag{seq}", markup),
                author=f"author{seq}",
                url=f"https://example.org/{name}",
            )
        )
    return drafts


def test_hostile_library_is_sanitised_when_saved(tmp_path: Path) -> None:
    """The store sanitises on the way in, so the library itself holds no sequence."""
    with Library(tmp_path / "h.db") as library:
        library.save(hostile_drafts(), source="hostile")
        for item in library.page(limit=100).items:
            article = library.get(item.id)
            assert article is not None
            stored = " ".join([article.title, article.body, article.author, *article.tags])
            assert "\x1b" not in stored and "PWNED" not in stored


def _raw_hostile_library(path: Path) -> None:
    """A library whose rows hold the raw sequences, as if written by another program."""
    with Library(path) as library:
        library.save(hostile_drafts(), source="hostile")
        drafts = hostile_drafts()
        ids = [item.id for item in library.page(limit=100, sort="title").items]
        by_title = {library.get(i).title.split()[0]: i for i in ids}  # type: ignore[union-attr]
        conn = library.db.conn
        for draft in drafts:
            article_id = by_title[draft.title.split()[0]]
            conn.execute(
                "UPDATE articles SET title = ?, author = ?, tags = json_array(?, ?) WHERE id = ?",
                (draft.title, draft.author, *draft.tags, article_id),
            )
            conn.execute("UPDATE bodies SET body = ? WHERE id = ?", (draft.body, article_id))
        for number, name in enumerate(INJECTED.values()):
            conn.execute(
                "UPDATE categories SET name = name || ? WHERE id = ?", (name, number % 3 + 1)
            )
        # The tree's Tags branch and the saved searches above the categories, raw too.
        for number, seq in enumerate(INJECTED.values()):
            conn.execute("UPDATE tags SET name = name || ? WHERE id = ?", (seq, number + 1))
            library.save_search(f"saved {number}", "title")
            conn.execute(
                "UPDATE saved_searches SET name = ? WHERE name = ?",
                (f"saved {seq} {MARKUP[number % len(MARKUP)]}", f"saved {number}"),
            )
        conn.commit()


def terminal_problems(output: bytes) -> list[str]:
    """What in the bytes written to the terminal is neither Textual's own sequences nor text
    without control characters: escapes, C0 and C1 controls, bidi controls, bytes not UTF-8."""
    rest = TEXTUAL_SEQUENCE.sub(b"", output)
    problems = sorted({f"escape {m.group(0)!r}" for m in re.finditer(rb"\x1b.{0,12}", rest, re.S)})
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"bytes that are not UTF-8: {error}")
        text = rest.decode("utf-8", errors="replace")
    problems += [f"U+{ord(char):04X}" for char in forbidden(text) if char not in "\r\x1b"]
    return problems


class Pty:
    """The app running on the slave side of a pseudo-terminal; every byte it writes is kept."""

    def __init__(self, args: list[str], size: tuple[int, int]) -> None:
        self.master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()

    def pump(self, until: bytes | None = None, quiet: float = 0.15, deadline: float = 30) -> None:
        """Read output until `until` appears (or the output is quiet), within a deadline."""
        end = time.monotonic() + deadline
        last = time.monotonic()
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk
                last = time.monotonic()
                if until is not None and until in self.output:
                    return
            elif until is None and time.monotonic() - last > quiet:
                return
            if self.process.poll() is not None:
                return
        if until is not None:
            raise AssertionError(f"{until!r} never appeared")

    def type(self, keys: str) -> None:
        """Send keys, one at a time, reading output in between.

        After an Escape the app's answer (a redraw) is awaited first: a key that reached the app
        while it still waited to tell a lone Escape from the start of a sequence would be read
        with it as one Alt+key (likely on a busy machine)."""
        for key in keys:
            size = len(self.output)
            os.write(self.master, key.encode())
            if key == "\x1b":
                end = time.monotonic() + ESCAPE_ANSWER_S
                while len(self.output) == size and time.monotonic() < end:
                    self.pump(quiet=0.05, deadline=0.1)
            self.pump()

    def wait_for_exit(self, deadline: float) -> bool:
        """Keep reading the app's output until it exits (a full pty would block its writes)."""
        end = time.monotonic() + deadline
        while self.process.poll() is None and time.monotonic() < end:
            self.pump(deadline=max(0.0, end - time.monotonic()))
        return self.process.poll() is not None

    def text(self, tail: int = 4000) -> str:
        """The words of the app's latest output, without escape sequences (for failures)."""
        plain = re.sub(
            rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)",
            b" ",
            self.output,
        )
        return " ".join(plain[-tail:].decode(errors="replace").split())

    def close(self) -> None:
        """Stop the app if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_no_injected_sequence_reaches_the_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "hostile.db"
    _raw_hostile_library(path)
    app = Pty([sys.executable, "-m", "reader", "--db", str(path)], size)
    try:
        app.pump(until=b"articles")
        app.pump()
        # Open articles, scroll them, random ones, history, help, search, then click everything.
        app.type("\r")
        app.type("GgjjJJKr")
        app.type("R12345")
        app.type("67890")
        app.type("t")
        app.pump(until=b"Tags of")
        app.type("\r")  # the tags prompt, submitted as shown
        app.type("HL")
        app.type("\t\t\tjjj\r")
        app.type("?")
        app.type("q")  # closes the help (an Escape could merge with the next key on a busy machine)
        app.type("/title")
        app.pump(until=b"found")
        app.type("\r\r\x1b\x1b")
        # The tree: the saved searches, then the tags, each listed in turn.
        app.type("\x1bgjjjGljjjj")
        for row in range(1, size[1]):
            for col in (2, 10, 30, size[0] // 2, size[0] - 10):
                press = f"\x1b[<0;{col};{row}M\x1b[<0;{col};{row}m"
                os.write(app.master, press.encode())
            if row % 4 == 0:
                app.pump()
        app.pump()
        assert app.process.poll() is None, "the app exited on its own"
        found = [marker for marker in FORBIDDEN_BYTES if marker in app.output]
        assert found == []
        assert terminal_problems(bytes(app.output)) == []
        assert b"All articles" in app.output
        app.type("q")
        # After hundreds of queued clicks, on a busy machine, this may take a while.
        assert app.wait_for_exit(60), f"q did not quit the app; it last showed: {app.text()}"
    finally:
        app.close()


def _import(library: Path, sources: list[Path]) -> None:
    """Import `sources` with the real command line, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", "import", "--db", str(library), *map(str, sources)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_decoded_controls_never_reach_the_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    """Controls written as entities, double escapes, backslash escapes, percent-encoding and JSON
    escapes, in every field of every kind of source, are drawn as nothing or as text.

    Each stage may decode what the one before left (feedparser, lxml, html2text, markdown-it's
    entities and autolinks), so only what finally reaches the terminal tells.
    """
    path = tmp_path / "decoded.db"
    _import(path, write_sources(tmp_path / "sources"))
    app = Pty([sys.executable, "-m", "reader", "--db", str(path)], size)
    try:
        app.pump(until=b"articles")
        app.pump()
        # Open the newest article, then every next one, each scrolled to its end and back.
        app.type("\r")
        for _ in NAMES:
            app.type("GgJ")
        app.type("o")
        app.type("\x1b")
        app.type("/heading")
        app.pump(until=b"found")
        app.type("\r")
        app.pump()
        assert app.process.poll() is None, "the app exited on its own"
        shown = [name for name in NAMES if f"body-of-{name}".encode() in app.output]
        assert shown == list(NAMES), f"not every article was drawn; it last showed: {app.text()}"
        assert terminal_problems(bytes(app.output)) == []
        app.type("q")
        assert app.wait_for_exit(60), f"q did not quit the app; it last showed: {app.text()}"
    finally:
        app.close()
