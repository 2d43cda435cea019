"""The reader app: one library, one main screen, keys declared in `reader.ui.commands`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.paths import config_file, keymap_file, styles_dir
from reader.text.i18n import _
from reader.text.sanitize import sanitize, sanitize_line
from reader.ui.browser import start_browser
from reader.ui.commands import APP_BINDINGS, palette_commands, screen_sections
from reader.ui.config import Config, load_config
from reader.ui.fetching import FetchGate, Fetching
from reader.ui.keymap import load_keymap
from reader.ui.screens.living import LIVE_INTERVAL_S
from reader.ui.screens.main import MainScreen
from reader.ui.themes import ThemeMemory
from reader.ui.widgets.search_bar import DEBOUNCE_S
from reader.ui.wrapping import holds_wide, wrap

if TYPE_CHECKING:
    from reader.store import Library

WRITES_FILES = frozenset({"Screenshot"})
"""Textual's palette commands that write a file on the machine running the app."""


def toast_room(width: int) -> int:
    """The cells a line of a notification has on a screen `width` cells wide: Textual's toast
    is 60 cells wide, at most half of what its rack's scroll bar (2 cells) leaves, less its
    padding and its left border (3 cells)."""
    return max(8, min(60, (width - 2) // 2) - 3)


class ReaderApp(App[None]):
    """A terminal reader: category tree, article list and reading pane over one `Library`."""

    TITLE = "reader"
    CSS_PATH = str(styles_dir() / "reader.tcss")
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        library: Library,
        *,
        seed: int | None = None,
        keymap: dict[str, str] | None = None,
        notices: Sequence[str] = (),
        search_debounce: float = DEBOUNCE_S,
        restricted: bool = False,
        fetching: Fetching | None = None,
        config: Config | None = None,
        live_interval: float = LIVE_INTERVAL_S,
    ) -> None:
        """Open `library`; `seed` makes random picks repeatable; `keymap` remaps binding ids;
        `notices` are warnings to show once the app is up (about the SQLite in use);
        `search_debounce` is how long typing pauses before a search starts (tests use 0);
        `restricted`: started by an SSH forced command, so nothing in the app may start a
        program or write a file on the server (links are copied, not opened).
        `fetching` refreshes feeds and subscribes to new ones (None: the app cannot fetch);
        `live_interval` is how often to look for changes made elsewhere (seconds, 0: never).

        Without `keymap` and `config`, the user's `keymap.toml` and `config.toml` (see
        `reader.ui.keymap` and `reader.ui.config`) are read.
        """
        super().__init__()
        self.library = library
        self.notices = tuple(notices)
        self.search_debounce = search_debounce
        self.restricted = restricted
        self.keymap_problem: str | None = None
        if keymap is None:
            keymap, self.keymap_problem = load_keymap(keymap_file())
        self.keymap_overrides: dict[str, str] = dict(keymap)
        self.config_problem: str | None = None
        if config is None:
            config, self.config_problem = load_config(config_file())
        self.config = config
        self.fetching = fetching
        self.live_interval = live_interval
        self.fetch_gate = FetchGate()
        """A fetch under way, told to stop when the app ends (see `reader.cli.run_app`)."""
        self.themes = ThemeMemory(self, library)
        if seed is not None:
            library.seed_random(seed)

    def on_mount(self) -> None:
        """Apply the user's keymap and show the main screen."""
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.themes.restore(self.config.theme)
        self.push_screen(
            MainScreen(
                self.library,
                debounce=self.search_debounce,
                live_interval=self.live_interval,
                fetching=self.fetching,
                refresh_minutes=self.config.refresh_minutes,
                gate=self.fetch_gate,
            )
        )
        for problem in (self.keymap_problem, self.config_problem, self.themes.problem):
            if problem:
                self.notify(problem, severity="warning", markup=False, timeout=8)
        for notice in self.notices:
            self.notify(notice, title="SQLite", severity="warning", markup=False, timeout=20)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification, sanitised: it may quote a library's path, a store error or a link,
        and Textual passes control characters in its text to the terminal. Textual breaks lines
        at spaces only, and a Chinese line anywhere: one holding Chinese is broken here instead,
        for the width a notification has (`toast_room`), as Chinese text is broken."""
        text = sanitize(message)
        content = Content.from_markup(text) if markup else Content(text)
        room = toast_room(self.size.width)
        if holds_wide(content.plain) and content.cell_length > room:
            parts = content.split("\n", allow_blank=True)
            content = Content("\n").join(line for part in parts for line in wrap(part, room))
            text = content.markup if markup else content.plain
        super().notify(
            text,
            title=sanitize_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every action of every pane, then Textual's own (theme, keys...);
        restricted, without the ones that write files."""
        target = screen if screen_sections(screen) else self._main_screen()
        if target is not None:
            yield from palette_commands(self, screen_sections(target))
        for command in super().get_system_commands(screen):
            if not (self.restricted and command.title in WRITES_FILES):
                yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """Show the command palette, its prompt in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a (checked) link in the browser; restricted, copy it instead (OSC 52 reaches
        the client's terminal through SSH, where starting a browser would run it on the server)."""
        if self.restricted:
            self.copy_to_clipboard(url)
            self.notify(
                _("Copied {url} (this server does not open browsers)").format(url=url),
                markup=False,
            )
            return
        if self.is_web:
            # Under `reader serve` the link opens in the reader's own browser, by the page.
            super().open_url(url, new_tab=new_tab)
            self.notify(_("Opening {url}").format(url=url), markup=False, timeout=3)
            return
        self._start_browser(url)

    @work(thread=True, group="browser")
    def _start_browser(self, url: str) -> None:
        """Start the browser in a worker (some wait for the browser to end) and say whether it
        started."""
        problem = start_browser(url)
        if problem is None:
            self.call_from_thread(
                self.notify, _("Opened {url}").format(url=url), markup=False, timeout=3
            )
        else:
            self.call_from_thread(
                self.notify,
                _("Could not start a browser: {problem}. Press y to copy the link.").format(
                    problem=problem
                ),
                severity="warning",
                markup=False,
                timeout=8,
            )

    def deliver_text(self, path_or_file: Any, **options: Any) -> str | None:
        """Save text for the user (a screenshot); refused when restricted."""
        if self._refused(_("Saving files")):
            return None
        return super().deliver_text(path_or_file, **options)

    def deliver_binary(self, path_or_file: Any, **options: Any) -> str | None:
        """Save a file for the user; refused when restricted."""
        if self._refused(_("Saving files")):
            return None
        return super().deliver_binary(path_or_file, **options)

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """Write a screenshot file; refused when restricted (returns an empty name)."""
        if self._refused(_("Saving screenshots")):
            return ""
        return super().save_screenshot(filename, path, time_format)

    def action_suspend_process(self) -> None:
        """Suspend to the shell; refused when restricted (there is no shell to return to)."""
        if not self._refused(_("Suspending")):
            super().action_suspend_process()

    def _refused(self, what: str) -> bool:
        if self.restricted:
            self.notify(
                _("{what} is not available on this server.").format(what=what), severity="warning"
            )
        return self.restricted

    def _main_screen(self) -> MainScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def action_help(self) -> None:
        """Show the keys of every pane, as bound now."""
        from reader.ui.screens.help import HelpScreen

        main = self._main_screen()
        if main is not None and not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(main.sections(), self.keymap_overrides))

    async def action_quit(self) -> None:
        """Quit (the reading position is remembered as the app unmounts)."""
        self.exit()

    def on_exit_app(self) -> None:
        """However the app ends (`q`, a browser tab closed under `reader serve`, SIGTERM),
        remember the reading position."""
        self.fetch_gate.stop.set()
        main = self._main_screen()
        if main is not None:
            main.remember_now()
