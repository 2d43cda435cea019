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
costs a page write per article imported into a large library. `Library.page` lists a category in
those orders by sorting it (a small category) or by walking the whole library's order and keeping
the category's articles (a large one).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("reader")

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
def m005_search_index_folds_text(db: Database) -> None:
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
    ):
        db.execute(statement)
