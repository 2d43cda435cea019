"""What the reading pane shows for one article, laid out into lines at a given width.

The page is built once per article (breadcrumb, title, metadata, body, related and random
articles) as
width-independent blocks; `layout` wraps them into lines whenever the width changes. Each line
remembers the block it came from, so headings and the random-article entries can be found again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rich.cells import cell_len
from textual.content import Content, Span

from reader.models import Article, ArticleSummary
from reader.text import outline
from reader.text.i18n import _, format_date, format_datetime, ngettext
from reader.text.query import Query, SearchQueryError, match_spans, parse_query
from reader.text.sanitize import sanitize_line
from reader.ui.document import BLANK, Block, markdown_blocks, split_parts
from reader.ui.targets import OpenArticle, ShowPart, Target
from reader.ui.wrapping import wrap_ranges

MAX_GRID_COLUMNS = 12
MAX_TABLE_ROWS = 1000
RANDOM_KEYS = "12345"
"""Keys that open the entries of the random-articles block, in order."""
RELATED_KEYS = "67890"
"""Keys that open the entries of the related-articles block, in order (the digits after the
random block's: they are typed alike on every keyboard layout and terminal)."""


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An opened article with the articles shown under it and which part of it is shown."""

    article: Article
    related: tuple[ArticleSummary, ...] = ()
    """The random picks (the "random articles" block)."""
    part: int = 0
    terms: tuple[str, ...] = ()
    """Search terms to highlight."""
    similar: tuple[ArticleSummary, ...] = ()
    """The articles most like it (the "related articles" block)."""
    pending: bool = False
    """The related and random articles are still being looked up (the body shows first)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One laid-out line of the page."""

    content: Content
    block: int
    target: Target | None = None


@dataclass(slots=True)
class ArticlePage:
    """A view's blocks and facts about them that do not depend on the width."""

    view: ArticleView
    blocks: list[Block]
    parts: int
    headings: list[tuple[int, int, str]] = field(default_factory=list)
    """(block index, level, text) of each heading in the body (of the part shown)."""
    outline: list[tuple[int, int, str]] | None = None
    """(part, level, text) of each heading of the whole article, every part's (for an article
    in parts, None until `whole_outline` is asked for it: parsing every part is slow)."""


def shown_date(published: str) -> str:
    """`2024-11-13T17:49:38` -> `2024-11-13 17:49:38`, as `reader show` prints it
    (`2024年11月13日 17:49:38` in Chinese)."""
    return format_datetime(published, seconds=True)


def build_page(view: ArticleView, known: ArticlePage | None = None) -> ArticlePage:
    """Build the blocks of a whole page for `view`; `known`, a page of another part of the same
    article, lends its outline of the whole article."""
    article = view.article
    parts = split_parts(article.body)
    part = min(max(view.part, 0), len(parts) - 1)
    title = sanitize_line(article.title)
    queries = search_queries(view.terms)
    crumbs = [Content.styled(_("Home"), "crumb")]
    for name in article.category:
        crumbs.append(Content.styled(sanitize_line(name), "crumb"))
    crumbs.append(Content.styled(title, "crumb-here"))
    blocks: list[Block] = [
        Block(Content(" › ").join(crumbs)),
        BLANK,
        highlight(Block(Content.styled(title, "title")), queries),
        Block(meta_line(article)),
        BLANK,
    ]
    if len(parts) > 1:
        part_line = _("Part {part} of {parts}").format(part=part + 1, parts=len(parts))
        blocks += [Block(Content.styled(part_line, "meta")), BLANK]
    body = markdown_blocks(parts[part])
    if queries:
        body = [highlight(block, queries) for block in body]
    start = len(blocks)
    blocks += body
    headings = [
        (start + index, block.heading, block.label)
        for index, block in enumerate(body)
        if block.heading
    ]
    whole: list[tuple[int, int, str]] | None = None
    if known is not None and known.view.article.body is article.body:
        whole = known.outline
    elif len(parts) == 1:
        whole = [(0, level, label) for _, level, label in headings]
    blocks.append(BLANK)
    if part + 1 < len(parts):
        more = _("▶ Continue: part {part} of {parts} (press ] or click)").format(
            part=part + 2, parts=len(parts)
        )
        blocks += [Block(Content.styled(more, "link"), target=ShowPart(part + 1)), BLANK]
    if view.pending:
        return ArticlePage(view, blocks, len(parts), headings, whole)
    if view.similar:
        blocks.append(Block(Content.styled("─" * 3, "rule"), kind="rule"))
        blocks.append(Block(Content.styled(_("Related articles"), "section")))
        blocks += _entries(RELATED_KEYS, view.similar)
        blocks.append(BLANK)
    blocks.append(Block(Content.styled("─" * 3, "rule"), kind="rule"))
    blocks.append(Block(Content.styled(_("Random articles"), "section")))
    if not view.related:
        blocks.append(Block(Content.styled(_("No other articles yet."), "meta")))
    blocks += _entries(RANDOM_KEYS, view.related)
    return ArticlePage(view, blocks, len(parts), headings, whole)


def whole_outline(page: ArticlePage) -> list[tuple[int, int, str]]:
    """(part, level, text) of every heading of the page's article, all parts' (slow for a
    long article: run it in a worker); the shown part's are known from its blocks."""
    shown = page.view.part
    whole: list[tuple[int, int, str]] = []
    for number, text in enumerate(split_parts(page.view.article.body)):
        if number == shown:
            whole += [(number, level, label) for _, level, label in page.headings]
        else:
            whole += [(number, h.level, h.text) for h in outline.headings(text)]
    return whole


def _entries(keys: str, summaries: Sequence[ArticleSummary]) -> list[Block]:
    """One line per article: its key, title and date; activating it opens the article."""
    blocks = []
    for key, summary in zip(keys, summaries, strict=False):
        entry = Content.assemble(
            (f"{key} ", "bullet"),
            (sanitize_line(summary.title), "related"),
            (f"  {format_date(summary.published)}", "meta"),
        )
        blocks.append(Block(entry, rest=Content("  "), target=OpenArticle(summary.id)))
    return blocks


def meta_line(article: Article) -> Content:
    """Publication time, views, author, where it came from (`source: host` or `source: file`),
    tags and the star, joined by dots."""
    pieces: list[Content] = [Content.styled(shown_date(article.published), "meta")]
    views = ngettext("{count} view", "{count} views", article.views).format(
        count=f"{article.views:,}"
    )
    pieces.append(Content.styled(views, "meta"))
    author = sanitize_line(article.author)
    if author:
        pieces.append(Content.styled(author, "meta"))
    source = _source_name(article)
    if source:
        pieces.append(Content.styled(_("source: {source}").format(source=source), "meta"))
    tags = [sanitize_line(tag) for tag in article.tags if sanitize_line(tag)]
    if tags:
        # A space inside a tag is a no-break one: the tag wraps whole, like any other.
        shown = " ".join("#" + tag.replace(" ", "\u00a0") for tag in tags)
        pieces.append(Content.styled(shown, "tag"))
    if article.starred:
        pieces.append(Content.styled(_("★ starred"), "star"))
    return Content.styled(" · ", "meta").join(pieces)


def _source_name(article: Article) -> str:
    url = sanitize_line(article.url)
    if "://" in url:
        return url.split("://", 1)[1].split("/", 1)[0]
    source = sanitize_line(article.source)
    return source.rsplit("/", 1)[-1]


def search_queries(terms: Sequence[str]) -> list[Query]:
    """The searches in `terms`, each a query as typed (`茶 "green tea" -milk`), parsed once."""
    queries = []
    for term in terms:
        try:
            queries.append(parse_query(term))
        except SearchQueryError:
            continue  # nothing to highlight for it
    return queries


def highlight(block: Block, queries: Sequence[Query]) -> Block:
    """Mark what `queries` match in a block with the `match` role: their wanted words and
    phrases, wherever they occur, case-insensitively, exactly as search matched them."""
    plain = block.content.plain
    spans = [Span(start, end, "match") for q in queries for start, end in match_spans(plain, q)]
    if not spans:
        return block
    content = block.content.add_spans(spans)
    return replace(block, content=content)


def layout(blocks: Sequence[Block], width: int) -> tuple[list[Line], list[int]]:
    """Wrap `blocks` into lines at `width` cells; also return each block's first line number."""
    lines: list[Line] = []
    starts: list[int] = []
    width = max(width, 8)
    for index, block in enumerate(blocks):
        starts.append(len(lines))
        if block.kind == "blank":
            lines.append(Line(Content(), index))
        elif block.kind == "rule":
            size = max(1, width - block.first.cell_length)
            lines.append(Line(block.first + Content.styled("─" * size, "rule"), index))
        elif block.kind == "table":
            lines += _table_lines(block, index, width)
        else:
            lines += _wrap_block(block, index, width)
    return lines, starts


def _wrap_block(block: Block, index: int, width: int) -> list[Line]:
    content = block.content
    indent = max(block.first.cell_length, block.rest.cell_length)
    plain = content.plain
    result: list[Line] = []
    for number, (start, end) in enumerate(wrap_ranges(plain, width - indent)):
        prefix = block.first if number == 0 else block.rest
        piece = content[start:end].rstrip()
        result.append(Line(prefix + piece, index, block.target))
    return result


def _table_lines(block: Block, index: int, width: int) -> list[Line]:
    rows = [tuple(cell.plain.replace("\n", " ") for cell in row) for row in block.rows]
    shown = block.rows[:MAX_TABLE_ROWS]
    columns = max((len(row) for row in rows), default=0)
    widths = [0] * columns
    for texts in rows[:MAX_TABLE_ROWS]:
        for column, plain in enumerate(texts):
            widths[column] = max(widths[column], cell_len(plain))
    avail = width - block.first.cell_length
    grid = columns <= MAX_GRID_COLUMNS and sum(widths) + 3 * (columns - 1) <= avail
    result: list[Line] = []
    sep = Content.styled(" │ ", "rule")
    for number, row in enumerate(shown):
        cells = [Content(cell.plain.replace("\n", " ")) for cell in row]
        if number == 0:
            cells = [cell.stylize("strong") for cell in cells]
        if grid:
            padded = [cell.pad_right(widths[i] - cell.cell_length) for i, cell in enumerate(cells)]
            result.append(Line(block.first + sep.join(padded).rstrip(), index))
            if number == 0:
                rule = "─┼─".join("─" * w for w in widths)
                result.append(Line(block.first + Content.styled(rule, "rule"), index))
        else:
            joined = Block(sep.join(cells), block.first, block.rest)
            result += _wrap_block(joined, index, width)
    if len(block.rows) > MAX_TABLE_ROWS:
        hidden = len(block.rows) - MAX_TABLE_ROWS
        more = ngettext(
            "… {count} more row not shown", "… {count} more rows not shown", hidden
        ).format(count=f"{hidden:,}")
        result.append(Line(block.first + Content.styled(more, "meta"), index))
    return result
