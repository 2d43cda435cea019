"""Link hints for the reading pane: a short label beside each link on screen, typed to open or
copy that link (`f` then a label, as in vimium or qutebrowser).

The article's links are marked in its laid-out lines by a span whose style is `HREF` followed by
the target (see `reader.ui.document.inline`); the pane draws those spans as nothing. Labels are
home-row letters, one each while the screen holds few links, two each when it holds more, so no
label is the start of another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from textual.content import Content

from reader.text.urls import web_link

HREF = "href "
"""A span style that carries a link's target: `href https://example.org/`."""
LETTERS = "asdfghjkl"
"""Label letters, the home row first."""


@dataclass(frozen=True, slots=True)
class Hint:
    """A labelled link: the line and character offset where it starts, and its checked URL."""

    label: str
    line: int
    offset: int
    url: str


def labels(count: int) -> list[str]:
    """`count` labels (or as many as two letters make), none the start of another."""
    if count <= len(LETTERS):
        return list(LETTERS[:count])
    return ["".join(pair) for pair in product(LETTERS, repeat=2)][:count]


def link_starts(contents: Sequence[Content], first: int) -> list[tuple[int, int, str]]:
    """(line number, offset, URL) of each web link that starts on the lines `contents` (the
    first of them being line `first`): a link carried over from the line before is the same
    link, and is not counted again."""
    found: list[tuple[int, int, str]] = []
    previous: set[str] = set()
    for number, content in enumerate(contents, start=first):
        ending: set[str] = set()
        size = len(content.plain)
        for span in content.spans:
            style = span.style
            if not isinstance(style, str) or not style.startswith(HREF):
                continue
            url = web_link(style[len(HREF) :])
            if url is None:
                continue
            if span.end >= size:
                ending.add(url)
            if _line_start(content, span.start) and url in previous:
                continue  # the rest of a link that began on the line above
            found.append((number, span.start, url))
        previous = ending
    return found


def _line_start(content: Content, offset: int) -> bool:
    """Whether only the line's prefix (indent, bullet, quote bars) stands before `offset`."""
    return not content.plain[:offset].strip(" •▌0123456789.")


def hints(contents: Sequence[Content], first: int) -> list[Hint]:
    """A label for each web link starting on the lines shown."""
    starts = link_starts(contents, first)
    return [
        Hint(label, line, offset, url)
        for label, (line, offset, url) in zip(labels(len(starts)), starts, strict=False)
    ]


def labelled(content: Content, shown: Sequence[Hint], typed: str) -> Content:
    """`content` with the label of each hint of `shown` that `typed` begins, set before its link
    (later ones first, so the earlier offsets still hold)."""
    for hint in sorted(shown, key=lambda h: h.offset, reverse=True):
        if hint.label.startswith(typed):
            tag = Content.styled(hint.label, "hint")
            content = content[: hint.offset] + tag + content[hint.offset :]
    return content
