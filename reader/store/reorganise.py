"""Changing the shape of a library: deleting and moving articles, renaming, moving, merging and
deleting categories, removing categories left empty; and undoing each of these.

Every function runs inside the caller's write transaction and journals what it replaces
(`reader.store.undo`), so `undo` can put it back. Articles keep their ids when they are put back.

A category's subtree is kept in `article_scopes`, `scope_counts`, `reader_counts` and
`category_ancestors` (see `schema`). Moving or deleting a whole category changes those in bulk,
a scope at a time, instead of one article at a time; the dense `seq` numbers random reading
relies on are refilled from each scope's end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from reader.models import ROOT_SCOPE
from reader.store import bulk_scopes, search, tags
from reader.store import categories as category_tree
from reader.store.errors import LibraryError
from reader.store.undo import Journal

MAX_ID = 2**63 - 1
"""The largest id SQLite can hold."""


class ReorganiseError(LibraryError):
    """A change that cannot be made as asked (a name taken, a category moved into itself...)."""


# -- reading the tree --------------------------------------------------------------------------


def subtree(conn: sqlite3.Connection, category_id: int) -> list[int]:
    """The category and every category under it, deepest first."""
    rows = conn.execute(
        "SELECT category_id FROM category_ancestors WHERE ancestor_id = ?"
        " ORDER BY (SELECT count(*) FROM category_ancestors x"
        "           WHERE x.category_id = category_ancestors.category_id) DESC",
        (category_id,),
    ).fetchall()
    return [r[0] for r in rows]


def outer_ancestors(conn: sqlite3.Connection, category_id: int) -> list[int]:
    """The scopes above a category: its ancestors and the whole library, not itself."""
    rows = conn.execute(
        "SELECT ancestor_id FROM category_ancestors WHERE category_id = ? AND depth > 0",
        (category_id,),
    ).fetchall()
    return [r[0] for r in rows]


def _category_row(conn: sqlite3.Connection, category_id: int) -> tuple[int | None, str, int]:
    row = conn.execute(
        "SELECT parent_id, name, position FROM categories WHERE id = ?", (category_id,)
    ).fetchone()
    if row is None:
        raise ReorganiseError(f"no category with id {category_id}")
    return row[0], row[1], row[2]


def _sibling(conn: sqlite3.Connection, parent_id: int | None, name: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM categories WHERE ifnull(parent_id, 0) = ? AND name = ?",
        (parent_id or 0, name),
    ).fetchone()
    return int(row[0]) if row else None


def _next_position(conn: sqlite3.Connection, parent_id: int | None) -> int:
    row = conn.execute(
        "SELECT ifnull(max(position) + 1, 0) FROM categories WHERE ifnull(parent_id, 0) = ?",
        (parent_id or 0,),
    ).fetchone()
    return int(row[0])


def _total(conn: sqlite3.Connection, scope: int) -> int:
    row = conn.execute("SELECT total FROM scope_counts WHERE scope_id = ?", (scope,)).fetchone()
    return int(row[0]) if row else 0


# -- scopes in bulk ----------------------------------------------------------------------------


def _scope_articles(conn: sqlite3.Connection, scope: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM article_scopes WHERE scope_id = ? ORDER BY seq", (scope,)
        )
    ]


def _fill_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> int:
    """Put the `ids` that are articles' in `temp.moving_ids` (emptied first); return how many."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS moving_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.moving_ids")
    conn.executemany(
        "INSERT OR IGNORE INTO temp.moving_ids (id) SELECT id FROM articles WHERE id = ?",
        ((i,) for i in ids if 0 < i <= MAX_ID),
    )
    return int(conn.execute("SELECT count(*) FROM temp.moving_ids").fetchone()[0])


