"""The app over files that are not this reader's to change: it never starts on another
program's database, and reads a newer reader's library without writing a byte of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.foreign import FOREIGN, NEWER, fingerprint
from support.ui import main_screen, settle
from textual.message import Message

from reader.cli import prepare_default_library
from reader.store import LibraryError
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen

WIDE = (160, 48)


@pytest.mark.parametrize("kind", list(FOREIGN))
def test_the_app_does_not_start_on_another_programs_file(kind: str, tmp_path: Path) -> None:
    make, what = FOREIGN[kind]
    db = tmp_path / "theirs.db"
    make(db)
    before = fingerprint(db)
    with pytest.raises(LibraryError, match="is an SQLite database of another program") as raised:
        prepare_default_library(str(db))
    assert what in str(raised.value) and "\n" not in str(raised.value)
    assert fingerprint(db) == before


@pytest.mark.parametrize("kind", list(NEWER))
async def test_the_app_reads_a_newer_readers_library_and_writes_nothing(
    kind: str, tmp_path: Path
) -> None:
    """Open, read, star (refused in one line), remember state and quit: no byte written."""
    db = tmp_path / "library.db"
    NEWER[kind](db)
    before = fingerprint(db)
    problems: list[str] = []
    seen: list[Message] = []

    def hook(message: Message) -> None:
        if isinstance(message, MainScreen.Problem) and all(m is not message for m in seen):
            seen.append(message)
            problems.append(message.text)

    library = prepare_default_library(str(db))
    try:
        assert library.readonly and library.notice is not None
        app = ReaderApp(library, seed=3)
        async with app.run_test(size=WIDE, message_hook=hook) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            assert screen.articles.total == 30
            await pilot.press("j", "enter")
            await settle(pilot)
            assert screen.pane.view is not None and screen.pane.lines
            await pilot.press("s", "r")
            await settle(pilot)
            assert problems == [
                f"{db} was made by a newer reader; this one can read it but not change it, "
                "and nothing was changed (upgrade reader)"
            ]
            await pilot.press("q")
    finally:
        library.close()
    assert fingerprint(db) == before
