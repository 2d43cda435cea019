"""Search input: every string a user can type gives results or a one-line message; the command
line; and an import killed with SIGKILL leaves the index consistent with the articles."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.library import make_drafts
from support.library import run_cli as run
from support.search import brute_force, corpus, ids

from reader.models import ArticleDraft
from reader.store import Library
from reader.store.errors import SearchQueryError as InvalidSearch
from reader.text.query import (
    MAX_QUERY,
    SearchQueryError,
    match_expression,
    match_spans,
    parse_query,
)

HOSTILE = [
    "",
    " ",
    "\t\n",
    '"',
    '""',
    '" "',
    "'",
    "AND",
    "OR",
    "NOT",
    "a AND b",
    "a OR b NOT c",
    "*",
    "a*",
    "-",
    "--",
    "- -",
    "-a",
    "(",
    "(" * 2000,
    ")",
    "C++",
    "e-mail",
    "2024-01-01",
    "NEAR(a b)",
    "title:x",
    "{title}: x",
    "^a",
    "a:b",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\ud800",
    "中" * MAX_QUERY,
    "a " * (MAX_QUERY // 2),
    "x" * (MAX_QUERY + 1),
    "; DROP TABLE articles; --",
    "' OR 1=1 --",
    "\ue02b",
    "\u3000",
]

_ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())
_TYPED = st.one_of(
    st.text(_ANY_CHAR, max_size=60),
    st.lists(
        st.sampled_from(['"', "-", "*", "(", ")", "AND", "OR", "NOT", " ", "中国", "C++", ":"]),
        max_size=12,
    ).map("".join),
    st.sampled_from(HOSTILE),
)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library(tmp_path_factory.mktemp("input") / "library.db")
    lib.save(corpus(120, seed=11))
    yield lib
    lib.close()


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_give_results_or_a_clear_message(filled: Library, query: str) -> None:
    try:
        hits = filled.search(query)
    except InvalidSearch as error:
        assert str(error).startswith(("nothing to search for", "the search is too long"))
        assert "\n" not in str(error)
        return
    assert ids(hits) == brute_force(filled, query)[:50]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=_TYPED)
def test_any_typed_string_is_safe_and_exact(filled: Library, query: str) -> None:
    try:
        parsed = parse_query(query)
    except SearchQueryError:
        with pytest.raises(InvalidSearch):
            filled.search(query)
        return
    expression = match_expression(parsed)
    assert expression is not None
    # Only quoted terms, AND, NOT and parentheses: no user syntax reaches FTS5.
    assert all(
        part in ("AND", "NOT") or (part.startswith(('"', '("')) and part.endswith(('"', '")')))
        for part in expression.split(" ")
    )
    for order in ("newest", "best"):
        hits = filled.search(query, order=order, limit=10_000)  # type: ignore[arg-type]
        expected = brute_force(filled, query)
        assert sorted(ids(hits)) == sorted(expected)
        if order == "newest":
            assert ids(hits) == expected
    match_spans("任何文本 any text", query)


def test_every_kind_of_word(filled: Library) -> None:
    parsed = parse_query('中国 -"人工 智能" "a  phrase" -x C++ AND')
    assert parsed.include == ("中国", "a  phrase", "c++", "and")
    assert parsed.exclude == ("人工 智能", "x")


def test_cli_search_json_and_text(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Library(db_path) as lib:
        lib.save(make_drafts(5, category=("国际", "亚洲")))
        lib.save(make_drafts(2, category=("科技",), start=5))
    code, out, _ = run(["search", "--db", str(db_path), "--json", "篇文章"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["title"] for r in rows] == [f"第{i}篇 文章 number {i}" for i in range(6, -1, -1)]
    assert all("篇文章" in r["snippet"] and r["category"] for r in rows)
    code, out, _ = run(
        ["search", "--db", str(db_path), "--category", "科技", "--limit", "1", "NUMBER"], capsys
    )
    assert code == 0 and "number 6" in out and "number 5" not in out
    code, out, _ = run(["search", "--db", str(db_path), "--order", "best", "--json", "5"], capsys)
    assert json.loads(out)[0]["title"] == "第5篇 文章 number 5"


@pytest.mark.parametrize("query", ["", "   ", "-word", '""', "\x00"])
def test_cli_search_with_nothing_to_search_for(
    db_path: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    Library(db_path).close()
    code, out, err = run(["search", "--db", str(db_path), "--", query], capsys)
    assert code == 1 and out == ""
    assert err.startswith("reader: nothing to search for") and err.count("\n") == 1


def test_cli_reindex(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Library(db_path) as lib:
        lib.save(make_drafts(3))
    code, out, _ = run(["reindex", "--db", str(db_path)], capsys)
    assert code == 0 and "3 articles" in out


_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta
    from reader.models import ArticleDraft
    from reader.store import Library

    lib = Library(sys.argv[1])
    for batch in range(10_000):
        lib.save([
            ArticleDraft(
                title=f"第{batch}批 {n}", body=f"朝鲜 经济 {batch}-{n} " * 40,
                url=f"https://example.org/{batch}/{n}",
                published=datetime(2024, 1, 1) + timedelta(minutes=batch * 7 + n),
            )
            for n in range(200)
        ])
        print(batch, flush=True)
    """
)


def test_an_import_killed_mid_write_leaves_index_and_articles_consistent(db_path: Path) -> None:
    Library(db_path).close()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for _ in range(3):  # three transactions committed; the fourth is under way
        child.stdout.readline()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with Library(db_path) as lib:
        conn = lib.db.conn
        conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert articles >= 600 and articles % 200 == 0
        assert conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] == articles
        assert len(lib.search("朝鲜", limit=10_000)) == articles
        lib.save([ArticleDraft(title="之后", body="朝鲜", url="https://example.org/after")])
        assert len(lib.search("朝鲜", limit=10_000)) == articles + 1


def test_drafts_with_odd_text_are_found(library: Library) -> None:
    library.save(
        [ArticleDraft(title="“引号”", body='正文 "quoted" (paren) *star* C++ 100%', url="")]
    )
    for query in ['"quoted"', "(paren)", "*star*", "C++", "100%", "“引号”"]:
        assert len(library.search(query)) == 1, query
