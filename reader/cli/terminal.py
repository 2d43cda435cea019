"""Whether this terminal can show the app at all, checked before it takes the screen.

The app draws with cursor movement, colours and Unicode (box drawing, Chinese text); any terminal
emulator of the last twenty years has them, whatever `TERM` claims (`linux`, `screen`, `xterm`
with its 8 colours, `vt100`): colours are brought down to what `TERM` promises and the rest works.
Two settings say plainly that it cannot work, and the app then stops with one line instead of
filling the screen with garbage:

- `TERM=dumb`: a terminal without cursor movement (an editor's shell buffer, a log).
- A character set that is not UTF-8 (`LANG=en_US.ISO-8859-1`): box drawing and Chinese cannot be
  written in it. The C and POSIX locales are not in this case: Python reads them as UTF-8 (PEP 538
  and PEP 540), as do the terminals that run with them (an SSH session whose locale the server
  lacks, a minimal container).
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Mapping
from typing import TextIO

LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LANG")


def terminal_problem(
    environ: Mapping[str, str] | None = None, output: TextIO | None = None
) -> str | None:
    """Why the app cannot be drawn on this terminal (one line, ASCII), or None if it can.

    `output` is the stream the app draws on (Textual writes to stderr).
    """
    env = os.environ if environ is None else environ
    stream = sys.__stderr__ if output is None else output
    if env.get("TERM", "").strip().lower() == "dumb":
        return (
            "TERM=dumb: this terminal cannot move the cursor, so the app cannot be drawn; "
            "run it in a terminal emulator (the command line works here: reader list, "
            "reader show ID)"
        )
    if not writes_utf8(stream):
        encoding = getattr(stream, "encoding", None)
        return (
            f"this terminal's character set is {encoding} ({_locale_setting(env)}), which cannot "
            "show box drawing or Chinese text; use a UTF-8 locale, e.g. LANG=C.UTF-8 reader"
        )
    return None


def not_a_terminal(streams: tuple[TextIO | None, ...] | None = None) -> str | None:
    """Why the app cannot run here if its input or its screen is not a terminal (one line), else
    None: without one it would draw into a pipe and wait for keys that never come (`ssh HOST`
    with a command and no `-t`, an SFTP request to a forced command, a cron job)."""
    checked = (sys.__stdin__, sys.__stderr__) if streams is None else streams
    for stream in checked:
        try:
            if stream is None or not stream.isatty():
                break
        except (OSError, ValueError):  # closed
            break
    else:
        return None
    return (
        "the app needs a terminal, and this is not one (over SSH: ssh -t HOST); "
        "the command line works anywhere: reader list, reader show ID"
    )


def writes_utf8(stream: TextIO | None) -> bool:
    """Whether `stream` writes UTF-8 (so it can hold any text)."""
    return _codec_name(getattr(stream, "encoding", None) or "utf-8") == "utf-8"


def fit_output_to_charset() -> None:
    """On a character set that is not UTF-8, print what it cannot hold as `?` instead of
    stopping at the first Chinese character (JSON is escaped instead: see `output.dumps`)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not writes_utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def _locale_setting(env: Mapping[str, str]) -> str:
    """The variable that chose the character set, as `NAME=value` (or what set it instead)."""
    if env.get("PYTHONIOENCODING"):
        return f"PYTHONIOENCODING={env['PYTHONIOENCODING']}"
    for name in LOCALE_VARIABLES:
        if env.get(name):
            return f"{name}={env[name]}"
    return "the system's default locale"
