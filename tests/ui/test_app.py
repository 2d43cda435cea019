"""Pilot tests of the app around the panes: help and the palette from the live bindings, the
user's keymap, quitting, and notices shown on start."""

from __future__ import annotations

from support.ui import NARROW, WIDE, AppOpener
from textual.notifications import Notify

from reader.paths import keymap_file
from reader.ui.commands import palette_commands
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.wrapped import Wrapped


async def test_help_is_generated_from_live_bindings(open_app: AppOpener) -> None:
    async with open_app(WIDE, keymap={"main.random": "x"}) as ui:
        await ui.press("question_mark")
        assert isinstance(ui.app.screen, HelpScreen)
        lines = ui.app.screen.query_one(Wrapped).render().plain.splitlines()
        random_line = next(line for line in lines if "Open a random article from the cur" in line)
        assert random_line.split()[0] == "x"
        assert any(line.split()[:1] == ["J"] and "next article" in line for line in lines)
        assert any(line.split()[:1] == ["?"] for line in lines)
        await ui.press("escape")
        assert isinstance(ui.app.screen, MainScreen)
        await ui.press("x")
        assert ui.article() is not None


async def test_palette_lists_every_action(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("enter")
        await ui.press("escape")
        assert ui.screen.focused is ui.screen.articles
        titles = {command.title for command in palette_commands(ui.app, ui.screen.sections())}
        wanted_titles = (
            "Random",
            "Random (all)",
            "Star",
            "Sort",
            "Unread",
            "Outline",
            "Next",
            "Help",
        )
        for wanted in wanted_titles:
            assert any(title.startswith(wanted) for title in titles), wanted


async def test_quit_key_exits(open_app: AppOpener) -> None:
    async with open_app(NARROW) as ui:
        await ui.pilot.press("q")
        await ui.pilot.pause()
        assert not ui.app.is_running


async def test_keymap_file_remaps_keys(open_app: AppOpener) -> None:
    path = keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('"main.random_all" = "z"\n"no.such" = "k"\n', encoding="utf-8")
    async with open_app(WIDE) as ui:
        warned = [m.notification for m in ui.sent(Notify)]
        assert len(warned) == 1 and warned[0].severity == "warning"
        assert "no.such" in warned[0].message and "\n" not in warned[0].message
        await ui.press("z")
        assert ui.article() is not None


async def test_warnings_about_sqlite_are_shown_in_the_app(open_app: AppOpener) -> None:
    async with open_app(WIDE, notices=["SQLite 3.40.1 has a known risk"]) as ui:
        shown = [(m.notification.title, m.notification.message) for m in ui.sent(Notify)]
        assert shown == [("SQLite", "SQLite 3.40.1 has a known risk")]
        assert [m.notification.severity for m in ui.sent(Notify)] == ["warning"]
