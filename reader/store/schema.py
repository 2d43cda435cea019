"""The schema, applied through `sqlite_utils.Migrations`.

Every article is listed once per scope it belongs to in `article_scopes`: its own category, each
ancestor category, and scope 0 (the whole library). That one table makes the listing of a whole
subtree, its counts and a random pick from it index seeks, whatever the tree's shape. `seq` numbers
the articles of a scope densely from 0, so a random article is one lookup of a random number.
Triggers keep scopes and counts in step with `articles`, inside the writer's own transaction.

Each migration holds its own SQL and imports nothing of the live code, so what it does never
changes after it was released.

Each scope has its own index in publication order (the order every listing opens in); the orders
by views and by title are indexed for the whole library only (m003), as each index of every scope
costs a page write per article imported into a large library. The title order is the order of
each article's `title_key` (m012: Chinese in pinyin, `reader.text.sortkey`), which the writer
computes and the triggers copy into `article_scopes`. `Library.page` lists a category in
those orders by sorting it (a small category) or by walking the whole library's order and keeping
the category's articles (a large one).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from sqlite_utils import Database, Migrations

migrations = Migrations("reader")
APPLICATION_ID = int.from_bytes(b"Rdr1", "big")
"""`PRAGMA application_id` of a reader library (a signed 32-bit value in the file header)."""
SCHEMA_VERSION = 13
"""`PRAGMA user_version` of a library with every migration of this reader applied: each
migration from m010 on sets its own number."""
MARK = "m010_mark_the_library"
"""The migration that marks a library as reader's (`reader.store.filekind`)."""

_ANCESTORS = "SELECT ancestor_id FROM category_ancestors WHERE category_id = {row}.category_id"

_ADD_TO_SCOPES = f"""
  INSERT INTO article_scopes (scope_id, article_id, published, views, title, seq)
    SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title, c.total
    FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
    WHERE a.category_id = NEW.category_id;
  UPDATE scope_counts SET total = total + 1, unread = unread + (NEW.read_at IS NULL)
    WHERE scope_id IN ({_ANCESTORS.format(row="NEW")});
"""

# The last article of each scope takes the removed article's seq, so seq stays dense.
_REMOVE_FROM_SCOPES = f"""
  UPDATE article_scopes
    SET seq = (SELECT d.seq FROM article_scopes d
               WHERE d.scope_id = article_scopes.scope_id AND d.article_id = OLD.id)
    WHERE scope_id IN ({_ANCESTORS.format(row="OLD")})
      AND seq = (SELECT c.total - 1 FROM scope_counts c WHERE c.scope_id = article_scopes.scope_id);
  DELETE FROM article_scopes
    WHERE scope_id IN ({_ANCESTORS.format(row="OLD")}) AND article_id = OLD.id;
  UPDATE scope_counts SET total = total - 1, unread = unread - (OLD.read_at IS NULL)
    WHERE scope_id IN ({_ANCESTORS.format(row="OLD")});
"""


