"""Printing listings and search results of any size: a page at a time, as text, as one JSON
array, or as JSON Lines (`--jsonl`: one object a line, for `jq` and friends).

Rows are fetched from the store a page at a time (keyset cursors) and printed as they come, so
`reader search --all --jsonl 经济` starts printing at once and holds one page in memory however
many articles match.
"""

from __future__ import annotations

import contextlib
import os
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import click

from reader.cli.output import dumps, dumps_line, listing_lines, summary_json
from reader.models import ArticleSummary, SearchCursor, SearchHit
from reader.store import Library, Sort
from reader.text.i18n import _
from reader.text.sanitize import sanitize_line

Shape = Literal["text", "json", "jsonl"]
PAGE = 500
"""Rows fetched per query when printing."""


def shape(as_json: bool, as_jsonl: bool) -> Shape:
    """The output shape the options ask for; both at once is a usage error."""
    if as_json and as_jsonl:
        from reader.cli.common import fail

        fail(_("give --json or --jsonl, not both"), 2)
    return "jsonl" if as_jsonl else "json" if as_json else "text"


def listed(
    library: Library, scope: int, *, sort: Sort, unread: bool, limit: int | None
) -> Iterator[ArticleSummary]:
    """A scope's articles in `sort` order, a page at a time: the first `limit`, or (None) all."""
    after = None
    left = limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        page = library.page(scope, sort=sort, after=after, limit=size, unread_only=unread)
        yield from page.items
        if left is not None:
            left -= len(page.items)
        if page.next is None:
            return
        after = page.next


def found(
    library: Library,
    query: str,
    scope: int,
    *,
    order: Literal["newest", "best"],
    limit: int | None,
) -> Iterator[SearchHit]:
    """Search results in `order`, a page at a time: the first `limit`, or (None) all."""
    after: SearchCursor | None = None
    left = limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        page = library.search_page(query, scope, order=order, limit=size, after=after)
        yield from page.hits
        if left is not None:
            left -= len(page.hits)
        if page.next is None:
            return
        after = page.next


@contextlib.contextmanager
def until_the_pipe_closes() -> Iterator[None]:
    """Stop quietly, with exit code 0, when whoever reads the output stops reading it
    (`reader search --all --jsonl 经济 | head -1`), as a pipe's writer does."""
    try:
        yield
    except BrokenPipeError:
        # Whatever is still buffered can go nowhere: send it to the null device, so that
        # Python's final flush does not complain (as the `signal` module's notes advise).
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
        raise click.exceptions.Exit(0) from None


def print_listing(
    library: Library, items: Iterable[ArticleSummary], how: Shape, *, width: int
) -> None:
    """Print articles as `reader list` does, as they come."""
    paths = _Paths(library)
    rows = ((item, paths.of(item.category_id)) for item in items)
    if how == "text":
        for chunk in _chunks(rows):
            for text in listing_lines(chunk, width=width):
                click.echo(text)
        return
    _print_objects((summary_json(item, path) for item, path in rows), how)


def print_hits(library: Library, hits: Iterable[SearchHit], how: Shape, *, width: int) -> None:
    """Print search results as `reader search` does (each with its excerpt), as they come."""
    paths = _Paths(library)
    if how == "text":
        for chunk in _chunks((hit, paths.of(hit.summary.category_id)) for hit in hits):
            lines = listing_lines([(hit.summary, path) for hit, path in chunk], width=width)
            for (hit, _path), text in zip(chunk, lines, strict=True):
                click.echo(text)
                click.echo(f"         {sanitize_line(hit.snippet)}")
        return
    objects = (
        summary_json(hit.summary, paths.of(hit.summary.category_id), snippet=hit.snippet)
        for hit in hits
    )
    _print_objects(objects, how)


def _print_objects(objects: Iterable[dict[str, Any]], how: Shape) -> None:
    """One JSON array (as `json.dumps(..., indent=2)` would print it) or JSON Lines."""
    if how == "jsonl":
        for item in objects:
            click.echo(dumps_line(item))
        return
    first = True
    for item in objects:
        click.echo(("[\n" if first else ",\n") + textwrap.indent(dumps(item), "  "), nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def _chunks(rows: Iterable[Any], size: int = 100) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Paths:
    """Category paths by id, each looked up once."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._known: dict[int, Sequence[str]] = {}

    def of(self, category_id: int) -> Sequence[str]:
        if category_id not in self._known:
            self._known[category_id] = self._library.category_path(category_id)
        return self._known[category_id]
