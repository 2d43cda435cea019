"""Restricted mode: the reader as the only thing an SSH key gives.

A server hands each person the app through a forced command (`command="reader --restrict --user
alice --db /srv/reader/team.db",restrict ssh-ed25519 ...` in `authorized_keys`, or a
`ForceCommand` for a group). In that mode:

- only the app opens: every other command is refused, so the forced command cannot be turned
  into an import, a `serve`, or anything that writes files;
- the identity and the library come from the command line alone (else the account's login name
  and default library): the environment an SSH client may pass through `AcceptEnv` cannot switch
  them, so the reader drops its own variables from it (but the two that only tune it) and every
  variable of Textual's (which can write logs and screenshots, or choose the terminal driver);
- inside the app nothing starts a program or writes a file (see `ReaderApp(restricted=True)`).

`READER_RESTRICT=1` set by the server (`SetEnv` in `sshd_config`, or in the forced command)
turns it on too; no variable turns it off.
"""

from __future__ import annotations

import os
import pwd

RESTRICT_ENV = "READER_RESTRICT"
KEPT = frozenset({RESTRICT_ENV, "READER_BUSY_TIMEOUT", "READER_SQLITE_WARNING", "READER_LANG"})
"""The reader's own variables still read in restricted mode: they tune, they do not choose."""


def restricted_by_environment() -> bool:
    """Whether the server asked for restricted mode through `READER_RESTRICT`."""
    return os.environ.get(RESTRICT_ENV, "").strip() not in ("", "0")


def restrict_environment() -> list[str]:
    """Drop the variables restricted mode must not read (before Textual is imported, as it reads
    its own when it loads); return their names."""
    dropped = [
        name
        for name in os.environ
        if (name.startswith("READER_") and name not in KEPT) or name.startswith("TEXTUAL")
    ]
    for name in dropped:
        del os.environ[name]
    return sorted(dropped)


def account_name() -> str:
    """The login name of the account running the reader, from the password database (not from
    `USER` or `LOGNAME`, which a client might send)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # no passwd entry (some containers)
        return "reader"
