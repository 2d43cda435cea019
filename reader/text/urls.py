"""URLs: the normalised form that recognises one article under several spellings, and the
checks that decide whether a link may be kept, copied or opened."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from reader.text.sanitize import sanitize_line

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


def web_link(url: str) -> str | None:
    """`url` if it is safe to copy or open: http(s), a host, no spaces or controls; else None."""
    cleaned = sanitize_line(url)
    if cleaned != url.strip() or not is_web_url(cleaned):
        return None
    if any(char.isspace() for char in cleaned) or len(cleaned) > 4096:
        return None
    # Stricter than `is_web_url`: a host name, not only a port or user part.
    return cleaned if urlsplit(cleaned).hostname else None
