"""Pilot stories of starting the app: an empty library says how to fill it, and the theme and the
list's order each reader chose come back at the next start."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from support.library import make_drafts
from support.ui import NARROW, WIDE, AppOpener
from textual.notifications import Notify

from reader.store import Library
from reader.ui.config import Config


def drawn(ui: object) -> list[str]:
    """The lines the article list draws now."""
    articles = ui.screen.articles  # type: ignore[attr-defined]
    height = articles.scrollable_content_region.height
    return [articles.render_line(y).text.rstrip() for y in range(height)]


async def test_an_empty_library_says_what_to_do(open_app: AppOpener, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Library(path).close()
    async with open_app(NARROW, path=path) as ui:
        lines = [line.strip() for line in drawn(ui)]
        assert lines[1:9] == [
            "This library is empty. To fill it, from a shell:",
            "",
            "reader import FILE|FOLDER|URL",
            "files, folders, feeds, OPML lists, web pages",
            "reader feeds add URL",
            "subscribe to a feed (or press f here, then a)",
            "reader demo",
            "a few dozen articles to try the reader on",
        ]
        said = ui.screen.empty_text.plain
        assert f"This is not the default library: add --db {path} to each." in said
        # What is imported elsewhere replaces the advice at once.
        with Library(path) as other:
            other.save(make_drafts(3))
        await ui.wait_until(lambda: len(ui.rows()) == 3, "the articles")
        assert "This library is empty" not in "\n".join(drawn(ui))


async def test_the_default_library_needs_no_db_option(
    open_app: AppOpener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "default.db"
    monkeypatch.setenv("READER_DB", str(path))
    Library(path).close()
    async with open_app(WIDE, path=path) as ui:
        text = "\n".join(drawn(ui))
        assert "reader import FILE|FOLDER|URL" in text and "--db" not in text
        assert "What is imported shows up here at once." in text


async def test_an_emptied_category_and_filter_say_so(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("A", "a")  # everything read
        await ui.wait_until(lambda: all(r.read for r in ui.rows()), "the marks")
        await ui.press("u")
        assert ui.rows() == []
        assert drawn(ui)[1].strip() == "No unread articles here: u shows them all."


async def test_theme_and_order_come_back_for_each_reader(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_USER", "alice")
    async with open_app(WIDE) as ui:
        assert ui.app.theme == "textual-dark"
        ui.app.theme = "nord"  # what the palette's theme picker does
        await ui.press("S")
        assert ui.list_caption().endswith("by views")
    async with open_app(WIDE) as ui:
        assert ui.app.theme == "nord"
        assert ui.list_caption().endswith("by views")
    monkeypatch.setenv("READER_USER", "bob")
    async with open_app(WIDE, config=Config(theme="gruvbox")) as ui:
        assert ui.app.theme == "gruvbox"  # bob chose none: the config's
        assert ui.list_caption().endswith("by date")
    monkeypatch.setenv("READER_USER", "alice")
    async with open_app(WIDE, config=Config(theme="gruvbox")) as ui:
        assert ui.app.theme == "nord"  # alice's own choice wins


async def test_a_theme_that_does_not_exist_is_one_line(open_app: AppOpener) -> None:
    async with open_app(WIDE, config=Config(theme="no-such-theme")) as ui:
        assert ui.app.theme == "textual-dark"
        said = [m.notification.message for m in ui.sent(Notify)]
        assert said == [
            "config.toml: there is no theme called 'no-such-theme' (Ctrl+P, then Theme, lists them)"
        ]


async def test_what_the_start_built_is_kept_from_the_collector_while_the_app_runs(
    open_app: AppOpener,
) -> None:
    async with open_app(WIDE) as ui:
        await ui.settle()
        # Out of the full collections that would walk it all again and again.
        assert gc.get_freeze_count() > 10_000
        frozen = gc.get_freeze_count()
        await ui.press("enter")  # what a key builds later stays collectable
        assert gc.get_freeze_count() <= frozen  # some of it freed as ever
    assert gc.get_freeze_count() == 0
