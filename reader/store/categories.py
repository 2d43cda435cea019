"""The category tree: categories by path, the tree with its counts, a category's path.

Each category has a row in `scope_counts` (its subtree's totals) and one `category_ancestors`
row per ancestor (itself at depth 0, the whole library's scope 0 at the top), which is what lets
an article be listed, counted and picked at random within any subtree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.models import ROOT_SCOPE, Category


def ensure(conn: sqlite3.Connection, names: Sequence[str]) -> int:
    """The id of the category at the path `names`, made with its parents as needed.

    Runs inside the caller's write transaction; `names` are already clean and not empty.
    """
    parent: int | None = None
    ancestors: list[int] = [ROOT_SCOPE]
    for name in names:
        row = conn.execute(
            "SELECT id FROM categories WHERE ifnull(parent_id, 0) = ? AND name = ?",
            (parent or 0, name),
        ).fetchone()
        category_id = row[0] if row else _add(conn, parent, name, ancestors)
        ancestors.append(category_id)
        parent = category_id
    assert parent is not None
    return parent


def _add(conn: sqlite3.Connection, parent: int | None, name: str, ancestors: list[int]) -> int:
    """Make a category under `parent`, last among its siblings, with its counts and ancestry.

    Its position is its id, larger than any sibling's: counting the siblings instead made a list
    of 50,000 folders take minutes.
    """
    category_id = conn.execute(
        "INSERT INTO categories (parent_id, name) VALUES (?, ?)", (parent, name)
    ).lastrowid
    assert category_id is not None
    conn.execute("UPDATE categories SET position = id WHERE id = ?", (category_id,))
    conn.execute("INSERT INTO scope_counts (scope_id) VALUES (?)", (category_id,))
    rows = [(category_id, a, len(ancestors) - i) for i, a in enumerate(ancestors)]
    rows.append((category_id, category_id, 0))
    conn.executemany(
        "INSERT INTO category_ancestors (category_id, ancestor_id, depth) VALUES (?, ?, ?)", rows
    )
    return category_id


def tree(conn: sqlite3.Connection, reader: int) -> list[Category]:
    """The whole tree in display order (depth first), each with its subtree's counts (unread:
    not read by `reader`)."""
    rows = conn.execute(
        "SELECT c.id, c.parent_id, c.name, c.position, s.total, s.total - ifnull(r.read, 0)"
        " FROM categories c JOIN scope_counts s ON s.scope_id = c.id"
        " LEFT JOIN reader_counts r ON r.reader_id = ? AND r.scope_id = c.id",
        (reader,),
    ).fetchall()
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)
    result: list[Category] = []

    def walk(parent: int | None, path: tuple[str, ...]) -> None:
        for cid, pid, name, _pos, total, unread in sorted(
            children.get(parent, []), key=lambda r: (r[3], r[2])
        ):
            here = (*path, name)
            result.append(Category(cid, pid, name, here, total, unread, len(path)))
            walk(cid, here)

    walk(None, ())
    return result


def counts(conn: sqlite3.Connection, scope: int, reader: int) -> tuple[int, int]:
    """(articles, unread by `reader`) in a scope: a category's subtree, or 0 for the whole
    library."""
    row = conn.execute(
        "SELECT s.total, s.total - ifnull(r.read, 0) FROM scope_counts s"
        " LEFT JOIN reader_counts r ON r.reader_id = ? AND r.scope_id = s.scope_id"
        " WHERE s.scope_id = ?",
        (reader, scope),
    ).fetchone()
    return (row[0], row[1]) if row else (0, 0)


def path(conn: sqlite3.Connection, category_id: int) -> tuple[str, ...]:
    """Names from the outermost category down to `category_id`."""
    rows = conn.execute(
        "SELECT c.name FROM category_ancestors a JOIN categories c ON c.id = a.ancestor_id"
        " WHERE a.category_id = ? ORDER BY a.depth DESC",
        (category_id,),
    ).fetchall()
    return tuple(r[0] for r in rows)
