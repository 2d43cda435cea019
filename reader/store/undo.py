"""What it takes to take a change back: a journal of steps kept in the connection's temp tables.

Every change `Library` can undo (bulk read marks, deleted or moved articles, renamed, moved,
merged or deleted categories, removed subscriptions) is made of a few kinds of steps, each
journalled under the change's token with what it replaced. `reader.store.reorganise.undo` walks
a token's steps backwards. SQLite keeps temporary tables in a file of its own, so a snapshot of a
hundred thousand deleted articles costs disk, not memory; the journal lives exactly as long as
the connection (a session's changes can be undone for the session) and no other process sees it.

A change of many articles is made in several write transactions (`reader.store.changes`): each
journals its own steps under the change's token, numbered on from the last, and commits them
with what it changed. Undo takes the steps back in transactions of its own too, and forgets each
step in the transaction that undid it, so an undo cut short can be carried on.
"""

from __future__ import annotations

import sqlite3
from typing import Any

_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS undo_log ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, op TEXT NOT NULL,"
    " a INTEGER, b INTEGER, c TEXT, PRIMARY KEY (token, step))",
    # Read marks as they were (read_at NULL: unread; `had` 0: the reader had no row at all).
    "CREATE TEMP TABLE IF NOT EXISTS undo_marks ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, reader_id INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL, read_at TEXT,"
    " PRIMARY KEY (token, step, reader_id, article_id)) WITHOUT ROWID",
    # Whole articles as they were before being deleted: their row, body and everyone's marks.
    "CREATE TEMP TABLE IF NOT EXISTS undo_articles AS"
    " SELECT 0 AS token, 0 AS step, * FROM main.articles WHERE 0",
    "CREATE TEMP TABLE IF NOT EXISTS undo_bodies ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, id INTEGER NOT NULL, body TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS undo_article_marks AS"
    " SELECT 0 AS token, 0 AS step, * FROM main.marks WHERE 0",
    "CREATE TEMP TABLE IF NOT EXISTS undo_article_tags ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, article_id INTEGER NOT NULL,"
    " tag TEXT NOT NULL)",
    # The search index's docid of each deleted article: its entries stay (see `search.retire`),
    # so putting the article back only points the docid at it again.
    "CREATE TEMP TABLE IF NOT EXISTS undo_docs ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, article_id INTEGER NOT NULL,"
    " docid INTEGER NOT NULL)",
    # Articles moved to another category: where each one was.
    "CREATE TEMP TABLE IF NOT EXISTS undo_moves ("
    " token INTEGER NOT NULL, step INTEGER NOT NULL, article_id INTEGER NOT NULL,"
    " category_id INTEGER NOT NULL)",
    # Subscriptions as they were before being removed or filed elsewhere.
    "CREATE TEMP TABLE IF NOT EXISTS undo_sources AS"
    " SELECT 0 AS token, 0 AS step, * FROM main.sources WHERE 0",
)

_SNAPSHOTS = (
    "undo_marks",
    "undo_articles",
    "undo_bodies",
    "undo_article_marks",
    "undo_article_tags",
    "undo_docs",
    "undo_moves",
    "undo_sources",
)


class Journal:
    """The steps of one change, numbered in the order they were made (on from those of the
    change's earlier transactions)."""

    def __init__(self, conn: sqlite3.Connection, token: int) -> None:
        for statement in _TABLES:
            conn.execute(statement)
        self.conn = conn
        self.token = token
        row = conn.execute(
            "SELECT max(step) FROM temp.undo_log WHERE token = ?", (token,)
        ).fetchone()
        self.step = int(row[0] or 0)

    def log(self, op: str, a: int | None = None, b: int | None = None, c: Any = None) -> int:
        """Record one step (`op` with up to three values); return its number for snapshots."""
        self.step += 1
        self.conn.execute(
            "INSERT INTO temp.undo_log (token, step, op, a, b, c) VALUES (?, ?, ?, ?, ?, ?)",
            (self.token, self.step, op, a, b, c),
        )
        return self.step


def steps(conn: sqlite3.Connection, token: int) -> list[tuple[int, str, Any, Any, Any]]:
    """(step, op, a, b, c) of a change, last step first (the order they are undone in)."""
    if not has_journal(conn):
        return []
    return conn.execute(
        "SELECT step, op, a, b, c FROM temp.undo_log WHERE token = ? ORDER BY step DESC", (token,)
    ).fetchall()


def has_journal(conn: sqlite3.Connection) -> bool:
    """True once this connection journalled any change."""
    return (
        conn.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'undo_log'"
        ).fetchone()
        is not None
    )


def forget_step(conn: sqlite3.Connection, token: int, step: int) -> None:
    """Drop one step of `token` and what was kept for it (once it was undone)."""
    conn.execute("DELETE FROM temp.undo_log WHERE token = ? AND step = ?", (token, step))
    for name in _SNAPSHOTS:
        conn.execute(f"DELETE FROM temp.{name} WHERE token = ? AND step = ?", (token, step))


def forget(conn: sqlite3.Connection, token: int) -> None:
    """Drop what was kept for `token` (once it was undone)."""
    if not has_journal(conn):
        return
    conn.execute("DELETE FROM temp.undo_log WHERE token = ?", (token,))
    for name in _SNAPSHOTS:
        conn.execute(f"DELETE FROM temp.{name} WHERE token = ?", (token,))
