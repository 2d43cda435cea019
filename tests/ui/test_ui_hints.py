"""Pilot tests of link hints: `f` labels the links on screen and a typed label opens one, `F`
copies it; only web links wear labels; Esc or a wrong letter cancels; a restricted session
copies instead of opening; `f` outside the reading pane still opens the feeds."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from support.ui import NARROW, UI, WIDE, AppOpener
from textual.notifications import Notify

from reader.models import ArticleDraft
from reader.store import Library
from reader.ui.screens.feeds import FeedsScreen

TITLE = "链接很多的文章"
URLS = [f"https://example.org/page/{n}" for n in range(1, 13)]


@pytest.fixture
def browsers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The links handed to the web browser (the app asks `webbrowser` for one)."""
    started: list[str] = []

    class Recording(webbrowser.BackgroundBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            started.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: Recording("firefox"))
    return started


@pytest.fixture
def linked(lib_path: Path) -> Path:
    """The library with an article of many links (and one that is not a web link)."""
    paragraphs = [f"第{n}段：参见[第{n}个链接]({url})。" for n, url in enumerate(URLS, 1)]
    body = "\n\n".join(["[不是网页](mailto:someone@example.org)", *paragraphs])
    with Library(lib_path) as library:
        library.save([ArticleDraft(title=TITLE, body=body)], source="tests")
    return lib_path


def labels_shown(ui: UI) -> dict[str, str]:
    """The labels the pane draws, and the links they stand for."""
    pane = ui.screen.pane
    return {hint.label: hint.url for hint in pane.hints_shown}


def drawn(ui: UI) -> str:
    """The text of the reading pane's lines as drawn on screen now."""
    pane = ui.screen.pane
    height = pane.scrollable_content_region.height
    return "\n".join(pane.render_line(y).text for y in range(height))


async def test_f_then_a_label_opens_that_link(
    open_app: AppOpener, linked: Path, browsers: list[str]
) -> None:
    async with open_app(WIDE) as ui:
        await ui.open_titled(TITLE)
        await ui.press("f")
        shown = labels_shown(ui)
        assert list(shown.values()) == URLS  # every web link on screen, and nothing else
        assert list(shown) == [*(f"a{c}" for c in "asdfghjkl"), "sa", "ss", "sd"]
        assert "as第2个链接" in drawn(ui)
        await ui.press(*"as")
        assert browsers == [URLS[1]]
        assert not ui.screen.pane.hinting and "as第2个链接" not in drawn(ui)


async def test_capital_f_copies_and_escape_or_a_wrong_key_cancels(
    open_app: AppOpener, linked: Path, browsers: list[str]
) -> None:
    async with open_app(NARROW) as ui:
        await ui.open_titled(TITLE)
        await ui.press("F")
        shown = labels_shown(ui)
        assert shown
        label, url = next(iter(shown.items()))
        await ui.press(*label)
        assert ui.app.clipboard == url and browsers == []
        await ui.press("f", "escape")
        assert not ui.screen.pane.hinting
        assert ui.screen.focused is ui.screen.pane  # Esc took the labels away, nothing more
        await ui.press("f", "z")
        assert not ui.screen.pane.hinting and browsers == []
        said = [m.notification.message for m in ui.sent(Notify)]
        assert said == [f"Copied {url}", "No link is labelled z."]


async def test_few_links_get_one_letter_and_restricted_sessions_copy(
    open_app: AppOpener, lib_path: Path, browsers: list[str]
) -> None:
    body = "读[甲](https://example.org/a)，再读[乙](https://example.org/b)。"
    with Library(lib_path) as library:
        library.save([ArticleDraft(title=TITLE, body=body)], source="tests")
    async with open_app(WIDE, restricted=True) as ui:
        await ui.open_titled(TITLE)
        await ui.press("f")
        assert labels_shown(ui) == {"a": "https://example.org/a", "s": "https://example.org/b"}
        await ui.press("s")
        assert browsers == [] and ui.app.clipboard == "https://example.org/b"


async def test_f_elsewhere_still_opens_the_feeds(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("f")
        assert isinstance(ui.app.screen, FeedsScreen)
