"""Dates and times as Chinese and English sites, feeds and front matter write them.

`parse_datetime` reads the forms the importers meet: `2024-11-13 17:49:38`, `2024/11/13`,
`2024.11.13`, `2024年11月13日 17:49`, `2024年11月13日 17时49分`, ISO 8601 with `T`, fractions,
`Z` or an offset, English (`November 13, 2024 5:49 pm`, `13 Nov 2024`) and RFC 2822
(`Wed, 13 Nov 2024 17:49:38 +0800`). A time without an offset is
returned naive: it is the wall-clock time the site printed, and the store keeps it as such.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_DATE_TIME = re.compile(
    r"""
    (?P<y>[0-9]{4}) \s* (?:[-/.]|年) \s* (?P<m>[0-9]{1,2}) \s* (?:[-/.]|月) \s* (?P<d>[0-9]{1,2})
    \s* (?:日|号)?
    (?:
        (?: \s*T\s* | \s+ | (?<=[日号]) )
        (?P<H>[0-9]{1,2}) \s* [:时点] \s* (?P<M>[0-9]{1,2})
        (?:
            \s* (?::|分) \s* (?P<S>[0-9]{1,2}) (?:[.,](?P<f>[0-9]{1,9}))? \s* 秒?
          | \s* 分
        )?
    )?
    \s*
    (?P<tz> Z | [+-][0-9]{2}(?::?[0-9]{2})? | (?:UTC|GMT)(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)? )?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_OFFSET = re.compile(r"([+-])([0-9]{1,2})(?::?([0-9]{2}))?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# "November 13, 2024", "Nov 13 2024 5:49 pm", "13 November 2024": English blog themes.
_ENGLISH = re.compile(
    r"""
    (?: (?P<mon1>[a-z]+)\.? \s+ (?P<d1>[0-9]{1,2})(?:st|nd|rd|th)? ,? \s+ (?P<y1>[0-9]{4})
      | (?P<d2>[0-9]{1,2})(?:st|nd|rd|th)? \s+ (?P<mon2>[a-z]+)\.? ,? \s+ (?P<y2>[0-9]{4}) )
    (?: ,? \s+ (?:at\s+)? (?P<H>[0-9]{1,2}) : (?P<M>[0-9]{2}) (?::(?P<S>[0-9]{2}))?
        \s* (?P<ampm>am|pm)? )?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_datetime(text: str | None) -> datetime | None:
    """Read a date or date-time from `text`, or return None if it holds none as a whole.

    The whole string (trimmed) must be the date: `发布于 2024-11-13` is not read here, so that a
    sentence which mentions a date is never taken for one. Full-width digits and colons count as
    ASCII. The result is aware only when an offset (`Z`, `+08:00`, `GMT+8`) was given.
    """
    if not text:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    if not value or len(value) > 64:
        return None
    match = _DATE_TIME.fullmatch(value)
    if match:
        return _build(match)
    if re.search("[A-Za-z]", value) and re.search("[0-9]{4}", value):
        english = _ENGLISH.fullmatch(value)
        return _english(english) if english else _rfc2822(value)
    return None


def _build(match: re.Match[str]) -> datetime | None:
    """Turn a `_DATE_TIME` match into a datetime, or None for an impossible one (2024-02-30)."""
    fraction = (match["f"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
            int(fraction),
        )
    except ValueError:
        return None
    zone = match["tz"]
    if not zone:
        return moment
    tzinfo = _zone(zone)
    return moment.replace(tzinfo=tzinfo) if tzinfo else None


def _zone(text: str) -> timezone | None:
    """The fixed offset named by `Z`, `UTC`, `+08`, `+0800`, `+08:00` or `GMT+8`."""
    upper = text.upper()
    if upper in ("Z", "UTC", "GMT"):
        return UTC
    match = _OFFSET.search(upper)
    if not match:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match[1] == "-" else delta)


def _english(match: re.Match[str]) -> datetime | None:
    """Turn an `_ENGLISH` match into a naive datetime, or None for an unknown month or day."""
    month = _MONTHS.get((match["mon1"] or match["mon2"]).lower())
    if month is None:
        return None
    hour = int(match["H"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm == "pm" and hour != 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(
            int(match["y1"] or match["y2"]),
            month,
            int(match["d1"] or match["d2"]),
            hour,
            int(match["M"] or 0),
            int(match["S"] or 0),
        )
    except ValueError:
        return None


def _rfc2822(value: str) -> datetime | None:
    """RFC 2822 dates as feeds and mail write them; None when it is not one."""
    try:
        moment = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    return moment