def _read_by_reader(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """(reader, how many of `temp.moving_ids` they have read)."""
    return conn.execute(
        "SELECT m.reader_id, count(*) FROM marks m JOIN temp.moving_ids t ON t.id = m.article_id"
        " WHERE m.read_at IS NOT NULL GROUP BY m.reader_id"
    ).fetchall()


def _leave_scopes(conn: sqlite3.Connection, scopes: Sequence[int]) -> None:
    """Take the articles in `temp.moving_ids` out of `scopes` (which hold all of them), keeping
    each scope's `seq` dense, its count and every reader's read count right."""
    count = int(conn.execute("SELECT count(*) FROM temp.moving_ids").fetchone()[0])
    read = _read_by_reader(conn)
    for scope in scopes:
        total = _total(conn, scope)
        keep = total - count
        holes = [
            r[0]
            for r in conn.execute(
                "SELECT s.seq FROM temp.moving_ids t JOIN article_scopes s"
                " ON s.scope_id = ? AND s.article_id = t.id WHERE s.seq < ? ORDER BY s.seq",
                (scope, keep),
            )
        ]
        movers = [
            r[0]
            for r in conn.execute(
                "SELECT article_id FROM article_scopes WHERE scope_id = ? AND seq >= ?"
                " AND article_id NOT IN (SELECT id FROM temp.moving_ids) ORDER BY seq",
                (scope, keep),
            )
        ]
        conn.execute(
            "DELETE FROM article_scopes WHERE scope_id = ?"
            " AND article_id IN (SELECT id FROM temp.moving_ids)",
            (scope,),
        )
        conn.executemany(
            "UPDATE article_scopes SET seq = ? WHERE scope_id = ? AND article_id = ?",
            [(seq, scope, article) for seq, article in zip(holes, movers, strict=True)],
        )
        conn.execute("UPDATE scope_counts SET total = ? WHERE scope_id = ?", (keep, scope))
        conn.executemany(
            "UPDATE reader_counts SET read = read - ? WHERE reader_id = ? AND scope_id = ?",
            [(n, reader, scope) for reader, n in read],
        )


def _join_scopes(conn: sqlite3.Connection, scopes: Sequence[int]) -> None:
    """Add the articles in `temp.moving_ids` to `scopes` (which hold none of them), numbered
    after each scope's last article, with counts and read counts."""
    read = _read_by_reader(conn)
    for scope in scopes:
        total = _total(conn, scope)
        conn.execute(
            "INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)"
            " SELECT ?, a.id, a.published, a.views, a.title_key,"
            " ? + row_number() OVER (ORDER BY a.id) - 1"
            " FROM temp.moving_ids t JOIN articles a ON a.id = t.id",
            (scope, total),
        )
        added = conn.execute(
            "SELECT count(*) FROM article_scopes WHERE scope_id = ? AND seq >= ?", (scope, total)
        ).fetchone()[0]
        conn.execute("UPDATE scope_counts SET total = total + ? WHERE scope_id = ?", (added, scope))
        conn.executemany(
            "INSERT INTO reader_counts (reader_id, scope_id, read) VALUES (?, ?, ?)"
            " ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + excluded.read",
            [(reader, scope, n) for reader, n in read],
        )


# -- categories --------------------------------------------------------------------------------


def make_category(
    conn: sqlite3.Connection, journal: Journal, parent_id: int | None, name: str
) -> int:
    """The category `name` under `parent_id`, made (and journalled) if it does not exist."""
    found = _sibling(conn, parent_id, name)
    if found is not None:
        return found
    path = category_tree.path(conn, parent_id) if parent_id else ()
    made = category_tree.ensure(conn, [*path, name])
    journal.log("category_made", made)
    return made


def rename(conn: sqlite3.Connection, journal: Journal, category_id: int, name: str) -> str:
    """Rename a category; return its old name. A sibling of that name already there is an error
    (merge instead)."""
    parent_id, old, _ = _category_row(conn, category_id)
    if name == old:
        return old
    if _sibling(conn, parent_id, name) is not None:
        raise ReorganiseError(f"there is already a category {name!r} there; merge into it instead")
    journal.log("renamed", category_id, None, old)
    conn.execute("UPDATE categories SET name = ? WHERE id = ?", (name, category_id))
    return old


def reparent(
    conn: sqlite3.Connection, journal: Journal, category_id: int, parent_id: int | None
) -> None:
    """Move a category with everything under it to be a child of `parent_id` (None: the top)."""
    old_parent, name, position = _category_row(conn, category_id)
    if parent_id == old_parent:
        return
    if parent_id is not None and category_id in [parent_id, *outer_ancestors(conn, parent_id)]:
        raise ReorganiseError("a category cannot be moved into itself or its own subcategory")
    if _sibling(conn, parent_id, name) is not None:
        raise ReorganiseError(f"there is already a category {name!r} there; merge into it instead")
    journal.log("reparented", category_id, old_parent, str(position))
    _reparent(conn, category_id, parent_id, _next_position(conn, parent_id))


def _reparent(
    conn: sqlite3.Connection, category_id: int, parent_id: int | None, position: int
) -> None:
    old_outer = outer_ancestors(conn, category_id)
    new_outer = [*outer_ancestors(conn, parent_id), parent_id] if parent_id else [ROOT_SCOPE]
    _fill_ids(conn, _scope_articles(conn, category_id))
    _leave_scopes(conn, [s for s in old_outer if s not in new_outer])
    _join_scopes(conn, [s for s in new_outer if s not in old_outer])
    members = subtree(conn, category_id)
    marks = ",".join("?" * len(members))
    conn.execute(
        f"DELETE FROM category_ancestors WHERE category_id IN ({marks})"
        f" AND ancestor_id NOT IN ({marks})",
        [*members, *members],
    )
    # Each member's distance to the new outer ancestors: its depth below the moved category,
    # plus one, plus the new parent's depth below that ancestor.
    if parent_id is None:
        conn.execute(
            "INSERT INTO category_ancestors (category_id, ancestor_id, depth)"
            " SELECT category_id, 0, depth + 1 FROM category_ancestors WHERE ancestor_id = ?",
            (category_id,),
        )
    else:
        conn.execute(
            "INSERT INTO category_ancestors (category_id, ancestor_id, depth)"
            " SELECT below.category_id, above.ancestor_id, below.depth + 1 + above.depth"
            " FROM category_ancestors below, category_ancestors above"
            " WHERE below.ancestor_id = ? AND above.category_id = ?",
            (category_id, parent_id),
        )
    conn.execute(
        "UPDATE categories SET parent_id = ?, position = ? WHERE id = ?",
        (parent_id, position, category_id),
    )


def _drop_empty_category(conn: sqlite3.Connection, category_id: int) -> None:
    conn.execute("DELETE FROM category_ancestors WHERE category_id = ?", (category_id,))
    conn.execute("DELETE FROM scope_counts WHERE scope_id = ?", (category_id,))
    conn.execute("DELETE FROM reader_counts WHERE scope_id = ?", (category_id,))
    conn.execute("DELETE FROM categories WHERE id = ?", (category_id,))


def _restore_category(
    conn: sqlite3.Connection, category_id: int, parent_id: int | None, name: str, position: int
) -> None:
    conn.execute(
        "INSERT INTO categories (id, parent_id, name, position) VALUES (?, ?, ?, ?)",
        (category_id, parent_id, name, position),
    )
    conn.execute("INSERT INTO scope_counts (scope_id) VALUES (?)", (category_id,))
    outer = (
        conn.execute(
            "SELECT ancestor_id, depth + 1 FROM category_ancestors WHERE category_id = ?",
            (parent_id,),
        ).fetchall()
        if parent_id
        else [(ROOT_SCOPE, 1)]
    )
    conn.executemany(
        "INSERT INTO category_ancestors (category_id, ancestor_id, depth) VALUES (?, ?, ?)",
        [(category_id, category_id, 0), *[(category_id, a, d) for a, d in outer]],
    )


def prune(conn: sqlite3.Connection, journal: Journal, category_ids: Iterable[int]) -> int:
    """Remove the given categories, and then their parents, while they are empty: no articles,
    no subcategories and no subscription filed in them. Return how many were removed."""
    removed = 0
    pending = list(dict.fromkeys(category_ids))
    while pending:
        category_id = pending.pop()
        row = conn.execute(
            "SELECT parent_id, name, position FROM categories WHERE id = ?", (category_id,)
        ).fetchone()
        if row is None or _total(conn, category_id) > 0:
            continue
        busy = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM categories WHERE parent_id = ?)"
            " OR EXISTS (SELECT 1 FROM sources WHERE category_id = ? AND kind = 'feed')",
            (category_id, category_id),
        ).fetchone()[0]
        if busy:
            continue
        journal.log("category_deleted", category_id, row[0], f"{row[2]}\t{row[1]}")
        _drop_empty_category(conn, category_id)
        removed += 1
        if row[0] is not None:
            pending.append(row[0])
    return removed