@migrations()
def m001_initial(db: Database) -> None:
    """Categories, articles, bodies, scopes with counts, sources and UI state."""
    db.executescript(
        f"""
        CREATE TABLE categories (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES categories(id),
            name TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX categories_parent_name ON categories (ifnull(parent_id, 0), name);

        CREATE TABLE category_ancestors (
            category_id INTEGER NOT NULL,
            ancestor_id INTEGER NOT NULL,
            depth INTEGER NOT NULL,
            PRIMARY KEY (category_id, ancestor_id)
        ) WITHOUT ROWID;

        CREATE TABLE scope_counts (
            scope_id INTEGER PRIMARY KEY,
            total INTEGER NOT NULL DEFAULT 0,
            unread INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO scope_counts (scope_id) VALUES (0);

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            category_id INTEGER NOT NULL REFERENCES categories(id),
            published TEXT NOT NULL,
            title TEXT NOT NULL,
            views INTEGER NOT NULL DEFAULT 0,
            read_at TEXT,
            starred INTEGER NOT NULL DEFAULT 0,
            progress REAL NOT NULL DEFAULT 0,
            author TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            related TEXT NOT NULL DEFAULT '[]',
            key TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles (content_hash);
        CREATE INDEX articles_source ON articles (source);

        CREATE TABLE bodies (
            id INTEGER PRIMARY KEY,
            body TEXT NOT NULL
        );

        CREATE TABLE article_scopes (
            scope_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            published TEXT NOT NULL,
            views INTEGER NOT NULL,
            title TEXT NOT NULL COLLATE NOCASE,
            seq INTEGER NOT NULL,
            PRIMARY KEY (scope_id, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX scopes_published ON article_scopes (scope_id, published, article_id);
        CREATE INDEX scopes_views ON article_scopes (scope_id, views, article_id);
        CREATE INDEX scopes_title ON article_scopes (scope_id, title, article_id);
        CREATE INDEX scopes_seq ON article_scopes (scope_id, seq);

        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            location TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            category_id INTEGER REFERENCES categories(id),
            title TEXT NOT NULL DEFAULT '',
            etag TEXT,
            last_modified TEXT,
            encoding TEXT,
            warning TEXT,
            fetched_at TEXT,
            raw BLOB
        );

        CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TRIGGER articles_insert AFTER INSERT ON articles BEGIN
            {_ADD_TO_SCOPES}
        END;

        CREATE TRIGGER articles_delete AFTER DELETE ON articles BEGIN
            {_REMOVE_FROM_SCOPES}
            DELETE FROM bodies WHERE id = OLD.id;
        END;

        CREATE TRIGGER articles_move AFTER UPDATE OF category_id ON articles
        WHEN OLD.category_id != NEW.category_id BEGIN
            {_REMOVE_FROM_SCOPES}
            {_ADD_TO_SCOPES}
        END;

        CREATE TRIGGER articles_sort_keys AFTER UPDATE OF published, views, title ON articles
        WHEN OLD.category_id = NEW.category_id BEGIN
            UPDATE article_scopes
                SET published = NEW.published, views = NEW.views, title = NEW.title
                WHERE scope_id IN ({_ANCESTORS.format(row="NEW")}) AND article_id = NEW.id;
        END;

        CREATE TRIGGER articles_read AFTER UPDATE OF read_at ON articles
        WHEN OLD.category_id = NEW.category_id
             AND (OLD.read_at IS NULL) != (NEW.read_at IS NULL) BEGIN
            UPDATE scope_counts
                SET unread = unread + (NEW.read_at IS NULL) - (OLD.read_at IS NULL)
                WHERE scope_id IN ({_ANCESTORS.format(row="NEW")});
        END;
        """
    )


@migrations()
def m002_search_index(db: Database) -> None:
    """The search index's tables (see `reader.store.search`); a library that already holds
    articles is marked for indexing, which `Library` does on open (a small library) or
    `reader reindex` (a large one), so that opening it after an upgrade does not stall."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE search_index USING fts5(
            terms, content='', detail=none, columnsize=0, tokenize='ascii'
        );
        CREATE VIRTUAL TABLE search_titles USING fts5(
            terms, content='', detail=none, columnsize=0, tokenize='ascii'
        );
        CREATE TABLE search_docs (
            article_id INTEGER PRIMARY KEY,
            docid INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX search_docs_docid ON search_docs (docid);
        INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 128000000);
        INSERT INTO search_titles (search_titles, rank) VALUES ('hashsize', 128000000);
        INSERT INTO search_index (search_index, rank) VALUES ('automerge', 4);
        INSERT INTO search_titles (search_titles, rank) VALUES ('automerge', 4);
        INSERT INTO state (key, value) SELECT 'search.stale', 'true'
            WHERE EXISTS (SELECT 1 FROM articles);
        """
    )


