"""The app while another program holds the library's write lock for longer than the busy timeout.

HOSTILE.md G: opening an article waited 15 s, then said "busy". Here a real process holds
`BEGIN IMMEDIATE` (`support.locks`) while the app opens articles: each is shown at once, its view
is counted once the lock is free, and a star (a write the user asked for) waits in its worker and
then says "busy" in one line while the app goes on answering keys.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.locks import write_lock_held
from support.ui import main_screen, make_app, settle
from textual.message import Message
from textual.pilot import Pilot

from reader.ui.screens.main import MainScreen

BUSY = 3.0
WIDE = (160, 48)


def stored(db: Path, article_id: int) -> tuple[int, bool, bool]:
    """(views, read, starred) of an article as committed, read by a plain read-only connection."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        views, read_at, starred = conn.execute(
            "SELECT a.views, max(m.read_at), max(m.starred_at) FROM articles a"
            " LEFT JOIN marks m ON m.article_id = a.id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
    finally:
        conn.close()
    return views, read_at is not None, starred is not None


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float) -> float:
    """Let the app run until `condition` holds; the seconds it took (fails after `timeout`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:g} s")
        await pilot.pause(0.01)
    return time.monotonic() - started


async def test_articles_open_at_once_while_another_program_writes(
    lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_BUSY_TIMEOUT", f"{BUSY:g}")
    problems: list[str] = []
    seen: list[Message] = []

    def hook(message: Message) -> None:
        # A message is seen once by each node it bubbles through.
        if isinstance(message, MainScreen.Problem) and all(m is not message for m in seen):
            seen.append(message)
            problems.append(message.text)

    app = make_app(lib_path)
    async with app.run_test(size=WIDE, message_hook=hook) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        first, second = screen.articles.row(1), screen.articles.row(2)
        assert first is not None and second is not None
        before = {a.id: stored(lib_path, a.id) for a in (first, second)}

        def showing(article_id: int) -> Callable[[], bool]:
            def shown() -> bool:
                view = screen.pane.view
                return (
                    view is not None and view.article.id == article_id and bool(screen.pane.lines)
                )

            return shown

        with write_lock_held(lib_path, "UPDATE articles SET title = 'rewritten', views = 999"):
            started = time.monotonic()
            await pilot.press("j", "enter")
            await until(pilot, showing(first.id), BUSY)
            assert time.monotonic() - started < BUSY
            text = "\n".join(line.content.plain for line in screen.pane.lines)
            body = screen.pane.view.article.body  # type: ignore[union-attr]
            assert first.title in text and body.split("\n")[0][:20] in text
            assert "rewritten" not in text
            assert stored(lib_path, first.id) == before[first.id]  # not counted yet

            # A star waits for the lock in its worker (the busy timeout); meanwhile the app
            # answers keys and opens the next article, before the star gives up.
            await pilot.press("s")
            await pilot.press("escape")
            assert screen.focused is screen.articles
            await pilot.press("j", "enter")
            await until(pilot, showing(second.id), BUSY)
            assert problems == []
            await until(pilot, lambda: bool(problems), BUSY * 3)
            assert problems == [
                f"{lib_path} is busy: another program has held its write lock for more than "
                f"{BUSY:g} s; try again when it has finished"
            ]

        # Once the lock is free, both views are counted (and the articles marked read).
        def counted() -> bool:
            return all(stored(lib_path, i)[0] == before[i][0] + 1 for i in before)

        await until(pilot, counted, 10)
        assert all(stored(lib_path, i)[1] for i in before)
        assert not stored(lib_path, first.id)[2]  # the star was refused, not written later
        await settle(pilot)
    assert len(problems) == 1


async def test_the_app_starts_and_quits_while_another_program_writes(
    lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the library, filling the panes, restoring the last article and remembering the
    place all happen while the lock is held, in well under the busy timeout."""
    monkeypatch.setenv("READER_BUSY_TIMEOUT", f"{BUSY:g}")
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        opened = main_screen(app).pane.view
        assert opened is not None
        app.library.close()
    with write_lock_held(lib_path, "UPDATE articles SET title = 'rewritten'"):
        started = time.monotonic()
        app = make_app(lib_path)
        async with app.run_test(size=WIDE) as pilot:
            screen = main_screen(app)
            await until(
                pilot, lambda: screen.pane.view is not None and screen.articles.total > 0, BUSY
            )
            await settle(pilot)
            assert screen.pane.view.article.id == opened.article.id  # type: ignore[union-attr]
            await pilot.press("q")
        app.library.close()
        assert time.monotonic() - started < BUSY
