"""The article list: a virtual list that draws only visible rows and pages them in from the store.

`DataTable`, `OptionList` and `ListView` build every row up front (seconds for 100k rows), so this
is a Line API widget. Rows arrive in blocks of `BLOCK` from a thread worker; the block after a
loaded one is fetched by keyset (constant time at any depth), a far jump by offset.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import ROOT_SCOPE, ArticleSummary, Cursor, SearchCursor
from reader.store import LibraryError
from reader.text.sanitize import sanitize_line
from reader.ui.commands import LIST_BINDINGS

if TYPE_CHECKING:
    from reader.store import Library

BLOCK = 100


@dataclass(frozen=True, slots=True)
class Query:
    """What the list shows: a scope, an order and the unread filter, or search results.

    With `search` set the list holds the results of that search in the scope, ordered by
    `order` (`newest` or `best`); how many there are is learnt page by page.
    """

    scope: int = ROOT_SCOPE
    sort: str = "published"
    unread_only: bool = False
    search: str = ""
    order: str = "newest"


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Titles of a category's articles with their category, date, views and read/star marks."""

    HELP = "Articles of the chosen category. Enter opens one; S sorts; u shows unread only."
    BINDINGS: ClassVar[list[BindingType]] = list(LIST_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--star",
        "article-list--dim",
        "article-list--loading",
    }

    # No repaint of the whole list on a move: `watch_cursor` redraws the two rows that changed.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Opened(Message):
        """The reader chose an article (Enter, a click, or a step from the reading pane)."""

        def __init__(self, summary: ArticleSummary, index: int) -> None:
            super().__init__()
            self.summary = summary
            self.index = index

    class Loaded(Message):
        """A worker fetched a block of rows."""

        def __init__(
            self,
            generation: int,
            block: int,
            rows: list[ArticleSummary],
            after: Cursor | SearchCursor | None,
            total: int | None,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.block = block
            self.rows = rows
            self.after = after
            self.total = total

    class Filled(Message):
        """The first block of a new query is on screen, and how many rows the query has."""

        def __init__(self, query: Query, total: int) -> None:
            super().__init__()
            self.query = query
            self.total = total

    class Failed(Message):
        """Rows could not be read; the text is one line fit to show."""

        def __init__(self, text: str, query: Query | None = None) -> None:
            super().__init__()
            self.text = text
            self.query = query

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.query_now = Query()
        self.total = 0
        self.names: dict[int, str] = {}
        self._generation = 0
        self._blocks: dict[int, list[ArticleSummary]] = {}
        self._cursors: dict[int, Cursor | SearchCursor | None] = {}
        self._more = False
        self._pending: set[int] = set()
        self._open_when_loaded: int | None = None
        self._new: Query | None = None
        self._keep_cursor: int | None = None
        self._styles: dict[tuple[str, bool, bool], Style] = {}

    # -- data ------------------------------------------------------------------------------

    def set_query(self, query: Query, *, keep_cursor: int | None = None) -> None:
        """Show `query`; the old rows stay on screen until the new first block arrives."""
        self._generation += 1
        self._new = query
        self._pending = {0}
        self._keep_cursor = keep_cursor
        self._fetch(self._generation, query, 0, None, 0)

    def _apply_first(
        self, rows: list[ArticleSummary], after: Cursor | SearchCursor | None, total: int
    ) -> None:
        assert self._new is not None
        self.query_now, self.total = self._new, total
        self._new = None
        self._blocks = {0: rows}
        self._cursors = {0: after}
        self._pending = set()
        self.total = max(self.total, len(rows))
        if len(rows) < BLOCK or (self.query_now.search and after is None):
            self.total = len(rows)
        self.virtual_size = Size(self.size.width, self.total)
        keep = self._keep_cursor
        self.cursor = min(keep, max(0, self.total - 1)) if keep is not None else 0
        self.scroll_to(
            y=max(0, self.cursor - self.scrollable_content_region.height // 2),
            animate=False,
            force=True,
        )
        self.refresh()
        self.post_message(self.Filled(self.query_now, self.total))

    def row(self, index: int) -> ArticleSummary | None:
        """The summary at `index`, if its block is loaded (a fetch is started if not)."""
        block, at = divmod(index, BLOCK)
        rows = self._blocks.get(block)
        if rows is None:
            self._request(block)
            return None
        return rows[at] if at < len(rows) else None

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
                    self.refresh_line(block * BLOCK + at)
        return before

    def _request(self, block: int) -> None:
        if block in self._pending or self._new is not None:
            return
        if block * BLOCK >= self.total:
            return
        self._pending.add(block)
        after = self._cursors.get(block - 1) if block - 1 in self._blocks else None
        self._fetch(self._generation, self.query_now, block, after, block * BLOCK)

    @work(thread=True, group="list-rows")
    def _fetch(
        self,
        generation: int,
        query: Query,
        block: int,
        after: Cursor | SearchCursor | None,
        offset: int,
    ) -> None:
        if query.search:
            self._fetch_results(generation, query, block, after, offset)
            return
        try:
            total = None
            if block == 0:
                all_rows, unread = self.library.counts(query.scope)
                total = unread if query.unread_only else all_rows
            known = self.total if total is None else total
            if after is None and known and offset > known // 2:
                # A far jump (End, a scrollbar drag) is read from the end: O(distance to it).
                back = max(0, known - offset - BLOCK)
                page = self.library.page(
                    query.scope,
                    sort=query.sort,  # type: ignore[arg-type]
                    offset=back,
                    limit=min(BLOCK, known - offset),
                    unread_only=query.unread_only,
                    from_end=True,
                )
            else:
                page = self.library.page(
                    query.scope,
                    sort=query.sort,  # type: ignore[arg-type]
                    after=after if isinstance(after, Cursor) else None,
                    offset=0 if after is not None else offset,
                    limit=BLOCK,
                    unread_only=query.unread_only,
                )
        except LibraryError as error:
            self.post_message(self.Failed(str(error)))
            return
        self.post_message(self.Loaded(generation, block, list(page.items), page.next, total))

    def _fetch_results(
        self,
        generation: int,
        query: Query,
        block: int,
        after: Cursor | SearchCursor | None,
        offset: int,
    ) -> None:
        """One block of search results; the total grows by a block while more may follow."""
        try:
            page = self.library.search_page(
                query.search,
                query.scope,
                order="best" if query.order == "best" else "newest",
                limit=BLOCK,
                after=after if isinstance(after, SearchCursor) else None,
                offset=0 if after is not None else offset,
            )
        except LibraryError as error:
            self.post_message(self.Failed(str(error), query))
            self.post_message(self.Loaded(generation, block, [], None, block * BLOCK))
            return
        rows = [hit.summary for hit in page.hits]
        more = page.next is not None
        total = block * BLOCK + len(rows) + (1 if more else 0)
        if generation == self._generation:
            self.post_message(self.Loaded(generation, block, rows, page.next, total))

    @property
    def awaiting_rows(self) -> bool:
        """Whether a new query's first rows are still on their way."""
        return self._new is not None

    def more_expected(self) -> bool:
        """Whether search results may go on past the rows loaded so far."""
        return self._more

    def on_article_list_loaded(self, message: ArticleList.Loaded) -> None:
        """Take in a fetched block, if it belongs to the current query."""
        message.stop()
        if message.generation != self._generation:
            return
        self._more = message.after is not None
        if self._new is not None and message.block == 0:
            self._apply_first(message.rows, message.after, message.total or 0)
        else:
            self._pending.discard(message.block)
            self._blocks[message.block] = message.rows
            self._cursors[message.block] = message.after
            if self.query_now.search and message.total is not None:
                self.total = max(message.total, message.block * BLOCK + len(message.rows))
                self.virtual_size = Size(self.size.width, self.total)
                self.post_message(self.Filled(self.query_now, self.total))
            if len(self._blocks) > 64:  # keep memory flat while scrolling a huge list
                far = max(self._blocks, key=lambda b: abs(b - self.cursor // BLOCK))
                del self._blocks[far]
            self.refresh()
        if self._open_when_loaded is not None:
            index, self._open_when_loaded = self._open_when_loaded, None
            self.open_index(index)
        self._prefetch(self.cursor, self.scrollable_content_region.height)

    # -- cursor ------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor row visible and redraw the two rows that changed."""
        self.refresh_line(old)
        self.refresh_line(new)
        height = self.scrollable_content_region.height
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False, force=True)
        elif height and new >= self.scroll_y + height:
            self.scroll_to(y=new - height + 1, animate=False, force=True)
        self._prefetch(new, height)

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
        """Move the cursor by `delta` rows, within the list."""
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def open_index(self, index: int) -> None:
        """Open the article at `index` (after its block arrives if need be)."""
        if not 0 <= index < self.total:
            return
        self.cursor = index
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
        self.move(-self.total)

    def action_last(self) -> None:
        """Last row."""
        self.move(self.total)

    def action_page_down(self) -> None:
        """A page down."""
        self.move(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        """A page up."""
        self.move(-max(1, self.scrollable_content_region.height - 1))

    def action_half_down(self) -> None:
        """Half a page down."""
        self.move(max(1, self.scrollable_content_region.height // 2))

    def action_half_up(self) -> None:
        """Half a page up."""
        self.move(-max(1, self.scrollable_content_region.height // 2))

    def action_open(self) -> None:
        """Open the article under the cursor."""
        self.open_index(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor there and opens the article."""
        offset = event.get_content_offset(self)
        if offset is not None:
            self.open_index(offset.y + round(self.scroll_y))

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step so rows fill the pane."""
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)

    def notify_style_update(self) -> None:
        """Forget the cached styles when the theme or CSS changes."""
        super().notify_style_update()
        self._styles.clear()

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

    def render_line(self, y: int) -> Strip:
        """Draw one row: marks, title, then category, date and views on the right."""
        index = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self._style("base")
        if index >= self.total:
            return Strip.blank(width, base)
        summary = self.row(index)
        if summary is None:
            style = self._style("article-list--loading")
            return Strip([Segment("  …", style)]).crop_extend(0, width, base)
        return self._row_strip(summary, width, index == self.cursor)

    def _row_strip(self, row: ArticleSummary, width: int, is_cursor: bool) -> Strip:
        base = self._style("base", is_cursor)
        title_role = "article-list--read" if row.read else "article-list--unread"
        title_style = self._style(title_role, is_cursor)
        dim = self._style("article-list--dim", is_cursor)
        mark = self._style("article-list--mark", is_cursor)
        star = self._style("article-list--star", is_cursor)
        right: list[tuple[str, object]] = []
        if width >= 72:
            name = sanitize_line(self.names.get(row.category_id, ""))
            right.append((_fit(name, 12), dim))
        if width >= 40:
            right.append((row.published[:10].ljust(10), dim))
        if width >= 56:
            right.append((f"{row.views:>6,}"[-6:], dim))
        right_text = " ".join(text for text, _ in right)
        title_width = max(4, width - 3 - (cell_len(right_text) + 1 if right else 0))
        title = _fit(sanitize_line(row.title), title_width)
        segments = [
            Segment("●" if not row.read else " ", mark),
            Segment("★" if row.starred else " ", star),
            Segment(" ", base),
            Segment(title, title_style),
        ]
        for text, style in right:
            segments.append(Segment(" ", base))
            segments.append(Segment(text, style))  # type: ignore[arg-type]
        return Strip(segments).crop_extend(0, width, base)


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` cells (with an ellipsis) and pad it to exactly that width."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    content = Content(text).truncate(width, ellipsis=True)
    return content.plain + " " * (width - content.cell_length)