@migrations()
def m003_sort_indexes_for_the_whole_library(db: Database) -> None:
    """Index the orders by views and by title for scope 0 only (see the module's description)."""
    for statement in (
        "DROP INDEX IF EXISTS scopes_views",
        "DROP INDEX IF EXISTS scopes_title",
        "CREATE INDEX scopes_views ON article_scopes (views, article_id) WHERE scope_id = 0",
        "CREATE INDEX scopes_title ON article_scopes (title, article_id) WHERE scope_id = 0",
    ):
        db.execute(statement)


@migrations()
def m004_search_index_merges(db: Database) -> None:
    """Merge the search index's segments 16 at a time (see `reader.store.search`)."""
    db.executescript(
        """
        INSERT INTO search_index (search_index, rank) VALUES ('automerge', 16);
        INSERT INTO search_titles (search_titles, rank) VALUES ('automerge', 16);
        """
    )


@migrations()
def m005_personal_state(db: Database) -> None:
    """Read marks, stars, reading positions and UI state belong to a reader identity.

    `readers` names the identities; `marks` holds one row per reader and article they touched;
    `reader_counts` keeps, per reader and scope, how many articles of the scope they have read
    (unread = the scope's total minus that), in step through triggers like `scope_counts`. The
    state an existing library held goes to the identity named in `temp.upgrading_reader` (the
    default identity of whoever opens it first after the upgrade; see `reader.store.identity`).
    """
    db.executescript(
        """
        CREATE TABLE readers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );

        CREATE TABLE marks (
            reader_id INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            read_at TEXT,
            starred_at TEXT,
            progress REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (reader_id, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX marks_article ON marks (article_id);
        CREATE INDEX marks_starred ON marks (reader_id, article_id) WHERE starred_at IS NOT NULL;

        CREATE TABLE reader_counts (
            reader_id INTEGER NOT NULL,
            scope_id INTEGER NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (reader_id, scope_id)
        ) WITHOUT ROWID;

        CREATE TABLE reader_state (
            reader_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (reader_id, key)
        ) WITHOUT ROWID;

        INSERT INTO readers (id, name)
            SELECT 1, (SELECT name FROM temp.upgrading_reader)
            WHERE EXISTS (SELECT 1 FROM articles
                          WHERE read_at IS NOT NULL OR starred OR progress > 0)
               OR EXISTS (SELECT 1 FROM state WHERE key LIKE 'ui.%' OR key LIKE 'shuffle:%');
        INSERT INTO marks (reader_id, article_id, read_at, starred_at, progress)
            SELECT 1, id, read_at, CASE WHEN starred THEN updated_at END, progress FROM articles
            WHERE (read_at IS NOT NULL OR starred OR progress > 0)
              AND EXISTS (SELECT 1 FROM readers WHERE id = 1);
        INSERT INTO reader_counts (reader_id, scope_id, read)
            SELECT 1, s.scope_id, count(*) FROM article_scopes s
            JOIN marks m ON m.reader_id = 1 AND m.article_id = s.article_id
            WHERE m.read_at IS NOT NULL
            GROUP BY s.scope_id;
        INSERT INTO reader_state (reader_id, key, value)
            SELECT 1, key, value FROM state
            WHERE (key LIKE 'ui.%' OR key LIKE 'shuffle:%')
              AND EXISTS (SELECT 1 FROM readers WHERE id = 1);
        DELETE FROM state WHERE key LIKE 'ui.%' OR key LIKE 'shuffle:%';

        DROP TRIGGER articles_insert;
        DROP TRIGGER articles_delete;
        DROP TRIGGER articles_move;
        DROP TRIGGER articles_read;
        ALTER TABLE articles DROP COLUMN read_at;
        ALTER TABLE articles DROP COLUMN starred;
        ALTER TABLE articles DROP COLUMN progress;
        ALTER TABLE scope_counts DROP COLUMN unread;

        CREATE TRIGGER articles_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
        END;

        CREATE TRIGGER articles_delete AFTER DELETE ON articles BEGIN
            UPDATE article_scopes
                SET seq = (SELECT d.seq FROM article_scopes d
                           WHERE d.scope_id = article_scopes.scope_id AND d.article_id = OLD.id)
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND seq = (SELECT c.total - 1 FROM scope_counts c
                             WHERE c.scope_id = article_scopes.scope_id);
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            DELETE FROM marks WHERE article_id = OLD.id;
            DELETE FROM bodies WHERE id = OLD.id;
        END;

        CREATE TRIGGER articles_move AFTER UPDATE OF category_id ON articles
        WHEN OLD.category_id != NEW.category_id BEGIN
            UPDATE article_scopes
                SET seq = (SELECT d.seq FROM article_scopes d
                           WHERE d.scope_id = article_scopes.scope_id AND d.article_id = OLD.id)
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND seq = (SELECT c.total - 1 FROM scope_counts c
                             WHERE c.scope_id = article_scopes.scope_id);
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            INSERT INTO article_scopes (scope_id, article_id, published, views, title, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, a.ancestor_id, 1
                FROM marks m CROSS JOIN category_ancestors a
                WHERE m.article_id = NEW.id AND m.read_at IS NOT NULL
                  AND a.category_id = NEW.category_id
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER marks_insert AFTER INSERT ON marks
        WHEN NEW.read_at IS NOT NULL BEGIN
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT NEW.reader_id, a.ancestor_id, 1
                FROM articles r CROSS JOIN category_ancestors a
                WHERE r.id = NEW.article_id AND a.category_id = r.category_id
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER marks_read AFTER UPDATE OF read_at ON marks
        WHEN (OLD.read_at IS NULL) != (NEW.read_at IS NULL) BEGIN
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT NEW.reader_id, a.ancestor_id, (NEW.read_at IS NOT NULL)
                FROM articles r CROSS JOIN category_ancestors a
                WHERE r.id = NEW.article_id AND a.category_id = r.category_id
                ON CONFLICT (reader_id, scope_id)
                DO UPDATE SET read = read + (NEW.read_at IS NOT NULL) - (NEW.read_at IS NULL);
        END;
        """
    )


