"""Marks carried by an import (`reader import --with-state`): read, starred and reading position
from JSON Lines and Markdown front matter, added to the importing reader's own and nobody else's;
without the flag they are left out, and the summary says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.library import make_drafts, run_cli

from reader.ingest import notes
from reader.ingest.jsonl import parse as parse_jsonl
from reader.ingest.markdown import parse as parse_markdown
from reader.models import Marks
from reader.store import Library


def _line(title: str, **fields: object) -> str:
    return json.dumps({"title": title, "url": f"https://example.org/{title}", **fields})


@pytest.fixture
def marked_file(tmp_path: Path) -> Path:
    """Four articles: read, starred, half read, and unmarked."""
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(
            [
                _line("已读", read=True, starred=False, progress=0.0),
                _line("加星", read=False, starred=True, progress=0.0),
                _line("读到一半", read=False, starred=False, progress=0.5),
                _line("未动", read=False, starred=False, progress=0.0),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def marks_of(db: Path, user: str) -> dict[str, tuple[bool, bool, float]]:
    with Library(db, user=user) as lib:
        found = {}
        for item in lib.page().items:
            article = lib.get(item.id)
            assert article is not None
            found[article.title] = (article.read, article.starred, article.progress)
        return found


def test_with_state_the_marks_become_the_importing_readers_own(
    marked_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        ["--user", "alice", "import", "--db", str(db_path), "--with-state", str(marked_file)],
        capsys,
    )
    assert code == 0 and "warning" not in out
    assert marks_of(db_path, "alice") == {
        "已读": (True, False, 0.0),
        "加星": (False, True, 0.0),
        "读到一半": (False, False, 0.5),
        "未动": (False, False, 0.0),
    }
    assert set(marks_of(db_path, "bob").values()) == {(False, False, 0.0)}
    with Library(db_path, user="alice") as lib:
        assert lib.counts() == (4, 3)
        assert lib.check() == []


def test_without_the_flag_no_marks_are_added_and_the_summary_says_so(
    marked_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["import", "--db", str(db_path), str(marked_file)], capsys)
    assert code == 0
    assert "3 of its articles carry a reader's marks" in out and "--with-state" in out
    assert set(marks_of(db_path, "alice").values()) == {(False, False, 0.0)}


def test_imported_marks_only_add_to_what_the_reader_has(db_path: Path) -> None:
    """An import can mark read or starred and move a position forward, never take any back."""
    with Library(db_path, user="alice") as lib:
        lib.save(make_drafts(3))
        first, second, third = sorted(s.id for s in lib.page().items)
        lib.set_read(first)
        lib.set_starred(second)
        lib.set_progress(third, 0.8)
        drafts = make_drafts(3)
        drafts[0].marks = None  # unmarked in the file: stays read
        drafts[1].marks = Marks(read=True)  # read now, and still starred
        drafts[2].marks = Marks(progress=0.3)  # not as far as the reader got
        lib.save(drafts, marks=True)
        got = {}
        for article_id in (first, second, third):
            article = lib.get(article_id)
            assert article is not None
            got[article_id] = (article.read, article.starred, article.progress)
    assert got == {first: (True, False, 0.0), second: (True, True, 0.0), third: (False, False, 0.8)}


def test_marks_of_wrong_types_are_warned_about_and_the_article_is_kept() -> None:
    data = (
        _line("一", read="yes", starred=1, progress=2.5) + "\n" + _line("二", progress=0.25)
    ).encode()
    with notes.collect() as warnings:
        first, second = list(parse_jsonl(data, "x.jsonl"))
    assert first.title == "一" and first.marks is None
    assert second.marks == Marks(progress=0.25)
    assert warnings == [
        "'read' must be true or false; ignored where it was not",
        "'starred' must be true or false; ignored where it was not",
        "'progress' must be a number from 0 to 1; ignored where it was not",
    ]


def test_front_matter_marks_and_a_path_naming_one_category_twice() -> None:
    text = (
        "---\ntitle: 新闻里的新闻\ncategory: [新闻, 新闻]\nrelated: [甲, 甲]\n"
        "read: true\nstarred: false\nprogress: 0.75\n---\n\n正文\n"
    )
    (draft,) = parse_markdown(text.encode(), "a.md")
    assert draft.marks == Marks(read=True, progress=0.75)
    assert draft.category == ("新闻", "新闻")
    assert draft.related == ("甲", "甲")
    (one,) = parse_markdown(b"---\ntitle: t\nrelated: A/B testing, again\n---\n", "b.md")
    assert one.related == ("A/B testing, again",)


def test_markdown_marks_are_saved_with_the_flag(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: 甲\nstarred: true\n---\n\n正文\n", encoding="utf-8")
    code, _, _ = run_cli(
        ["import", "--user", "alice", "--db", str(db_path), "--with-state", str(folder)], capsys
    )
    assert code == 0
    assert marks_of(db_path, "alice") == {"甲": (False, True, 0.0)}
