"""Reading the library again after it changed, for the UI's thread workers.

Another program (an import, a refresh, a second app, the command line) or the app itself changed
the library: the list's rows around the cursor are read again, with the cursor's article found
again wherever it went (the tree is read again by `reader.ui.workers.load_shelves`). Plain
functions over a `Library`, like `reader.ui.workers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.state import BLOCK, Reload, Reloaded, Rows, RowsRequest
from reader.ui.workers import read_rows

if TYPE_CHECKING:
    from reader.store import Library


def reload_rows(library: Library, request: Reload) -> Reloaded:
    """The listing of `request` as the library is now: its size, where the cursor goes, and the
    blocks around it. The cursor stays on its article; if the listing no longer holds it, on the
    first of the articles after it that it still holds; failing that, at the same index."""
    listing = request.listing
    first = read_rows(library, RowsRequest(request.generation, listing, 0))
    blocks = {0: first}
    wanted = [request.article_id, *request.following] if request.article_id is not None else []
    if listing.search:
        # Results are learnt page by page: read the cursor's block where it was, and look there.
        block = request.cursor // BLOCK
        if block:
            blocks[block] = read_rows(library, RowsRequest(request.generation, listing, block))
        total = max((rows.total or 0) for rows in blocks.values())
        index = next(
            (
                found
                for article_id in wanted
                for number, rows in blocks.items()
                if (found := _index_in(rows, number, article_id)) is not None
            ),
            None,
        )
    else:
        total = first.total if first.total is not None else request.known
        index = None
        for article_id in wanted:
            index = _index_in(first, 0, article_id)
            if index is None:
                index = library.position(
                    listing.scope,
                    article_id,
                    sort=listing.sort,  # type: ignore[arg-type]
                    unread_only=listing.unread_only,
                )
            if index is not None:
                break
    if index is None:
        index = request.cursor
    index = max(0, min(index, total - 1))
    block = index // BLOCK
    if block not in blocks:
        blocks[block] = read_rows(
            library, RowsRequest(request.generation, listing, block, known=total)
        )
    return Reloaded(total, index, blocks)


def _index_in(rows: Rows, block: int, article_id: int | None) -> int | None:
    for at, row in enumerate(rows.rows):
        if row.id == article_id:
            return block * BLOCK + at
    return None
