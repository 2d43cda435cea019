"""Identity of an article across re-imports: its GUID, normalised URL or content hash."""

from __future__ import annotations

import hashlib

from reader.text.urls import is_web_url, normalize_url


def content_hash(title: str, body: str) -> str:
    """A hash of what an article says, used to recognise it when it has no URL or GUID."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(" ".join(title.split()).encode())
    digest.update(b"\0")
    digest.update("\n".join(line.rstrip() for line in body.strip().splitlines()).encode())
    return digest.hexdigest()


def article_key(*, guid: str, url: str, digest: str) -> str:
    """The unique key of an article: its GUID, else its normalised URL, else its content hash."""
    if guid:
        return "guid:" + guid.strip()
    if url and is_web_url(url):
        return "url:" + normalize_url(url)
    return "hash:" + digest
