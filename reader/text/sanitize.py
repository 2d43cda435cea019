"""One sanitiser for all untrusted text, used at import and again at render.

Article text comes from strangers and is shown in the user's terminal, often over SSH. Textual and
Rich strip only a few control characters, so whole escape sequences (CSI, OSC, DCS, APC, PM, SOS),
C1 controls, NUL, DEL and bidi overrides are removed here. Zero-width joiners and spaces stay: CJK
text and emoji need them. A lone surrogate (`\\ud800` in a JSON string, an undecodable file name)
is no character at all and cannot be stored or printed: it becomes U+FFFD, like any other
unreadable text.
"""

from __future__ import annotations

import re

# ESC-introduced sequences, removed whole:
#   CSI  ESC [ params intermediates final
#   OSC  ESC ] ... (BEL | ESC \ | end of text)
#   DCS/SOS/PM/APC  ESC P|X|^|_ ... (ESC \ | end of text)
#   other two-byte escapes  ESC <any>
# and their 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC).
_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI
    | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?       # OSC
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS SOS PM APC
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                               # other escapes, lone ESC
    """,
    re.VERBOSE,
)

# Controls that are never wanted: C0 except tab and newline, DEL, C1, and the bidi embedding,
# override and isolate controls plus the directional marks used for spoofing.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SURROGATES = re.compile("[\ud800-\udfff]")

# Anything the passes below would change: one scan that finds nothing in almost every text.
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2066-\u2069\ufff9-\ufffb\ud800-\udfff]"
)


def sanitize(text: str | None) -> str:
    """Return `text` safe to store and show: no escape sequences or control characters.

    Line ends become ``\\n``; tabs are kept; lone surrogates become U+FFFD. ``None`` becomes
    the empty string.
    """
    if not text:
        return ""
    if text.isprintable() or _SUSPECT.search(text) is None:
        return text
    text = _SURROGATES.sub("\ufffd", text)
    text = _NEWLINES.sub("\n", text)
    text = _SEQUENCES.sub("", text)
    return _CONTROLS.sub("", text)


def sanitize_line(text: str | None) -> str:
    """Sanitise `text` and fold it onto one line (for titles, names, labels)."""
    cleaned = sanitize(text)
    if "\n" in cleaned or "\t" in cleaned:
        cleaned = " ".join(cleaned.split())
    return cleaned.strip()


def without_surrogates(text: str) -> str:
    """`text` with every lone surrogate (an undecodable byte of a file name, `\\udcff`) made
    U+FFFD, and nothing else changed: for names that must stay as they are but be storable."""
    return _SURROGATES.sub("\ufffd", text)
