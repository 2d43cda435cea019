"""However the app ends, the reader's place is kept: `q`, or an exit the app did not ask for
(a browser tab closed under `reader serve`, SIGTERM), both of which end it through `App.exit`."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ui import main_screen, make_app, settle

from reader.models import ROOT_SCOPE
from reader.store import Library

WIDE = (160, 48)


def find(lib_path: Path, title: str) -> int:
    with Library(lib_path) as library:
        page = library.page(ROOT_SCOPE, limit=1000)
    return next(item.id for item in page.items if item.title == title)


@pytest.mark.parametrize("how", ["q", "exit"])
async def test_the_reading_position_survives_any_exit(lib_path: Path, how: str) -> None:
    long_id = find(lib_path, "很长的文章")
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen._open(long_id, count=True, focus=True)
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        progress = screen.pane.progress
        assert progress > 0
        if how == "q":
            await pilot.press("q")
        else:
            app.exit()
        await pilot.pause()
    with Library(lib_path) as library:
        article = library.get(long_id)
        assert article is not None and article.progress == pytest.approx(progress, abs=0.01)
