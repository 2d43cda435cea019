"""Consistency checks of a library: SQLite's own, and the invariants the schema relies on.

Used after crashes and concurrent use (tests, `Library.check`): every article has its body, its
scope rows and its search index entry, the counts agree with the rows, and nothing is left over.
"""

from __future__ import annotations

import sqlite3

from reader.models import ROOT_SCOPE


def problems(conn: sqlite3.Connection) -> list[str]:
    """Every inconsistency found, one line each; an empty list means the library is sound."""
    found = [
        f"integrity_check: {row[0]}"
        for row in conn.execute("PRAGMA integrity_check").fetchall()
        if row[0] != "ok"
    ]
    if found:
        return found  # the other checks read the same damaged pages
    articles = _ids(conn, "SELECT id FROM articles")
    _compare(found, "bodies", _ids(conn, "SELECT id FROM bodies"), articles)
    scoped = _ids(conn, "SELECT article_id FROM article_scopes WHERE scope_id = ?", ROOT_SCOPE)
    _compare(found, "the whole library's scope", scoped, articles)
    total = conn.execute(
        "SELECT total FROM scope_counts WHERE scope_id = ?", (ROOT_SCOPE,)
    ).fetchone()[0]
    if total != len(articles):
        found.append(f"counts: {total} articles recorded, {len(articles)} stored")
    _read_counts(conn, found)
    _scopes(conn, found)
    seqs = conn.execute(
        "SELECT count(DISTINCT seq), min(seq), max(seq) FROM article_scopes WHERE scope_id = ?",
        (ROOT_SCOPE,),
    ).fetchone()
    if articles and tuple(seqs) != (len(articles), 0, len(articles) - 1):
        found.append(f"random-pick numbers are not 0..{len(articles) - 1}: {tuple(seqs)}")
    _search(conn, found, articles)
    return found


def _scopes(conn: sqlite3.Connection, found: list[str]) -> None:
    """Every scope (category, tag, the whole library) counts its rows, numbered 0..n-1."""
    recorded = dict(conn.execute("SELECT scope_id, total FROM scope_counts WHERE total > 0"))
    really = {
        scope: (count, low, high, distinct)
        for scope, count, low, high, distinct in conn.execute(
            "SELECT scope_id, count(*), min(seq), max(seq), count(DISTINCT seq)"
            " FROM article_scopes GROUP BY scope_id"
        )
    }
    for scope in sorted(set(recorded) | set(really)):
        count, low, high, distinct = really.get(scope, (0, 0, -1, 0))
        if recorded.get(scope, 0) != count:
            found.append(f"scope {scope}: {recorded.get(scope, 0)} articles recorded, {count} held")
        elif (low, high, distinct) != (0, count - 1, count):
            found.append(f"scope {scope}: random-pick numbers are not 0..{count - 1}")
    tagged = conn.execute(
        "SELECT count(*) FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    if tagged:
        found.append(f"{tagged} tag rows belong to no article")


def _read_counts(conn: sqlite3.Connection, found: list[str]) -> None:
    """Each reader's read count of each scope agrees with their marks."""
    recorded = {
        (r, scope): read
        for r, scope, read in conn.execute("SELECT reader_id, scope_id, read FROM reader_counts")
        if read
    }
    really = {
        (r, scope): read
        for r, scope, read in conn.execute(
            "SELECT m.reader_id, s.scope_id, count(*) FROM marks m"
            " JOIN article_scopes s ON s.article_id = m.article_id"
            " WHERE m.read_at IS NOT NULL GROUP BY m.reader_id, s.scope_id"
        )
    }
    if recorded != really:
        wrong = sorted(set(recorded.items()) ^ set(really.items()))[:5]
        found.append(f"read counts disagree with the read marks: {wrong}")
    orphans = conn.execute(
        "SELECT count(*) FROM marks WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    if orphans:
        found.append(f"{orphans} read marks or stars belong to no article")


def _search(conn: sqlite3.Connection, found: list[str], articles: set[int]) -> None:
    from reader.store import search

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "search_docs" not in tables:
        return
    try:
        search.check_ready(conn)
    except search.SearchIndexStale:
        pass  # not built yet after an upgrade: nothing to compare
    else:
        _compare(found, "the search index", search.indexed_ids(conn), articles)
    for table in ("search_index", "search_titles"):
        try:  # FTS5's own check is written as an INSERT: a read-only library skips it
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        except sqlite3.OperationalError as error:
            if "readonly" not in str(error) and "read-only" not in str(error):
                found.append(f"{table}: {error}")
        except sqlite3.DatabaseError as error:
            found.append(f"{table}: {error}")


def _ids(conn: sqlite3.Connection, sql: str, *params: object) -> set[int]:
    return {row[0] for row in conn.execute(sql, params)}


def _compare(found: list[str], what: str, held: set[int], articles: set[int]) -> None:
    missing, extra = sorted(articles - held), sorted(held - articles)
    if missing:
        found.append(f"{what} lacks {len(missing)} articles (ids {missing[:5]}...)")
    if extra:
        found.append(f"{what} holds {len(extra)} ids that are not articles ({extra[:5]}...)")
