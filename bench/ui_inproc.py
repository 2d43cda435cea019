"""UI interactions timed inside the process: key event in, frame out.

The app runs under `App.run_test` (headless, fixed size), but nothing here sleeps to guess when
work is done (`pilot.press()` / `pause()` sleep ~80 ms per key and measure nothing). Each timed
step registers a condition on the app's state, posts the key event as a terminal driver would,
and waits (without polling) for the first frame the screen produces once the condition holds.
The app's `_display` is wrapped to notice frames; a headless driver skips turning a frame into
terminal bytes, so the wrapper does that step too, and its cost is inside every figure.

So a figure is: key event posted -> handlers, workers and store queries -> Textual's next screen
update (it batches repaints at most 60 times a second) -> frame rendered and encoded. Untimed
settling between steps (`wait_for_complete` on the workers, then `pilot.pause()`) keeps one
step's background work (view counts, tree recounts) out of the next.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.pilot import Pilot
from textual.renderables.blank import Blank
from textual.screen import Screen

from bench.ui_articles import SizedArticle
from reader.models import ROOT_SCOPE
from reader.store.library import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.state import BLOCK, Listing, Place
from reader.ui.widgets.article_list import ArticleList

TIMEOUT_S = 30.0
_CHARS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "space": " ", "slash": "/"}


def stats(times: list[float]) -> dict[str, Any]:
    """Median, min, max (and the 90th percentile) of milliseconds."""
    ordered = sorted(times)
    return {
        "runs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(ordered[0], 2),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 2),
        "max_ms": round(ordered[-1], 2),
    }


class UpdateClock:
    """Notes when each screen update (Textual's batched repaint) begins, to split a figure into
    waiting (handlers, workers, the frame timer) and drawing (layout, render, encode)."""

    began = 0.0
    _original: Callable[[Screen[Any]], None] | None = None

    @classmethod
    def install(cls) -> None:
        """Wrap `Screen._on_timer_update` (before any screen makes its update timer)."""
        if cls._original is not None:
            return
        original = cls._original = Screen._on_timer_update

        def timed(screen: Screen[Any]) -> None:
            cls.began = time.perf_counter()
            original(screen)

        Screen._on_timer_update = timed  # type: ignore[method-assign, assignment]

    @classmethod
    def remove(cls) -> None:
        """Put the original method back."""
        if cls._original is not None:
            Screen._on_timer_update = cls._original  # type: ignore[method-assign, assignment]
            cls._original = None


class FrameProbe:
    """Wraps an app's `_display` to resolve waiters on the first frame after a condition holds.

    A waiter's result is (frame drawn, that screen update began), in `perf_counter` seconds.
    """

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self._original = app._display
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[tuple[float, float]]]] = []
        app._display = self._display  # type: ignore[method-assign]

    def _display(self, screen: Any, renderable: Any) -> None:
        self._original(screen, renderable)
        if renderable is None or self.app._batch_count:
            return
        if self.app.is_headless:
            # What a real driver does before writing: turn the update into terminal bytes.
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(self.app.console)
            elif not isinstance(renderable, Blank):
                self.app.console.render(renderable)
        now = time.perf_counter()
        self.frames += 1
        for waiter in list(self._waiters):
            condition, future = waiter
            if not future.done() and condition():
                future.set_result((now, UpdateClock.began))
                self._waiters.remove(waiter)

    def expect(self, condition: Callable[[], bool]) -> asyncio.Future[tuple[float, float]]:
        """A future set when the first frame is drawn while `condition()` is true."""
        future: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self._waiters.append((condition, future))
        return future

    def cancel(self) -> None:
        """Forget every waiter (after a timeout)."""
        for _, future in self._waiters:
            future.cancel()
        self._waiters.clear()


def send_key(app: App[Any], key: str) -> None:
    """Post a key event the way Textual's terminal drivers do."""
    char = key if len(key) == 1 else _CHARS.get(key)
    assert app._driver is not None
    app._driver.process_message(events.Key(key, char))


class Session:
    """One app over one library, and the timed steps."""

    def __init__(self, app: ReaderApp, pilot: Pilot[None], probe: FrameProbe) -> None:
        self.app = app
        self.pilot = pilot
        self.probe = probe
        self.timeouts = 0
        self.drawing: list[float] = []
        self.cpu: list[float] = []

    @property
    def screen(self) -> MainScreen:
        """The main screen."""
        screen = self.app.screen
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def articles(self) -> ArticleList:
        """The article list."""
        return self.screen.articles

    async def settle(self) -> None:
        """Let background work finish and the screen catch up (untimed)."""
        for _ in range(3):
            await self.app.workers.wait_for_complete()
            await self.pilot.pause()

    async def key(self, key: str, condition: Callable[[], bool]) -> float | None:
        """Milliseconds from posting `key` to the first frame drawn once `condition()` holds."""
        future = self.probe.expect(condition)
        cpu = time.process_time()
        began = time.perf_counter()
        send_key(self.app, key)
        try:
            done, update_began = await asyncio.wait_for(future, TIMEOUT_S)
        except TimeoutError:
            self.probe.cancel()
            self.timeouts += 1
            return None
        # Process CPU time (every thread) over the step: the work, whatever else runs.
        self.cpu.append((time.process_time() - cpu) * 1000)
        if update_began >= began:
            self.drawing.append((done - update_began) * 1000)
        return (done - began) * 1000

    def list_ready(
        self, scope: int | None = None, cursor: int | None = None, place: Place | None = None
    ) -> bool:
        """The list shows `scope` or `place` (when given), its cursor is at `cursor`, visible
        rows loaded."""
        lst = self.articles
        if lst.awaiting_rows or (scope is not None and lst.listing.place != Place(scope)):
            return False
        if place is not None and lst.listing.place != place:
            return False
        if cursor is not None and lst.cursor != cursor:
            return False
        if lst.total == 0:
            return True
        top = round(lst.scroll_y)
        bottom = min(lst.total - 1, top + lst.scrollable_content_region.height - 1)
        return all(b in lst._blocks for b in range(top // BLOCK, bottom // BLOCK + 1))

    async def show_query(self, scope: int) -> None:
        """Put the list on `scope` as the screen does when a category is chosen (untimed)."""
        self.screen.listing = Listing(scope, "published", False)
        for _ in range(200):
            await self.settle()
            if self.list_ready(scope):
                return
        raise RuntimeError(f"the list never showed scope {scope}")


async def _wait_started(session: Session) -> float:
    began = time.perf_counter()
    while not (session.app.screen_stack and isinstance(session.app.screen, MainScreen)):
        await asyncio.sleep(0.01)
    while not (session.screen.started and session.list_ready()):
        await asyncio.sleep(0.01)
    await session.settle()
    return time.perf_counter() - began


async def _line_switches(s: Session, runs: int, first: int, last: int) -> list[float]:
    """The tree's cursor down, then up, between lines `first` and `last`, each time until the
    list shows that line's articles."""
    tree = s.screen.categories
    tree.focus()
    tree.cursor_line = first
    await s.settle()
    times: list[float] = []
    key = "down"
    for _ in range(runs):
        if tree.cursor_line >= last:
            key = "up"
        elif tree.cursor_line <= first:
            key = "down"
        before = tree.cursor_line

        def switched(before: int = before) -> bool:
            node = tree.cursor_node
            place = node.data if node is not None else None
            return tree.cursor_line != before and place is not None and s.list_ready(place=place)

        took = await s.key(key, switched)
        if took is not None:
            times.append(took)
        await s.settle()
    return times


async def _moves(s: Session, key: str, runs: int, delta: Callable[[], int]) -> list[float]:
    lst = s.articles
    lst.focus()
    await s.settle()
    times: list[float] = []
    for _ in range(runs):
        expected = max(0, min(lst.total - 1, lst.cursor + delta()))
        took = await s.key(key, lambda e=expected: s.list_ready(cursor=e))  # type: ignore[misc]
        if took is not None:
            times.append(took)
        await s.settle()
    return times


async def _jumps(s: Session, runs: int) -> list[float]:
    lst = s.articles
    times: list[float] = []
    for _ in range(runs):
        for key, target in (("end", lst.total - 1), ("home", 0)):
            took = await s.key(key, lambda t=target: s.list_ready(cursor=t))  # type: ignore[misc]
            if took is not None and key == "end":
                times.append(took)
            await s.settle()
    return times


async def _opens(s: Session, article: SizedArticle, scope: int, runs: int) -> list[float]:
    await s.show_query(scope)
    lst, pane = s.articles, s.screen.pane
    index = next(i for i in range(lst.total) if (row := lst.row(i)) and row.id == article.id)
    times: list[float] = []
    for _ in range(runs):
        lst.focus()
        lst.cursor = index
        await s.settle()
        before = pane.page

        def shown(before: object = before) -> bool:
            return (
                pane.page is not before
                and pane.view is not None
                and (pane.view.article.id == article.id)
            )

        took = await s.key("enter", shown)
        if took is not None:
            times.append(took)
        await s.settle()
    return times


async def _randoms(s: Session, key: str, runs: int) -> list[float]:
    pane = s.screen.pane
    times: list[float] = []
    for _ in range(runs):
        s.articles.focus()
        await s.settle()
        before = pane.page
        took = await s.key(key, lambda b=before: pane.page is not b)  # type: ignore[misc]
        if took is not None:
            times.append(took)
        await s.settle()
    return times


class _Operations:
    """The figures of each timed operation, with the drawing part of its frames."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: list[dict[str, Any]] = []

    async def run(self, name: str, how: str, steps: Awaitable[list[float]]) -> None:
        """Run the steps of one operation and keep their figures."""
        self.session.drawing = []
        self.session.cpu = []
        times = await steps
        if not times:
            return
        entry = {"name": name, "how": how, **stats(times)}
        if self.session.drawing:
            entry["drawing_median_ms"] = round(statistics.median(self.session.drawing), 2)
        entry["cpu_median_ms"] = round(statistics.median(self.session.cpu), 2)
        self.found.append(entry)


async def _measure(
    db: Path, sized: list[SizedArticle], scope: int, runs: int, size: tuple[int, int]
) -> dict[str, Any]:
    UpdateClock.install()
    library = Library(db, create=False)
    app = ReaderApp(library, seed=1)
    results: dict[str, Any] = {"terminal": f"{size[0]}x{size[1]}"}
    try:
        async with app.run_test(size=size) as pilot:
            s = Session(app, pilot, FrameProbe(app))
            results["start_in_process_s"] = round(await _wait_started(s), 3)
            await s.show_query(ROOT_SCOPE)
            ops = _Operations(s)
            tree = s.screen.categories
            everything = tree.node_of(Place())
            assert everything is not None
            await ops.run(
                "category switch",
                "tree cursor down/up over the top-level categories, until the new list's"
                " visible rows are drawn",
                _line_switches(
                    s, runs, everything.line + 1, everything.line + len(everything.children)
                ),
            )
            await ops.run(
                "view switch",
                f"tree cursor down/up over the views (Unread, Starred, {everything.line - 2}"
                " saved searches of common words), until the new list's visible rows are drawn",
                _line_switches(s, runs, 0, everything.line - 1),
            )
            await s.show_query(ROOT_SCOPE)
            await ops.run(
                "tree recount after a read mark",
                "m on a row of All articles, until the tree shows the new unread counts (the"
                " views', the categories' and the tags'; saved searches are counted after)",
                _recounts(s, runs),
            )
            await s.show_query(ROOT_SCOPE)
            await ops.run("cursor move", "down in All articles", _moves(s, "down", runs, _one))
            page = max(1, s.articles.scrollable_content_region.height - 1)
            await ops.run(
                "page down",
                "in All articles, until the page's rows are drawn (rows come in blocks of"
                f" {BLOCK}: about one key in two fetches a block)",
                _moves(s, "pagedown", runs, lambda: page),
            )
            await ops.run(
                "jump to the last row",
                "End in All articles: the first jump reads the far page by offset (O(offset) in the"
                " store: the max); later jumps find its rows still held by the list",
                _jumps(s, max(3, runs // 10)),
            )
            for article in sized:
                await ops.run(
                    f"open {article.name} article",
                    f"Enter in the list: {article.body_bytes:,} bytes,"
                    f" {article.body_chars:,} characters; counts a view",
                    _opens(s, article, scope, max(5, runs // 3)),
                )
            await s.show_query(ROOT_SCOPE)
            await ops.run(
                "random article", "r in All articles; counts a view", _randoms(s, "r", runs)
            )
            tops = [n.data.scope for n in everything.children if n.data is not None]
            largest = max(tops, key=lambda scope: _total(library, scope))
            await s.show_query(largest)
            await ops.run(
                "random article in a category",
                f"r in the largest top-level category ({_total(library, largest):,} articles)",
                _randoms(s, "r", max(5, runs // 2)),
            )
            # Leave the library as a returning reader finds it: All articles, its first article
            # open (what the start-up runs in a terminal then show in the reading pane).
            await s.show_query(ROOT_SCOPE)
            s.articles.cursor = 0
            await s.settle()
            await _randoms(s, "enter", 1)
            view = s.screen.pane.view
            results["remembered_article"] = view.article.id if view else None
            results["operations"] = ops.found
            results["timeouts"] = s.timeouts
            results["frames"] = s.probe.frames
            await app.action_quit()
    finally:
        library.close()
        UpdateClock.remove()
    return results


async def _recounts(s: Session, runs: int) -> list[float]:
    s.articles.focus()
    s.articles.cursor = 0
    await s.settle()
    tree = s.screen.categories
    unread = tree.node_of(tree_places(s)[0])
    assert unread is not None
    times: list[float] = []
    for _ in range(runs):
        before = str(unread.label)

        def recounted(before: str = before) -> bool:
            return str(unread.label) != before

        took = await s.key("m", recounted)
        if took is not None:
            times.append(took)
        await s.settle()
    return times


def tree_places(s: Session) -> list[Place]:
    """The places of the tree's lines, top to bottom as built."""
    return list(s.screen.categories.places())


def _one() -> int:
    return 1


def _total(library: Library, scope: int | None) -> int:
    return library.counts(scope or ROOT_SCOPE)[0]


def measure(
    db: Path, sized: list[SizedArticle], scope: int, runs: int, size: tuple[int, int] = (160, 48)
) -> dict[str, Any]:
    """Time the interactions on the library at `db` in an app of `size` cells."""
    return asyncio.run(_measure(db, sized, scope, runs, size))
