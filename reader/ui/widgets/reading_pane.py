"""The reading pane: one article, laid out line by line and drawn only where visible.

A Line API widget rather than `Markdown` or `Static`: the page is wrapped once per width into
`Content` lines (see `reader.ui.layout`) and `render_line` turns only the visible ones into strips,
so a long article opens as fast as a short one and scrolling costs the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.segment import Segment
from textual import events, work
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style

from reader.text.i18n import N_, _
from reader.ui import hints
from reader.ui.commands import READING_BINDINGS
from reader.ui.layout import ArticlePage, ArticleView, build_page, layout, whole_outline
from reader.ui.targets import OpenArticle, ShowPart, Target
from reader.ui.widgets.hinting import LinkHinting

MEASURE = 100
"""Longest line, in cells: wider text is hard to read, so a wide pane centres it instead."""

ROLES = [
    "crumb",
    "crumb-here",
    "title",
    "meta",
    "tag",
    "star",
    "section",
    "related",
    "bullet",
    "rule",
    "quote",
    "code",
    "link",
    "url",
    "strong",
    "em",
    "strike",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "match",
    "hint",
]


class ReadingPane(LinkHinting, can_focus=True, inherit_bindings=False):
    """Shows the open article: breadcrumb, title, metadata, body, then the articles most like it
    and five random ones."""

    HELP = N_(
        "The article. Scroll with the usual keys; 6-0 open a related article, 1-5 a random one "
        "(or click it); f then a link's label opens the link, F copies it."
    )
    BINDINGS: ClassVar[list[BindingType]] = list(READING_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"reading--{role}" for role in ROLES}

    @dataclass
    class ArticleChosen(Message):
        """The reader chose an entry of the related or random articles (its key or a click)."""

        article_id: int

    @dataclass
    class Drawn(Message):
        """The body of a view whose related and random articles are to come was drawn."""

        view: ArticleView

    @dataclass
    class PartChosen(Message):
        """The reader asked for another part (0-based) of a long article."""

        part: int

    @dataclass
    class Step(Message):
        """The reader asked for the next (+1) or previous (-1) article of the list."""

        delta: int

    @dataclass
    class OutlineRead(Message):
        """The headings of every part of an article in parts were read."""

        page: ArticlePage
        outline: list[tuple[int, int, str]]

    @dataclass
    class OutlineRequested(Message):
        """The reader asked for the outline: (level, text) of each heading of the article (every
        part's), and the index of the one the reader is in (-1: above the first)."""

        headings: list[tuple[int, str]]
        current: int = -1

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.page: ArticlePage | None = None
        self.block_starts: list[int] = []
        self._laid_width = 0
        self._waiting: float | None = None
        """The place to scroll to once the pane is laid out (it was hidden when shown)."""
        self._margin = 0
        self._opened: tuple[float, int] | None = None
        """The place the article opened at (0..1 of its length) and its top line then."""
        self._undrawn: ArticleView | None = None
        """A view shown whose related articles are to come, until its first line is drawn."""
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(512)
        self._roles: dict[str, Style] = {}

    # -- content ---------------------------------------------------------------------------

    @property
    def view(self) -> ArticleView | None:
        """The view shown, if any."""
        return self.page.view if self.page else None

    def show(
        self, view: ArticleView | None, progress: float = 0.0, *, page: ArticlePage | None = None
    ) -> None:
        """Show `view` (or nothing) and scroll to `progress` (0..1) of its length.

        `page` is `view` already built (by a worker); without it the page is built here.
        """
        if page is not None and page.view is view:
            self.page = page
        else:
            self.page = build_page(view, self.page) if view else None
        self._undrawn = view if view is not None and view.pending else None
        self._laid_width = 0
        self._relayout()
        # A hidden pane (the list alone at 80 columns) has no lines yet: scroll when it shows.
        self._waiting = None if self._laid_width else progress
        y = round(progress * self.max_scroll_y)
        self._opened = (progress, y) if self._laid_width else None
        self.scroll_to(y=y, animate=False, force=True)
        self.refresh()

    def complete(self, page: ArticlePage) -> None:
        """The page shown, now with its related and random articles (they come after the
        body): the reader stays where they are, or at the place the article opened at."""
        opened = self._opened
        moved = opened is None or round(self.scroll_y) != opened[1]
        y = self.scroll_y
        self.page = page
        self._laid_width = 0
        self._relayout()
        if not self._laid_width:
            return  # hidden: `_waiting` still holds the place
        if not moved and opened is not None:
            y = round(opened[0] * self.max_scroll_y)
        self.scroll_to(y=y, animate=False, force=True)
        self.refresh()

    def _relayout(self) -> None:
        region = self.scrollable_content_region
        width = region.width
        if width <= 0:
            return
        self._strips.clear()
        self._wrap(width)
        # The scrollbar comes (or goes) with this page: wrap for the width the text will have.
        bar = self.styles.scrollbar_size_vertical
        if bar and (len(self.lines) > region.height) != self.show_vertical_scrollbar:
            self._wrap(width - bar if len(self.lines) > region.height else width + bar)
        self._set_virtual_size(Size(self._laid_width, len(self.lines)))

    def _wrap(self, width: int) -> None:
        measure = min(width - 2, MEASURE)
        self._margin = max(1, (width - measure) // 2)
        self._laid_width = width
        if self.page is None:
            self.lines, self.block_starts = [], []
        else:
            self.lines, self.block_starts = layout(self.page.blocks, measure)

    def _set_virtual_size(self, size: Size) -> None:
        """Take the new article's length without laying the screen out again.

        Setting `virtual_size` asks for a layout of the whole screen, every pane measured and
        drawn again (20-100 ms): only the scrollbar's coming or going needs one, as it changes
        the width the text has. Otherwise the pane keeps its place and size; its scrollbar is
        told the new length and the pane is drawn again."""
        height = self.scrollable_content_region.height
        scrollbar = size.height > height
        if not self.is_mounted or not height or scrollbar != self.show_vertical_scrollbar:
            self.virtual_size = size
            return
        self.set_reactive(ReadingPane.virtual_size, size)
        if scrollbar:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.window_size = height
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Wrap again at the new width, keeping the reader's place."""
        self._fit_width()

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar came or went: wrap again if the text's width is not the one it was
        wrapped for (after the layout that moved the scrollbar)."""
        if self._laid_width:
            self.call_next(self._fit_width)

    def _fit_width(self) -> None:
        if self.scrollable_content_region.width != self._laid_width:
            progress = self.progress
            self._relayout()
            self._waiting = None
            y = round(progress * self.max_scroll_y)
            self._opened = (progress, y)
            self.scroll_to(y=y, animate=False, force=True)

    @property
    def progress(self) -> float:
        """How far down the article the view is (0..1)."""
        if self._waiting is not None:
            return self._waiting
        if self.max_scroll_y <= 0:
            return 0.0
        return min(1.0, self.scroll_y / self.max_scroll_y)

    def headings(self) -> list[tuple[int, str, int]]:
        """(level, text, line number) of each section heading of the shown part."""
        if not self.page or not self.block_starts:
            return []
        return [(level, text, self.block_starts[b]) for b, level, text in self.page.headings]

    def outline(self) -> tuple[list[tuple[int, str]], int]:
        """(level, text) of every heading of the article, all parts', and the index of the
        heading the reader is in (the last at or above the top line; -1 if none)."""
        if not self.page:
            return [], -1
        whole = self.page.outline or []
        part = self.page.view.part
        first = next((i for i, (p, _, _) in enumerate(whole) if p == part), len(whole))
        before = first - 1
        top = round(self.scroll_y) + 1
        passed = sum(1 for _, _, line in self.headings() if line <= top)
        current = first + passed - 1 if passed else before
        return [(level, text) for _, level, text in whole], current

    def go_to_heading(self, index: int) -> None:
        """Show heading `index` of the article's outline, in whichever part it is."""
        whole = self.page.outline if self.page else None
        if not self.page or not whole or not 0 <= index < len(whole):
            return
        part = whole[index][0]
        if part != self.page.view.part:
            self.show(replace(self.page.view, part=part))
            if not self.page:
                return
        within = index - next(i for i, (p, _, _) in enumerate(whole) if p == part)
        lines = self.headings()
        if 0 <= within < len(lines):
            self.scroll_to_line(lines[within][2])

    def match_lines(self) -> list[int]:
        """Line numbers holding a search match."""
        return [
            number
            for number, line in enumerate(self.lines)
            if any(span.style == "match" for span in line.content.spans)
        ]

    def scroll_to_line(self, number: int) -> None:
        """Bring line `number` to the top, a little below it if there is room."""
        self.scroll_to(y=max(0, number - 1), animate=False, force=True)

    # -- drawing ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Forget cached styles and strips when the theme or CSS changes."""
        super().notify_style_update()
        self._roles.clear()
        self._strips.clear()

    def _role(self, role: str | Style) -> Style:
        if isinstance(role, Style):
            return role
        if role.startswith(hints.HREF):
            return Style()
        style = self._roles.get(role)
        if style is None:
            rich = self.get_component_rich_style(f"reading--{role}", partial=True, default=None)
            style = Style.from_rich_style(rich) if rich is not None else Style()
            self._roles[role] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: margin, then the laid-out content."""
        if self._undrawn is not None:
            self.post_message(self.Drawn(self._undrawn))
            self._undrawn = None
        number = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        if number >= len(self.lines):
            return Strip.blank(width, base)
        key = (number, width)
        strip = None if self.hinting else self._strips.get(key)
        if strip is None:
            content: Content = self.labelled_line(number) or self.lines[number].content
            segments = [Segment(" " * self._margin, base)]
            for text, style in content.render(Style.from_rich_style(base), "", self._role):
                segments.append(Segment(text, style.rich_style))
            strip = Strip(segments).crop_extend(0, width, base)
            if not self.hinting:
                self._strips[key] = strip
        return strip

    # -- input -----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """Clicking a random article (or "continue") opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        number = offset.y + round(self.scroll_y)
        if 0 <= number < len(self.lines):
            target = self.lines[number].target
            if target is not None:
                self._activate(target)

    def _activate(self, target: Target) -> None:
        match target:
            case OpenArticle(article_id):
                self.post_message(self.ArticleChosen(article_id))
            case ShowPart(part):
                self.post_message(self.PartChosen(part))

    def _jump(self, y: float) -> None:
        self.scroll_to(y=max(0.0, min(y, self.max_scroll_y)), animate=False, force=True)

    def action_scroll_down(self) -> None:
        """Scroll one line down."""
        self._jump(self.scroll_y + 1)

    def action_scroll_up(self) -> None:
        """Scroll one line up."""
        self._jump(self.scroll_y - 1)

    def action_top(self) -> None:
        """Go to the top."""
        self._jump(0)

    def action_bottom(self) -> None:
        """Go to the end."""
        self._jump(self.max_scroll_y)

    def action_page_down(self) -> None:
        """One page down."""
        self._jump(self.scroll_y + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        """One page up."""
        self._jump(self.scroll_y - max(1, self.scrollable_content_region.height - 1))

    def action_half_down(self) -> None:
        """Half a page down."""
        self._jump(self.scroll_y + max(1, self.scrollable_content_region.height // 2))

    def action_half_up(self) -> None:
        """Half a page up."""
        self._jump(self.scroll_y - max(1, self.scrollable_content_region.height // 2))

    def action_next_article(self) -> None:
        """Ask for the next article of the list."""
        self.post_message(self.Step(1))

    def action_previous_article(self) -> None:
        """Ask for the previous article of the list."""
        self.post_message(self.Step(-1))

    def action_outline(self) -> None:
        """Ask for the outline: the headings of the whole article (of an article in parts,
        read in a worker first)."""
        page = self.page
        if page is not None and page.outline is None:
            self._read_outline(page)
            return
        headings, current = self.outline()
        self.post_message(self.OutlineRequested(headings, current))

    @work(thread=True, exclusive=True, group="outline")
    def _read_outline(self, page: ArticlePage) -> None:
        self.post_message(self.OutlineRead(page, whole_outline(page)))

    def on_reading_pane_outline_read(self, message: OutlineRead) -> None:
        """Keep the outline of the article in parts, and offer it if it is still shown."""
        message.page.outline = message.outline
        if self.page is not None and self.page.view.article.body is message.page.view.article.body:
            self.page.outline = message.outline
            self.action_outline()

    def action_open_related(self, index: int) -> None:
        """Open the random article with this index (0-4)."""
        view = self.view
        if view and 0 <= index < len(view.related):
            self.post_message(self.ArticleChosen(view.related[index].id))

    def action_open_similar(self, index: int) -> None:
        """Open the related article with this index (0-4)."""
        view = self.view
        if view and 0 <= index < len(view.similar):
            self.post_message(self.ArticleChosen(view.similar[index].id))

    def action_next_part(self) -> None:
        """Show the next part of a long article."""
        if self.page and self.page.view.part + 1 < self.page.parts:
            self.post_message(self.PartChosen(self.page.view.part + 1))

    def action_previous_part(self) -> None:
        """Show the previous part of a long article."""
        if self.page and self.page.view.part > 0:
            self.post_message(self.PartChosen(self.page.view.part - 1))

    def action_next_match(self) -> None:
        """Jump to the next search match below the top line."""
        top = round(self.scroll_y) + 1
        for number in self.match_lines():
            if number > top:
                self.scroll_to_line(number)
                return
        self.notify(_("No more matches below"), timeout=2)

    def action_previous_match(self) -> None:
        """Jump to the previous search match above the top line."""
        top = round(self.scroll_y) + 1
        for number in reversed(self.match_lines()):
            if number < top:
                self.scroll_to_line(number)
                return
        self.notify(_("No more matches above"), timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide match, part and article keys when they can do nothing."""
        if action in ("next_match", "previous_match"):
            return bool(self.view and self.view.terms)
        if action in ("next_part", "previous_part"):
            return bool(self.page and self.page.parts > 1)
        if action in ("next_article", "previous_article", "outline", "open_related"):
            return self.page is not None
        if action == "open_similar":
            return bool(self.view and self.view.similar)
        return True
