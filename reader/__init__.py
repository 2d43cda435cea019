"""reader: a terminal reader for libraries of articles."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read from the package metadata on first use only: importlib.metadata
    # costs tens of milliseconds that the app's start-up does not need to pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("reader")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'reader' has no attribute {name!r}")
