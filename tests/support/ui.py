"""Building apps for the UI tests: the same factory the CLI uses, over a temporary library."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot

from reader.ingest.demo import write_demo
from reader.models import ArticleDraft
from reader.store import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen

HOSTILE_TITLE = "[@click=app.quit]Read more[/] [b]x"
HOSTILE_CATEGORY = "[/]敌意[@click=app.quit]"
LINKED_TITLE = "An article with a web link"
LINK = "https://example.org/articles/linked"


def extra_drafts() -> list[ArticleDraft]:
    """A hostile title, a linked article, and a long article with section headings."""
    base = datetime(2020, 1, 1, 12, 0, 0)
    long_body = "\n\n".join(
        f"## 第{n}节是什么？\n\n" + "这是一段用来测试滚动的文字。" * 30 for n in range(1, 9)
    )
    return [
        ArticleDraft(
            title=HOSTILE_TITLE,
            body="[/] a body with [@click=app.quit]markup[/] that must stay text.",
            category=("测试", HOSTILE_CATEGORY),
            published=base,
        ),
        ArticleDraft(
            title=LINKED_TITLE,
            body="Plain text.",
            category=("测试",),
            url=LINK,
            published=base - timedelta(days=1),
        ),
        ArticleDraft(
            title="很长的文章",
            body=long_body,
            category=("测试",),
            published=base - timedelta(days=2),
        ),
    ]


def make_library(path: Path) -> Path:
    """Write the demo library plus the extra test articles to `path`."""
    with Library(path) as library:
        write_demo(library)
        library.save(extra_drafts(), source="tests")
    return path


def make_app(path: Path, *, seed: int = 7) -> ReaderApp:
    """An app over the library at `path` with repeatable random picks."""
    return ReaderApp(Library(path), seed=seed)


def main_screen(app: object) -> MainScreen:
    """The app's main screen (failing the test if another screen is on top)."""
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
