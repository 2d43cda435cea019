"""Decoding as Chinese sites need it: BOM, UTF-8 first, the gb18030 family, doubtful decodes."""

from __future__ import annotations

import codecs

import pytest

from reader.ingest.decode import decode_bytes, decode_document, is_doubtful

TEXT = "朱镕基与陶喆在北京见面，谈到了新的一年里城市的发展与变化。" * 3


def test_bom_wins_over_every_declaration() -> None:
    data = codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="gbk"?><a>中文</a>'.encode(
        "utf-16-le"
    )
    assert decode_document(data).text.endswith("<a>中文</a>")


def test_utf8_bytes_declared_gb2312_are_utf8() -> None:
    data = f'<meta charset="gb2312"><p>{TEXT}</p>'.encode()
    decoded = decode_document(data)
    assert decoded.encoding == "utf-8" and TEXT in decoded.text


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936", "GB_2312-80"])
def test_gb_family_is_read_as_gb18030(label: str) -> None:
    data = f'<meta charset="{label}"><p>{TEXT}𠀀</p>'.encode("gb18030")
    decoded = decode_document(data)
    assert decoded.encoding == "gb18030"
    assert TEXT + "𠀀" in decoded.text and not decoded.warning


def test_http_charset_outranks_the_document() -> None:
    data = f'<meta charset="big5"><p>{TEXT}</p>'.encode("gb18030")
    assert decode_document(data, "text/html; charset=gbk").text.endswith(f"{TEXT}</p>")


def test_big5_declared_gb2312_is_retried_and_flagged() -> None:
    traditional = "臺灣的部落格文章，繁體中文的內容與標題，這是測試用的句子。" * 3
    decoded = decode_document(f'<meta charset="gb2312"><p>{traditional}</p>'.encode("big5"))
    assert traditional in decoded.text
    assert not is_doubtful(decoded.text)
    assert "declared gb2312" in decoded.warning


def test_undeclared_gbk_is_detected_on_the_whole_document() -> None:
    decoded = decode_bytes(f"<p>{TEXT}</p>".encode("gbk"))
    assert TEXT in decoded.text and decoded.encoding == "gb18030"


def test_a_few_bad_bytes_are_replaced_and_counted() -> None:
    head = '<meta charset="gb18030"><p>朱镕基'.encode("gb18030")
    broken = head + b"\xff\xff\xff" + f"{TEXT}</p>".encode("gb18030")
    decoded = decode_document(broken)
    assert decoded.encoding == "gb18030"
    assert TEXT in decoded.text and decoded.text.count("\ufffd") == 3
    assert decoded.warning


def test_never_raises_on_garbage() -> None:
    decoded = decode_bytes(bytes(range(256)) * 4, "no-such-codec")
    assert isinstance(decoded.text, str) and decoded.warning


def test_an_assumed_charset_is_tried_but_never_called_declared() -> None:
    traditional = "臺灣的部落格文章，繁體中文的內容與標題，這是測試用的句子。" * 3
    decoded = decode_bytes(traditional.encode("big5"), assumed="gb18030")
    assert traditional in decoded.text and decoded.encoding.startswith("big5")
    assert decoded.warning.startswith("neither UTF-8 nor GB18030: decoded as big5")
    assert "declared" not in decoded.warning
    gbk = decode_bytes(TEXT.encode("gbk"), assumed="gb18030")
    assert (gbk.text, gbk.encoding, gbk.warning) == (TEXT, "gb18030", "")
