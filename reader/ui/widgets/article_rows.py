"""One row of the article list: read and star marks, the title, then category, date and views;
a search result's excerpt under it; or a line of what an empty list says instead.

The columns on the right give way, narrowest pane first, so the title keeps its room.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content, Span
from textual.strip import Strip
from textual.style import Style as VisualStyle

from reader.models import ArticleSummary
from reader.text.i18n import format_date, is_chinese
from reader.text.sanitize import sanitize_line
from reader.ui.document import sanitize_content
from reader.ui.wrapping import fit, wrap

StyleOf = Callable[[str], Style]
"""The style of a row part by role (`base`, `article-list--dim`, ...), for the row drawn."""


def row_strip(
    row: ArticleSummary, category: str, width: int, style_of: StyleOf, *, selected: bool = False
) -> Strip:
    """Draw `row` at `width` cells; `category` is the name of its category; a `selected` row is
    marked (and styled by `style_of`)."""
    base = style_of("base")
    title_style = style_of("article-list--read" if row.read else "article-list--unread")
    dim = style_of("article-list--dim")
    right: list[tuple[str, Style]] = []
    if width >= 72:
        right.append((fit(sanitize_line(category), 12), dim))
    if width >= 40:
        date_width = 14 if is_chinese() else 10  # 2024年11月13日
        right.append((fit(format_date(row.published), date_width), dim))
    if width >= 56:
        right.append((f"{row.views:>6,}"[-6:], dim))
    right_text = " ".join(text for text, _ in right)
    title_width = max(4, width - 3 - (cell_len(right_text) + 1 if right else 0))
    title = fit(sanitize_line(row.title), title_width)
    segments = [
        Segment("●" if not row.read else " ", style_of("article-list--mark")),
        Segment("★" if row.starred else " ", style_of("article-list--star")),
        Segment("✓" if selected else " ", style_of("article-list--mark") if selected else base),
        Segment(title, title_style),
    ]
    for text, text_style in right:
        segments.append(Segment(" ", base))
        segments.append(Segment(text, text_style))
    return Strip(fewer_styles(segments)).crop_extend(0, width, base)


def fewer_styles(segments: list[Segment]) -> list[Segment]:
    """`segments` with blank cells drawn in their left neighbour's style where that looks the
    same (only the foreground differs), then neighbours of one style joined: each change of
    style costs about 25 bytes on the wire, so a row drawn over SSH is about half as long."""
    drawn: list[Segment] = []
    for segment in segments:
        if drawn and segment.text.isspace() and _same_blank(drawn[-1].style, segment.style):
            segment = Segment(segment.text, drawn[-1].style)
        drawn.append(segment)
    return list(Segment.simplify(drawn))


def _same_blank(left: Style | None, right: Style | None) -> bool:
    """Whether a space looks the same in `left` as in `right` (same background, nothing drawn
    across or under it)."""
    if left is None or right is None:
        return left is right
    return (
        left.bgcolor == right.bgcolor
        and not (left.reverse or right.reverse)
        and not (left.underline or right.underline or left.strike or right.strike)
        and not (left.overline or right.overline)
        and left.link == right.link
    )


def text_strip(text: Content, line: int, width: int, base: Style, style: Style) -> Strip:
    """Line `line` of `text` wrapped to `width` cells, one cell in (blank past its end)."""
    lines = wrap(text, max(8, width - 2))
    if not 0 <= line < len(lines):
        return Strip.blank(width, base)
    drawn = lines[line].render_segments(VisualStyle.from_rich_style(style))
    return Strip([Segment(" ", base), *drawn]).crop_extend(0, width, base)


EXCERPT_INDENT = 3
"""The excerpt line starts under the title, past the marks."""


def excerpt_content(text: str, spans: tuple[tuple[int, int], ...]) -> Content:
    """A search result's excerpt as it may be drawn: sanitised, each match spanned `match`."""
    content = Content(text, [Span(start, end, "match") for start, end in spans if end > start])
    return sanitize_content(content)


def excerpt_strip(excerpt: Content, width: int, base: Style, style: Style, match: Style) -> Strip:
    """The second line of a search result: its excerpt cut to `width` cells, from a little
    before its first match when the match would not fit otherwise."""
    room = max(4, width - EXCERPT_INDENT)
    first = min((span.start for span in excerpt.spans), default=0)
    plain = excerpt.plain
    if cell_len(plain[:first]) > room // 3:
        cut = first
        while cut > 0 and cell_len(plain[cut - 1 : first]) <= room // 4:
            cut -= 1
        excerpt = Content("…") + excerpt[cut + (plain[cut] == "…") :]
    excerpt = excerpt.truncate(room, ellipsis=True)
    match_style = VisualStyle.from_rich_style(match)
    shown = Content(
        excerpt.plain, [Span(span.start, span.end, match_style) for span in excerpt.spans]
    )
    drawn = shown.render_segments(VisualStyle.from_rich_style(style))
    return Strip([Segment(" " * EXCERPT_INDENT, base), *drawn]).crop_extend(0, width, base)