# -- articles ----------------------------------------------------------------------------------


def delete_articles(conn: sqlite3.Connection, journal: Journal, ids: Sequence[int]) -> int:
    """Delete articles in bulk (out of their scopes, with their marks, tags and bodies: see
    `bulk_scopes`), keeping a snapshot to put them back; then remove categories left empty."""
    step = journal.log("articles_deleted")
    count = _fill_ids(conn, ids)
    _snapshot_articles(conn, journal, step)
    categories = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT a.category_id FROM articles a JOIN temp.moving_ids t ON t.id = a.id"
        )
    ]
    search.retire(conn, [i for i in ids if 0 < i <= MAX_ID])
    bulk_scopes.delete(conn)
    prune(conn, journal, categories)
    return count


def _snapshot_articles(conn: sqlite3.Connection, journal: Journal, step: int) -> None:
    key = (journal.token, step)
    conn.execute(
        "INSERT INTO temp.undo_articles SELECT ?, ?, a.* FROM articles a"
        " JOIN temp.moving_ids t ON t.id = a.id",
        key,
    )
    conn.execute(
        "INSERT INTO temp.undo_bodies (token, step, id, body) SELECT ?, ?, b.id, b.body"
        " FROM bodies b JOIN temp.moving_ids t ON t.id = b.id",
        key,
    )
    conn.execute(
        "INSERT INTO temp.undo_article_marks SELECT ?, ?, m.* FROM marks m"
        " JOIN temp.moving_ids t ON t.id = m.article_id",
        key,
    )
    conn.execute(
        "INSERT INTO temp.undo_article_tags (token, step, article_id, tag)"
        " SELECT ?, ?, a.article_id, t.name FROM article_tags a JOIN tags t ON t.id = a.tag_id"
        " JOIN temp.moving_ids m ON m.id = a.article_id",
        key,
    )
    conn.execute(
        "INSERT INTO temp.undo_docs (token, step, article_id, docid)"
        " SELECT ?, ?, d.article_id, d.docid FROM search_docs d"
        " JOIN temp.moving_ids t ON t.id = d.article_id",
        key,
    )


