"""The shared date parser: the forms Chinese and English sites, feeds and front matter use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.ingest.dates import parse_datetime

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-13 17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("2024-11-13 17:49", datetime(2024, 11, 13, 17, 49)),
        ("2024-11-13", datetime(2024, 11, 13)),
        ("2024/11/13 17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("2024/1/5", datetime(2024, 1, 5)),
        ("2024.11.13", datetime(2024, 11, 13)),
        ("2024年11月13日", datetime(2024, 11, 13)),
        ("2024年11月13日 17:49", datetime(2024, 11, 13, 17, 49)),
        ("2024年11月13日17:49", datetime(2024, 11, 13, 17, 49)),
        ("2024年11月13日 17时49分", datetime(2024, 11, 13, 17, 49)),
        ("2024年11月13日 17时49分38秒", datetime(2024, 11, 13, 17, 49, 38)),
        ("2024年1月3号", datetime(2024, 1, 3)),
        ("  2024-11-13 17:49:38  ", datetime(2024, 11, 13, 17, 49, 38)),
        ("２０２４－１１－１３　１７：４９", datetime(2024, 11, 13, 17, 49)),
        ("2024-11-13T17:49:38", datetime(2024, 11, 13, 17, 49, 38)),
        ("2024-11-13T17:49:38.250", datetime(2024, 11, 13, 17, 49, 38, 250000)),
        ("November 13, 2024", datetime(2024, 11, 13)),
        ("Nov 13 2024 5:49 pm", datetime(2024, 11, 13, 17, 49)),
        ("13 November 2024", datetime(2024, 11, 13)),
        ("Sept. 3rd, 2024 at 12:05 am", datetime(2024, 9, 3, 0, 5)),
    ],
)
def test_naive_forms(text: str, expected: datetime) -> None:
    """Without an offset the result is the naive wall-clock time as printed."""
    result = parse_datetime(text)
    assert result == expected
    assert result is not None and result.tzinfo is None


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2024-11-13T09:49:38Z", timedelta(0)),
        ("2024-11-13T17:49:38+08:00", timedelta(hours=8)),
        ("2024-11-13T17:49:38+0800", timedelta(hours=8)),
        ("2024-11-13 17:49:38 +08", timedelta(hours=8)),
        ("2024-11-13T04:49:38-05:00", timedelta(hours=-5)),
        ("2024-11-13 17:49:38 GMT+8", timedelta(hours=8)),
        ("2024-11-13 09:49:38 UTC", timedelta(0)),
        ("Wed, 13 Nov 2024 17:49:38 +0800", timedelta(hours=8)),
        ("Wed, 13 Nov 2024 09:49:38 GMT", timedelta(0)),
    ],
)
def test_offsets_give_aware_times(text: str, offset: timedelta) -> None:
    """Every form with an offset names the same instant, 2024-11-13 09:49:38 UTC."""
    result = parse_datetime(text)
    assert result is not None
    assert result.utcoffset() == offset
    assert result == datetime(2024, 11, 13, 9, 49, 38, tzinfo=UTC)


def test_offset_round_trips_through_isoformat() -> None:
    moment = datetime(2024, 11, 13, 17, 49, 38, tzinfo=CST)
    assert parse_datetime(moment.isoformat()) == moment


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "2024",
        "1,234",
        "3",
        "2024-13-01",
        "2024-02-30",
        "2024-11-13 25:00",
        "2024-11-13 17:61",
        "2024-11-13T17:49:38+25:00",
        "Smarch 13, 2024",
        "发布于 2024-11-13",
        "2024-11-13 是个好日子",
        "他在2024年11月13日出生。",
        "2024-11-13 17:49:38" + "x" * 100,
    ],
)
def test_rejects_what_is_not_a_date(text: str) -> None:
    """Impossible dates and sentences that merely mention a date are not dates."""
    assert parse_datetime(text) is None


def test_none_is_no_date() -> None:
    assert parse_datetime(None) is None


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    """Any text gives a datetime or None, never an exception."""
    result = parse_datetime(text)
    assert result is None or isinstance(result, datetime)
