"""The same reading session driven in reader and in newsboat, timed from outside in tmux.

Each driver knows how its program draws each step, so a step is timed from the key (sent through
the tmux control client) to the first capture of the screen that shows its result: the feed
list or the three panes filled, the biggest feed's newest article listed, the opened article's
first body words, a search prompt, search results. Untimed moves between steps wait for their
own screen, or a fixed pause where the screen does not show the change (a focus move).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.tmux_control import Tmux, peak_mb, wait_exit
from bench.ui_terminal import cells, views_above

TIMEOUT_S = 60.0
START_TIMEOUT_S = 600.0
"""newsboat reads every item of the cache before it draws (minutes at a million)."""
SETTLE_S = 0.3
"""Pause after a timed step, so its background work (view counts, recounts) is done."""
FOCUS_S = 0.4
"""Pause after a key whose effect the screen does not show (a focus move; Escape's timeout)."""
WIDTH, HEIGHT = 120, 40

Screen = list[str]
_COUNTS = re.compile(r"\d[\d,]*/\d[\d,]*|\s\d[\d,]*\s*$")
_FEED_ROW = re.compile(r"^\s*\d+\s+\S?\s*\(\s*\d+/\d*")
"""A row of newsboat's feed list: `   1 N (3776/3776) 国际`; the counts are cut to 11 columns
(`(37932/3795`) once they have ten digits."""


@dataclass(frozen=True, slots=True)
class Target:
    """An article a step expects to see: its title and a few words its body starts with."""

    title: str
    words: str

    def body_in(self, lines: list[str]) -> bool:
        """Whether the body's first words are on one of `lines`."""
        return any(self.words in line for line in lines)


def first_words(body: str, length: int = 5) -> str:
    """A run of `length` characters without spaces from the start of the first paragraph
    (the two programs wrap and space mixed text differently; a short run stays on one line)."""
    paragraph = next((p for p in body.split("\n\n") if p.strip() and not p.startswith("#")), "")
    text = paragraph.strip()
    for start in range(len(text)):
        run = text[start : start + length]
        if len(run) == length and not any(ch.isspace() or ch in "*_`[]<>" for ch in run):
            return run
    return text[:length]


def boxes(screen: Screen) -> list[tuple[str, list[str]]]:
    """The bordered panes of reader's screen: (top border, inner lines) from left to right.

    While the search line lies over the panes' top borders (the first line), the panes are
    found by their bottom borders and their top borders are empty."""
    grid = [cells(line) for line in screen]
    top = next((n for n, row in enumerate(grid) if "╭" in row), None)
    first = 0 if top is None else top + 1
    bottom = next((n for n in range(first, len(grid)) if "╰" in grid[n]), None)
    if top is None and (bottom is None or bottom < 2):
        return []
    edge = grid[bottom] if top is None and bottom is not None else grid[top or 0]
    starts = [i for i, ch in enumerate(edge) if ch in ("╭", "╰")]
    ends = [i for i, ch in enumerate(edge) if ch in ("╮", "╯")]
    found = []
    for a, b in zip(starts, ends, strict=False):
        inner = ["".join(row[a + 1 : b]) for row in grid[max(first, 1) : bottom]]
        found.append(("".join(grid[top][a : b + 1]) if top is not None else "", inner))
    return found


def bottoms(screen: Screen) -> list[str]:
    """The bottom borders of reader's panes (a list's counts), from left to right."""
    grid = [cells(line) for line in screen]
    row = next((row for row in grid if "╰" in row), None)
    if row is None:
        return []
    starts = [i for i, ch in enumerate(row) if ch == "╰"]
    ends = [i for i, ch in enumerate(row) if ch == "╯"]
    return ["".join(row[a : b + 1]) for a, b in zip(starts, ends, strict=False)]


def _filled(lines: list[str], at_least: int) -> bool:
    return sum(1 for line in lines if line.strip()) >= at_least


class Driver:
    """One program in one tmux session: start it, time its steps, quit it."""

    name = ""

    def __init__(self, tmux: Tmux, session: str, big: str, query: str) -> None:
        self.tmux = tmux
        self.session = session
        self.big = big
        self.query = query
        self.pid: int | None = None

    def command(self) -> str:
        """The shell command that starts the program."""
        raise NotImplementedError

    def screen(self) -> Screen:
        """The session's screen now."""
        return self.tmux.screen(self.session)

    def time_keys(
        self, send: Callable[[], None], shown: Callable[[Screen], bool], timeout: float = TIMEOUT_S
    ) -> float | None:
        """Seconds from `send()` to a screen on which `shown` holds; None if it already held
        (nothing would be measured) or never came."""
        if shown(self.screen()):
            return None
        began = time.perf_counter()
        send()
        took = self.tmux.wait(self.session, shown, timeout, began)
        time.sleep(SETTLE_S)
        return took

    def keys(self, *keys: str, pause: float = FOCUS_S) -> None:
        """Untimed keys, then a pause."""
        self.tmux.keys(self.session, *keys)
        time.sleep(pause)

    def until(self, shown: Callable[[Screen], bool], what: str) -> None:
        """Wait (untimed) for a screen; raises when it never comes."""
        if self.tmux.wait(self.session, shown, TIMEOUT_S, time.perf_counter()) is None:
            raise RuntimeError(f"{self.name}: {what} never showed")

    def start(self, expect_article: bool) -> float | None:
        """Spawn the program; seconds to a filled screen."""
        began = time.perf_counter()
        self.tmux.spawn(self.session, WIDTH, HEIGHT, self.command())
        self.pid = self.tmux.pid(self.session)
        took = self.tmux.wait(
            self.session, lambda s: self.filled(s, expect_article), START_TIMEOUT_S, began
        )
        time.sleep(SETTLE_S)
        return took

    def filled(self, screen: Screen, expect_article: bool) -> bool:
        """Whether the first screen is complete."""
        raise NotImplementedError

    def open_biggest(self, newest: Target) -> float | None:
        """Seconds to the biggest feed's list, its newest article on top."""
        raise NotImplementedError

    def open_article(self, target: Target, first: bool) -> float | None:
        """Seconds from Enter on a row of the list to the article's body shown."""
        raise NotImplementedError

    def random(self) -> float | None:
        """Seconds to a random article of the biggest feed shown."""
        raise NotImplementedError

    def to_top(self) -> None:
        """Back to where a search covers every feed."""
        raise NotImplementedError

    def slash(self) -> float | None:
        """Seconds from `/` to the search prompt."""
        raise NotImplementedError

    def search(self) -> float | None:
        """Seconds from typing the query and Enter to the results."""
        raise NotImplementedError

    def finish(self) -> float | None:
        """The peak memory in MB, then quit."""
        raise NotImplementedError

    def peak(self) -> float | None:
        """Peak resident memory so far, MB."""
        return peak_mb(self.pid)

    def quit(self, keys: tuple[str, ...]) -> None:
        """Quit with `keys`; end the session (and the program) if it does not exit."""
        for key in keys:
            self.keys(key)
        if not wait_exit(self.pid, 20.0):
            self.tmux.kill(self.session)
            wait_exit(self.pid, 10.0)
        self.tmux.kill(self.session)


class ReaderDriver(Driver):
    """reader at 120x40: tree, list and reading pane side by side."""

    name = "reader"

    def __init__(self, tmux: Tmux, session: str, big: str, query: str, program: str, db: Path):
        super().__init__(tmux, session, big, query)
        self.program = program
        self.db = db

    def command(self) -> str:
        """`reader --db PATH`."""
        return f"exec {self.program} --db {self.db}"

    def filled(self, screen: Screen, expect_article: bool) -> bool:
        """Tree with counts, list with rows, and the article the last session left open."""
        found = boxes(screen)
        if len(found) < 3:
            return False
        tree = sum(1 for line in found[0][1] if _COUNTS.search(line.strip()))
        return (
            tree >= 2
            and _filled(found[1][1], 5)
            and (not expect_article or _filled(found[2][1], 5))
        )

    def _pane(self, screen: Screen) -> list[str]:
        found = boxes(screen)
        return found[2][1] if len(found) >= 3 else []

    def open_biggest(self, newest: Target) -> float | None:
        """From the list: Escape to the tree (on All articles), then `j` onto the biggest
        category (timed): until the list shows it with its newest article."""
        self.keys("Escape")

        def shown(screen: Screen) -> bool:
            found = boxes(screen)
            return (
                len(found) >= 2
                and f" {self.big} " in found[1][0]
                and newest.title[:4] in found[1][1][0]
            )

        took = self.time_keys(lambda: self.tmux.keys(self.session, "j"), shown)
        self.keys("Enter")  # on to the list
        return took

    def open_article(self, target: Target, first: bool) -> float | None:
        """Enter on the list's row (the first row, else after Escape and Down): until the
        reading pane shows the body's first words."""
        if not first:
            self.keys("Escape")
            self.keys("Down", pause=0.2)
        return self.time_keys(
            lambda: self.tmux.keys(self.session, "Enter"),
            lambda s: target.body_in(self._pane(s)),
        )

    def random(self) -> float | None:
        """`r`: a random article of the category, until the reading pane shows another one."""
        before = self._pane(self.screen())

        def shown(screen: Screen) -> bool:
            pane = self._pane(screen)
            return pane != before and _filled(pane, 5)

        return self.time_keys(lambda: self.tmux.keys(self.session, "r"), shown)

    def to_top(self) -> None:
        """Back to the tree and All articles (so a search covers the whole library)."""
        self.keys("Escape")
        self.keys("Escape")
        self.keys("g", *["j"] * views_above(self.db))
        self.until(lambda s: len(boxes(s)) >= 2 and "All articles" in boxes(s)[1][0], "All")

    def _prompt(self, screen: Screen) -> bool:
        return bool(screen) and screen[0].lstrip().startswith("/") and "exact phrase" in screen[0]

    def slash(self) -> float | None:
        """`/` until the search box shows (its placeholder), then Escape."""
        took = self.time_keys(lambda: self.tmux.keys(self.session, "/"), self._prompt)
        self.tmux.keys(self.session, "Escape")
        self.until(lambda s: not self._prompt(s), "the search box closed")
        time.sleep(SETTLE_S)
        return took

    def search(self) -> float | None:
        """`/`, then the word and Enter (timed) until the list holds the results."""
        self.tmux.keys(self.session, "/")
        self.until(self._prompt, "the search box")

        def shown(screen: Screen) -> bool:
            # The search line covers the list's title: its counts below say it holds results.
            found, under = boxes(screen), bottoms(screen)
            return (
                "found" in screen[0]
                and self.query in screen[0]
                and len(found) >= 2
                and len(under) >= 2
                and " in " in under[1]
                and "·" not in under[1]
                and bool(found[1][1][0].strip())
            )

        def send() -> None:
            self.tmux.text(self.session, self.query)
            self.tmux.keys(self.session, "Enter")

        took = self.time_keys(send, shown)
        self.keys("Escape")
        return took

    def finish(self) -> float | None:
        """Peak memory, then quit (All articles and the last article stay for next time)."""
        peak = self.peak()
        self.quit(("q",))
        return peak


class NewsboatDriver(Driver):
    """newsboat at 120x40: feed list, item list, article view."""

    name = "newsboat"

    def __init__(
        self, tmux: Tmux, session: str, big: str, query: str, home: Path, feeds: int
    ) -> None:
        super().__init__(tmux, session, big, query)
        self.home = home
        self.feeds = feeds

    def command(self) -> str:
        """newsboat on the benchmark's own config, urls and cache, with HOME set there."""
        h = self.home
        return (
            f"cd {h} && exec env HOME={h} XDG_CONFIG_HOME={h} XDG_DATA_HOME={h} newsboat"
            f" -C {h}/config -u {h}/urls -c {h}/cache.db"
        )

    def filled(self, screen: Screen, expect_article: bool) -> bool:
        """The feed list with every feed and its counts."""
        return sum(1 for line in screen if _FEED_ROW.match(line)) >= self.feeds

    def open_biggest(self, newest: Target) -> float | None:
        """Enter on the first feed (the biggest): until its newest article is listed."""

        def shown(screen: Screen) -> bool:
            return f"Articles in feed '{self.big}'" in screen[0] and newest.title[:4] in screen[1]

        return self.time_keys(lambda: self.tmux.keys(self.session, "Enter"), shown)

    def _article(self, target: Target) -> Callable[[Screen], bool]:
        return lambda s: "Article '" in s[0] and target.body_in(s[1:])

    def open_article(self, target: Target, first: bool) -> float | None:
        """Enter on the list's row (the first row, else after `q` and Down): until the article
        view shows the body's first words."""
        if first:
            self.keys("Home", pause=0.2)  # newsboat puts the cursor on the first unread row
        else:
            self.tmux.keys(self.session, "q")
            self.until(lambda s: "Articles in feed" in s[0], "the item list")
            self.keys("Down", pause=0.2)
        return self.time_keys(lambda: self.tmux.keys(self.session, "Enter"), self._article(target))

    def random(self) -> float | None:
        """From the item list (`q` from the article, untimed), Ctrl+K (random-unread: the
        cursor jumps to a random unread article) and Enter, until an article's body shows."""
        self.tmux.keys(self.session, "q")
        self.until(lambda s: "Articles in feed" in s[0], "the item list")

        def shown(screen: Screen) -> bool:
            return "Article '" in screen[0] and _filled(screen[7:], 3)

        return self.time_keys(lambda: self.tmux.keys(self.session, "C-k", "Enter"), shown)

    def to_top(self) -> None:
        """Back to the feed list."""
        self.tmux.keys(self.session, "q")
        self.until(lambda s: "Articles in feed" in s[0], "the item list")
        self.tmux.keys(self.session, "q")
        self.until(lambda s: "Your feeds" in s[0], "the feed list")

    def _prompt(self, screen: Screen) -> bool:
        return any(line.startswith("Search for:") for line in screen[-2:])

    def slash(self) -> float | None:
        """`/` until the prompt shows, then Escape."""
        took = self.time_keys(lambda: self.tmux.keys(self.session, "/"), self._prompt)
        self.tmux.keys(self.session, "Escape")
        self.until(lambda s: not self._prompt(s), "the prompt closed")
        return took

    def search(self) -> float | None:
        """`/`, then the word and Enter (timed) until the results are listed."""
        self.tmux.keys(self.session, "/")
        self.until(self._prompt, "the search prompt")

        def send() -> None:
            self.tmux.text(self.session, self.query)
            self.tmux.keys(self.session, "Enter")

        took = self.time_keys(send, lambda s: "Search results" in s[0] and bool(s[1].strip()))
        self.tmux.keys(self.session, "q")
        self.until(lambda s: "Your feeds" in s[0], "the feed list")
        return took

    def finish(self) -> float | None:
        """Peak memory, then quit."""
        peak = self.peak()
        self.quit(("q",))
        return peak
