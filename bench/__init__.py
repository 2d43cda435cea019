"""Benchmarks: a synthetic library generator and timings of the store, search and UI.

`python -m bench.run` (what `make bench` calls) runs them all; `python -m bench.generate` writes a
synthetic library as JSON Lines files.
"""
