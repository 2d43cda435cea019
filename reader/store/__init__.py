"""The library store: one SQLite database, its schema, queries, random reading and search.

Nothing in this package imports Textual.
"""

from reader.store.errors import LibraryBusy, LibraryError, LibraryReadOnly, LibraryUnavailable
from reader.store.library import Library

__all__ = [
    "Library",
    "LibraryBusy",
    "LibraryError",
    "LibraryReadOnly",
    "LibraryUnavailable",
]
