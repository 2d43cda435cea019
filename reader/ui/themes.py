"""The theme the reader chose (Ctrl+P, "Theme"), remembered for each reader identity.

At start the app takes the theme this reader chose last, else the one `config.toml` names, else
Textual's default. A theme chosen in the app is written to the library's state for this reader,
in a thread worker that never waits for another program's lock (see `Library.set_state`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual.theme import Theme

from reader.store import LibraryError
from reader.text.i18n import _

if TYPE_CHECKING:
    from textual.app import App

    from reader.store import Library

STATE_THEME = "ui.theme"


class ThemeMemory:
    """Restores and remembers an app's theme in a library, for the library's reader."""

    def __init__(self, app: App[Any], library: Library) -> None:
        self.app = app
        self.library = library
        self.saved: str | None = None
        self.problem: str | None = None
        """One line about a theme named in the config that does not exist."""

    def restore(self, configured: str | None) -> None:
        """Take the remembered theme, else `configured`; then remember every change."""
        remembered = None
        with contextlib.suppress(LibraryError):  # an unreadable state is a default theme
            remembered = self.library.get_state(STATE_THEME)
        themes = self.app.available_themes
        if configured is not None and configured not in themes:
            self.problem = _(
                "config.toml: there is no theme called {name!r} (Ctrl+P, then Theme, lists them)"
            ).format(name=configured)
        for name in (remembered, configured):
            if isinstance(name, str) and name in themes:
                self.app.theme = name
                break
        self.saved = self.app.theme
        self.app.theme_changed_signal.subscribe(self.app, self._changed)

    def _changed(self, theme: Theme) -> None:
        if theme.name == self.saved or self.library.readonly:
            return
        self.saved = theme.name
        self.app.run_worker(
            lambda: self._save(theme.name), thread=True, group="theme", exclusive=True
        )

    def _save(self, name: str) -> None:
        with contextlib.suppress(LibraryError):  # not remembered, then; the app goes on
            self.library.set_state(STATE_THEME, name, wait=False)
