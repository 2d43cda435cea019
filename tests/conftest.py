"""Fixtures shared by every test tier: temporary libraries and a sealed-off user environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reader.store import Library

if TYPE_CHECKING:
    from support.ui import AppOpener


# Modules whose tests measure wall-clock time or race real processes (kills at random moments,
# busy timeouts, terminals read with deadlines): `make test` runs them alone, after the others
# have run in parallel, so that no other test competes with them for the CPU.
TIMED_MODULES = {
    "test_big_sources.py",
    "test_concurrency.py",
    "test_crash.py",
    "test_disk_full.py",
    "test_e2e.py",
    "test_live_app.py",
    "test_fetch_deadline.py",
    "test_helper_process.py",
    "test_linear_parsers.py",
    "test_long_writer.py",
    "test_opml_scale.py",
    "test_pty_hostile.py",
    "test_queued_writes.py",
    "test_read_ahead.py",
    "test_serve.py",
    "test_size_limits.py",
    "test_ssh.py",
    "test_terminals.py",
    "test_type_ahead.py",
    "test_ui_busy.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of `TIMED_MODULES` `timed`."""
    for item in items:
        if item.path.name in TIMED_MODULES:
            item.add_marker(pytest.mark.timed)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the user's real library and configuration out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("READER_DB", str(home / "library.db"))
    monkeypatch.delenv("READER_DEBUG", raising=False)
    # The once-per-user warning about this machine's SQLite (test_concurrency.py checks it).
    monkeypatch.setenv("READER_SQLITE_WARNING", "0")
    # The interface in English whatever the machine's locale; tests of Chinese set READER_LANG.
    monkeypatch.setenv("READER_LANG", "en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a library that does not exist yet."""
    return tmp_path / "library.db"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    """An empty library in a temporary folder."""
    lib = Library(db_path)
    lib.seed_random(1234)
    yield lib
    lib.close()


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    """A library with the demo articles and the UI tests' own (see `support.ui`)."""
    from support.ui import make_library

    return make_library(tmp_path / "library.db")


@pytest.fixture
def open_app(lib_path: Path) -> AppOpener:
    """Opens the app on `lib_path`: `async with open_app(size) as ui:` (see `support.ui.UI`)."""
    from support.ui import AppOpener

    return AppOpener(lib_path)
