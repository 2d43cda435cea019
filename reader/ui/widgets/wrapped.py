"""Text that wraps as a Chinese reader expects, at whatever width the widget has.

A `Static` wraps at spaces only; `Wrapped` breaks its paragraphs by the rules of
`reader.ui.wrapping` (between CJK characters, never inside a Latin word, a number or a tag,
never with closing punctuation at a line's start) each time it is drawn, so a resize re-wraps it.
A paragraph may carry a prefix (a key in the help, a bullet): the lines after its first are
indented as far, so the text hangs in one column.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from reader.ui.wrapping import wrap

Paragraph = Content | tuple[Content, Content]
"""A paragraph's text, or (its prefix, its text)."""


class Wrapped(Widget):
    """Paragraphs of sanitised `Content`, wrapped to the widget's width."""

    DEFAULT_CSS = """
    Wrapped { height: auto; }
    """

    def __init__(
        self,
        *paragraphs: Paragraph,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.paragraphs: list[Paragraph] = list(paragraphs)

    def update(self, *paragraphs: Paragraph) -> None:
        """Show other paragraphs."""
        self.paragraphs = list(paragraphs)
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        """The lines the paragraphs wrap into at `width` cells."""
        result: list[Content] = []
        for paragraph in self.paragraphs:
            prefix, text = paragraph if isinstance(paragraph, tuple) else (Content(), paragraph)
            for part in text.split("\n", allow_blank=True) if text.plain else [text]:
                result += wrap(part, width, prefix=prefix)
                prefix = Content(" " * prefix.cell_length)
        return result

    def render(self) -> Content:
        """The wrapped lines, each narrower than the widget, so Textual breaks none again."""
        return Content("\n").join(self.lines(self.content_region.width or self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the paragraphs wrap into at `width`."""
        return len(self.lines(width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The widest paragraph, unwrapped (for a widget whose width is `auto`)."""
        return max((line.cell_length for line in self.lines(10_000)), default=0)
