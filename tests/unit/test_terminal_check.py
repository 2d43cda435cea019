"""Which terminals the app refuses (with one line), and the command line on a character set that
is not UTF-8: what cannot be shown becomes `?`, JSON stays whole as `\\uXXXX` escapes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli.terminal import terminal_problem


def stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding)


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "xterm-256color", "LANG": "C.UTF-8"},
        {"TERM": "linux"},
        {"TERM": "vt100"},
        {"TERM": "xterm"},
        {},
    ],
)
def test_terminals_that_can_show_the_app(env: dict[str, str]) -> None:
    assert terminal_problem(env, stream("utf-8")) is None


def test_a_dumb_terminal_is_one_line() -> None:
    problem = terminal_problem({"TERM": "dumb"}, stream("utf-8"))
    assert problem is not None and problem.startswith("TERM=dumb: ")
    assert problem.isascii() and "\n" not in problem


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LANG": "en_US.ISO-8859-1"}, "LANG=en_US.ISO-8859-1"),
        ({"LANG": "C.UTF-8", "LC_ALL": "en_US.ISO-8859-1"}, "LC_ALL=en_US.ISO-8859-1"),
        ({"LANG": "C.UTF-8", "PYTHONIOENCODING": "latin-1"}, "PYTHONIOENCODING=latin-1"),
        ({}, "the system's default locale"),
    ],
)
def test_a_character_set_that_is_not_utf8_is_one_line(env: dict[str, str], named: str) -> None:
    problem = terminal_problem(env, stream("latin-1"))
    assert problem is not None
    assert problem.startswith("this terminal's character set is latin-1 (" + named + ")")
    assert problem.isascii() and "\n" not in problem


def run_cli(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "iso8859-1", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, env=env, check=False
    )


def test_the_command_line_on_latin1(lib_path: Path) -> None:
    listed = run_cli(["list", "--db", str(lib_path), "--limit", "50"])
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout.decode("iso8859-1")
    assert "Welcome to reader" in text and "???? reader" in text  # 欢迎使用 reader

    as_json = run_cli(["list", "--db", str(lib_path), "--limit", "50", "--json"])
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.isascii()
    titles = [item["title"] for item in json.loads(as_json.stdout)]
    assert "欢迎使用 reader" in titles

    app = run_cli(["--db", str(lib_path)])
    assert app.returncode == 1
    assert app.stderr.decode().startswith("reader: this terminal's character set is iso8859-1")