@migrations()
def m006_scope_removal_by_index(db: Database) -> None:
    """Take an article out of its scopes with index seeks only.

    The triggers of m005 found the row whose `seq` fills the removed one's place with a
    correlated subquery, which SQLite evaluates by reading every row of the scope: deleting or
    moving an article of a large library took tens of milliseconds. Here the last `seq` of each
    scope is joined in first, so the row is found through `scopes_seq`.

    An article whose category is already gone is left alone by the trigger: deleting a whole
    category removes its articles from their scopes, counts, marks and bodies in bulk first
    (`reader.store.reorganise`).
    """
    db.executescript(
        """
        DROP TRIGGER articles_delete;
        DROP TRIGGER articles_move;

        CREATE TRIGGER articles_delete AFTER DELETE ON articles
        WHEN EXISTS (SELECT 1 FROM categories WHERE id = OLD.category_id) BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            DELETE FROM marks WHERE article_id = OLD.id;
            DELETE FROM bodies WHERE id = OLD.id;
        END;

        CREATE TRIGGER articles_move AFTER UPDATE OF category_id ON articles
        WHEN OLD.category_id != NEW.category_id BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            INSERT INTO article_scopes (scope_id, article_id, published, views, title, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, a.ancestor_id, 1
                FROM marks m CROSS JOIN category_ancestors a
                WHERE m.article_id = NEW.id AND m.read_at IS NOT NULL
                  AND a.category_id = NEW.category_id
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;
        """
    )


@migrations()
def m007_subscription_status(db: Database) -> None:
    """When each source was last checked and why that failed, for `reader feeds`."""
    db.executescript(
        """
        ALTER TABLE sources ADD COLUMN checked_at TEXT;
        ALTER TABLE sources ADD COLUMN last_error TEXT;
        """
    )