def move_articles(
    conn: sqlite3.Connection, journal: Journal, ids: Sequence[int], category_id: int
) -> int:
    """Move articles into a category (their scopes and counts follow in bulk: see
    `bulk_scopes`); then remove the categories they left if empty. Return how many moved."""
    step = journal.log("articles_moved", category_id)
    _fill_ids(conn, ids)
    conn.execute(
        "INSERT INTO temp.undo_moves (token, step, article_id, category_id)"
        " SELECT ?, ?, a.id, a.category_id FROM articles a JOIN temp.moving_ids t ON t.id = a.id"
        " WHERE a.category_id != ?",
        (journal.token, step, category_id),
    )
    left = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT category_id FROM temp.undo_moves WHERE token = ? AND step = ?",
            (journal.token, step),
        )
    ]
    moved = bulk_scopes.move(conn, category_id)
    prune(conn, journal, left)
    return moved


def delete_category(conn: sqlite3.Connection, journal: Journal, category_id: int) -> int:
    """Delete a category with everything under it: its articles (in bulk), its subcategories and
    the subscriptions filed in them. Return how many articles went."""
    parent_id, _, _ = _category_row(conn, category_id)
    members = subtree(conn, category_id)
    ids = _scope_articles(conn, category_id)
    step = journal.log("articles_deleted")
    count = _fill_ids(conn, ids)
    _snapshot_articles(conn, journal, step)
    categories_made = ",".join("?" * len(members))
    step = journal.log("sources_removed")
    conn.execute(
        "INSERT INTO temp.undo_sources SELECT ?, ?, * FROM sources"
        f" WHERE category_id IN ({categories_made})",
        (journal.token, step, *members),
    )
    conn.execute(f"DELETE FROM sources WHERE category_id IN ({categories_made})", members)
    search.retire(conn, ids)
    bulk_scopes.delete(conn)
    for member in members:  # deepest first: undo puts parents back before their children
        member_parent, name, position = _category_row(conn, member)
        journal.log("category_deleted", member, member_parent, f"{position}\t{name}")
        _drop_empty_category(conn, member)
    if parent_id is not None:
        prune(conn, journal, [parent_id])
    return count


