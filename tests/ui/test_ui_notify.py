"""Notifications are drawn sanitised: they quote library paths, store errors and links, and
Textual passes control characters in a notification's text to the terminal (HOSTILE.md, B)."""

from __future__ import annotations

from pathlib import Path

from support.hostile import forbidden
from support.ui import make_app, make_library, settle


async def test_a_notification_quoting_a_hostile_path_draws_no_control(tmp_path: Path) -> None:
    """Starring in a read-only library whose file name holds bidi and C1 controls."""
    path = make_library(tmp_path / "lib\u202erary\u2066\x9b.db")
    path.chmod(0o444)
    try:
        app = make_app(path)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            screen = app.export_screenshot()
            assert "read-only" in screen
            assert forbidden(screen.replace("\n", "")) == []
    finally:
        path.chmod(0o644)
