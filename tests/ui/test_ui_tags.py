"""Pilot tests of tags in the app: the Tags branch of the tree with its counts, editing an
article's tags with `t`, `tag:NAME` in the search box, and the related articles under an article.
Expected values come from the library."""

from __future__ import annotations

from pathlib import Path

from support.ui import WIDE, AppOpener

from reader.models import Change
from reader.store import Library
from reader.ui.screens.dialogs import Prompt
from reader.ui.state import Place
from reader.ui.tag_input import tags_text
from reader.ui.widgets.category_tree import counts_text


async def test_the_tags_branch_lists_each_tag_with_its_counts(
    open_app: AppOpener, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        tags = library.tags()
        last = tags[-1]
        listed = [s.id for s in library.page(last.scope, limit=500).items]
    assert tags
    async with open_app(WIDE) as ui:
        tree = ui.screen.categories
        assert tree.tags_node is not None and not tree.tags_node.is_expanded
        await ui.open_tags()
        assert [str(node.label) for node in tree.tags_node.children] == [
            f"#{t.name}{counts_text(t.total, t.unread).plain}" for t in tags
        ]
        await ui.press("G")
        assert [row.id for row in ui.rows()] == listed
        assert ui.list_caption() == f"#{last.name} · {last.total} articles · by date"
        await ui.press("r")
        article = ui.article()
        assert article is not None and article.id in listed


async def test_t_edits_the_tags_of_the_row_and_the_tree_follows(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(WIDE) as ui:
        row = ui.rows()[2]
        await ui.press("j", "j", "t")
        prompt = ui.app.screen
        assert isinstance(prompt, Prompt)
        assert prompt.query_one("#prompt-input").value == tags_text(row.tags)  # type: ignore[attr-defined]
        await ui.press(*" +新标签 ", "enter")
        with Library(lib_path) as library:
            stored = library.get(row.id)
            tag = library.find_tag("新标签")
        assert stored is not None and stored.tags == (*row.tags, "新标签")
        assert tag is not None and tag.total == 1
        assert ui.rows()[2].tags == stored.tags
        assert ui.tree_label(Place(tag.scope)) == f"#新标签{counts_text(1, tag.unread).plain}"
        change = ui.screen.changes[-1]
        assert isinstance(change, Change) and "新标签" in change.summary
        # The change can be taken back in this session like the library's other changes.
        ui.app.library.undo(change)
    with Library(lib_path) as library:
        back = library.get(row.id)
    assert back is not None and back.tags == row.tags


async def test_a_plain_list_replaces_the_open_articles_tags(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("enter")
        article = ui.article()
        assert article is not None and article.tags
        await ui.press("t", "ctrl+u", *"甲 乙", "enter")
        shown = ui.article()
        assert shown is not None and shown.tags == ("甲", "乙")
        assert any("#甲 #乙" in line for line in ui.page_text()[:6])
        with Library(lib_path) as library:
            stored = library.get(article.id)
            gone = [library.find_tag(t) for t in article.tags]
        assert stored is not None and stored.tags == ("甲", "乙")
        for tag, was in zip(gone, article.tags, strict=True):
            if tag is None:  # no article carries it now: its line went from the tree
                assert not any(
                    str(n.label).startswith(f"#{was} ")
                    for n in ui.screen.categories.tags_node.children  # type: ignore[union-attr]
                )


async def test_removing_the_listed_tag_takes_the_row_out(
    open_app: AppOpener, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        tag = max(library.tags(), key=lambda t: t.total)
        first = library.page(tag.scope, limit=1).items[0]
    assert tag.total >= 2
    async with open_app(WIDE) as ui:
        await ui.open_tags()
        await ui.choose_line(Place(tag.scope), enter=True)
        assert ui.rows()[0].id == first.id
        await ui.press("t", "ctrl+u", *f"-{tag.name}", "enter")
        assert first.id not in [row.id for row in ui.rows()]
        assert len(ui.rows()) == tag.total - 1


async def test_tag_search_keeps_the_articles_with_that_tag(
    open_app: AppOpener, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        tag = max(library.tags(), key=lambda t: t.total)
        tagged = {s.id for s in library.page(tag.scope, limit=500).items}
    async with open_app(WIDE) as ui:
        await ui.press("slash", *f"tag:{tag.name}")
        assert {row.id for row in ui.rows()} == tagged


async def test_related_articles_are_listed_under_the_article_and_opened_by_6_to_0(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("enter")
        article = ui.article()
        assert article is not None
        with Library(lib_path) as library:
            related = library.related(article.id, 5)
        assert len(related) == 5
        text = ui.page_text()
        start = text.index("Related articles") + 1
        assert text[start : start + 5] == [
            f"{key} {s.title}  {s.published[:10]}" for key, s in zip("67890", related, strict=True)
        ]
        assert text.index("Related articles") < text.index("Random articles")
        await ui.press("7")
        opened = ui.article()
        assert opened is not None and opened.id == related[1].id
        await ui.press("H")
        pane = ui.screen.pane
        await ui.press("G")
        line = next(n for n, ln in enumerate(pane.lines) if ln.content.plain.startswith("6 "))
        await ui.click(pane, line - round(pane.scroll_y))
        opened = ui.article()
        assert opened is not None and opened.id == related[0].id