def check_merge(conn: sqlite3.Connection, source_id: int, target_id: int) -> None:
    """Raise `ReorganiseError` if the category cannot be merged into the target."""
    if source_id == target_id:
        raise ReorganiseError("a category cannot be merged into itself")
    if source_id in [target_id, *outer_ancestors(conn, target_id)]:
        raise ReorganiseError("a category cannot be merged into its own subcategory")


def merge(conn: sqlite3.Connection, journal: Journal, source_id: int, target_id: int) -> int:
    """Merge a category into another: its articles move in, its subcategories move under it (or
    merge into the target's subcategories of the same name), and it is removed. Return how many
    articles moved."""
    check_merge(conn, source_id, target_id)
    moved = 0
    children = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM categories WHERE parent_id = ? ORDER BY position", (source_id,)
        )
    ]
    for child in children:
        _, name, _ = _category_row(conn, child)
        twin = _sibling(conn, target_id, name)
        if twin is None:
            reparent(conn, journal, child, target_id)
        else:
            moved += merge(conn, journal, child, twin)
    own = [
        r[0] for r in conn.execute("SELECT id FROM articles WHERE category_id = ?", (source_id,))
    ]
    moved += move_articles(conn, journal, own, target_id)
    step = journal.log("sources_refiled", target_id)
    conn.execute(
        "INSERT INTO temp.undo_sources SELECT ?, ?, * FROM sources WHERE category_id = ?",
        (journal.token, step, source_id),
    )
    conn.execute("UPDATE sources SET category_id = ? WHERE category_id = ?", (target_id, source_id))
    if conn.execute("SELECT 1 FROM categories WHERE id = ?", (source_id,)).fetchone():
        parent_id, name, position = _category_row(conn, source_id)
        journal.log("category_deleted", source_id, parent_id, f"{position}\t{name}")
        _drop_empty_category(conn, source_id)
        if parent_id is not None:
            prune(conn, journal, [parent_id])
    return moved


# -- undo --------------------------------------------------------------------------------------


def undo(conn: sqlite3.Connection, token: int) -> None:
    """Put back what the change `token` replaced, its last step first."""
    from reader.store.undo import steps

    for step, op, a, b, c in steps(conn, token):
        undo_step(conn, token, step, op, a, b, c)


ARTICLE_STEPS = frozenset({"articles_moved", "articles_deleted", "marks"})
"""The steps that change articles in bulk: an undo in steps commits after each of them."""


def undo_step(
    conn: sqlite3.Connection, token: int, step: int, op: str, a: Any, b: Any, c: Any
) -> None:
    """Put back what one step of the change `token` replaced."""
    if op == "category_made":
        if (
            _total(conn, a) == 0
            and not conn.execute("SELECT 1 FROM categories WHERE parent_id = ?", (a,)).fetchone()
        ):
            _drop_empty_category(conn, a)
    elif op == "category_deleted":
        position, name = str(c).split("\t", 1)
        _restore_category(conn, a, b, name, int(position))
    elif op == "renamed":
        conn.execute("UPDATE categories SET name = ? WHERE id = ?", (c, a))
    elif op == "reparented":
        _reparent(conn, a, b, int(c))
    elif op == "articles_moved":
        _undo_moves(conn, token, step)
    elif op == "articles_deleted":
        _undo_delete(conn, token, step)
    elif op == "marks":
        _undo_marks(conn, token, step)
    elif op == "retagged":
        conn.execute("UPDATE articles SET tags = ? WHERE id = ?", (c, a))
        tags.sync(conn, a, str(c))
    elif op in ("sources_removed", "sources_refiled"):
        _undo_sources(conn, token, step)


def _undo_moves(conn: sqlite3.Connection, token: int, step: int) -> None:
    """Each article back to its category: those from the same one together, in bulk."""
    homes = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT category_id FROM temp.undo_moves WHERE token = ? AND step = ?",
            (token, step),
        )
    ]
    for home in homes:
        _fill_ids(conn, ())
        conn.execute(
            "INSERT INTO temp.moving_ids (id) SELECT u.article_id FROM temp.undo_moves u"
            " JOIN articles a ON a.id = u.article_id"
            " WHERE u.token = ? AND u.step = ? AND u.category_id = ?",
            (token, step, home),
        )
        bulk_scopes.move(conn, home)


