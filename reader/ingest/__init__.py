"""Turning sources (files, folders, feeds, pages) into article drafts and saving them.

Each source kind has a module with `parse(data: bytes, location: str) -> Iterable[ArticleDraft]`;
`reader.ingest.runner` finds the sources, picks the parser and saves each source in one
transaction. Nothing here imports Textual.
"""
