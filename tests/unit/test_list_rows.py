"""A row of the article list is drawn with as few changes of style as it looks the same with:
each change costs about 25 bytes written to the terminal, for every row of every page down."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from reader.models import ArticleSummary
from reader.ui.widgets.article_rows import fewer_styles, row_strip

BASE = Style(color="white", bgcolor="grey11")
STYLES = {
    "base": BASE,
    "article-list--unread": BASE + Style(bold=True),
    "article-list--read": Style(color="grey50", bgcolor="grey11"),
    "article-list--mark": Style(color="orange1", bgcolor="grey11"),
    "article-list--star": Style(color="yellow", bgcolor="grey11"),
    "article-list--dim": Style(color="grey50", bgcolor="grey11"),
}


def style_of(role: str) -> Style:
    return STYLES[role]


def summary(**changes: object) -> ArticleSummary:
    fields: dict[str, object] = {
        "id": 1,
        "title": "这市认是国可安全",
        "category_id": 2,
        "published": "2025-09-06 14:37:00",
        "views": 1234,
        "read": False,
        "starred": False,
    }
    fields.update(changes)
    return ArticleSummary(**fields)  # type: ignore[arg-type]


def test_an_unread_row_is_drawn_in_three_runs_of_style() -> None:
    strip = row_strip(summary(), "国际", 100, style_of)
    runs = list(strip)
    assert [segment.style for segment in runs] == [
        STYLES["article-list--mark"],
        STYLES["article-list--unread"],
        STYLES["article-list--dim"],
    ]
    text = "".join(segment.text for segment in runs)
    assert text.startswith("●  这市认是国可安全")
    assert "国际" in text and "2025-09-06" in text and " 1,234" in text
    assert strip.cell_length == 100


def test_a_starred_row_keeps_its_star_in_its_own_colour() -> None:
    runs = list(row_strip(summary(starred=True), "国际", 100, style_of))
    star = next(segment for segment in runs if "★" in segment.text)
    assert star.text.startswith("★") and star.style == STYLES["article-list--star"]


def test_blank_cells_take_their_neighbours_style_only_where_they_look_the_same() -> None:
    reverse = Style(color="white", bgcolor="grey11", reverse=True)
    underline = Style(color="white", bgcolor="grey11", underline=True)
    other_background = Style(color="white", bgcolor="blue")
    bold = Style(color="red", bgcolor="grey11", bold=True)
    drawn = fewer_styles(
        [
            Segment("标题", bold),
            Segment("   ", BASE),  # same background: joined to the title
            Segment(" ", other_background),  # another background: kept
            Segment("x", BASE),
            Segment(" ", reverse),  # reversed: a blank shows its foreground
            Segment("y", BASE),
            Segment(" ", underline),  # underlined: kept
        ]
    )
    assert drawn == [
        Segment("标题   ", bold),
        Segment(" ", other_background),
        Segment("x", BASE),
        Segment(" ", reverse),
        Segment("y", BASE),
        Segment(" ", underline),
    ]
