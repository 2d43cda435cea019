"""Where the real-world corpora are, for the acceptance suite (never copied into the project).

`../shared/corpora` from the project root, or `$READER_CORPORA`. A test that needs a corpus
skips with the path it looked in when it is absent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def corpora() -> Path:
    """The corpora folder (it may not exist)."""
    override = os.environ.get("READER_CORPORA")
    return Path(override) if override else ROOT.parent / "shared" / "corpora"


def corpus(name: str) -> Path:
    """The folder of one corpus; skips the test with a clear reason when it is absent."""
    folder = corpora() / name
    if not folder.is_dir():
        pytest.skip(f"corpus {name!r} not found at {folder} (set READER_CORPORA to the folder)")
    return folder


def plain(markdown: str) -> str:
    """Markdown reduced to its words: link targets, markup and all whitespace removed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^\s*(?:\d+\\?\.|[-*+])\s+", "", text, flags=re.M)
    return re.sub(r"[\s*_#>`\[\]|\\-]+", "", text)


def report(name: str, passed: int, total: int) -> str:
    """A figure line, printed so that `pytest -s` shows it."""
    line = f"{name}: {passed}/{total}"
    print(line)
    return line
