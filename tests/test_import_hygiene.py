"""The data layer never imports Textual (DESIGN.md: data moves one way)."""

from __future__ import annotations

import subprocess
import sys


def test_store_and_ingest_do_not_import_textual() -> None:
    code = (
        "import sys, reader.store, reader.ingest.runner, reader.cli, reader.output;"
        "import reader.ingest.decode, reader.sanitize;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
