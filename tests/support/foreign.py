"""SQLite files that are not libraries of this reader, made the way other programs make them.

Each maker writes a complete file at the path (no `-wal` or `-shm` beside it), so that a test can
hash the file and list its folder before and after a command. `FOREIGN` are other programs'
databases, which reader must refuse without changing anything; `NEWER` are libraries made by a
newer reader, which it may read but never write.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database, Migrations

from reader.store import Library
from reader.store.schema import MARK, SCHEMA_VERSION
from support.library import make_drafts, old_library

GEOPACKAGE = 0x47504B47  # the application id of a GeoPackage file ("GPKG")


def fingerprint(db: Path) -> tuple[str, dict[str, str]]:
    """The SHA-256 of the file's bytes, and the names in its folder with the SHA-256 of each
    file among them (a journal or log beside it)."""
    folder = {
        name: hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        for name in os.listdir(db.parent)
        for path in [db.parent / name]
    }
    return hashlib.sha256(db.read_bytes()).hexdigest(), folder


def _finish(conn: sqlite3.Connection) -> None:
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def articles_table(path: Path) -> None:
    """Another program's database that has a table named `articles` (rollback journal)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    conn.executemany(
        "INSERT INTO articles (title, body) VALUES (?, ?)",
        [(f"Article {n}", "text " * 50) for n in range(40)],
    )
    _finish(conn)


def sqlite_utils_application(path: Path) -> None:
    """Any sqlite-utils application's database: its own migration set, in WAL mode."""
    notes = Migrations("notes")

    @notes()
    def m001_notes(db: Database) -> None:
        db.table("notes").create({"id": int, "text": str}, pk="id")

    db = Database(path)
    db.enable_wal()
    notes.apply(db)
    db.table("notes").insert_all({"text": f"note {n}"} for n in range(30))
    _finish(db.conn)


def datasette_like(path: Path) -> None:
    """A database published with Datasette: tables, full-text search, a view (WAL mode)."""
    db = Database(path)
    db.enable_wal()
    db.table("articles").insert_all(
        ({"id": n, "title": f"标题 {n}", "body": "正文 " * 30} for n in range(50)), pk="id"
    )
    db.table("articles").enable_fts(["title", "body"], fts_version="FTS5", create_triggers=True)
    db.create_view("recent", "SELECT * FROM articles ORDER BY id DESC LIMIT 10")
    _finish(db.conn)


def _reader_library(path: Path) -> None:
    with Library(path) as library:
        library.save(make_drafts(30))


def reader_tables_without_migrations(path: Path) -> None:
    """Every table a reader library has, but no record of reader's migrations and no marks."""
    _reader_library(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE _sqlite_migrations")
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 0")
    _finish(conn)


def reader_tables_of_another_migration_set(path: Path) -> None:
    """Reader's tables, with the migration records of another sqlite-utils application."""
    _reader_library(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE _sqlite_migrations SET migration_set = 'otherapp'")
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 0")
    _finish(conn)


def another_application_id(path: Path) -> None:
    """A file that says in its header which other program it belongs to."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {GEOPACKAGE}")
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT)")
    _finish(conn)


def marked_but_empty(path: Path) -> None:
    """No tables yet, but another program's version number in the header (WAL mode)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA user_version = 7")
    _finish(conn)


def unfinished_change(path: Path) -> None:
    """A program stopped in the middle of changing its database: a hot rollback journal."""
    code = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)');"
        " c.executemany('INSERT INTO articles (body) VALUES (?)', [('x' * 500,)] * 200);"
        " c.commit(); c.execute('PRAGMA cache_size = 1'); c.execute('BEGIN');"
        " c.execute(\"UPDATE articles SET body = 'y'\"); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert path.with_name(path.name + "-journal").stat().st_size > 0


def newer_version(path: Path) -> None:
    """A library whose schema version is past the ones this reader knows."""
    _reader_library(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    _finish(conn)


def newer_migration(path: Path) -> None:
    """A library with a migration this reader does not have (and the same version number)."""
    _reader_library(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('reader', 'm999_from_a_later_reader', '2030-01-01 00:00:00+00:00')"
    )
    _finish(conn)


def unmarked_library(path: Path, *, later: bool = True) -> None:
    """A library made before reader marked its files: no marks, no record of the marking (nor,
    with `later`, of the migrations after it, which it never had)."""
    if later:
        old_library(path, MARK, [f"第{i}篇 文章" for i in range(30)])
        return
    _reader_library(path)
    conn = sqlite3.connect(path)
    conn.execute(f"DELETE FROM _sqlite_migrations WHERE name = '{MARK}'")
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 0")
    _finish(conn)


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "articles-table": (articles_table, "(tables: articles)"),
    "sqlite-utils-app": (sqlite_utils_application, "(tables: _sqlite_migrations, notes)"),
    "datasette-like": (datasette_like, "(tables: articles, articles_fts, "),
    "reader-tables-only": (reader_tables_without_migrations, "(tables: categories, "),
    "other-migration-set": (reader_tables_of_another_migration_set, "(tables: "),
    "other-application-id": (another_application_id, "application id 0x47504b47"),
    "marked-but-empty": (marked_but_empty, "(no tables; user version 7)"),
    "unfinished-change": (unfinished_change, "(in the middle of a change it did not finish: "),
}
"""Maker, and a part of the one line that must name what the file is."""

NEWER: dict[str, Callable[[Path], None]] = {
    "newer-version": newer_version,
    "newer-migration": newer_migration,
}
