"""Pilot stories of feeds in the app: refreshing from a key (all feeds or a category's) with the
progress shown while the app goes on answering keys, refreshing every so many minutes, and the
feeds screen that lists, adds and removes subscriptions. Feeds are served from 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.server import LocalServer, running_server
from support.ui import WIDE, AppOpener
from textual.notifications import Notify
from textual.widgets import DataTable, Input, Static

from reader.cli.fetching import app_fetching
from reader.ingest.runner import import_sources
from reader.store import Library
from reader.ui.config import Config
from reader.ui.screens.choosing import Choose
from reader.ui.screens.dialogs import Prompt
from reader.ui.screens.feeds import FeedsScreen


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the test."""
    with running_server() as local:
        yield local


def rss(title: str, *items: str) -> bytes:
    """An RSS 2.0 feed with one item per title (its GUID and link made from the title)."""
    body = "".join(
        f"<item><title>{t}</title><link>http://site.example/{n}</link><guid>{title}:{t}</guid>"
        f"<description>{t} 的正文</description></item>"
        for n, t in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>http://site.example/</link>{body}</channel></rss>"
    ).encode()


FILES = {"甲": "/a.xml", "乙": "/b.xml", "丙": "/c.xml"}
"""Where each feed is served."""


def subscribed(path: Path, server: LocalServer, names: list[str]) -> list[str]:
    """Serve a feed for each name and subscribe the library to it; their addresses."""
    urls = [server.add(FILES[name], rss(name, f"{name} 旧闻")) for name in names]
    with Library(path) as library:
        import_sources(library, urls)
    return urls


def told(ui: object) -> list[str]:
    return [m.notification.message for m in ui.sent(Notify)]  # type: ignore[attr-defined]


def progress(ui: object) -> str:
    shown = ui.screen.query_one("#fetch-progress", Static)  # type: ignore[attr-defined]
    return str(shown.render()) if shown.display else ""


async def test_refresh_shows_progress_and_the_app_answers_meanwhile(
    open_app: AppOpener, lib_path: Path, server: LocalServer
) -> None:
    urls = subscribed(lib_path, server, ["甲", "乙", "丙"])
    for name in ("甲", "乙", "丙"):
        server.add(FILES[name], rss(name, f"{name} 旧闻", f"{name} 新闻"))
    server.add(FILES["乙"], b"not a feed at all")
    held = threading.Event()

    def hold_the_third(path: str) -> None:
        if path == FILES["丙"]:
            held.wait(10)

    server.on_request = hold_the_third
    async with open_app(WIDE, fetching=app_fetching()) as ui:
        total = len(ui.rows())
        await ui.pilot.press("ctrl+r")
        await ui.wait_until(lambda: progress(ui).startswith("Refreshing every feed: 2/3"), "2/3")
        assert "1 failed" in progress(ui)
        # The app answers keys while the third feed is fetched (the rows that came meanwhile
        # are above the cursor's article, which it stays on).
        await ui.wait_until(lambda: "甲 新闻" in ui.titles(), "the first feed's news")
        rows, start = ui.rows(), ui.screen.articles.cursor
        await ui.pilot.press("j", "j")  # (`ui.press` would wait for the fetch too)
        await ui.wait_until(lambda: ui.cursor_row() == rows[start + 2], "the cursor to move")
        assert ui.app.fetch_gate.busy and progress(ui).startswith("Refreshing every feed: 2/3")
        assert ui.footer().get("Refresh") is None  # not in the footer; greyed in the palette
        assert ui.screen.check_action("refresh", ()) is None
        held.set()
        await ui.wait_until(lambda: not progress(ui), "the fetch to end")
        await ui.settle()
        assert told(ui)[-1].startswith(
            f"Refreshed every feed: 3 feeds, 2 new articles; 1 failed ({urls[1]}: "
        )
        await ui.wait_until(lambda: len(ui.rows()) == total + 2, "the new articles")
        assert {"甲 新闻", "丙 新闻"} <= set(ui.titles())


async def test_refresh_a_category_fetches_its_feeds_only(
    open_app: AppOpener, lib_path: Path, server: LocalServer
) -> None:
    subscribed(lib_path, server, ["甲", "乙"])
    async with open_app(WIDE, fetching=app_fetching()) as ui:
        await ui.choose_category("乙")
        server.requests.clear()
        await ui.press("ctrl+r")
        await ui.wait_until(lambda: bool(told(ui)), "the summary")
        assert told(ui)[-1] == "Refreshed 乙: 1 feed, 0 new articles"
        assert [path for path, _ in server.requests] == [FILES["乙"]]