@migrations()
def m008_tags(db: Database) -> None:
    """Tags as scopes: each tag lists, counts and picks its articles like a category does.

    `tags` names them and `article_tags` says which articles carry which; a tag's scope id is
    minus its id, so its articles have `article_scopes` rows (in publication order, with dense
    `seq` for random reading), a `scope_counts` row and per-reader read counts, kept by triggers
    like a category's. The `tags` column of `articles` stays the list shown with an article; the
    rows here are filled from it.
    """
    db.executescript(
        """
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE article_tags (
            article_id INTEGER NOT NULL,
            tag_id INTEGER NOT NULL,
            PRIMARY KEY (article_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

        CREATE TRIGGER tags_insert AFTER INSERT ON tags BEGIN
            INSERT INTO scope_counts (scope_id) VALUES (-NEW.id);
        END;

        CREATE TRIGGER tags_delete AFTER DELETE ON tags BEGIN
            DELETE FROM scope_counts WHERE scope_id = -OLD.id;
            DELETE FROM reader_counts WHERE scope_id = -OLD.id;
        END;

        CREATE TRIGGER article_tags_insert AFTER INSERT ON article_tags BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title, seq)
                SELECT -NEW.tag_id, a.id, a.published, a.views, a.title, c.total
                FROM articles a, scope_counts c
                WHERE a.id = NEW.article_id AND c.scope_id = -NEW.tag_id;
            UPDATE scope_counts SET total = total + 1 WHERE scope_id = -NEW.tag_id;
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, -NEW.tag_id, 1 FROM marks m
                WHERE m.article_id = NEW.article_id AND m.read_at IS NOT NULL
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER article_tags_delete AFTER DELETE ON article_tags BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.scope_id = -OLD.tag_id AND d.article_id = OLD.article_id) AS g
                WHERE article_scopes.scope_id = -OLD.tag_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes WHERE scope_id = -OLD.tag_id AND article_id = OLD.article_id;
            UPDATE scope_counts SET total = total - 1 WHERE scope_id = -OLD.tag_id;
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id = -OLD.tag_id
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.article_id AND read_at IS NOT NULL);
            DELETE FROM tags WHERE id = OLD.tag_id
                AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = OLD.tag_id);
        END;

        DROP TRIGGER articles_delete;
        CREATE TRIGGER articles_delete AFTER DELETE ON articles
        WHEN EXISTS (SELECT 1 FROM categories WHERE id = OLD.category_id) BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            DELETE FROM article_tags WHERE article_id = OLD.id;
            DELETE FROM marks WHERE article_id = OLD.id;
            DELETE FROM bodies WHERE id = OLD.id;
        END;

        DROP TRIGGER articles_sort_keys;
        CREATE TRIGGER articles_sort_keys AFTER UPDATE OF published, views, title ON articles
        WHEN OLD.category_id = NEW.category_id BEGIN
            UPDATE article_scopes
                SET published = NEW.published, views = NEW.views, title = NEW.title
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id
                                   UNION ALL
                                   SELECT -tag_id FROM article_tags WHERE article_id = NEW.id)
                  AND article_id = NEW.id;
        END;

        DROP TRIGGER marks_insert;
        CREATE TRIGGER marks_insert AFTER INSERT ON marks
        WHEN NEW.read_at IS NOT NULL BEGIN
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT NEW.reader_id, s.scope_id, 1 FROM (
                    SELECT a.ancestor_id AS scope_id
                    FROM articles r CROSS JOIN category_ancestors a
                    WHERE r.id = NEW.article_id AND a.category_id = r.category_id
                    UNION ALL
                    SELECT -t.tag_id FROM article_tags t WHERE t.article_id = NEW.article_id
                ) AS s WHERE true
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        DROP TRIGGER marks_read;
        CREATE TRIGGER marks_read AFTER UPDATE OF read_at ON marks
        WHEN (OLD.read_at IS NULL) != (NEW.read_at IS NULL) BEGIN
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT NEW.reader_id, s.scope_id, (NEW.read_at IS NOT NULL) FROM (
                    SELECT a.ancestor_id AS scope_id
                    FROM articles r CROSS JOIN category_ancestors a
                    WHERE r.id = NEW.article_id AND a.category_id = r.category_id
                    UNION ALL
                    SELECT -t.tag_id FROM article_tags t WHERE t.article_id = NEW.article_id
                ) AS s WHERE true
                ON CONFLICT (reader_id, scope_id)
                DO UPDATE SET read = read + (NEW.read_at IS NOT NULL) - (NEW.read_at IS NULL);
        END;

        INSERT OR IGNORE INTO tags (name)
            SELECT DISTINCT trim(j.value) FROM articles a, json_each(a.tags) j
            WHERE j.type = 'text' AND trim(j.value) != ''
            ORDER BY 1;
        INSERT OR IGNORE INTO article_tags (article_id, tag_id)
            SELECT a.id, t.id FROM articles a, json_each(a.tags) j
            JOIN tags t ON t.name = trim(j.value)
            WHERE j.type = 'text'
            ORDER BY a.published, a.id;
        """
    )


