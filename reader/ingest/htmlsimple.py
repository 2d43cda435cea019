"""html2text's Markdown for the plainest HTML fragments, without html2text.

Most feed bodies are paragraphs and headings of plain text (`<p>...</p><h2>...</h2>`).
html2text reads them through Python's HTMLParser, an event at a time, which is most of the time
an import of such feeds takes. `simple_markdown` writes the same Markdown straight from the lxml
tree `htmlmd` has parsed: it replays the events html2text would see (start and end of each block,
each run of text, each character the serialiser would have written as an entity) through the
same spacing rules (`HTML2Text.o`) and the same escaping (`escape_md_section`). Any fragment with
another element in it (a link, emphasis, a list, a nested block) is left to html2text: the result
is then None.
"""

from __future__ import annotations

import re

import lxml.html
from html2text import config

_BLOCKS = {"p": "", "h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ",
           "h6": "###### "}  # fmt: skip
# What lxml writes as an entity in text, each a data event of its own for html2text.
_ENTITY = re.compile(r"([&<>])")


class _Writer:
    """The part of html2text's output state a fragment of plain blocks uses."""

    __slots__ = ("after_newline", "breaks", "out", "space", "start")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.start = True
        self.space = False
        self.breaks = 0
        self.after_newline = False

    def text(self, text: str | None) -> None:
        """A run of text, as HTMLParser hands it over: split at entities, plain parts escaped."""
        if not text:
            return
        if "&" not in text and "<" not in text and ">" not in text:
            self.put(_escaped(text), True)
            return
        for number, part in enumerate(_ENTITY.split(text)):
            if part:
                self.put(part if number % 2 else _escaped(part), True)

    def put(self, data: str, pure: bool) -> None:
        """`HTML2Text.o` for data outside lists, quotes, links and preformatted text."""
        if pure:
            # `re.sub(r"\s+", " ", data)`: `\s` and `str.split` know the same white space.
            words = " ".join(data.split())
            if data[:1].isspace():
                self.space = True
            if words and data[-1].isspace():
                words += " "
            data = words
        if not data:
            return
        if self.start:
            self.space = False
            self.breaks = 0
            self.start = False
        if self.breaks:
            self.out.append("\n" * self.breaks)
            self.after_newline = True
            self.space = False
        if self.space:
            if not self.after_newline:
                self.out.append(" ")
                self.after_newline = False
            self.space = False
        self.breaks = 0
        self.out.append(data)
        self.after_newline = data[-1] == "\n"


def _escaped(text: str) -> str:
    """`html2text.utils.escape_md_section` (not `escape_snob`), each pattern only run where the
    character it escapes occurs."""
    if "\\" in text:
        text = config.RE_MD_BACKSLASH_MATCHER.sub(r"\\\1", text)
    if "." in text:
        text = config.RE_MD_DOT_MATCHER.sub(r"\1\\\2", text)
    if "+" in text:
        text = config.RE_MD_PLUS_MATCHER.sub(r"\1\\\2", text)
    if "-" in text:
        text = config.RE_MD_DASH_MATCHER.sub(r"\1\\\2", text)
    return text


def simple_markdown(root: lxml.html.HtmlElement) -> str | None:
    """html2text's output for `root` (the `<div>` a fragment was parsed into) when it holds
    only paragraphs and headings of plain text; else None."""
    if root.tag != "div":
        return None
    children = list(root)
    for child in children:
        if child.tag not in _BLOCKS or len(child):
            return None
    writer = _Writer()
    writer.breaks = 2  # the <div>
    writer.text(root.text)
    for child in children:
        writer.breaks = 2
        prefix = _BLOCKS[child.tag]
        if prefix:
            writer.put(prefix, False)
        writer.text(child.text)
        writer.breaks = 2
        writer.text(child.tail)
    writer.breaks = 2  # </div>
    # The end: `HTML2Text.finish`.
    writer.breaks = 0
    writer.out.append("\n")
    return "".join(writer.out)
