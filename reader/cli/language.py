"""The command line in the interface's language (`reader.text.i18n`).

Two kinds of text are translated when a command runs, not when it is defined, so that
`READER_LANG` chosen by a test or a shell applies to every run:

- the help of the commands and options: `localise()` swaps each command's and option's help for
  its translation, keeping the English text (the catalogue's message id) to translate again;
- help in Chinese is wrapped by terminal cells, between any two Chinese characters
  (`CellFormatter`): click measures and wraps by characters, at spaces only;
- click's own messages (`Usage:`, `Options:`, `Missing argument ...`): click looks them up with
  gettext's process-wide domain and the locale alone, so its modules are given the reader's
  lookup instead, which knows `READER_LANG` (the catalogue holds click's messages too).
"""

from __future__ import annotations

import gettext
import inspect
import sys
from collections.abc import Iterable, Iterator

import click
from rich.cells import cell_len

from reader.text.i18n import _, is_chinese, ngettext
from reader.text.linebreak import wrap_ranges

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
HELP_OPTION = "Show this message and exit."
"""The help of click's --help option (its message id)."""


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
        each.context_class = LocalisedContext
        # click builds each command's --help option once, in the language of its first use, and
        # keeps it (`_help_option`): it is translated again like the other options.
        kept_help = getattr(each, "_help_option", None)
        if kept_help is not None and getattr(kept_help, _ORIGINAL, None) is None:
            setattr(kept_help, _ORIGINAL, {"help": HELP_OPTION, "short_help": None, "epilog": None})
        for holder in (each, *each.params, *([kept_help] if kept_help is not None else [])):
            for name, text in _english(holder).items():
                if text is not None:
                    setattr(holder, name, _(text))


class LocalisedGroup(click.Group):
    """A group whose help and messages are in the interface's language whenever it runs."""

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        """Translate, then run as click does."""
        localise(self)
        return super().main(*args, **kwargs)  # type: ignore[call-overload]


def _joined(paragraph: str) -> str:
    """A paragraph's lines as one: with a space between words, none between Chinese."""
    out = ""
    for line in paragraph.split("\n"):
        line = line.strip()
        if out and line:
            wide = cell_len(out[-1]) == 2 and cell_len(line[0]) == 2
            out += "" if wide else " "
        out += line
    return out


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` wrapped at `width` cells, its paragraphs (blank-line separated) kept apart."""
    lines: list[str] = []
    for number, paragraph in enumerate(text.strip().split("\n\n")):
        if number:
            lines.append("")
        joined = _joined(paragraph)
        lines += [joined[start:end].rstrip() for start, end in wrap_ranges(joined, width)]
    return lines


class CellFormatter(click.HelpFormatter):
    """Click's help layout, wrapped by terminal cells when the help is in Chinese."""

    def write_text(self, text: str) -> None:
        """Text, re-wrapped and indented."""
        if not is_chinese():
            super().write_text(text)
            return
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 11)
        for line in wrap_cells(text, width):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """A definition list (options, commands): the terms, then their wrapped text."""
        rows = list(rows)
        if not is_chinese():
            super().write_dl(rows, col_max, col_spacing)
            return
        first_col = min(max((cell_len(a) for a, _b in rows), default=0), col_max) + col_spacing
        indent = self.current_indent
        for first, second in rows:
            self.write(f"{'':>{indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + " " * (first_col + indent))
            lines = wrap_cells(second, max(self.width - first_col - indent - 2, 10)) or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + indent}}{line}\n")


class LocalisedContext(click.Context):
    """A context whose help is laid out by `CellFormatter`."""

    formatter_class = CellFormatter
