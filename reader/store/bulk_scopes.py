"""Deleting, moving and putting back many articles at once, keeping their scopes and counts in
a few statements a scope at a time rather than by the per-row triggers of `schema`.

A category's, a tag's and the whole library's articles are listed in `article_scopes` with a
dense `seq` (0 to the scope's total - 1) that random reading relies on, counted in
`scope_counts`, and read counts per reader are kept in `reader_counts`. The triggers keep these
an article at a time, which takes about half a millisecond an article in a library of a million.
Inside `own_counts` (a row in `bulk_change`, migration m013) the triggers do nothing and the
functions here do their work in bulk: `leave` takes rows out of their scopes (filling the holes
they leave from each scope's end), `join` adds rows at each scope's end.

Every function runs inside the caller's write transaction, on the articles listed in
`temp.moving_ids` (`reader.store.reorganise`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS leaving (scope_id INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (scope_id, article_id))"
    " WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS joining (scope_id INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL, PRIMARY KEY (scope_id, article_id)) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS leaving_counts (scope_id INTEGER PRIMARY KEY,"
    " keep INTEGER NOT NULL)",
    "CREATE TEMP TABLE IF NOT EXISTS refill (scope_id INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL, seq INTEGER NOT NULL)",
)


def _prepare(conn: sqlite3.Connection) -> None:
    for statement in _TABLES:
        conn.execute(statement)
    for name in ("leaving", "joining", "leaving_counts", "refill"):
        conn.execute(f"DELETE FROM temp.{name}")


@contextmanager
def own_counts(conn: sqlite3.Connection) -> Iterator[None]:
    """Within a write transaction: the per-row triggers leave scopes and counts alone for the
    block (the caller keeps them). No other connection sees the flag: it is set and cleared in
    the same transaction, and an error rolls it back with the rest."""
    if conn.execute("SELECT 1 FROM bulk_change").fetchone():
        yield
        return
    conn.execute("INSERT INTO bulk_change (id) VALUES (1)")
    try:
        yield
    finally:
        conn.execute("DELETE FROM bulk_change")


def leave(conn: sqlite3.Connection) -> None:
    """Take the rows listed in `temp.leaving` out of `article_scopes`: each scope's count and
    read counts go down by what left it, and its last rows fill the holes below the new end."""
    conn.execute(
        "INSERT INTO temp.leaving_counts (scope_id, keep)"
        " SELECT l.scope_id, c.total - count(*) FROM temp.leaving l"
        " JOIN scope_counts c ON c.scope_id = l.scope_id GROUP BY l.scope_id"
    )
    conn.execute(
        "UPDATE reader_counts SET read = read - x.n FROM"
        " (SELECT l.scope_id, m.reader_id, count(*) AS n FROM temp.leaving l"
        "  JOIN marks m ON m.article_id = l.article_id WHERE m.read_at IS NOT NULL"
        "  GROUP BY l.scope_id, m.reader_id) AS x"
        " WHERE reader_counts.reader_id = x.reader_id AND reader_counts.scope_id = x.scope_id"
    )
    # The n-th hole below a scope's new end is filled by the n-th staying row above it.
    conn.execute(
        "INSERT INTO temp.refill (scope_id, article_id, seq)"
        " WITH holes AS (SELECT l.scope_id, l.seq,"
        "   row_number() OVER (PARTITION BY l.scope_id ORDER BY l.seq) AS n"
        "   FROM temp.leaving l JOIN temp.leaving_counts k ON k.scope_id = l.scope_id"
        "   WHERE l.seq < k.keep),"
        " movers AS (SELECT s.scope_id, s.article_id,"
        "   row_number() OVER (PARTITION BY s.scope_id ORDER BY s.seq) AS n"
        "   FROM temp.leaving_counts k CROSS JOIN article_scopes s"
        "   ON s.scope_id = k.scope_id AND s.seq >= k.keep"
        "   WHERE NOT EXISTS (SELECT 1 FROM temp.leaving l"
        "                     WHERE l.scope_id = s.scope_id AND l.article_id = s.article_id))"
        " SELECT m.scope_id, m.article_id, h.seq FROM holes h"
        " JOIN movers m ON m.scope_id = h.scope_id AND m.n = h.n"
    )
    conn.execute(
        "DELETE FROM article_scopes WHERE (scope_id, article_id) IN"
        " (SELECT scope_id, article_id FROM temp.leaving)"
    )
    conn.execute(
        "UPDATE article_scopes SET seq = r.seq FROM temp.refill r"
        " WHERE article_scopes.scope_id = r.scope_id AND article_scopes.article_id = r.article_id"
    )
    conn.execute(
        "UPDATE scope_counts SET total = k.keep FROM temp.leaving_counts k"
        " WHERE scope_counts.scope_id = k.scope_id"
    )


def join(conn: sqlite3.Connection) -> None:
    """Add the rows listed in `temp.joining` to `article_scopes`, numbered after each scope's
    last row, with the scopes' counts and read counts."""
    conn.execute(
        "INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)"
        " SELECT j.scope_id, a.id, a.published, a.views, a.title_key,"
        " c.total + row_number() OVER (PARTITION BY j.scope_id ORDER BY j.article_id) - 1"
        " FROM temp.joining j JOIN articles a ON a.id = j.article_id"
        " JOIN scope_counts c ON c.scope_id = j.scope_id"
    )
    conn.execute(
        "UPDATE scope_counts SET total = total + x.n FROM"
        " (SELECT scope_id, count(*) AS n FROM temp.joining GROUP BY scope_id) AS x"
        " WHERE scope_counts.scope_id = x.scope_id"
    )
    conn.execute(
        "INSERT INTO reader_counts (reader_id, scope_id, read)"
        " SELECT m.reader_id, j.scope_id, count(*) FROM temp.joining j"
        " JOIN marks m ON m.article_id = j.article_id WHERE m.read_at IS NOT NULL"
        " GROUP BY m.reader_id, j.scope_id"
        " ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + excluded.read"
    )


