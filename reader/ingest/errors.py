"""Errors raised while reading a source: each names what was wrong in one line."""

from __future__ import annotations


class ParseError(Exception):
    """A source could not be read as articles; the message says why (one line)."""
