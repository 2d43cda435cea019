"""Full-text search over titles and bodies (placeholder hooks until the index exists)."""

from __future__ import annotations

import sqlite3


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str) -> None:
    """Add or replace an article in the search index."""


def unindex_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Remove an article from the search index."""
