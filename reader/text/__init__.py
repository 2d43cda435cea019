"""Pure text helpers that every layer may use: sanitising, URLs and link safety, search queries
and highlight spans, the Markdown outline.

Nothing here imports any other part of the project (an import-linter contract checks it).
"""