def _undo_delete(conn: sqlite3.Connection, token: int, step: int) -> None:
    """The articles back with their bodies, marks and tags, then into their scopes in bulk."""
    with bulk_scopes.own_counts(conn):
        _insert_deleted(conn, token, step)
    _fill_ids(conn, ())
    conn.execute(
        "INSERT INTO temp.moving_ids (id) SELECT id FROM temp.undo_articles"
        " WHERE token = ? AND step = ?",
        (token, step),
    )
    bulk_scopes.put_back(conn)
    _reindex_lost(conn, token, step)


def _insert_deleted(conn: sqlite3.Connection, token: int, step: int) -> None:
    columns = [r[1] for r in conn.execute("PRAGMA main.table_info(articles)")]
    names = ", ".join(columns)
    conn.execute(
        f"INSERT INTO articles ({names}) SELECT {names} FROM temp.undo_articles"
        " WHERE token = ? AND step = ? ORDER BY published, id",
        (token, step),
    )
    conn.execute(
        "INSERT INTO bodies (id, body) SELECT id, body FROM temp.undo_bodies"
        " WHERE token = ? AND step = ?",
        (token, step),
    )
    mark_columns = ", ".join(r[1] for r in conn.execute("PRAGMA main.table_info(marks)"))
    conn.execute(
        f"INSERT INTO marks ({mark_columns}) SELECT {mark_columns} FROM temp.undo_article_marks"
        " WHERE token = ? AND step = ?",
        (token, step),
    )
    # Tags after marks (`bulk_scopes.put_back` counts the read ones in each scope).
    conn.execute(
        "INSERT OR IGNORE INTO tags (name) SELECT DISTINCT tag FROM temp.undo_article_tags"
        " WHERE token = ? AND step = ?",
        (token, step),
    )
    conn.execute(
        "INSERT INTO article_tags (article_id, tag_id) SELECT u.article_id, t.id"
        " FROM temp.undo_article_tags u JOIN tags t ON t.name = u.tag"
        " WHERE u.token = ? AND u.step = ?",
        (token, step),
    )
    # The entries of the deleted articles are still in the index, under their docids.
    conn.execute(
        "UPDATE search_docs SET article_id = u.article_id FROM temp.undo_docs u"
        " WHERE u.token = ? AND u.step = ? AND search_docs.docid = u.docid"
        " AND search_docs.article_id = -u.docid",
        (token, step),
    )


def _reindex_lost(conn: sqlite3.Connection, token: int, step: int) -> None:
    """Index again the put-back articles whose entries are gone (`reader reindex` ran since)."""
    lost = conn.execute(
        "SELECT a.id, a.title, b.body FROM temp.undo_articles a"
        " LEFT JOIN temp.undo_bodies b ON b.token = a.token AND b.step = a.step AND b.id = a.id"
        " WHERE a.token = ? AND a.step = ?"
        " AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)"
        " ORDER BY a.published, a.id",
        (token, step),
    ).fetchall()
    with search.deferred(conn):
        for article_id, title, body in lost:
            search.index_article(conn, article_id, title, body or "")


def _undo_marks(conn: sqlite3.Connection, token: int, step: int) -> None:
    conn.execute(
        "UPDATE marks SET read_at = u.read_at FROM temp.undo_marks u"
        " WHERE u.token = ? AND u.step = ? AND marks.reader_id = u.reader_id"
        " AND marks.article_id = u.article_id",
        (token, step),
    )


def _undo_sources(conn: sqlite3.Connection, token: int, step: int) -> None:
    columns = [r[1] for r in conn.execute("PRAGMA main.table_info(sources)")]
    names = ", ".join(columns)
    conn.execute(
        f"INSERT INTO sources ({names}) SELECT {names} FROM temp.undo_sources"
        " WHERE token = ? AND step = ? ON CONFLICT (id) DO UPDATE SET"
        " category_id = excluded.category_id",
        (token, step),
    )
