"""The article list: a virtual list that draws only visible rows and pages them in from the store.

`DataTable`, `OptionList` and `ListView` build every row up front (seconds for 100k rows), so this
is a Line API widget. The list holds a few blocks of `BLOCK` rows around the cursor; for a block it
lacks it posts `RowsWanted`, and the screen reads it in a thread worker and hands it back with
`take_rows`. The block after a loaded one is read by keyset (constant time at any depth), a far
jump by offset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import ArticleSummary, Cursor, SearchCursor
from reader.text.i18n import N_, is_chinese
from reader.ui.commands import LIST_BINDINGS
from reader.ui.state import BLOCK, Listing, Reload, Reloaded, Rows, RowsRequest
from reader.ui.widgets.article_rows import (
    excerpt_content,
    excerpt_strip,
    fewer_styles,
    row_strip,
    text_strip,
)

TYPED_AHEAD = 64
"""How many moves typed while a new listing is on its way are kept, to apply once it arrives."""
FOLLOWING = 5
"""How many articles after the cursor's are remembered for a reload: when the cursor's article
leaves the list (deleted, moved, read under the unread filter), the next one still there takes
its place."""
_DRAWN_ROWS = 1024
"""Rows kept drawn (a few pages of each look): past it, the drawings start again."""


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Titles of a category's articles with their category, date and views and read/star marks."""

    HELP = N_("Articles of the chosen category. Enter opens one; S sorts; u shows unread only.")
    BINDINGS: ClassVar[list[BindingType]] = list(LIST_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--star",
        "article-list--dim",
        "article-list--loading",
        "article-list--selected",
        "article-list--empty",
        "article-list--excerpt",
        "article-list--match",
    }

    # No repaint of the whole list on a move: `watch_cursor` redraws the two rows that changed.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    category_names: var[dict[int, str]] = var(dict)
    """Category names by id, for the category column (bound to the screen's)."""
    selection: var[frozenset[int]] = var(frozenset)
    """The ids of the rows the reader marked (bound to the screen's)."""
    empty_text: var[Content] = var(Content)
    """What an empty list says instead (bound to the screen's)."""

    @dataclass
    class Opened(Message):
        """The reader chose an article (Enter, a click, or a step from the reading pane)."""

        summary: ArticleSummary
        index: int

    @dataclass
    class RowsWanted(Message):
        """The list needs a block of rows: the screen reads it and calls `take_rows`."""

        request: RowsRequest

    @dataclass
    class Filled(Message):
        """The first block of a new listing is on screen, and how many rows the listing has."""

        listing: Listing
        total: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing = Listing()
        """The listing whose rows are shown."""
        self.total = 0
        self._generation = 0
        self._blocks: dict[int, list[ArticleSummary]] = {}
        self._cursors: dict[int, Cursor | SearchCursor | None] = {}
        self._more = False
        self._pending: set[int] = set()
        self._open_when_loaded: int | None = None
        self._new: Listing | None = None
        self._keep_cursor: int | None = None
        self._typed_ahead: list[Callable[[], None]] = []
        """Moves and opens asked for while a new listing was on its way, in order."""
        self._styles: dict[tuple[str, bool, bool], Style] = {}
        self._drawn: dict[tuple[object, ...], Strip] = {}
        """Rows drawn, by what they show and their style: a change of focus or a page back
        draws again only the rows that look different."""
        self._look: tuple[Style, ...] = ()
        """The parts' styles the rows in `_drawn` were drawn with (the widget's own and the
        cursor's are in each row's key): a theme or CSS change that alters one forgets them."""
        self._look_checked = False
        self._joined: dict[int, tuple[Strip, Strip]] = {}
        """By line: the strip Textual drew (border included) and the same with fewer styles."""
        self._excerpts: dict[int, Content] = {}
        """Search results' excerpts by article id, sanitised, matches spanned as `match`."""

    @property
    def row_height(self) -> int:
        """Lines per row: search results show their excerpt on a second line."""
        return 2 if self.listing.excerpts else 1

    def _lines(self) -> Size:
        return Size(self.scrollable_content_region.width, self.total * self.row_height)

    def _keep(self, block: Rows) -> None:
        for article_id, (text, spans) in block.excerpts.items():
            self._excerpts[article_id] = excerpt_content(text, spans)

    # -- data ------------------------------------------------------------------------------

    def show_listing(self, listing: Listing, *, keep_cursor: int | None = None) -> None:
        """Show `listing`; the old rows stay on screen until its first block arrives.

        `keep_cursor` puts the cursor on that row (going back to where the reader was)."""
        self._generation += 1
        self._new = listing
        self._pending = {0}
        self._keep_cursor = keep_cursor
        self.post_message(self.RowsWanted(RowsRequest(self._generation, listing, 0)))

    def _apply_first(self, block: Rows) -> None:
        assert self._new is not None
        rows = list(block.rows)
        self.listing, self._new = self._new, None
        self._blocks = {0: rows}
        self._cursors = {0: block.after}
        self._pending = set()
        self._excerpts = {}
        self._keep(block)
        self.total = max(block.total or 0, len(rows))
        if len(rows) < BLOCK or (self.listing.search and block.after is None):
            self.total = len(rows)
        self.virtual_size = self._lines()
        keep = self._keep_cursor
        self.cursor = min(keep, max(0, self.total - 1)) if keep is not None else 0
        self.scroll_to(
            y=max(0, (self.cursor - self._page_rows() // 2) * self.row_height),
            animate=False,
            force=True,
        )
        self.refresh()
        self.post_message(self.Filled(self.listing, self.total))
        typed, self._typed_ahead = self._typed_ahead, []
        for step in typed:
            step()

    def _later(self, step: Callable[[], None]) -> bool:
        """Keep `step` for when the new listing arrives, if one is on its way (keys typed
        quickly after choosing a category apply to it, in order)."""
        if self._new is None:
            return False
        if len(self._typed_ahead) < TYPED_AHEAD:
            self._typed_ahead.append(step)
        return True

    def row(self, index: int) -> ArticleSummary | None:
        """The summary at `index`, if its block is loaded (it is asked for if not)."""
        block, at = divmod(index, BLOCK)
        rows = self._blocks.get(block)
        if rows is None:
            self._request(block)
            return None
        return rows[at] if at < len(rows) else None

    def index_of(self, article_id: int) -> int | None:
        """Where the article is in the list, if its row is loaded."""
        for block, rows in self._blocks.items():
            for at, row in enumerate(rows):
                if row.id == article_id:
                    return block * BLOCK + at
        return None

    def patch(self, article_id: int, **changes: object) -> ArticleSummary | None:
        """Change fields of a shown row in place (`read=True`, `starred=False`, ...).

        Returns the row as it was before, or None if the article is not among the loaded rows.
        """
        before = None
        for block, rows in self._blocks.items():
            for at, row in enumerate(rows):
                if row.id == article_id:
                    before = row
                    rows[at] = replace(row, **changes)  # type: ignore[arg-type]
                    self._refresh_row(block * BLOCK + at)
        return before

    def _request(self, block: int) -> None:
        if block in self._pending or self._new is not None:
            return
        if block * BLOCK >= self.total:
            return
        self._pending.add(block)
        after = self._cursors.get(block - 1) if block - 1 in self._blocks else None
        request = RowsRequest(self._generation, self.listing, block, after, self.total)
        self.post_message(self.RowsWanted(request))

    def rows_failed(self, request: RowsRequest) -> None:
        """A block could not be read: a new listing is given up (the rows shown stay, and the
        keys typed for it are dropped, so the list answers keys again); a later block will be
        asked for again when it comes into sight."""
        if request.generation != self._generation:
            return
        self._pending.discard(request.block)
        if self._new is not None and request.block == 0:
            self._new = None
            self._typed_ahead = []

    @property
    def awaiting_rows(self) -> bool:
        """Whether a new listing's first rows are still on their way."""
        return self._new is not None

    def more_expected(self) -> bool:
        """Whether search results may go on past the rows loaded so far."""
        return self._more

    def take_rows(self, request: RowsRequest, block: Rows) -> None:
        """Take in a block read for `request`, if it belongs to the listing shown or awaited."""
        if request.generation != self._generation:
            return
        self._more = block.after is not None
        if self._new is not None and request.block == 0:
            self._apply_first(block)
        else:
            self._pending.discard(request.block)
            self._blocks[request.block] = list(block.rows)
            self._cursors[request.block] = block.after
            self._keep(block)
            if self.listing.search and block.total is not None:
                self.total = max(block.total, request.offset + len(block.rows))
                self.virtual_size = self._lines()
                self.post_message(self.Filled(self.listing, self.total))
            if len(self._blocks) > 64:  # keep memory flat while scrolling a huge list
                far = max(self._blocks, key=lambda b: abs(b - self.cursor // BLOCK))
                for row in self._blocks.pop(far):
                    self._excerpts.pop(row.id, None)
            self.refresh()
        if self._open_when_loaded is not None:
            index, self._open_when_loaded = self._open_when_loaded, None
            self.open_index(index)
        self._prefetch(self.cursor, self._page_rows())

    def reload_request(self) -> Reload | None:
        """What to read again to show the listing as the library is now, keeping the cursor on
        its article (None while a new listing is on its way: it will be read fresh anyway)."""
        if self._new is not None:
            return None
        row = self.row(self.cursor) if self.total else None
        following = []
        for index in range(self.cursor + 1, min(self.total, self.cursor + 1 + FOLLOWING)):
            block, at = divmod(index, BLOCK)
            rows = self._blocks.get(block)
            if rows is not None and at < len(rows):
                following.append(rows[at].id)
        loaded = self.listing.search and max(self._blocks, default=0) * BLOCK + BLOCK
        return Reload(
            self._generation,
            self.listing,
            self.cursor,
            row.id if row is not None else None,
            tuple(following),
            known=max(self.total, loaded or 0),
        )

    def take_reload(self, request: Reload, found: Reloaded) -> None:
        """Show the rows read again for `request`: the cursor stays on its article (moved as
        far as the reader moved it meanwhile), on the same line of the pane; a list scrolled to
        its top stays there while the cursor's row is still in sight, so what came in above it
        is seen."""
        if request.generation != self._generation or self._new is not None:
            return  # another listing was asked for meanwhile
        moved = self.cursor - request.cursor
        line = self.cursor - round(self.scroll_y) // self.row_height
        at_top = round(self.scroll_y) == 0
        shown_before = self._in_view()
        self._generation += 1  # blocks still on their way hold the rows as they were
        self._blocks = {block: list(rows.rows) for block, rows in found.blocks.items()}
        self._cursors = {block: rows.after for block, rows in found.blocks.items()}
        self._pending = set()
        self._excerpts = {}
        for rows in found.blocks.values():
            self._keep(rows)
        self.total = found.total
        self.virtual_size = self._lines()
        self.cursor = max(0, min(self.total - 1, found.cursor + moved))
        if at_top and self.cursor < self._page_rows():
            line = self.cursor
        self.scroll_to(y=max(0, self.cursor - line) * self.row_height, animate=False, force=True)
        if self._in_view() != shown_before:
            self.refresh()  # else every row would be written to the terminal again as it was
        self.post_message(self.Filled(self.listing, self.total))
        if self._open_when_loaded is not None:
            # The block it waited for was read before the change: open it from the rows now.
            index, self._open_when_loaded = self._open_when_loaded, None
            self.open_index(index)

    def _in_view(self) -> tuple[object, ...]:
        """What the pane's lines show now: the loaded rows in sight (None where not loaded),
        their excerpts, the first row's place and how many rows there are."""
        top = round(self.scroll_y) // self.row_height
        end = min(self.total, top + self._page_rows() + 1)
        shown: list[tuple[ArticleSummary, Content | None] | None] = []
        for index in range(top, end):
            block, at = divmod(index, BLOCK)
            rows = self._blocks.get(block)
            row = rows[at] if rows is not None and at < len(rows) else None
            shown.append(None if row is None else (row, self._excerpts.get(row.id)))
        return tuple(shown), top, self.total

    def watch_category_names(self) -> None:
        """Draw the category column again with the new names."""
        self.refresh()

    def watch_selection(self) -> None:
        """Draw the marks of the selected rows."""
        self.refresh()

    def watch_empty_text(self) -> None:
        """Draw what an empty list says."""
        if not self.total:
            self.refresh()

    # -- cursor ------------------------------------------------------------------------------

    def _refresh_row(self, index: int) -> None:
        for line in range(index * self.row_height, (index + 1) * self.row_height):
            self.refresh_line(line)

    def _page_rows(self) -> int:
        """How many rows the pane shows at once."""
        return self.scrollable_content_region.height // self.row_height

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor row visible and redraw the two rows that changed."""
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor(new)
        self._prefetch(new, self._page_rows())

    def _scroll_to_cursor(self, index: int) -> None:
        height = self.scrollable_content_region.height
        top, bottom = index * self.row_height, (index + 1) * self.row_height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, force=True)
        elif height and bottom > self.scroll_y + height:
            self.scroll_to(y=bottom - height, animate=False, force=True)

    def _prefetch(self, index: int, height: int) -> None:
        """Ask for the blocks a page or two either side of `index` before they are drawn.

        Paging then finds its rows already loaded instead of drawing placeholders first.
        """
        if self._new is not None or not self.total:
            return
        reach = max(height, 1) * 2
        first = max(0, index - reach) // BLOCK
        last = min(self.total - 1, index + reach) // BLOCK
        for block in range(first, last + 1):
            if block not in self._blocks and self._request_ready(block):
                self._request(block)

    def _request_ready(self, block: int) -> bool:
        # A block fetched by keyset needs the one before it; a far one is read by offset.
        return block == 0 or block - 1 in self._blocks or block - 1 not in self._pending

    def move(self, delta: int) -> None:
        """Move the cursor by `delta` rows, within the list (the new one, if one is on its way)."""
        if self._later(lambda: self.move(delta)):
            return
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def open_index(self, index: int) -> None:
        """Open the article at `index` (after its block arrives if need be)."""
        if self._later(lambda: self.open_index(index)):
            return
        if not 0 <= index < self.total:
            return
        if index != self.cursor:
            self.cursor = index
        else:
            # The cursor's row is drawn already: a repaint now would start Textual's frame
            # interval, and the article's first frame would wait up to 33 ms for it to end.
            self._scroll_to_cursor(index)
        summary = self.row(index)
        if summary is None:
            self._open_when_loaded = index
        else:
            self.post_message(self.Opened(summary, index))

    def action_cursor_down(self) -> None:
        """Next row."""
        self.move(1)

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.move(-1)

    def action_first(self) -> None:
        """First row."""
        if not self._later(self.action_first):
            self.move(-self.total)

    def action_last(self) -> None:
        """Last row."""
        if not self._later(self.action_last):
            self.move(self.total)

    def action_page_down(self) -> None:
        """A page down."""
        self.move(max(1, self._page_rows() - 1))

    def action_page_up(self) -> None:
        """A page up."""
        self.move(-max(1, self._page_rows() - 1))

    def action_half_down(self) -> None:
        """Half a page down."""
        self.move(max(1, self._page_rows() // 2))

    def action_half_up(self) -> None:
        """Half a page up."""
        self.move(-max(1, self._page_rows() // 2))

    def action_open(self) -> None:
        """Open the article under the cursor."""
        if not self._later(self.action_open):
            self.open_index(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor there and opens the article (not while another listing's
        rows are on their way: the row clicked is about to give way)."""
        offset = event.get_content_offset(self)
        if offset is not None and not self.awaiting_rows:
            self.open_index((offset.y + round(self.scroll_y)) // self.row_height)

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step so rows fill the pane."""
        self.virtual_size = self._lines()

    def notify_style_update(self) -> None:
        """Forget the cached styles when the theme or CSS changes."""
        super().notify_style_update()
        self._styles.clear()
        self._look_checked = False

    def _style(self, role: str, is_cursor: bool = False) -> Style:
        """The style of a row part, computed once per style change (not once per row)."""
        key = (role, is_cursor, self.has_focus)  # `:focus` changes the cursor's style
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if is_cursor:
                style += self.get_component_rich_style("article-list--cursor", partial=True)
            if role != "base":
                style += self.get_component_rich_style(role, partial=True)
            self._styles[key] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows with the border's cells joined to the row's where they share a style, and
        the blank cells past the row's end drawn in its style: fewer bytes written to the
        terminal for each row redrawn (the list has no scroll bar for the same reason: it
        would be written again, cell by cell, on every page down)."""
        lines = []
        for y, strip in enumerate(super().render_lines(crop), crop.y):
            joined = self._joined.get(y)
            if joined is None or joined[0] is not strip:
                joined = self._joined[y] = (
                    strip,
                    Strip(fewer_styles(list(strip)), strip.cell_length),
                )
            lines.append(joined[1])
        return lines

    def render_line(self, y: int) -> Strip:
        """Draw one row: marks, title, then category, date and views on the right (and a search
        result's excerpt under it)."""
        index, second = divmod(y + round(self.scroll_y), self.row_height)
        width = self.scrollable_content_region.width
        base = self._style("base")
        if not self.total and self._new is None and self.empty_text:
            return text_strip(
                self.empty_text, y - 1, width, base, self._style("article-list--empty")
            )
        if index >= self.total:
            return Strip.blank(width, base)
        summary = self.row(index)
        if summary is None:
            style = self._style("article-list--loading")
            return Strip([Segment("  …", style)]).crop_extend(0, width, base)
        is_cursor = index == self.cursor
        selected = summary.id in self.selection
        if second:
            excerpt = self._excerpts.get(summary.id, Content())
            return excerpt_strip(
                excerpt,
                width,
                self._style("base", is_cursor),
                self._style("article-list--excerpt", is_cursor),
                self._style("article-list--match"),
            )

        def style_of(role: str) -> Style:
            if selected and role in ("base", "article-list--read", "article-list--unread"):
                return self._style(role, is_cursor) + self._style("article-list--selected")
            return self._style(role, is_cursor)

        category = self.category_names.get(summary.category_id, "")
        key = (summary, category, width, selected, self._style("base", is_cursor), is_chinese())
        if not self._look_checked:
            look = tuple(
                self.get_component_rich_style(name, partial=True)
                for name in sorted(self.COMPONENT_CLASSES - {"article-list--cursor"})
            )
            if look != self._look:
                self._drawn.clear()
                self._look = look
            self._look_checked = True
        strip = self._drawn.get(key)
        if strip is None:
            if len(self._drawn) >= _DRAWN_ROWS:
                self._drawn.clear()
            strip = self._drawn[key] = row_strip(
                summary, category, width, style_of, selected=selected
            )
        return strip