async def test_refresh_every_few_minutes(
    lib_path: Path, server: LocalServer, open_app: AppOpener
) -> None:
    subscribed(lib_path, server, ["甲"])
    server.requests.clear()
    config = Config(refresh_minutes=0.002)  # every 0.12 s
    async with open_app(WIDE, fetching=app_fetching(), config=config) as ui:
        await ui.wait_until(lambda: len(server.requests) >= 2, "two timed refreshes")
        # Nothing new came: a timed refresh says nothing.
        assert not any(m.startswith("Refreshed") for m in told(ui))
        server.add(FILES["甲"], rss("甲", "甲 旧闻", "甲 新闻"))
        await ui.wait_until(lambda: "甲 新闻" in ui.titles(), "the new article")
        await ui.wait_until(
            lambda: any(m.startswith("Refreshed every feed: 1 feed, 1 new") for m in told(ui)),
            "the news said",
        )


async def test_without_fetching_nothing_is_offered(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        assert ui.screen.check_action("refresh", ()) is False
        await ui.press("ctrl+r")
        assert not told(ui)
        await ui.press("f")
        feeds = ui.app.screen
        assert isinstance(feeds, FeedsScreen)
        assert feeds.check_action("add", ()) is None


async def test_the_feeds_screen_lists_adds_and_removes(
    open_app: AppOpener, lib_path: Path, server: LocalServer
) -> None:
    urls = subscribed(lib_path, server, ["甲", "乙"])
    server.add(FILES["乙"], b"", 500)
    with Library(lib_path) as library:
        from reader.ingest.refresh import refresh

        refresh(library)
        total = library.counts()[0]
    new = server.add(FILES["丙"], rss("丙", "丙 一", "丙 二", "丙 三"))
    async with open_app(WIDE, fetching=app_fetching()) as ui:
        await ui.press("f")
        feeds = ui.app.screen
        assert isinstance(feeds, FeedsScreen)
        table = feeds.query_one(DataTable)
        await ui.wait_until(lambda: table.row_count == 2, "the feeds")
        with Library(lib_path) as library:
            second = library.subscription(urls[1])
        assert second is not None
        row = [str(cell) for cell in table.get_row_at(1)]
        assert row[:4] == [str(second.id), "乙", "乙", "1"] and row[5] == "failed"
        await ui.press("j")
        detail = str(feeds.query_one("#feeds-detail", Static).render())
        assert detail.startswith(f"{urls[1]} · last error: HTTP 500")
        # Add one by its address: fetched through the app, listed with its articles.
        await ui.press("a")
        prompt = ui.app.screen
        assert isinstance(prompt, Prompt)
        prompt.query_one(Input).value = new
        await ui.press("enter")
        await ui.wait_until(lambda: table.row_count == 3, "the new feed")
        assert [str(c) for c in table.get_row_at(2)][1:4] == ["丙", "丙", "3"]
        assert told(ui)[-1] == f"Subscribed to {new}: 1 feed, 3 new articles"
        # A bad address is one line, and nothing else happens.
        await ui.press("a")
        ui.app.screen.query_one(Input).value = "ftp://example.org/feed"
        await ui.press("enter")
        assert told(ui)[-1] == (
            "Not a feed address: ftp://example.org/feed (give an http:// or https:// URL)"
        )
        # Remove one with its articles: asked first, then gone, and undone from the list.
        await ui.press("G", "d")
        menu = ui.app.screen
        assert isinstance(menu, Choose)
        await ui.press("d")
        await ui.wait_until(lambda: table.row_count == 2, "the feed to go")
        assert told(ui)[-1] == "Unsubscribed from 丙 and deleted its 3 articles"
        with Library(lib_path) as library:
            assert library.counts()[0] == total
        # Enter shows a feed's articles.
        await ui.press("g", "enter")
        assert ui.app.screen is ui.screen
        assert ui.list_caption().startswith("甲 ·")
        await ui.press("ctrl+z")
        await ui.wait_until(lambda: told(ui)[-1].startswith("Undone: "), "the undo")
        with Library(lib_path) as library:
            assert library.subscription(new) is not None
            assert library.counts()[0] == total + 3


async def test_quitting_stops_a_fetch_under_way(
    open_app: AppOpener, lib_path: Path, server: LocalServer
) -> None:
    subscribed(lib_path, server, ["甲", "乙"])
    for name in ("甲", "乙"):
        server.add(FILES[name], rss(name, f"{name} 旧闻", f"{name} 新闻"))
    held = threading.Event()

    def hold(path: str) -> None:
        held.wait(10)

    server.on_request = hold
    async with open_app(WIDE, fetching=app_fetching()) as ui:
        await ui.pilot.press("ctrl+r")
        await ui.wait_until(lambda: ui.app.fetch_gate.busy, "the fetch")
        app = ui.app
        await ui.pilot.press("q")
    assert app.fetch_gate.stop.is_set()
    held.set()
    assert app.fetch_gate.wait(10)
    with Library(lib_path) as library:
        titles = {summary.title for summary in library.page(limit=500).items}
    # The feed under way was saved; the fetch stopped before the next one.
    assert "甲 新闻" in titles and "乙 新闻" not in titles and "乙 旧闻" in titles
