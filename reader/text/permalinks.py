"""Permalink anchors of headings: the `#`, `¶` or empty link that Hexo, Hugo, Jekyll, Sphinx and
similar generators put into each heading so it can link to itself.

They carry no text worth reading, and shown with their target they bury the heading under a URL
(`⟨https://example.org/post/#%E7%BB%93%E6%9D%9F%E8%AF%AD⟩结束语`). Import drops them from the HTML
(`reader.ingest.htmlmd`), and the reading pane and the outline from Markdown already stored
(`reader.text.outline`); both ask `verdict` what a heading's link is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import unquote

MARKS = frozenset({"", "#", "¶", "§", "🔗", "🔗\ufe0f", "⚓", "⚓\ufe0f", "link", "permalink"})
"""What a permalink anchor shows instead of text (compared lower-cased, stripped)."""

Verdict = Literal["drop", "unwrap"] | None


def verdict(text: str, href: str, heading: str = "", ids: Iterable[str] = ()) -> Verdict:
    """What to do with a link inside a heading that shows `text` and leads to `href`.

    `drop` (the link and its text): a mark such as `#` or `¶`, or nothing, leading to a
    fragment. `unwrap` (keep the text, lose the link): the heading's own text leading to its own
    fragment (`ids`: the heading's ids, if known; else a fragment spelling the text). None: a
    link to somewhere else, kept. `href` is the target as written, before or after it was made
    absolute: the caller decides whether its page part is this page.
    """
    if "#" not in href:
        return None
    fragment = unquote(href.partition("#")[2]).strip()
    shown = " ".join(text.split())
    if shown.lower() in MARKS:
        return "drop"
    if not fragment:
        return None
    known = {name.strip() for name in ids if name and name.strip()}
    if fragment in known:
        return "unwrap"
    if heading and shown == " ".join(heading.split()) and _spells(fragment, shown):
        return "unwrap"
    return None


def _spells(fragment: str, text: str) -> bool:
    """Whether `fragment` is a slug of `text` (`结束语`, `Getting Started` -> `getting-started`)."""
    folded = fragment.lower().replace("_", "-")
    slug = "-".join(text.lower().split())
    return folded in (text.lower(), slug) or folded.strip("-") == slug.strip("-")
