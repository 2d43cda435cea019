"""The library store: one SQLite database, its schema, queries, random reading and search.

This module is the store's facade: the app and the command line import from here only (an
import-linter contract checks it). Nothing in this package imports Textual.
"""

from reader.store.bulk import ONLY, Only
from reader.store.changes import PartialChange
from reader.store.errors import (
    LibraryBusy,
    LibraryError,
    LibraryReadOnly,
    LibraryUnavailable,
    SearchQueryError,
)
from reader.store.library import Library
from reader.store.listing import SORTS, Sort
from reader.store.reading import MAX_ID

__all__ = [
    "MAX_ID",
    "ONLY",
    "SORTS",
    "Library",
    "LibraryBusy",
    "LibraryError",
    "LibraryReadOnly",
    "LibraryUnavailable",
    "Only",
    "PartialChange",
    "SearchQueryError",
    "Sort",
]
