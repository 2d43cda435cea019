"""Pilot tests: every action of the app, driven by keys and clicks, awaiting workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ui import (
    HOSTILE_CATEGORY,
    HOSTILE_TITLE,
    LINK,
    LINKED_TITLE,
    main_screen,
    make_app,
    settle,
)
from textual.content import Content
from textual.widgets import Static

from reader.models import ROOT_SCOPE
from reader.store import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.outline import OutlineScreen
from reader.ui.targets import OpenArticle

WIDE = (160, 48)
NARROW = (80, 24)


def find(lib_path: Path, title: str) -> int:
    with Library(lib_path) as library:
        page = library.page(ROOT_SCOPE, limit=1000)
    return next(item.id for item in page.items if item.title == title)


async def test_three_panes_fill_on_start(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        with Library(lib_path) as library:
            total, unread = library.counts()
            top_level = [c for c in library.categories() if c.depth == 0]
        assert screen.articles.total == total == 40
        assert str(screen.categories.root.label).startswith(f"All articles {unread}/{total}")
        assert len(screen.categories.root.children) == len(top_level)
        first = screen.articles.row(0)
        assert first is not None and first.title == "Welcome to reader"
        assert screen.pane.region.width > 0 and screen.categories.region.width > 0
        assert screen.focused is screen.articles


async def test_enter_opens_counts_a_view_and_marks_read(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        opened = screen.articles.row(1)
        assert opened is not None
        view = screen.pane.view
        assert view is not None and view.article.id == opened.id
        assert screen.focused is screen.pane
        assert opened.read
    with Library(lib_path) as library:
        article = library.get(opened.id)
        assert article is not None and article.read and article.views == opened.views


async def test_reading_pane_shows_breadcrumb_meta_body_and_random_block(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        view = screen.pane.view
        assert view is not None
        text = [line.content.plain for line in screen.pane.lines]
        article = view.article
        assert text[0].startswith("Home › " + " › ".join(article.category))
        assert any(article.title in line for line in text[:4])
        assert any(article.published[:10] in line and "view" in line for line in text[:6])
        assert "Random articles" in text
        assert len(view.related) == 5 and article.id not in {r.id for r in view.related}
        shown = text[text.index("Random articles") + 1 :]
        assert all(any(r.title in line for line in shown) for r in view.related)


async def test_number_keys_and_clicks_open_random_block_articles(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        view = screen.pane.view
        assert view is not None
        third = view.related[2].id
        await pilot.press("3")
        await settle(pilot)
        now = screen.pane.view
        assert now is not None and now.article.id == third
        target = next(n for n, line in enumerate(screen.pane.lines) if line.target)
        wanted = screen.pane.lines[target].target
        screen.pane.scroll_to_line(target)
        await pilot.pause()
        top = screen.pane.content_region.y - screen.pane.region.y
        row = target - round(screen.pane.scroll_y) + top
        await pilot.click(screen.pane, offset=(6, row))
        await settle(pilot)
        clicked = screen.pane.view
        assert clicked is not None and OpenArticle(clicked.article.id) == wanted


async def test_random_covers_scope_without_repeats(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        with Library(lib_path) as library:
            scope = library.find_category(("测试",))
            assert scope is not None
        screen.categories.show_scope(scope.id)
        screen.listing = screen.listing.__class__(scope.id, "published", False)
        await settle(pilot)
        seen = []
        for _ in range(scope.total):
            await pilot.press("r")
            await settle(pilot)
            view = screen.pane.view
            assert view is not None
            assert view.article.category[0] == "测试"
            seen.append(view.article.id)
        assert len(set(seen)) == scope.total


async def test_random_all_and_history_back_forward(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        opened = []
        for _ in range(3):
            await pilot.press("R")
            await settle(pilot)
            view = screen.pane.view
            assert view is not None
            opened.append(view.article.id)
        assert len(set(opened)) == 3
        await pilot.press("H")
        await settle(pilot)
        assert screen.pane.view is not None and screen.pane.view.article.id == opened[1]
        await pilot.press("H")
        await settle(pilot)
        assert screen.pane.view is not None and screen.pane.view.article.id == opened[0]
        await pilot.press("L")
        await settle(pilot)
        assert screen.pane.view is not None and screen.pane.view.article.id == opened[1]


async def test_next_and_previous_article_from_the_reading_pane(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        second = screen.articles.row(1)
        await pilot.press("J")
        await settle(pilot)
        assert second is not None and screen.pane.view is not None
        assert screen.pane.view.article.id == second.id
        assert screen.focused is screen.pane and screen.articles.cursor == 1
        await pilot.press("K")
        await settle(pilot)
        first = screen.articles.row(0)
        assert first is not None and screen.pane.view.article.id == first.id


async def test_outline_jumps_to_a_heading(lib_path: Path) -> None:
    app = make_app(lib_path)
    long_id = find(lib_path, "很长的文章")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen._open(long_id, count=True, focus=True)
        await settle(pilot)
        headings = screen.pane.headings()
        assert [text for _, text, _ in headings][:2] == ["第1节是什么？", "第2节是什么？"]
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OutlineScreen)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert round(screen.pane.scroll_y) == max(0, headings[3][2] - 1)


async def test_reading_position_is_remembered(lib_path: Path) -> None:
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
        await pilot.press("R")
        await settle(pilot)
    with Library(lib_path) as library:
        article = library.get(long_id)
        assert article is not None and article.progress == pytest.approx(progress, abs=0.01)
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen._open(long_id, count=False, focus=True)
        await settle(pilot)
        assert screen.pane.progress == pytest.approx(progress, abs=0.05)


async def test_star_and_mark_read_from_list_and_pane(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        first = screen.articles.row(0)
        assert first is not None and not first.starred and not first.read
        await pilot.press("s", "m")
        await settle(pilot)
        row = screen.articles.row(0)
        assert row is not None and row.starred and row.read
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert screen.pane.view is not None and not screen.pane.view.article.starred
    with Library(lib_path) as library:
        stored = library.get(first.id)
        assert stored is not None and not stored.starred and stored.read


async def test_unread_filter_and_sort(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen.listing.unread_only and screen.articles.total == 39
        assert "39 unread" in str(screen.articles.border_subtitle)
        await pilot.press("u", "S")
        await settle(pilot)
        assert screen.listing.sort == "views" and screen.articles.total == 40
        views = [r.views for r in (screen.articles.row(i) for i in range(10)) if r]
        assert views == sorted(views, reverse=True)
        await pilot.press("S")
        await settle(pilot)
        titles = [r.title.casefold() for r in (screen.articles.row(i) for i in range(10)) if r]
        assert titles == sorted(titles)


async def test_copy_link_uses_the_clipboard(lib_path: Path) -> None:
    app = make_app(lib_path)
    linked = find(lib_path, LINKED_TITLE)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter", "y")
        await settle(pilot)
        assert app.clipboard == ""
        screen._open(linked, count=False, focus=True)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == LINK


async def test_category_tree_scopes_the_list(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("shift+tab")
        assert screen.focused is screen.categories
        await pilot.press("j", "j")
        await settle(pilot)
        node = screen.categories.cursor_node
        assert node is not None and node.data is not None
        with Library(lib_path) as library:
            category = library.category(node.data)
        assert category is not None
        assert screen.listing.scope == category.id
        assert screen.articles.total == category.total
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is screen.articles
        await pilot.press("tab")
        assert screen.focused is screen.pane
        await pilot.press("escape")
        assert screen.focused is screen.articles
        await pilot.press("escape")
        assert screen.focused is screen.categories


async def test_list_keys_move_the_cursor(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("G")
        assert screen.articles.cursor == 39
        await pilot.press("g", "ctrl+d")
        assert screen.articles.cursor > 1
        await pilot.press("k", "pagedown")
        assert screen.articles.cursor > 10
        await pilot.press("g", "down", "down", "up")
        assert screen.articles.cursor == 1


async def test_narrow_terminal_flows_between_list_and_article(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.pane.region.width == 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pane.region.width == 80
        assert screen.articles.region.width == 0
        await pilot.press("escape")
        await settle(pilot)
        assert screen.pane.region.width == 0 and screen.articles.region.width > 0
        assert screen.focused is screen.articles


async def test_a_terminal_that_narrows_shows_the_pane_that_had_focus(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")  # an article, with the focus in the reading pane
        await settle(pilot)
        assert screen.focused is screen.pane
        await pilot.press("shift+tab")  # back to the list, the article still shown beside it
        await settle(pilot)
        assert screen.focused is screen.articles and screen.pane.view is not None
        await pilot.resize_terminal(*NARROW)
        await settle(pilot)
        assert screen.articles.region.width > 0 and screen.pane.region.width == 0
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert screen.focused is screen.pane
        await pilot.resize_terminal(*NARROW)
        await settle(pilot)
        assert screen.pane.region.width == NARROW[0] and screen.articles.region.width == 0
        # Below 60 columns one pane shows at a time: the tree, if it had focus.
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        screen.set_focus(screen.categories)
        await settle(pilot)
        await pilot.resize_terminal(50, 20)
        await settle(pilot)
        assert screen.categories.region.width == 50 and screen.articles.region.width == 0
        await pilot.press("enter")  # a category: its list, at the whole width
        await settle(pilot)
        assert screen.focused is screen.articles and screen.articles.region.width == 50


async def test_help_is_generated_from_live_bindings(lib_path: Path) -> None:
    app = ReaderApp(Library(lib_path), seed=7, keymap={"main.random": "x"})
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Static).render()
        lines = str(text).splitlines()
        random_line = next(line for line in lines if "Open a random article from the cur" in line)
        assert random_line.split()[0] == "x"
        assert any(line.split()[:1] == ["J"] and "next article" in line for line in lines)
        assert any(line.split()[:1] == ["?"] for line in lines)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("x")
        await settle(pilot)
        assert main_screen(app).pane.view is not None


async def test_palette_lists_every_action(lib_path: Path) -> None:
    from reader.ui.commands import palette_commands

    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        assert screen.focused is screen.articles
        titles = {command.title for command in palette_commands(app, screen.sections())}
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


async def test_hostile_title_is_text_and_click_runs_nothing(lib_path: Path) -> None:
    hostile = find(lib_path, HOSTILE_TITLE)
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen._open(hostile, count=True, focus=True)
        await settle(pilot)
        text = [line.content.plain for line in screen.pane.lines]
        assert any(HOSTILE_TITLE in line for line in text)
        assert any("[@click=app.quit]markup[/]" in line for line in text)
        for row in range(6):
            await pilot.click(screen.pane, offset=(10, row))
            await pilot.click(screen.pane, offset=(3, row))
        await settle(pilot)
        assert app.is_running
        border = screen.pane._border_title
        assert isinstance(border, Content) and border.plain == f"测试 › {HOSTILE_CATEGORY}"
        assert screen.articles.row(0) is not None
    assert app.return_code is None


async def test_last_category_and_article_are_restored(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("shift+tab", "j", "j", "enter")
        await settle(pilot)
        scope = screen.listing.scope
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.pane.view is not None
        opened = screen.pane.view.article.id
        await pilot.press("q")
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.listing.scope == scope
        assert screen.pane.view is not None and screen.pane.view.article.id == opened


async def test_quit_key_exits(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_keymap_file_remaps_keys(lib_path: Path, tmp_path: Path) -> None:
    from reader.paths import keymap_file

    path = keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('"main.random_all" = "z"\n"no.such" = "k"\n', encoding="utf-8")
    app = ReaderApp(Library(lib_path), seed=7)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.keymap_problem is not None and "no.such" in app.keymap_problem
        await pilot.press("z")
        await settle(pilot)
        assert main_screen(app).pane.view is not None


def test_unreadable_keymap_is_one_line_and_ignored(tmp_path: Path) -> None:
    from reader.ui.keymap import load_keymap

    path = tmp_path / "keymap.toml"
    path.write_text("this is = = not toml", encoding="utf-8")
    keymap, problem = load_keymap(path)
    assert keymap == {} and problem is not None and "\n" not in problem
    assert load_keymap(tmp_path / "missing.toml") == ({}, None)


async def test_open_link_only_on_request_and_only_web_links(
    lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(lib_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
    linked = find(lib_path, LINKED_TITLE)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter", "O")
        await settle(pilot)
        assert opened == []
        screen._open(linked, count=False, focus=True)
        await settle(pilot)
        assert opened == []
        await pilot.press("O")
        await settle(pilot)
        assert opened == [LINK]


async def test_clicking_a_list_row_opens_it(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        top = screen.articles.content_region.y - screen.articles.region.y
        await pilot.click(screen.articles, offset=(8, top + 3))
        await settle(pilot)
        fourth = screen.articles.row(3)
        assert fourth is not None and screen.pane.view is not None
        assert screen.pane.view.article.id == fourth.id


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "-oProxyCommand=x",
        "https://exa mple.org/",
        "https://example.org/\x1b]52;c;x\x07",
        "ftp://example.org/",
        "https://",
    ],
)
def test_unsafe_links_are_never_copied_or_opened(url: str) -> None:
    from reader.text.urls import web_link

    assert web_link(url) is None


def test_web_links_pass() -> None:
    from reader.text.urls import web_link

    assert web_link("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert web_link("HTTP://Example.org/") == "HTTP://Example.org/"


async def test_tiny_terminal_shows_one_pane_at_a_time(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.articles.region.width == 40 and screen.categories.region.width == 0
        await pilot.press("escape")
        await settle(pilot)
        assert screen.focused is screen.categories and screen.categories.region.width == 40
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.focused is screen.articles and screen.articles.region.width == 40
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pane.region.width == 40 and screen.pane.view is not None
        await pilot.press("escape")
        await settle(pilot)
        assert screen.focused is screen.articles and screen.pane.region.width == 0


async def test_jumping_to_the_end_of_a_long_list_reads_it_from_the_end(tmp_path: Path) -> None:
    from support.library import make_drafts

    path = tmp_path / "long.db"
    with Library(path) as library:
        library.save(make_drafts(450), source="long")
        oldest = library.page(limit=1000).items[-5:]
    app = make_app(path)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("G")
        await settle(pilot)
        assert screen.articles.cursor == 449
        shown = [screen.articles.row(i) for i in range(445, 450)]
        assert [row.id for row in shown if row] == [item.id for item in oldest]
        await pilot.press("k", "enter")
        await settle(pilot)
        assert screen.pane.view is not None and screen.pane.view.article.id == oldest[-2].id


async def test_warnings_about_sqlite_are_shown_in_the_app(lib_path: Path) -> None:
    app = ReaderApp(Library(lib_path), seed=7, notices=["SQLite 3.40.1 has a known risk"])
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        shown = [(n.title, n.message, n.severity) for n in app._notifications]
        assert shown == [("SQLite", "SQLite 3.40.1 has a known risk", "warning")]
