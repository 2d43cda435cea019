"""SVG snapshots that guard the layout: 80x24 and 160x48, with and without an article open, and
the tree with its views (a saved search, Starred) and its tags; the main screen in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.ui import make_app, settle
from textual.pilot import Pilot

from reader.models import ROOT_SCOPE
from reader.store import Library

SnapCompare = Callable[..., bool]


async def _settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def _open_first(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_library_view(snap_compare: SnapCompare, lib_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(lib_path), terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_article_open(snap_compare: SnapCompare, lib_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(lib_path), terminal_size=size, run_before=_open_first)


async def _tags_open(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("shift+tab", "G", "l")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_tree_with_views_and_tags(
    snap_compare: SnapCompare, lib_path: Path, size: tuple[int, int]
) -> None:
    with Library(lib_path) as library:
        newest = library.page(ROOT_SCOPE, limit=3).items
        library.set_starred(newest[0].id)
        library.set_starred(newest[2].id)
        library.set_read(newest[2].id)
        library.save_search("茶与水", "茶")
        library.save_search("a saved search with a very long name", "reader")
    assert snap_compare(make_app(lib_path), terminal_size=size, run_before=_tags_open)


async def _search_results(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("slash", "茶", "enter")
    await settle(pilot)


def test_search_results_with_excerpts(snap_compare: SnapCompare, lib_path: Path) -> None:
    assert snap_compare(make_app(lib_path), terminal_size=(80, 24), run_before=_search_results)


@pytest.mark.parametrize("language", ["zh_CN", "zh_TW"])
def test_library_view_in_chinese(
    snap_compare: SnapCompare, lib_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    """The main screen at 80x24 in Chinese: the tree's names, the list's dates and caption,
    the footer's keys (twice as wide as their English) fit."""
    monkeypatch.setenv("READER_LANG", language)
    assert snap_compare(make_app(lib_path), terminal_size=(80, 24), run_before=_settled)


async def _searched(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("slash", *"文章", "enter")
    await settle(pilot)


def test_search_results_at_80x24(snap_compare: SnapCompare, lib_path: Path) -> None:
    """The search status keeps whole parts only; the footer whole keys only."""
    assert snap_compare(make_app(lib_path), terminal_size=(80, 24), run_before=_searched)


def test_library_view_at_60x20(snap_compare: SnapCompare, lib_path: Path) -> None:
    """The footer drops the keys it has no room for, whole."""
    assert snap_compare(make_app(lib_path), terminal_size=(60, 20), run_before=_settled)
