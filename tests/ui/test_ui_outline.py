"""Pilot tests of the reading pane's outline and meta line, and J/K: the outline lists every
heading of a long article (all its parts) and none carries its permalink; J and K step from the
article shown; the meta line labels the source and shows the time as `reader show` does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from support.ui import NARROW, UI, WIDE, AppOpener
from textual.notifications import Notify
from textual.widgets import OptionList

from reader.models import ArticleDraft
from reader.store import Library
from reader.text.outline import headings
from reader.ui.screens.outline import OutlineScreen

SECTION = "这是一段很长的文字，用来把文章撑到好几部分那么长。" * 40
PARTS_TITLE = "分成几部分的长文"
PERMALINK_TITLE = "带锚点的标题"
PERMALINK_BODY = """## [](https://blog.example.org/post/#%E5%BC%80%E5%A7%8B)开始

第一段。

## 结束语 [#](https://blog.example.org/post/#%E7%BB%93%E6%9D%9F%E8%AF%AD)

完。
"""


def add(lib_path: Path, draft: ArticleDraft, source: str = "tests") -> None:
    with Library(lib_path) as library:
        library.save([draft], source=source)


def outline_shown(ui: UI) -> list[str]:
    outline = ui.app.screen
    assert isinstance(outline, OutlineScreen)
    options = outline.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_outline_lists_every_part_and_jumps_into_another(
    open_app: AppOpener, lib_path: Path
) -> None:
    body = "\n\n".join(f"## 第{n}节\n\n{SECTION}" for n in range(1, 121))
    add(lib_path, ArticleDraft(title=PARTS_TITLE, body=body, published=datetime(2030, 1, 1)))
    wanted = [heading.text for heading in headings(body)]
    async with open_app(WIDE) as ui:
        await ui.open_titled(PARTS_TITLE)
        page = ui.screen.pane.page
        assert page is not None and page.parts > 1
        await ui.press("o")
        assert outline_shown(ui) == wanted
        await ui.press("end", "enter")
        page = ui.screen.pane.page
        assert page is not None and page.view.part == page.parts - 1
        top = round(ui.screen.pane.scroll_y)
        assert ui.page_text()[top + 1] == wanted[-1]
        await ui.press("o")
        options = ui.app.screen.query_one(OptionList)
        assert options.highlighted == len(wanted) - 1


async def test_headings_show_without_their_permalinks(open_app: AppOpener, lib_path: Path) -> None:
    add(lib_path, ArticleDraft(title=PERMALINK_TITLE, body=PERMALINK_BODY))
    async with open_app(NARROW) as ui:
        await ui.open_titled(PERMALINK_TITLE)
        text = ui.page_text()
        assert "开始" in text and "结束语" in text
        assert not any("⟨" in line or "#" in line for line in text)
        await ui.press("o")
        assert outline_shown(ui) == ["开始", "结束语"]


async def test_j_and_k_step_from_the_article_shown(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        rows = ui.rows()
        await ui.press("enter")  # the first article
        await ui.focus(ui.screen.articles)
        await ui.press("j", "j", "j")
        await ui.focus(ui.screen.pane)
        await ui.press("J")
        article = ui.article()
        assert article is not None and article.id == rows[1].id
        await ui.press("r")  # a random article of the list, its cursor left where it was
        shown = ui.article()
        assert shown is not None
        index = [row.id for row in rows].index(shown.id)
        step = "K" if index == len(rows) - 1 else "J"
        await ui.press(step)
        article = ui.article()
        expected = rows[index - 1 if step == "K" else index + 1]
        assert article is not None and article.id == expected.id


async def test_meta_line_labels_the_source_and_shows_seconds(
    open_app: AppOpener, lib_path: Path
) -> None:
    published = datetime(2030, 11, 13, 17, 49, 38)
    add(
        lib_path,
        ArticleDraft(title="无作者的笔记", body="正文。", published=published),
        source="notes/慢读.md",
    )
    async with open_app(WIDE) as ui:
        await ui.open_titled("无作者的笔记")
        meta = ui.page_text()[3]
        assert meta.startswith("2030-11-13 17:49:38 · ")
        assert "source: 慢读.md" in meta
        await ui.open_titled("Welcome to reader")
        meta = ui.page_text()[3]
        assert "The reader team" in meta
        assert "source: demo" in meta


async def test_a_tag_with_a_space_wraps_whole(open_app: AppOpener, lib_path: Path) -> None:
    tags = (
        "getting started",
        "深度 阅读",
        "long reads",
        "how to",
        "open source",
        "machine learning",
        "个人 知识 管理",
        "terminal apps",
        "x y",
    )
    add(
        lib_path,
        ArticleDraft(
            title="带空格的标签",
            body="正文。",
            published=datetime(2030, 11, 13, 17, 49, 38),
            tags=tags,
        ),
    )
    async with open_app(NARROW) as ui:
        await ui.open_titled("带空格的标签")
        meta = [line.replace("\u00a0", " ") for line in ui.page_text()[3:8]]
        for tag in tags:
            assert any(f"#{tag}" in line for line in meta), meta


async def test_a_long_article_without_headings_says_so(open_app: AppOpener, lib_path: Path) -> None:
    body = "\n\n".join([SECTION] * 150)
    add(lib_path, ArticleDraft(title=PARTS_TITLE, body=body, published=datetime(2030, 1, 1)))
    async with open_app(WIDE) as ui:
        await ui.open_titled(PARTS_TITLE)
        page = ui.screen.pane.page
        assert page is not None and page.parts > 1
        await ui.press("o")
        assert ui.app.screen is ui.screen
        said = [m.notification.message for m in ui.sent(Notify)]
        assert said == ["This article has no section headings."]
