"""The user's settings: `config.toml` in the config folder (`reader paths` shows where).

    # ~/.config/reader/config.toml
    refresh_minutes = 30    # refresh the feeds every 30 minutes while the app is open
    theme = "gruvbox"       # the theme to start with (Ctrl+P, "Theme", lists them)

Both are optional: without `refresh_minutes` the feeds are fetched only on request, and a theme
chosen in the app (it is remembered for each reader) takes the place of `theme`. A file that
cannot be read, or a value that makes no sense, is reported in one line and left out.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reader.text.i18n import _

MIN_REFRESH_MINUTES = 1.0
"""A shorter interval would fetch every feed again before the last round has finished."""


@dataclass(frozen=True, slots=True)
class Config:
    """The settings the app uses; None where the file says nothing."""

    refresh_minutes: float | None = None
    theme: str | None = None


def load_config(path: Path) -> tuple[Config, str | None]:
    """The settings in `path` (defaults if there is none) and a one-line problem, if any."""
    if not path.is_file():
        return Config(), None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(), _("{path}: not read ({error}); using the default settings").format(
            path=path, error=error
        )
    problems: list[str] = []
    minutes = data.pop("refresh_minutes", None)
    if minutes is not None and not _minutes(minutes):
        problems.append(
            _("refresh_minutes must be a number of minutes, at least {minimum}").format(
                minimum=f"{MIN_REFRESH_MINUTES:g}"
            )
        )
        minutes = None
    theme = data.pop("theme", None)
    if theme is not None and not (isinstance(theme, str) and theme.strip()):
        problems.append(_("theme must be the name of a theme"))
        theme = None
    if data:
        problems.append(
            _("ignored {names} (unknown setting)").format(names=", ".join(sorted(data)[:5]))
        )
    config = Config(
        refresh_minutes=float(minutes) if minutes is not None else None,
        theme=theme.strip() if isinstance(theme, str) else None,
    )
    return config, f"{path}: {'; '.join(problems)}" if problems else None


def _minutes(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= MIN_REFRESH_MINUTES
    )
