"""The user's key remapping: `keymap.toml` in the config folder, binding id = "keys".

    # ~/.config/reader/keymap.toml
    "main.random" = "x"
    "list.cursor_down" = "down,j,n"

Ids are listed in the help screen's palette entries and in `reader.ui.commands`. A file that
cannot be read is reported in one line and the default keys are used.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from reader.text.i18n import _
from reader.ui.commands import all_binding_ids


def load_keymap(path: Path) -> tuple[dict[str, str], str | None]:
    """The remapping in `path` (empty if there is none) and a one-line problem, if any."""
    if not path.is_file():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, _("{path}: not read ({error}); using the default keys").format(
            path=path, error=error
        )
    known = all_binding_ids()
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for key, value in data.items():
        if key in known and isinstance(value, str) and value.strip():
            keymap[key] = ",".join(part.strip() for part in value.split(",") if part.strip())
        else:
            unknown.append(key)
    problem = None
    if unknown:
        problem = _("{path}: ignored {names} (unknown id or not a string)").format(
            path=path, names=", ".join(sorted(unknown)[:5])
        )
    return keymap, problem