@migrations()
def m009_saved_searches(db: Database) -> None:
    """Searches a reader saved under a name: their own views, shown above the categories."""
    db.executescript(
        """
        CREATE TABLE saved_searches (
            reader_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (reader_id, name)
        ) WITHOUT ROWID;
        """
    )


@migrations(name=MARK)
def m010_mark_the_library(db: Database) -> None:
    """Mark the file as a reader library of this schema version (`reader.store.filekind`), so
    that no other program's database is taken for one. Each later migration sets its own
    version number (the number of migrations up to it)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 10")


@migrations()
def m011_search_index_folds_text(db: Database) -> None:
    """The search index holds folded text (Unicode normal forms, width, case, Traditional and
    Simplified Chinese: `reader.text.fold`), so an index of case-folded text is emptied and
    marked for rebuilding, as m002 marks a new one: `Library` builds it on open (a small library)
    or `reader reindex` does (a large one). Emptied, not kept until then: an article is removed
    from a contentless index by the terms it was indexed with, which the old terms no longer are."""
    for statement in (
        "INSERT INTO search_index (search_index) VALUES ('delete-all')",
        "INSERT INTO search_titles (search_titles) VALUES ('delete-all')",
        "DELETE FROM search_docs",
        "DELETE FROM state WHERE key = 'search.displaced'",
        "INSERT OR REPLACE INTO state (key, value) SELECT 'search.stale', 'true'"
        " WHERE EXISTS (SELECT 1 FROM articles)",
        "PRAGMA user_version = 11",
    ):
        db.execute(statement)


@migrations()
def m012_title_order_by_pinyin(db: Database) -> None:
    """Order titles as a Chinese reader looks them up: by a sort key stored with each article
    (Han characters in pinyin without tones, Latin letters case-folded; `reader.text.sortkey`
    computes it for new titles). `article_scopes.title` becomes `title_key` and holds the key;
    the triggers copy the key, not the title, into it.

    The keys of the articles already stored are computed here, a batch at a time, with the
    key function as it was when this migration was written (`_m012_key`); the index of the
    title order is built once they are all in (about 50 s a million articles).
    """
    db.executescript(
        """
        ALTER TABLE articles ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
        DROP INDEX IF EXISTS scopes_title;
        DROP TRIGGER articles_insert;
        DROP TRIGGER articles_move;
        DROP TRIGGER articles_sort_keys;
        DROP TRIGGER article_tags_insert;
        ALTER TABLE article_scopes RENAME COLUMN title TO title_key;
        """
    )
    conn = db.conn
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, title FROM articles WHERE id > ? ORDER BY id LIMIT 10000", (last,)
        ).fetchall()
        if not rows:
            break
        conn.executemany(
            "UPDATE articles SET title_key = ? WHERE id = ?",
            [(_m012_key(title), article_id) for article_id, title in rows],
        )
        last = rows[-1][0]
    db.executescript(
        """
        UPDATE article_scopes SET title_key = a.title_key
            FROM articles a WHERE a.id = article_scopes.article_id;
        CREATE INDEX scopes_title_key ON article_scopes (title_key, article_id)
            WHERE scope_id = 0;

        CREATE TRIGGER articles_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title_key, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
        END;

        CREATE TRIGGER articles_move AFTER UPDATE OF category_id ON articles
        WHEN OLD.category_id != NEW.category_id BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title_key, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, a.ancestor_id, 1
                FROM marks m CROSS JOIN category_ancestors a
                WHERE m.article_id = NEW.id AND m.read_at IS NOT NULL
                  AND a.category_id = NEW.category_id
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER articles_sort_keys AFTER UPDATE OF published, views, title_key ON articles
        WHEN OLD.category_id = NEW.category_id BEGIN
            UPDATE article_scopes
                SET published = NEW.published, views = NEW.views, title_key = NEW.title_key
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id
                                   UNION ALL
                                   SELECT -tag_id FROM article_tags WHERE article_id = NEW.id)
                  AND article_id = NEW.id;
        END;

        CREATE TRIGGER article_tags_insert AFTER INSERT ON article_tags BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT -NEW.tag_id, a.id, a.published, a.views, a.title_key, c.total
                FROM articles a, scope_counts c
                WHERE a.id = NEW.article_id AND c.scope_id = -NEW.tag_id;
            UPDATE scope_counts SET total = total + 1 WHERE scope_id = -NEW.tag_id;
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, -NEW.tag_id, 1 FROM marks m
                WHERE m.article_id = NEW.article_id AND m.read_at IS NOT NULL
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        PRAGMA user_version = 12;
        """
    )


@migrations()
def m013_bulk_changes_keep_their_own_counts(db: Database) -> None:
    """Let a change of many articles at once keep scopes and counts in a few statements.

    The triggers that keep `article_scopes`, `scope_counts` and `reader_counts` in step with
    articles, marks and tags work a row at a time: deleting or moving a hundred thousand articles
    of a million took about a minute under the write lock. While `bulk_change` holds a row they
    do nothing, and the change keeps the scopes and counts itself, a scope at a time
    (`reader.store.bulk_scopes`). The row is put there and taken out inside one write
    transaction, so no other connection ever sees it, and a transaction that fails takes it back
    with the rest.
    """
    db.executescript(
        """
        CREATE TABLE bulk_change (
            id INTEGER PRIMARY KEY
        );

        DROP TRIGGER article_tags_delete;
        DROP TRIGGER articles_delete;
        DROP TRIGGER marks_insert;
        DROP TRIGGER articles_insert;
        DROP TRIGGER articles_move;
        DROP TRIGGER article_tags_insert;

        CREATE TRIGGER article_tags_delete AFTER DELETE ON article_tags
        WHEN NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.scope_id = -OLD.tag_id AND d.article_id = OLD.article_id) AS g
                WHERE article_scopes.scope_id = -OLD.tag_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes WHERE scope_id = -OLD.tag_id AND article_id = OLD.article_id;
            UPDATE scope_counts SET total = total - 1 WHERE scope_id = -OLD.tag_id;
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id = -OLD.tag_id
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.article_id AND read_at IS NOT NULL);
            DELETE FROM tags WHERE id = OLD.tag_id
                AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = OLD.tag_id);
        END;

        CREATE TRIGGER articles_delete AFTER DELETE ON articles
        WHEN EXISTS (SELECT 1 FROM categories WHERE id = OLD.category_id)
        AND NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            DELETE FROM article_tags WHERE article_id = OLD.id;
            DELETE FROM marks WHERE article_id = OLD.id;
            DELETE FROM bodies WHERE id = OLD.id;
        END;

        CREATE TRIGGER marks_insert AFTER INSERT ON marks
        WHEN NEW.read_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT NEW.reader_id, s.scope_id, 1 FROM (
                    SELECT a.ancestor_id AS scope_id
                    FROM articles r CROSS JOIN category_ancestors a
                    WHERE r.id = NEW.article_id AND a.category_id = r.category_id
                    UNION ALL
                    SELECT -t.tag_id FROM article_tags t WHERE t.article_id = NEW.article_id
                ) AS s WHERE true
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER articles_insert AFTER INSERT ON articles
        WHEN NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title_key, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
        END;

        CREATE TRIGGER articles_move AFTER UPDATE OF category_id ON articles
        WHEN OLD.category_id != NEW.category_id
        AND NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            UPDATE article_scopes SET seq = g.seq
                FROM (SELECT d.scope_id, d.seq, c.total - 1 AS last
                      FROM article_scopes d JOIN scope_counts c ON c.scope_id = d.scope_id
                      WHERE d.article_id = OLD.id
                        AND d.scope_id IN (SELECT ancestor_id FROM category_ancestors
                                           WHERE category_id = OLD.category_id)) AS g
                WHERE article_scopes.scope_id = g.scope_id AND article_scopes.seq = g.last;
            DELETE FROM article_scopes
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND article_id = OLD.id;
            UPDATE scope_counts SET total = total - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id);
            UPDATE reader_counts SET read = read - 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = OLD.category_id)
                  AND reader_id IN (SELECT reader_id FROM marks
                                    WHERE article_id = OLD.id AND read_at IS NOT NULL);
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT a.ancestor_id, NEW.id, NEW.published, NEW.views, NEW.title_key, c.total
                FROM category_ancestors a JOIN scope_counts c ON c.scope_id = a.ancestor_id
                WHERE a.category_id = NEW.category_id;
            UPDATE scope_counts SET total = total + 1
                WHERE scope_id IN (SELECT ancestor_id FROM category_ancestors
                                   WHERE category_id = NEW.category_id);
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, a.ancestor_id, 1
                FROM marks m CROSS JOIN category_ancestors a
                WHERE m.article_id = NEW.id AND m.read_at IS NOT NULL
                  AND a.category_id = NEW.category_id
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        CREATE TRIGGER article_tags_insert AFTER INSERT ON article_tags
        WHEN NOT EXISTS (SELECT 1 FROM bulk_change) BEGIN
            INSERT INTO article_scopes (scope_id, article_id, published, views, title_key, seq)
                SELECT -NEW.tag_id, a.id, a.published, a.views, a.title_key, c.total
                FROM articles a, scope_counts c
                WHERE a.id = NEW.article_id AND c.scope_id = -NEW.tag_id;
            UPDATE scope_counts SET total = total + 1 WHERE scope_id = -NEW.tag_id;
            INSERT INTO reader_counts (reader_id, scope_id, read)
                SELECT m.reader_id, -NEW.tag_id, 1 FROM marks m
                WHERE m.article_id = NEW.article_id AND m.read_at IS NOT NULL
                ON CONFLICT (reader_id, scope_id) DO UPDATE SET read = read + 1;
        END;

        PRAGMA user_version = 13;
        """
    )


_M012_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


def _m012_key(title: str) -> str:
    """The title's sort key as m012 computes it (`reader.text.sortkey` as it was then)."""
    from pypinyin.seg.mmseg import seg

    folded = unicodedata.normalize("NFKC", title).casefold()
    words: list[str] = []
    start = 0
    for match in _M012_HAN.finditer(folded):
        words.append(_m012_plain(folded[start : match.start()]))
        words.extend(_m012_syllables(word) for word in seg.cut(match.group()))
        start = match.end()
    words.append(_m012_plain(folded[start:]))
    key = " ".join(" ".join(words).split())
    return (key or folded.strip())[:120]


def _m012_plain(text: str) -> str:
    if text.isalnum():
        return text
    return "".join(" " if unicodedata.category(c)[0] == "P" else c for c in text)


@lru_cache(maxsize=65_536)
def _m012_syllables(word: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))


@cache
def known_migrations() -> frozenset[str]:
    """The names of every migration this reader has."""
    return frozenset(m.name for m in migrations.pending(Database(memory=True)))
