"""The command line in the interface's language (`reader.text.i18n`).

Two kinds of text are translated when a command runs, not when it is defined, so that
`READER_LANG` chosen by a test or a shell applies to every run:

- the help of the commands and options: `localise()` swaps each command's and option's help for
  its translation, keeping the English text (the catalogue's message id) to translate again;
- click's own messages (`Usage:`, `Options:`, `Missing argument ...`): click looks them up with
  gettext's process-wide domain and the locale alone, so its modules are given the reader's
  lookup instead, which knows `READER_LANG` (the catalogue holds click's messages too).
"""

from __future__ import annotations

import gettext
import inspect
import sys
from collections.abc import Iterator

import click

from reader.text.i18n import _, ngettext

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)
_ORIGINAL = "_reader_english"


def install_click_messages() -> None:
    """Make click's modules look their messages up in the reader's catalogue."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def english_help(text: str | None) -> str | None:
    """A help text as the catalogue knows it: a docstring without its indentation."""
    return inspect.cleandoc(text) if text else text


def walk(command: click.Command) -> Iterator[click.Command]:
    """The command and every command under it."""
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from walk(sub)


def help_texts(command: click.Command) -> Iterator[str]:
    """The English help of the command, its options and every command under it."""
    for each in walk(command):
        for holder in (each, *each.params):
            for text in _english(holder).values():
                if text:
                    yield text


def _english(holder: object) -> dict[str, str | None]:
    saved: dict[str, str | None] | None = getattr(holder, _ORIGINAL, None)
    if saved is None:
        saved = {
            name: english_help(getattr(holder, name, None))
            for name in ("help", "short_help", "epilog")
        }
        setattr(holder, _ORIGINAL, saved)
    return saved


def localise(command: click.Command) -> None:
    """Put the help of the command tree in the interface's language."""
    install_click_messages()
    for each in walk(command):
        for holder in (each, *each.params):
            for name, text in _english(holder).items():
                if text is not None:
                    setattr(holder, name, _(text))


class LocalisedGroup(click.Group):
    """A group whose help and messages are in the interface's language whenever it runs."""

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        """Translate, then run as click does."""
        localise(self)
        return super().main(*args, **kwargs)  # type: ignore[call-overload]
