"""Section headings of a Markdown body: the article's outline."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading: its level (1-6), text and 0-based line number in the body."""

    level: int
    text: str
    line: int


def headings(body: str) -> list[Heading]:
    """Return the ATX headings of `body`, skipping fenced code blocks."""
    found: list[Heading] = []
    in_fence = False
    for number, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _ATX.match(line)
        if match:
            found.append(Heading(len(match.group(1)), match.group(2).strip(), number))
    return found
