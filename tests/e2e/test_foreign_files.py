"""Other programs' SQLite files given to the real `reader` process: the app and a command each
refuse in one line, and the file and its folder stay byte for byte as they were.

The in-process checks of every command are in `tests/unit/test_bad_db.py`; the app over a newer
reader's library is in `tests/ui/test_ui_foreign.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.foreign import FOREIGN, fingerprint


@pytest.mark.parametrize("args", [[], ["list"]], ids=["the app", "list"])
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_real_process_refuses_another_programs_file(
    kind: str, args: list[str], tmp_path: Path
) -> None:
    make, what = FOREIGN[kind]
    db = tmp_path / "theirs.db"
    make(db)
    before = fingerprint(db)
    done = subprocess.run(
        [sys.executable, "-m", "reader", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and what in done.stderr
    assert done.stderr.startswith(f"reader: {db} is an SQLite database of another program ")
    assert fingerprint(db) == before
