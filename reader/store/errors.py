"""Errors the store raises, each with a one-line message fit to show a user."""

from __future__ import annotations

from reader.text.i18n import SaidError


class LibraryError(SaidError):
    """The library cannot be opened or used; the message says why and what to do (`str()` in
    English, `shown()` in the interface's language)."""


class LibraryReadOnly(LibraryError):
    """A write was asked of a library opened read-only."""


class LibraryBusy(LibraryError):
    """Another program held the library's write lock for longer than the busy timeout."""


class LibraryUnavailable(LibraryError):
    """The library can take no more changes: its disk is full, it is damaged, or it was moved."""


class SearchQueryError(LibraryError):
    """A query that cannot be searched for; the message says why in one line."""
