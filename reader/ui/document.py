"""Turn an article's Markdown body into styled blocks for the reading pane.

Textual's `Markdown` widget builds one widget per block and is several times slower than plain
text for long articles, so the body is parsed with the project's one Markdown parser
(`reader.text.outline`) and rendered into `Content` blocks that the reading pane lays out line by
line. Span styles are role names (`"strong"`, `"link"`, ...) that the pane maps to its TCSS
component classes, and a link's target (`reader.ui.hints.HREF`) for its link hints.

What is drawn is sanitised here, after the parser's last decoding step: markdown-it turns
entities (`&#x202E;`, `&rlm;`) into characters and percent-encoding in autolinks (`%1B`) into
bytes, so a body that was clean as stored can still spell out a control character.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from textual.content import Content, Span

from reader.text import outline
from reader.text.sanitize import sanitize, sanitize_line
from reader.ui.hints import HREF
from reader.ui.targets import Target

if TYPE_CHECKING:
    from markdown_it.token import Token

PART_CHARS = 100_000
"""Bodies longer than this are shown in parts, so no article can freeze the pane."""


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit: its content, line prefixes and what kind of layout it wants."""

    content: Content
    first: Content = field(default_factory=Content)
    """Prefix of the first line (a list bullet, quote bars)."""
    rest: Content = field(default_factory=Content)
    """Prefix of the following lines (indentation, quote bars)."""
    kind: str = "text"
    """`text` wraps, `code` folds without reflowing, `rule` fills the width, `blank` is empty."""
    heading: int = 0
    """Heading level (1-6), or 0."""
    label: str = ""
    """A heading's text as the outline lists it (`reader.text.outline.plain_text`)."""
    target: Target | None = None
    """What activating a line of this block leads to, if anything."""
    rows: tuple[tuple[Content, ...], ...] = ()
    """Table rows (kind `table`), the first being the header."""


BLANK = Block(Content(), kind="blank")


