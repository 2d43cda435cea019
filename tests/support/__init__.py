"""Helpers the tests share: libraries, the app, a local HTTP server, crash runs, search oracles."""
