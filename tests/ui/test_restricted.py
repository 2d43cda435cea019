"""The app in restricted mode (an SSH forced command): nothing in it starts a program or writes a
file on the server. Links are copied with OSC 52 instead of opened, the palette offers no
screenshot, and screenshots and suspending are refused with a line."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from support.ui import LINK, LINKED_TITLE, WIDE, AppOpener
from textual.notifications import Notify


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


@pytest.mark.parametrize("restricted", [True, False])
async def test_open_link_copies_instead_of_starting_a_browser(
    open_app: AppOpener, browsers: list[str], restricted: bool
) -> None:
    async with open_app(WIDE, restricted=restricted) as ui:
        await ui.open_titled(LINKED_TITLE)
        await ui.press("O")
        said = [m.notification.message for m in ui.sent(Notify)]
        if restricted:
            assert browsers == [] and ui.app.clipboard == LINK
            assert said == [f"Copied {LINK} (this server does not open browsers)"]
        else:
            await ui.settle()
            said = [m.notification.message for m in ui.sent(Notify)]
            assert browsers == [LINK] and said == [f"Opened {LINK}"]


@pytest.mark.parametrize("restricted", [True, False])
async def test_the_palette_offers_a_screenshot_only_where_files_may_be_written(
    open_app: AppOpener, restricted: bool
) -> None:
    async with open_app(WIDE, restricted=restricted) as ui:
        titles = [command.title for command in ui.app.get_system_commands(ui.app.screen)]
        assert ("Screenshot" in titles) is not restricted
        assert "Theme" in titles and "Quit" in titles


async def test_screenshots_and_suspending_are_refused(open_app: AppOpener, tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    folder.mkdir()
    async with open_app(WIDE, restricted=True) as ui:
        await ui.app.run_action(f"screenshot('shot.svg', {str(folder)!r})")
        assert ui.app.save_screenshot("saved.svg", str(folder)) == ""
        await ui.app.run_action("suspend_process")
        await ui.settle()
        assert list(folder.iterdir()) == []
        said = [m.notification.message for m in ui.sent(Notify)]
        assert said == [
            "Saving files is not available on this server.",
            "Saving screenshots is not available on this server.",
            "Suspending is not available on this server.",
        ]


async def test_unrestricted_screenshots_are_written(open_app: AppOpener, tmp_path: Path) -> None:
    async with open_app(WIDE) as ui:
        assert ui.app.save_screenshot("saved.svg", str(tmp_path)).endswith("saved.svg")
        assert (tmp_path / "saved.svg").stat().st_size > 0
