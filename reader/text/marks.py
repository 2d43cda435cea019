"""Markdown's marks taken out of a piece of an article's body, for a one-line excerpt.

A search result's excerpt is a window of the stored Markdown; shown as it is, it reads
`## 为什么 > 引用 **重点** [链接](https://…)`. `plain` keeps the words and drops the marks around
them: heading, quote and list marks at a line's start, rules and code fences, emphasis and code
marks, and a link's or image's target (its text stays). A window may start or end inside a link,
so a link's text or target cut at either end goes the same way.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(
    r"^[ \t]*(?:(?:>[ \t]?)|(?:#{1,6}|[-*+]|\d{1,9}[.)])(?:[ \t]+|$))+", re.MULTILINE
)
_RULE = re.compile(r"^[ \t]*(?:(?:[-*_][ \t]*){3,}|=+[ \t]*|(?:```|~~~).*)$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\([^)\n]*\)?|\[[^\]\n]*\])")
_LINK_TAIL = re.compile(r"^[^\[\n]*?\]\([^)\s]*\)?")
_LINK_HEAD = re.compile(r"!?\[([^\]\n]*)$")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]*)>")
_EMPHASIS = re.compile(r"\*\*|__|~~|`+|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")

_START = "\0"  # stands before a window that starts inside a line (a sanitised body has none)


def plain(text: str, *, line_start: bool = True) -> str:
    """`text` without its Markdown marks; `line_start` says whether it starts at the start of a
    line (else a `#` or `>` it starts with is text, not a mark)."""
    if not line_start:
        text = _START + text
    text = _RULE.sub("", text)
    text = _BLOCK.sub("", text)
    tail = _LINK_TAIL.match(text)
    if tail is not None:  # the window starts inside a link: its text stays, its target goes
        text = text[: tail.end()].split("](", 1)[0] + text[tail.end() :]
    text = _LINK.sub(r"\1", text)
    text = _LINK_HEAD.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return text.removeprefix(_START)
