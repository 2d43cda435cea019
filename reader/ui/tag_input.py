"""Reading what the reader typed in the tags prompt: `+tag -tag` edits, or the whole list.

Tags are separated by spaces, or by commas when a comma is typed (a tag may hold spaces:
`machine learning, 茶`; a `+` or `-` after a space still starts a word of its own). A word that
starts with `+` adds a tag and one that starts with `-` removes one; without either, what is typed
is the article's whole list of tags, and the tags left out are removed. Pure functions, so they
are tested without the app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SEPARATORS = (",", "，", "、")
"""Commas (ASCII and the Chinese ones) separate tags that may hold spaces."""


def tags_text(tags: Sequence[str]) -> str:
    """The article's tags as the prompt shows them: spaces between them, or commas when one of
    them holds a space."""
    if any(" " in tag for tag in tags):
        return ", ".join(tags)
    return " ".join(tags)


def _words(typed: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        typed = typed.replace(separator, SEPARATORS[0])
    if SEPARATORS[0] not in typed:
        return typed.split()
    # Between commas a tag may hold spaces, but `+tag` or `-tag` after a space is a word of its
    # own (`machine learning, 茶 +绿茶`: the list shown, with a tag added at its end).
    words = []
    for piece in typed.split(SEPARATORS[0]):
        words += [word.strip() for word in re.split(r"\s+(?=[+-])", piece) if word.strip()]
    return words


def tag_edit(current: Sequence[str], typed: str) -> tuple[list[str], list[str]]:
    """(tags to add, tags to remove) for what was typed, given the article's tags now."""
    words = _words(typed)
    if any(word[0] in "+-" for word in words):
        add: list[str] = []
        remove: list[str] = []
        for word in words:
            if word[0] == "-":
                remove.append(word[1:].strip())
            else:
                add.append(word.removeprefix("+").strip())
        return [t for t in add if t], [t for t in remove if t]
    wanted = [word.lstrip("#") for word in words]
    return (
        [t for t in wanted if t and t not in current],
        [t for t in current if t not in wanted],
    )


def tag_term(name: str) -> str | None:
    """`name` as a search term (`tag:茶`, `tag:"two words"`), or None when a search cannot name
    it (it holds a double quote)."""
    if '"' in name:
        return None
    return f'tag:"{name}"' if any(c.isspace() for c in name) else f"tag:{name}"
