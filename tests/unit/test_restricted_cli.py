"""`reader --restrict` (or `READER_RESTRICT=1`), as an SSH forced command runs it: the app only,
with the identity and library of the command line alone, whatever the environment says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.library import run_cli

import reader.cli.terminal
from reader.cli.restricted import account_name
from reader.ui.app import ReaderApp


class Opened:
    """What the app was opened with (instead of running it)."""

    def __init__(self) -> None:
        self.runs: list[dict[str, object]] = []


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    """Record the app instead of running it."""
    seen = Opened()

    def run(app: ReaderApp) -> None:
        seen.runs.append(
            {
                "user": app.library.user,
                "path": app.library.path,
                "restricted": app.restricted,
                "environment": dict(os.environ),
            }
        )

    monkeypatch.setattr(ReaderApp, "run", run)
    monkeypatch.setattr(reader.cli.terminal, "not_a_terminal", lambda: None)
    yield seen


@pytest.fixture(autouse=True)
def _restorable_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Restricted mode drops variables from this process's environment: bring them back."""
    for name in list(os.environ):
        if name.startswith(("READER_", "TEXTUAL")):
            monkeypatch.setenv(name, os.environ[name])


def test_the_command_line_chooses_identity_and_library(
    opened: Opened,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shared = tmp_path / "team.db"
    monkeypatch.setenv("READER_USER", "mallory")
    monkeypatch.setenv("READER_DB", str(tmp_path / "theirs.db"))
    monkeypatch.setenv("TEXTUAL_LOG", str(tmp_path / "textual.log"))
    code, _, err = run_cli(["--restrict", "--user", "alice", "--db", str(shared)], capsys)
    assert (code, err) == (0, "")
    [run] = opened.runs
    assert run["user"] == "alice" and run["path"] == shared and run["restricted"] is True
    environment = run["environment"]
    assert isinstance(environment, dict)
    assert not any(name in environment for name in ("READER_USER", "READER_DB", "TEXTUAL_LOG"))
    assert environment["READER_SQLITE_WARNING"] == "0"  # a setting that only tunes, kept


def test_without_options_the_account_and_its_default_library(
    opened: Opened,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("READER_RESTRICT", "1")
    monkeypatch.setenv("READER_USER", "mallory")
    monkeypatch.setenv("READER_DB", str(tmp_path / "theirs.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, _ = run_cli([], capsys)
    assert code == 0
    [run] = opened.runs
    assert run["user"] == account_name() and run["restricted"] is True
    assert run["path"] == tmp_path / "data" / "reader" / "library.db"
    assert not (tmp_path / "theirs.db").exists()


def test_unrestricted_the_environment_still_chooses(
    opened: Opened,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("READER_RESTRICT", "0")
    monkeypatch.setenv("READER_USER", "mallory")
    monkeypatch.setenv("READER_DB", str(tmp_path / "theirs.db"))
    code, _, _ = run_cli([], capsys)
    assert code == 0
    [run] = opened.runs
    assert run == {**run, "user": "mallory", "path": tmp_path / "theirs.db", "restricted": False}


@pytest.mark.parametrize("command", [["list"], ["import", "x.md"], ["serve"], ["paths"]])
@pytest.mark.parametrize("restrict", [["--restrict"], []])
def test_restricted_mode_opens_the_app_only(
    opened: Opened,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    restrict: list[str],
) -> None:
    if not restrict:
        monkeypatch.setenv("READER_RESTRICT", "1")
    code, out, err = run_cli([*restrict, *command], capsys)
    assert code == 2 and out == ""
    assert err == f"reader: `{command[0]}` is not available in restricted mode\n"
    assert opened.runs == []


def test_the_app_needs_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without one (`ssh HOST` with a command and no -t, an SFTP request to a forced command)
    it would draw into a pipe and wait for ever: one line instead."""
    import io

    from reader.cli.terminal import not_a_terminal

    assert not_a_terminal((io.StringIO(),)) is not None
    code, _, err = run_cli(["--restrict", "--db", str(tmp_path / "x.db")], capsys)
    assert code == 1
    assert err.startswith("reader: the app needs a terminal, and this is not one (over SSH: ")
