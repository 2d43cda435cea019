"""Section headings of a Markdown body: the article's outline, and the one Markdown parser.

The reading pane and `reader show --json` both read headings from the token stream of the parser
made here, so the app's outline and the command line's `headings` always agree (ATX `#` headings
and setext headings underlined with `===` or `---` alike, none inside code blocks). A heading's
permalink anchor (`## Title [#](#title)`) is no part of its text (`heading_children`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from reader.text import permalinks
from reader.text.sanitize import sanitize, sanitize_line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading: its level (1-6), text and 0-based line number in the body."""

    level: int
    text: str
    line: int


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The Markdown parser every reader of article bodies uses (CommonMark, tables, strike).

    Raw HTML is kept as text, never interpreted.
    """
    # Imported here: the parser is first needed in a worker or a command, not at start-up.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def parse(body: str) -> list[Token]:
    """The token stream of a sanitised `body`."""
    return parser().parse(sanitize(body))


def headings(body: str) -> list[Heading]:
    """Return the section headings of `body`, in order."""
    return headings_of(parse(body))


def headings_of(tokens: list[Token]) -> list[Heading]:
    """The headings of an already parsed token stream."""
    found: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        line = token.map[0] if token.map else 0
        children = heading_children(inline.children or [])
        found.append(Heading(int(token.tag[1:]), plain_text(children), line))
    return found


def heading_children(children: list[Token]) -> list[Token]:
    """A heading's inline tokens without its permalink anchors: a `#`, `¶` or empty link to a
    fragment goes with its text; the heading's text linked to its own fragment stays as text."""
    whole = plain_text(children)
    kept: list[Token] = []
    index = 0
    while index < len(children):
        token = children[index]
        if token.type != "link_open":
            kept.append(token)
            index += 1
            continue
        end = next(
            (at for at in range(index + 1, len(children)) if children[at].type == "link_close"),
            len(children),
        )
        inside = children[index + 1 : end]
        href = str(token.attrGet("href") or "")
        found = permalinks.verdict(plain_text(inside), href, whole)
        if found is None:
            kept += children[index : end + 1]
        elif found == "unwrap":
            kept += inside
        index = end + 1
    if len(kept) == len(children):
        return kept
    # What stood beside a dropped anchor (`Title [#](#title)`) leaves no space at either end.
    for at in (0, -1):
        if kept and kept[at].type == "text":
            text = kept[at].content
            kept[at] = kept[at].copy(content=text.lstrip() if at == 0 else text.rstrip())
    return kept


def plain_text(children: list[Token]) -> str:
    """The text a reader sees of inline tokens (emphasis, links and code as their text), on one
    line and sanitised after every decoding the parser did."""
    pieces: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type == "image":
            pieces.append(plain_text(child.children or []))
    return sanitize_line("".join(pieces))