def split_parts(body: str, limit: int = PART_CHARS) -> list[str]:
    """Split a long body into parts of at most `limit` characters, at paragraph breaks if any."""
    parts: list[str] = []
    while len(body) > limit:
        cut = body.rfind("\n\n", limit // 2, limit)
        if cut < 0:
            cut = body.rfind("\n", limit // 2, limit)
        if cut < 0:
            cut = limit
        parts.append(body[:cut])
        body = body[cut:].lstrip("\n")
    parts.append(body)
    return parts


def markdown_blocks(body: str) -> list[Block]:
    """Parse Markdown into blocks; headings carry their level so the pane can build an outline."""
    builder = _Builder()
    builder.run(outline.parse(body))
    return [_sanitized(block) for block in builder.blocks]


def sanitize_content(content: Content) -> Content:
    """`content` without anything `sanitize` removes, each span kept on the text it covered.

    Each run between span edges is sanitised on its own, so no offset can drift; a sequence cut
    by an edge loses its escape character either way, which is all that matters to a terminal.
    """
    plain = content.plain
    if sanitize(plain) == plain:
        return content
    size = len(plain)

    def edge(at: int) -> int:
        return min(max(at, 0), size)

    edges = sorted(
        {0, size, *(edge(s.start) for s in content.spans), *(edge(s.end) for s in content.spans)}
    )
    moved: dict[int, int] = {0: 0}
    pieces: list[str] = []
    kept = 0
    for start, end in pairwise(edges):
        piece = sanitize(plain[start:end])
        pieces.append(piece)
        kept += len(piece)
        moved[end] = kept
    spans = [
        Span(moved[edge(span.start)], moved[edge(span.end)], span.style)
        for span in content.spans
        if moved[edge(span.end)] > moved[edge(span.start)]
    ]
    return Content("".join(pieces), spans)


def _sanitized(block: Block) -> Block:
    """`block` as it may be drawn: its text, prefixes, table cells and label sanitised."""
    return replace(
        block,
        content=sanitize_content(block.content),
        first=sanitize_content(block.first),
        rest=sanitize_content(block.rest),
        label=sanitize_line(block.label),
        rows=tuple(tuple(sanitize_content(cell) for cell in row) for row in block.rows),
    )


class _Builder:
    """Walks markdown-it's token stream, keeping the stack of lists and quotes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lists: list[list[int]] = []  # [next number] for ordered lists, [] for bullets
        self.quote = 0
        self.item_start = False
        self.table: list[tuple[Content, ...]] | None = None
        self.row: list[Content] = []

    def run(self, tokens: list[Token]) -> None:
        for token in tokens:
            self.token(token)

    def space(self) -> None:
        if self.blocks and self.blocks[-1].kind != "blank":
            self.blocks.append(BLANK)

    def prefixes(self) -> tuple[Content, Content]:
        bars = Content.styled("▌ " * self.quote, "quote") if self.quote else Content()
        indent = sum(_marker_width(level) for level in self.lists[:-1]) if self.lists else 0
        if not self.lists:
            return bars, bars
        level = self.lists[-1]
        width = _marker_width(level)
        pad = Content(" " * indent)
        rest = bars + pad + Content(" " * width)
        if not self.item_start:
            return rest, rest
        self.item_start = False
        marker = f"{level[0] - 1}." if level else "•"
        return bars + pad + Content.styled(marker.ljust(width), "bullet"), rest

    def add(
        self, content: Content, *, kind: str = "text", heading: int = 0, label: str = ""
    ) -> None:
        first, rest = self.prefixes()
        self.blocks.append(Block(content, first, rest, kind=kind, heading=heading, label=label))

    def token(self, token: Token) -> None:
        kind = token.type
        if kind == "paragraph_open":
            if not token.hidden:
                self.space()
        elif kind == "heading_open":
            self.space()
        elif kind == "inline":
            if self._in_heading and self.table is None:
                children = outline.heading_children(token.children or [])
                content = inline(children)
                label = outline.plain_text(children)
                self.add(
                    content.stylize(f"h{self._in_heading}"), heading=self._in_heading, label=label
                )
            elif self.table is not None:
                self.row.append(inline(token.children or []))
            else:
                self.add(inline(token.children or []))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not self.lists:
                self.space()
            start = int(str(token.attrGet("start") or 1)) if kind == "ordered_list_open" else 0
            self.lists.append([start] if kind == "ordered_list_open" else [])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if not self.lists:
                self.space()
        elif kind == "list_item_open":
            self.item_start = True
            if self.lists and self.lists[-1]:
                self.lists[-1][0] += 1
        elif kind == "blockquote_open":
            self.space()
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
        elif kind in ("fence", "code_block"):
            self.space()
            code = token.content.rstrip("\n").expandtabs(4)
            self.add(Content.styled(code, "code"), kind="code")
        elif kind == "hr":
            self.space()
            self.add(Content(), kind="rule")
        elif kind == "html_block":
            self.space()
            self.add(Content(token.content.rstrip("\n")), kind="code")
        elif kind == "table_open":
            self.space()
            self.table = []
        elif kind == "tr_open":
            self.row = []
        elif kind == "tr_close" and self.table is not None:
            self.table.append(tuple(self.row))
        elif kind == "table_close" and self.table is not None:
            first, rest = self.prefixes()
            self.blocks.append(Block(Content(), first, rest, kind="table", rows=tuple(self.table)))
            self.table = None
        self._track_heading(token)

    _in_heading = 0

    def _track_heading(self, token: Token) -> None:
        if token.type == "heading_open":
            self._in_heading = int(token.tag[1:])
        elif token.type == "heading_close":
            self._in_heading = 0


def _marker_width(level: list[int]) -> int:
    return len(f"{level[0]}.") + 1 if level else 2


def inline(children: list[Token]) -> Content:
    """Render inline tokens: emphasis, code, links (with their target shown), images."""
    text: list[str] = []
    spans: list[Span] = []
    open_at: dict[str, list[int]] = {}
    href: list[str] = []
    size = 0

    def put(piece: str, role: str = "") -> None:
        nonlocal size
        if not piece:
            return
        if role:
            spans.append(Span(size, size + len(piece), role))
        text.append(piece)
        size += len(piece)

    for child in children:
        kind = child.type
        if kind == "text":
            put(child.content)
        elif kind == "softbreak":
            # Chinese lines joined by a soft break need no space between them.
            before = text[-1][-1:] if text else ""
            put("" if _is_cjk(before) else " ")
        elif kind == "hardbreak":
            put("\n")
        elif kind == "code_inline":
            put(child.content, "code")
        elif kind == "html_inline":
            put(child.content)
        elif kind == "image":
            alt = "".join(c.content for c in child.children or []) or "image"
            src = sanitize_line(str(child.attrGet("src") or ""))
            spans.append(Span(size, size + len(alt) + 2, HREF + src))
            put(f"[{alt}]", "link")
            put(f" ⟨{src}⟩", "url")
        elif kind.endswith("_open"):
            role = {"em_open": "em", "strong_open": "strong", "s_open": "strike"}.get(kind, "")
            if kind == "link_open":
                role = "link"
                href.append(sanitize_line(str(child.attrGet("href") or "")))
            open_at.setdefault(role, []).append(size)
        elif kind.endswith("_close"):
            role = {"em_close": "em", "strong_close": "strong", "s_close": "strike"}.get(kind, "")
            if kind == "link_close":
                role = "link"
            starts = open_at.get(role)
            if starts:
                begin = starts.pop()
                if role:
                    spans.append(Span(begin, size, role))
                if kind == "link_close" and href:
                    target = href.pop()
                    shown = "".join(text)[begin:size]
                    if target and target != shown and f"mailto:{shown}" != target:
                        put(f" ⟨{target}⟩", "url")
                    spans.append(Span(begin, size, HREF + target))
    joined = "".join(text)
    spans.sort(key=lambda span: span.start)
    return Content(joined, spans)


def _is_cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
    )
