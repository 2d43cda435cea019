"""One row of the article list: read and star marks, the title, then category, date and views;
or a line of what an empty list says instead.

The columns on the right give way, narrowest pane first, so the title keeps its room.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.style import Style as VisualStyle

from reader.models import ArticleSummary
from reader.text.i18n import format_date, is_chinese
from reader.text.sanitize import sanitize_line

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


def fit(text: str, width: int) -> str:
    """Cut `text` to `width` cells (with an ellipsis) and pad it to exactly that width."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    content = Content(text).truncate(width, ellipsis=True)
    return content.plain + " " * (width - content.cell_length)


def text_strip(text: Content, line: int, width: int, base: Style, style: Style) -> Strip:
    """Line `line` of `text` wrapped to `width` cells, one cell in (blank past its end)."""
    lines = text.wrap(max(8, width - 2))
    if not 0 <= line < len(lines):
        return Strip.blank(width, base)
    drawn = lines[line].render_segments(VisualStyle.from_rich_style(style))
    return Strip([Segment(" ", base), *drawn]).crop_extend(0, width, base)
