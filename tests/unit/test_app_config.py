"""The app's settings file (`config.toml`): what it may say, and one line for what it must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ui.config import Config, load_config


def test_no_file_is_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "config.toml") == (Config(), None)


def test_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('refresh_minutes = 30\ntheme = " gruvbox "\n', encoding="utf-8")
    assert load_config(path) == (Config(refresh_minutes=30.0, theme="gruvbox"), None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("refresh_minutes = 0", "refresh_minutes must be a number of minutes, at least 1"),
        ("refresh_minutes = -5", "refresh_minutes must be a number of minutes, at least 1"),
        ("refresh_minutes = nan", "refresh_minutes must be a number of minutes, at least 1"),
        ("refresh_minutes = true", "refresh_minutes must be a number of minutes, at least 1"),
        ('refresh_minutes = "30"', "refresh_minutes must be a number of minutes, at least 1"),
        ("theme = 3", "theme must be the name of a theme"),
        ("colour = 'red'", "ignored colour (unknown setting)"),
    ],
)
def test_a_bad_setting_is_one_line_and_left_out(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text + "\ntheme = 'nord'\n" if "theme" not in text else text, encoding="utf-8")
    config, said = load_config(path)
    assert said == f"{path}: {problem}"
    assert config.refresh_minutes is None


def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"refresh_minutes = = 3\xff")
    config, said = load_config(path)
    assert config == Config()
    assert said is not None and said.startswith(f"{path}: not read (") and "\n" not in said
