"""Identity of an article across re-imports: normalised URLs and content hashes."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "spm", "ref", "ref_src", "from"}
)


def is_web_url(url: str) -> bool:
    """True for an http(s) URL with a host; never for `javascript:`, `file:` or `-option`."""
    if not url or url.startswith("-"):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def normalize_url(url: str) -> str:
    """The form of `url` used to recognise the same article under different spellings.

    Lower-case scheme and host, `http` and `https` alike, no default port, no fragment, no tracking
    parameters, no trailing slash on the path; query parameters sorted.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/") or ""
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _TRACKING_NAMES and not k.lower().startswith(_TRACKING_PREFIXES)
        )
    )
    return urlunsplit(("http", netloc, path, query, ""))


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
