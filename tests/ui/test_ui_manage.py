"""Pilot stories of tidying the library from the app: selecting and deleting articles, deleting,
renaming, moving and merging categories, marking read in bulk, and taking each change back.

Expected values come from the library itself (read with a second `Library`), never from the
screen alone; every change is checked on disk, then undone and checked again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.ui import NARROW, WIDE, AppOpener
from textual.notifications import Notify
from textual.widgets import Input, OptionList

from reader.models import ROOT_SCOPE, ArticleDraft
from reader.store import Library, LibraryError, changes, reorganise
from reader.text.i18n import later
from reader.ui.screens.choosing import CategoryPicker, Choose
from reader.ui.screens.dialogs import Confirm, Prompt
from reader.ui.state import Place


def told(ui: object) -> list[str]:
    """The notifications shown so far, oldest first."""
    return [m.notification.message for m in ui.sent(Notify)]  # type: ignore[attr-defined]


def tree_ids(path: Path) -> dict[tuple[str, ...], int]:
    with Library(path) as library:
        return {c.path: c.id for c in library.categories()}


def counts(path: Path, scope: int = ROOT_SCOPE) -> tuple[int, int]:
    with Library(path) as library:
        return library.counts(scope)


async def test_select_delete_and_undo(open_app: AppOpener, lib_path: Path) -> None:
    total, _ = counts(lib_path)
    async with open_app(WIDE) as ui:
        rows = ui.rows()
        await ui.press("v", "v", "j")
        assert ui.screen.selection == {rows[0].id, rows[1].id}
        await ui.press("v", "k")
        assert ui.screen.selection == {rows[0].id, rows[1].id, rows[3].id}
        await ui.press("V")
        assert ui.screen.selection == set()
        await ui.press("g", "v", "v", "d")
        confirm = ui.app.screen
        assert isinstance(confirm, Confirm)
        assert confirm.question.plain == "Delete the 2 selected articles for everyone?"
        await ui.press("n")
        assert counts(lib_path)[0] == total and ui.screen.selection
        await ui.press("d", "y")
        await ui.wait_until(lambda: len(ui.rows()) == total - 2, "the rows to go")
        assert counts(lib_path)[0] == total - 2
        assert told(ui)[-1] == "Deleted 2 articles"
        assert ui.screen.selection == set() and ui.titles()[0] == rows[2].title
        assert ui.cursor_row() == rows[2]
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: len(ui.rows()) == total, "the rows to come back")
        assert told(ui)[-1] == "Undone: Deleted 2 articles"
        assert [r.id for r in ui.rows()] == [r.id for r in rows]
        # The cursor stayed on its article while the rows came back above it.
        assert ui.cursor_row() == rows[2]
        assert ui.footer().get("Undo") is None  # nothing left to undo: not offered


async def test_a_delete_cut_short_can_be_undone(
    open_app: AppOpener, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "STEP_ARTICLES", 1)
    monkeypatch.setattr(changes, "STEP_PAUSE_S", 0)
    steps = []
    delete_articles = reorganise.delete_articles

    def failing_second(conn: object, journal: object, ids: list[int]) -> int:
        steps.append(ids)
        if len(steps) == 2:
            raise LibraryError(later("the disk is full"))
        return delete_articles(conn, journal, ids)  # type: ignore[arg-type]

    monkeypatch.setattr(reorganise, "delete_articles", failing_second)
    total, _ = counts(lib_path)
    async with open_app(WIDE) as ui:
        await ui.press("v", "v", "d", "y")
        await ui.wait_until(lambda: len(ui.rows()) == total - 1, "the first step's row to go")
        await ui.wait_until(lambda: "the disk is full" in " ".join(told(ui)), "the problem told")
        assert counts(lib_path)[0] == total - 1
        assert ui.footer().get("Undo") is not None
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: counts(lib_path)[0] == total, "the article to come back")


async def test_one_article_goes_without_a_question(open_app: AppOpener, lib_path: Path) -> None:
    total, _ = counts(lib_path)
    async with open_app(WIDE) as ui:
        article = await ui.open_titled(ui.titles()[3])
        await ui.press("d")
        await ui.wait_until(lambda: counts(lib_path)[0] == total - 1, "the article to go")
        assert told(ui)[-1] == f"Deleted “{article.title}”"
        assert article.id not in {r.id for r in ui.rows()}
        assert ui.article() == article  # what is being read stays on screen
        await ui.press("U")
        await ui.wait_until(lambda: counts(lib_path)[0] == total, "the article to come back")


async def test_delete_in_the_tree_is_for_categories_only(
    open_app: AppOpener, lib_path: Path
) -> None:
    total, _ = counts(lib_path)
    async with open_app(WIDE) as ui:
        await ui.open_titled(ui.titles()[0])
        await ui.focus(ui.screen.categories)
        await ui.press("g", "d")  # All articles: not a category to delete
        assert ui.app.screen is ui.screen and counts(lib_path)[0] == total
        assert ui.article() is not None


async def test_delete_a_category_says_what_goes(open_app: AppOpener, lib_path: Path) -> None:
    ids = tree_ids(lib_path)
    with Library(lib_path) as library:
        culture = library.category(ids[("文化",)])
        inside = [c for c in library.categories() if c.path[:1] == ("文化",)]
    assert culture is not None
    total, _ = counts(lib_path)
    async with open_app(WIDE) as ui:
        await ui.choose_category("文化", enter=False)
        await ui.press("d")
        confirm = ui.app.screen
        assert isinstance(confirm, Confirm)
        assert confirm.question.plain == (
            f"Delete 文化, its {len(inside) - 1} subcategories and their {culture.total} "
            "articles for everyone?"
        )
        await ui.press("y")
        await ui.wait_until(lambda: not ui.screen.categories.has_scope(culture.id), "the tree")
        assert ("文化",) not in tree_ids(lib_path)
        assert counts(lib_path)[0] == total - culture.total
        assert told(ui)[-1] == f"Deleted 文化 and its {culture.total} articles"
        # The list showed 文化: it gives way to All articles.
        assert ui.list_caption().startswith("All articles")
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: ui.screen.categories.has_scope(culture.id), "its return")
        assert counts(lib_path)[0] == total


async def test_rename_move_and_merge_categories(open_app: AppOpener, lib_path: Path) -> None:
    ids = tree_ids(lib_path)
    life, travel, food = ids[("生活",)], ids[("生活", "旅行")], ids[("生活", "饮食")]
    async with open_app(WIDE) as ui:
        await ui.choose_category("生活", enter=False)
        await ui.press("e")
        prompt = ui.app.screen
        assert isinstance(prompt, Prompt)
        await ui.press("ctrl+u", *"Life", "enter")
        await ui.wait_until(lambda: ("Life",) in tree_ids(lib_path), "the new name")
        assert told(ui)[-1] == "Renamed 生活 to Life"
        await ui.wait_until(lambda: ui.list_caption().startswith("Life"), "the list's title")
        # Move 旅行 to the top level: the picker offers it, filtered by what is typed.
        await ui.press("l", "j")
        assert ui.screen.categories.cursor_node.data == Place(travel)  # type: ignore[union-attr]
        await ui.press("M")
        picker = ui.app.screen
        assert isinstance(picker, CategoryPicker)
        shown = picker.query_one(OptionList)
        assert shown.option_count > 3
        await ui.press(*"top")
        assert shown.option_count == 1
        await ui.press("enter")
        await ui.wait_until(lambda: ("旅行",) in tree_ids(lib_path), "the move")
        assert told(ui)[-1] == "Moved 旅行 to the top level"
        # The cursor stays on the moved category, wherever it went.
        await ui.wait_until(
            lambda: ui.screen.categories.cursor_node.data == Place(travel),  # type: ignore[union-attr]
            "the tree's cursor to follow it",
        )
        # Merge 旅行 into 饮食, picked by typing part of its path.
        await ui.press("I")
        picker = ui.app.screen
        assert isinstance(picker, CategoryPicker)
        await ui.press(*"饮食", "enter")
        await ui.wait_until(lambda: ("旅行",) not in tree_ids(lib_path), "the merge")
        assert told(ui)[-1].startswith("Merged 旅行 into Life/饮食")
        # Three undos, newest first, bring back the names and places.
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: ("旅行",) in tree_ids(lib_path), "the merge undone")
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: ("Life", "旅行") in tree_ids(lib_path), "the move undone")
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: tree_ids(lib_path) == ids, "the rename undone")
        assert told(ui)[-1] == "Undone: Renamed 生活 to Life"
        assert {life, food} <= set(tree_ids(lib_path).values())


async def test_mark_read_in_bulk(open_app: AppOpener, lib_path: Path) -> None:
    ids = tree_ids(lib_path)
    tech = ids[("科技",)]
    with Library(lib_path) as library:
        recent = datetime.now() - timedelta(days=2)
        library.save(
            [ArticleDraft(title="最近的文章", body="新", category=("科技",), published=recent)]
        )
    total, unread = counts(lib_path, tech)
    async with open_app(WIDE) as ui:
        await ui.choose_category("科技")
        await ui.press("A")
        menu = ui.app.screen
        assert isinstance(menu, Choose)
        first = menu.query_one(OptionList).get_option_at_index(0).prompt
        assert str(first) == f"a  all {total} articles of 科技 ({unread} unread)"
        await ui.press("w")  # those published more than a week ago: all but the recent one
        await ui.wait_until(
            lambda: [r.title for r in ui.rows() if not r.read] == ["最近的文章"], "the marks"
        )
        assert counts(lib_path, tech)[1] == 1
        assert told(ui)[-1] == f"Marked {unread - 1} articles read"
        # The reverse: everything before a date typed in, marked unread again.
        await ui.press("A", "u")
        assert isinstance(ui.app.screen, Choose)
        await ui.press("d")
        assert isinstance(ui.app.screen, Prompt)
        await ui.press(*"2100-01-01", "enter")
        await ui.wait_until(lambda: counts(lib_path, tech)[1] == total, "every mark gone")
        # A date that is not one is said in one line, and nothing changes.
        await ui.press("A", "d", *"next week", "enter")
        assert told(ui)[-1] == "Not a date: next week (write 2024-11-13 or 2024-11-13T17:49)"
        await ui.press("ctrl+z", "ctrl+z")
        await ui.wait_until(lambda: counts(lib_path, tech)[1] == unread, "both undone")


async def test_mark_the_search_results_read(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        found = {hit.summary.id for hit in library.search("茶", limit=500)}
    assert found
    async with open_app(WIDE) as ui:
        await ui.press("slash", *"茶", "enter")
        await ui.wait_until(lambda: len(ui.rows()) == len(found), "the results")
        await ui.press("A")
        menu = ui.app.screen
        assert isinstance(menu, Choose)
        first = menu.query_one(OptionList).get_option_at_index(0).prompt
        assert str(first) == "a  all the results of 茶 in All articles"
        await ui.press("a")
        await ui.wait_until(lambda: all(r.read for r in ui.rows()), "the results read")
        with Library(lib_path) as library:
            read = {s.id for s in library.summaries(sorted(found)) if s.read}
            others = [s for s in library.page(limit=500).items if s.id not in found]
        assert read == found and not any(s.read for s in others)


async def test_nothing_to_change_in_a_read_only_library(
    open_app: AppOpener, lib_path: Path
) -> None:
    lib_path.chmod(0o444)
    try:
        async with open_app(NARROW) as ui:
            await ui.press("d")
            assert counts(lib_path)[0] == len(ui.rows())
            await ui.press("shift+tab", "j", "e", "M")
            assert ui.app.screen is ui.screen  # no prompt, no picker
    finally:
        lib_path.chmod(0o644)


async def test_the_picker_and_menus_show_hostile_names_as_text(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(WIDE) as ui:
        await ui.choose_category("科技", enter=False)
        await ui.press("M")
        picker = ui.app.screen
        assert isinstance(picker, CategoryPicker)
        await ui.press(*"敌意")
        shown = picker.query_one(OptionList).get_option_at_index(0).prompt
        assert "[@click=app.quit]" in str(shown)
        assert isinstance(picker.query_one(Input), Input)
        await ui.press("escape")
        assert ui.app.screen is ui.screen