_CATEGORY_SCOPES = (
    "SELECT DISTINCT c.ancestor_id AS scope_id FROM category_ancestors c"
    " WHERE c.category_id IN (SELECT DISTINCT a.category_id FROM temp.moving_ids t"
    "                         CROSS JOIN articles a ON a.id = t.id)"
)
"""The scopes the articles in `temp.moving_ids` are in through their categories: a few, each
then searched for every article in id order (a walk along its rows; CROSS JOIN keeps that order),
where the planner would otherwise read the whole of `article_scopes`."""


def delete(conn: sqlite3.Connection) -> None:
    """Delete the articles in `temp.moving_ids`: out of every scope they are in (their
    categories' and their tags'), with their tags, marks and bodies; tags left without articles
    go."""
    _prepare(conn)
    conn.execute(
        "INSERT INTO temp.leaving (scope_id, article_id, seq)"
        f" SELECT s.scope_id, s.article_id, s.seq FROM ({_CATEGORY_SCOPES}) AS d"
        " CROSS JOIN temp.moving_ids t"
        " CROSS JOIN article_scopes s ON s.scope_id = d.scope_id AND s.article_id = t.id"
        " UNION ALL"
        " SELECT s.scope_id, s.article_id, s.seq FROM temp.moving_ids t"
        " CROSS JOIN article_tags g ON g.article_id = t.id"
        " CROSS JOIN article_scopes s ON s.scope_id = -g.tag_id AND s.article_id = t.id"
    )
    leave(conn)
    with own_counts(conn):
        conn.execute(
            "DELETE FROM article_tags WHERE article_id IN (SELECT id FROM temp.moving_ids)"
        )
        conn.execute(
            "DELETE FROM tags WHERE id IN (SELECT -scope_id FROM temp.leaving_counts"
            " WHERE scope_id < 0) AND NOT EXISTS"
            " (SELECT 1 FROM article_tags WHERE article_tags.tag_id = tags.id)"
        )
        conn.execute("DELETE FROM marks WHERE article_id IN (SELECT id FROM temp.moving_ids)")
        conn.execute("DELETE FROM bodies WHERE id IN (SELECT id FROM temp.moving_ids)")
        conn.execute("DELETE FROM articles WHERE id IN (SELECT id FROM temp.moving_ids)")


def move(conn: sqlite3.Connection, category_id: int) -> int:
    """Move the articles in `temp.moving_ids` into a category: each leaves the scopes of its
    old category's ancestors that are not the new one's, and joins those it was not in. Return
    how many moved (those already there do not)."""
    _prepare(conn)
    conn.execute(
        "DELETE FROM temp.moving_ids"
        " WHERE (SELECT category_id FROM articles WHERE id = moving_ids.id) = ?",
        (category_id,),
    )
    # An article is in a category's scope exactly when the category is above its own, so the
    # rows found are those of the scopes it leaves, and the rows missing those it joins.
    target = "SELECT ancestor_id FROM category_ancestors WHERE category_id = ?"
    conn.execute(
        "INSERT INTO temp.leaving (scope_id, article_id, seq)"
        f" SELECT s.scope_id, s.article_id, s.seq FROM ({_CATEGORY_SCOPES}) AS d"
        " CROSS JOIN temp.moving_ids t"
        " CROSS JOIN article_scopes s ON s.scope_id = d.scope_id AND s.article_id = t.id"
        f" WHERE d.scope_id NOT IN ({target})",
        (category_id,),
    )
    conn.execute(
        "INSERT INTO temp.joining (scope_id, article_id)"
        f" SELECT n.ancestor_id, t.id FROM ({target}) AS n CROSS JOIN temp.moving_ids t"
        " WHERE NOT EXISTS (SELECT 1 FROM article_scopes s"
        "                   WHERE s.scope_id = n.ancestor_id AND s.article_id = t.id)",
        (category_id,),
    )
    leave(conn)
    with own_counts(conn):
        moved = conn.execute(
            "UPDATE articles SET category_id = ? WHERE id IN (SELECT id FROM temp.moving_ids)",
            (category_id,),
        ).rowcount
    join(conn)
    return int(moved)


def put_back(conn: sqlite3.Connection) -> None:
    """The articles in `temp.moving_ids`, just inserted inside `own_counts` with their marks
    and tags, join the scopes of their categories and tags."""
    _prepare(conn)
    conn.execute(
        "INSERT INTO temp.joining (scope_id, article_id)"
        " SELECT c.ancestor_id, a.id FROM temp.moving_ids t JOIN articles a ON a.id = t.id"
        " JOIN category_ancestors c ON c.category_id = a.category_id"
        " UNION ALL"
        " SELECT -g.tag_id, g.article_id FROM temp.moving_ids t"
        " JOIN article_tags g ON g.article_id = t.id"
    )
    join(conn)
