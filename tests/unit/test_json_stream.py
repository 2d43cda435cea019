"""JSON read a piece at a time (`reader.ingest.jsonstream`) reads what `json.loads` reads.

Whatever the size of the pieces (down to one byte, so that every string, escape, number and
multi-byte character is split somewhere), the values and the lines named in errors are those
of `json.loads`; a value over the limit is passed over, and what follows it is still read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.ingest import jsonstream
from reader.ingest.errors import ParseError
from reader.ingest.jsonstream import Oversized, Truncated, pieces

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab"\\\n中😀\u2028 \t/'), max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="kx中", max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def _read(data: bytes, chunk: int, limit: int = 10**9) -> list[Any]:
    original = jsonstream.CHUNK
    jsonstream.CHUNK = chunk
    try:
        return [p.value for p in pieces(data, 0, 1, "utf-8", limit)]
    finally:
        jsonstream.CHUNK = original


def _elements(documents: list[Any]) -> list[Any]:
    """What `pieces` gives: each document, or the elements of a top-level array."""
    found: list[Any] = []
    for document in documents:
        found += document if isinstance(document, list) else [document]
    return found


@settings(max_examples=300, deadline=None)
@given(
    documents=st.lists(VALUES, min_size=1, max_size=4),
    chunk=st.integers(min_value=1, max_value=64),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
)
def test_any_documents_in_any_pieces_read_as_json_loads_reads_them(
    documents: list[Any], chunk: int, ascii_only: bool, indent: int | None
) -> None:
    text = "\n".join(json.dumps(d, ensure_ascii=ascii_only, indent=indent) for d in documents)
    assert _read(text.encode(), chunk) == _elements(documents)


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(VALUES, max_size=3),
    big=VALUES,
    after=st.lists(VALUES, max_size=3),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_an_element_over_the_limit_is_passed_over_and_the_rest_read(
    before: list[Any], big: Any, after: list[Any], chunk: int
) -> None:
    sizes = [len(json.dumps(v, ensure_ascii=False).encode()) for v in [*before, *after]]
    limit = max(sizes, default=0) + 16
    large = {"title": "大", "pad": ["x" * limit, {"y": '\\"' * 40}], "big": big}
    data = json.dumps([*before, large, *after], ensure_ascii=False).encode()
    found = _read(data, chunk, limit)
    assert found[: len(before)] == before and found[len(before) + 1 :] == after
    assert found[len(before)] == Oversized(found[len(before)].size, "大")
    assert found[len(before)].size > limit


@pytest.mark.parametrize(
    "body",
    [
        ("[" * 500 + "]" * 500 + ",") * 400 + "1",  # deep, but not too deep to be read
        "[]," * 300_000 + "[]",  # brackets that open and close, each a step
        '"' + '\\"' * 300_000 + '"',  # a string of escapes
        "1" * 600_000,  # a number of 600,000 digits
    ],
    ids=["nested", "pairs", "escapes", "digits"],
)
def test_pathological_records_are_passed_over_in_linear_time(body: str) -> None:
    data = f'[{{"title": "病态", "x": [{body}]}}, {{"title": "之后"}}]'.encode()
    values = _read(data, 4096, limit=100_000)
    assert isinstance(values[0], Oversized) and values[0].title == "病态"
    assert values[1] == {"title": "之后"}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b'{"a": 1}\n{"b": }', "line 2, column 7"),
        (b'[\n  {"a": 1},\n  {"b": 2},\n]', "line 4, column 1"),
        (b'[{"a": 1} {"b": 2}]', "line 1, column 11"),
    ],
)
def test_invalid_json_names_its_line_and_column(data: bytes, where: str) -> None:
    for chunk in (1, 3, 1024):
        with pytest.raises(ParseError) as caught:
            _read(data, chunk)
        assert str(caught.value).startswith(where), (chunk, str(caught.value))


@pytest.mark.parametrize(
    ("data", "line"),
    [(b'{"a": "never closed', 1), (b"[1, 2", 1), (b'[\n{"a": 1},\n{"b": [2, ', 3), (b"[1,\n", 2)],
)
def test_data_that_ends_inside_a_value_was_cut_short(data: bytes, line: int) -> None:
    for chunk in (1, 3, 1024):
        with pytest.raises(Truncated) as caught:
            _read(data, chunk)
        assert str(caught.value) == f"the file ends inside the record on line {line}"
