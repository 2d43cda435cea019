"""Where the reader keeps its files: one place, created lazily, one environment override."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"
DB_ENV = "READER_DB"


def data_dir() -> Path:
    """The folder for the default library (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The folder for configuration (not created here)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db() -> Path:
    """The library used when no `--db` is given: `$READER_DB`, else the data folder's."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "library.db"


def styles_dir() -> Path:
    """The folder holding the app's TCSS files, in a source tree or an installed package."""
    packaged = Path(__file__).parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "styles"


def keymap_file() -> Path:
    """The user's key remapping file (TOML: binding id = "keys")."""
    return config_dir() / "keymap.toml"


def config_file() -> Path:
    """The user's settings file (TOML: `refresh_minutes`, `theme`)."""
    return config_dir() / "config.toml"
