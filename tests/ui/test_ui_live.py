"""Pilot stories of an open app while someone else changes the library (here a second `Library`
on the same file, as another program would): counts, tree and list follow, the cursor stays on
its article and the article being read stays as it was."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from support.library import make_drafts
from support.ui import NARROW, WIDE, AppOpener

from reader.models import ROOT_SCOPE, ArticleDraft
from reader.store import Library
from reader.ui.state import Place


def newest(count: int, category: tuple[str, ...], title: str) -> list[ArticleDraft]:
    """`count` articles newer than any of the test library's."""
    now = datetime.now()
    return [
        ArticleDraft(
            title=f"{title} {n}",
            body=f"新的文章 {n}",
            category=category,
            published=now - timedelta(minutes=n),
        )
        for n in range(count)
    ]


async def test_an_import_elsewhere_shows_up_with_the_cursor_kept(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(NARROW) as ui:
        screen = ui.screen
        article = await ui.open_titled(ui.titles()[5])
        await ui.press("j", "escape")  # scroll the article a line, back to the list
        assert ui.cursor_row() is not None and ui.cursor_row().id == article.id  # type: ignore[union-attr]
        line = screen.articles.cursor - round(screen.articles.scroll_y)
        page_before, progress = ui.page_text(), screen.pane.progress
        with Library(lib_path) as other:
            other.save(newest(30, ("科技", "新闻"), "外来的文章"))
            total, unread = other.counts()
            news = other.find_category(("科技", "新闻"))
        assert news is not None
        await ui.wait_until(
            lambda: ui.tree_label(Place()) == f"All articles {unread:,}/{total:,}",
            "the counts",
        )
        await ui.wait_until(lambda: len(ui.rows()) == total, "the list")
        assert ui.titles()[:3] == ["外来的文章 0", "外来的文章 1", "外来的文章 2"]
        # The cursor is on the same article, on the same line of the pane.
        assert ui.cursor_row().id == article.id  # type: ignore[union-attr]
        assert screen.articles.cursor == 5 + 30
        assert screen.articles.cursor - round(screen.articles.scroll_y) == line
        # The new category is in the tree; the article being read did not move.
        assert screen.categories.has_scope(news.id)
        assert ui.article() == article and ui.page_text() == page_before
        assert screen.pane.progress == progress
        assert ui.list_caption() == f"All articles · {total:,} articles · by date"


async def test_the_tree_follows_new_renamed_and_removed_categories(
    open_app: AppOpener, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        ids = {c.path: c.id for c in library.categories()}
    asia = ids[("生活", "旅行", "亚洲")]
    async with open_app(WIDE) as ui:
        tree = ui.screen.categories
        await ui.choose_category("生活")
        assert ui.list_caption().startswith("生活 ·")
        with Library(lib_path) as other:
            other.save(make_drafts(3, category=("新来的",)))
            other.rename_category(ids[("生活",)], "日常")
            other.delete_category(ids[("文化",)])
        await ui.wait_until(lambda: not tree.has_scope(ids[("文化",)]), "文化 to go")
        await ui.wait_until(lambda: ui.list_caption().startswith("日常 ·"), "the new name")
        labels = [str(node.label) for node in ui.top_level()]
        assert any(label.startswith("新来的 ") for label in labels)
        assert any(label.startswith("日常 ") for label in labels)
        assert tree.cursor_node is not None and tree.cursor_node.data == Place(ids[("生活",)])
        # The category shown is removed elsewhere: the list shows its parent instead.
        await ui.press("shift+tab", "l", "j", "l", "j")
        assert tree.cursor_node is not None and tree.cursor_node.data == Place(asia)
        assert ui.list_caption().startswith("亚洲 ·")
        with Library(lib_path) as other:
            other.delete_category(asia)
        await ui.wait_until(lambda: ui.list_caption().startswith("旅行 ·"), "the parent")
        assert tree.cursor_node is not None and tree.cursor_node.data == Place(
            ids[("生活", "旅行")]
        )


async def test_search_results_and_unread_lists_follow(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        hits = [h.summary for h in library.search("茶", limit=50)]
    assert len(hits) >= 3
    async with open_app(WIDE) as ui:
        await ui.press("slash", *"茶", "enter")
        await ui.wait_until(lambda: len(ui.rows()) == len(hits), "the results")
        await ui.press("j", "j")
        kept = ui.cursor_row()
        assert kept == hits[2]
        with Library(lib_path) as other:
            other.delete([hits[0].id])
        await ui.wait_until(lambda: len(ui.rows()) == len(hits) - 1, "the results to shrink")
        assert ui.cursor_row() == kept and ui.screen.articles.cursor == 1
        await ui.press("escape", "u")
        assert ui.list_caption().startswith("All articles ·") and "unread" in ui.list_caption()
        rows = ui.rows()
        await ui.press("j", "j", "j")
        under = ui.cursor_row()
        assert under == rows[3]
        # Read elsewhere by the same reader: read rows leave the unread list.
        with Library(lib_path) as other:
            other.mark_read(ids=[rows[0].id, rows[3].id])
        await ui.wait_until(lambda: len(ui.rows()) == len(rows) - 2, "the read rows to go")
        assert ui.screen.articles.cursor == 2 and ui.cursor_row() == rows[4]
        # Read by someone else: nothing changes for this reader.
        with Library(lib_path, user="someone-else") as other:
            other.mark_read(scope=ROOT_SCOPE)
        with Library(lib_path) as mine:
            assert mine.counts()[1] == len(rows) - 2
