"""`reader export`: what each format holds, what it selects, where it may write, and its one-line
errors. (Whole libraries going out and back in: test_round_trip.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from support.library import make_drafts, run_cli
from support.terminal import run_with_terminal_stderr

from reader.models import ArticleDraft
from reader.store import Library


@pytest.fixture
def db(db_path: Path) -> Path:
    """Five articles in 国际/亚洲 and three in 科技; alice read two and starred one."""
    with Library(db_path, user="alice") as lib:
        lib.save(make_drafts(5, category=("国际", "亚洲")))
        lib.save(make_drafts(3, category=("科技",), start=5))
        ids = sorted(s.id for s in lib.page().items)
        lib.set_read(ids[0])
        lib.set_read(ids[6])
        lib.set_starred(ids[1])
        lib.set_progress(ids[2], 0.4)
    return db_path


def export(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(["--user", "alice", "export", "--db", str(db), *args], capsys)


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_to_standard_output_in_the_json_shape_without_marks(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = export(db, capsys)
    assert (code, err) == (0, "")
    rows = lines(out)
    assert len(rows) == 8
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)  # oldest first
    assert list(rows[0]) == [
        "id", "title", "category", "published", "views", "url", "author", "tags", "body",
        "related",
    ]  # fmt: skip
    assert rows[0]["category"] == ["国际", "亚洲"] and rows[0]["tags"] == ["测试"]
    assert rows[0]["title"] == "第0篇 文章 number 0"
    assert "## 为什么要读？" in str(rows[0]["body"])
    assert run_cli(["export", "--db", str(db), "-o", "-"], capsys)[1] == out


def test_with_state_carries_the_readers_marks(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = lines(export(db, capsys, "--with-state")[1])
    marks = [(r["read"], r["starred"], r["progress"]) for r in rows]
    assert marks[:3] == [(True, False, 0.0), (False, True, 0.0), (False, False, 0.4)]
    assert marks[6] == (True, False, 0.0)
    bob = run_cli(["--user", "bob", "export", "--db", str(db), "--with-state"], capsys)[1]
    assert all(not r["read"] and not r["starred"] for r in lines(bob))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "科技"], ["第5篇", "第6篇", "第7篇"]),
        (["--view", "unread", "--category", ""], None),
        (["--view", "Unread"], ["第1篇", "第2篇", "第3篇", "第4篇", "第5篇", "第7篇"]),
        (["--view", "starred"], ["第1篇"]),
    ],
)
def test_a_category_or_a_view(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str] | None
) -> None:
    code, out, err = export(db, capsys, *args)
    if expected is None:  # an empty --category is no category
        assert code == 0
        return
    assert code == 0, err
    assert [str(r["title"]).split()[0] for r in lines(out)] == expected


def test_whole_articles_for_any_stream_of_ids(db: Path) -> None:
    """What a saved search's view exports: its ids, in their order, gone ones skipped."""
    with Library(db, user="alice") as lib:
        ids = [s.id for s in lib.page().items]
        wanted = [ids[3], 999_999, ids[0], ids[5]]
        found = list(lib.export_by_ids(iter(wanted), batch=2))
        assert [a.id for a in found] == [ids[3], ids[0], ids[5]]
        assert found[1] == lib.get(ids[0])
        searched = [i for i, _ in lib.search_ids("第1篇")]
        assert [a.title for a in lib.export_by_ids(searched)] == ["第1篇 文章 number 1"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--view", "稍后读"], 1, "no view '稍后读' (views: Unread, Starred)"),
        (["--category", "无此"], 1, "no category '无此'"),
        (["--category", "科技", "--view", "starred"], 2, "give --category or --view, not both"),
        (["--format", "markdown"], 2, "a Markdown export is a folder: name it with -o FOLDER"),
        (["--format", "opml", "--with-state"], 2, "--view and --with-state do not apply"),
    ],
)
def test_what_cannot_be_exported_is_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    got, out, err = export(db, capsys, *args)
    assert (got, out) == (code, "")
    assert err.startswith("reader: ") and message in err and err.count("\n") == 1


def test_a_file_is_replaced_only_once_the_export_is_whole(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.jsonl"
    code, out, _ = export(db, capsys, "-o", str(target))
    assert (code, out) == (0, f"Exported 8 articles to {target}\n")
    whole = target.read_bytes()
    assert len(whole.splitlines()) == 8

    from reader.cli import exporting

    def broken(articles: object, out: object, **_: object) -> int:
        out.write(b'{"title": "half"}\n')  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "write_jsonl", broken)
    code, _, err = export(db, capsys, "-o", str(target))
    assert (code, err) == (1, f"reader: cannot write {target}: No space left on device\n")
    assert target.read_bytes() == whole
    assert os.listdir(target.parent) == ["out.jsonl"]


HOSTILE_NAMES = [
    "..",
    ".",
    "../../outside",
    "CON",
    "nul.txt",
    "a/b:c*d?e",
    'x"<y>|z\\w',
    ".hidden",
    "trailing dot. ",
    "Python",
    "python",
    "PYTHON",
    "\x1b[31mred\x1b[0m",
    "长" * 200,
    "Cafe\u0301",
    "Café",
]


def test_markdown_file_and_folder_names_are_safe_unique_and_stable(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(db_path) as lib:
        for name in HOSTILE_NAMES:
            lib.save(
                [
                    ArticleDraft(title=name, body="正文 " + name, category=(name,)),
                    ArticleDraft(title=name, body="另一篇 " + name, category=(name, name)),
                ]
            )
        paths = {c.path for c in lib.categories()}
    (tmp_path / "box").mkdir()
    out = tmp_path / "box" / "export"
    code, _, err = run_cli(
        ["export", "--db", str(db_path), "--format", "markdown", "-o", str(out)], capsys
    )
    assert code == 0, err
    assert os.listdir(out.parent) == ["export"]  # nothing beside it
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert len(written) == 2 * len(HOSTILE_NAMES) + 1  # and the marker
    for relative in written:
        assert (out / relative).resolve().is_relative_to(out.resolve())
        for part in relative.parts:
            assert len(part.encode()) <= 255
            assert not set(part) & set('/\\:*?"<>|') and part.isprintable()
            assert part == ".reader-export" or not part.startswith(".")
            assert not part.endswith((".", " "))
            assert part.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    folders = [p.relative_to(out) for p in out.rglob("*") if p.is_dir()]
    for folder in folders:  # unique even where case and normal form do not count
        siblings = [p.name.casefold() for p in (out / folder).parent.iterdir()]
        assert len(siblings) == len(set(siblings))

    # The same names on every export; into an earlier export is allowed, and it is rewritten.
    code, _, _ = run_cli(
        ["export", "--db", str(db_path), "--format", "markdown", "-o", str(out)], capsys
    )
    assert code == 0
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == written

    # And every category comes back by its own name.
    again = tmp_path / "again.db"
    code, _, err = run_cli(["import", "--db", str(again), str(out)], capsys)
    assert code == 0, err
    with Library(again) as lib:
        assert {c.path for c in lib.categories()} == paths


def test_markdown_refuses_a_folder_of_other_things_and_links_out_of_it(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.md").write_text("my own notes\n")
    code, out, err = export(db, capsys, "--format", "markdown", "-o", str(other))
    assert (code, out) == (1, "")
    assert "is not empty and holds no earlier export" in err
    assert sorted(os.listdir(other)) == ["mine.md"]

    out_dir = tmp_path / "export"
    assert export(db, capsys, "--format", "markdown", "-o", str(out_dir))[0] == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    tech = out_dir / "科技"
    for child in tech.iterdir():
        child.unlink()
    tech.rmdir()
    tech.symlink_to(outside, target_is_directory=True)
    code, _, err = export(db, capsys, "--format", "markdown", "-o", str(out_dir))
    assert code == 1 and "is a symbolic link" in err
    assert os.listdir(outside) == []


def test_markdown_front_matter_reads_back_as_written(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    titles = ["yes", "null", "2024-01-01", "123", "---", "a: b # c", "'quoted'", '"x"', "- item"]
    with Library(db_path) as lib:
        lib.save(
            [
                ArticleDraft(title=t, body=f"# {t}\n\n正文", tags=(t, "逗号,标签"), author=t)
                for t in titles
            ]
        )
    out = tmp_path / "md"
    assert (
        run_cli(["export", "--db", str(db_path), "--format", "markdown", "-o", str(out)], capsys)[0]
        == 0
    )
    for path in out.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
        assert front["title"] in titles
        assert front["author"] == front["title"] and front["tags"] == [front["title"], "逗号,标签"]


def test_opml_lists_the_feeds_in_their_folders_escaped(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = [
        ("https://a.example/feed?x=1&y=2", "A & B <blog>", ("科技", "博客", 'A & B "<blog>"')),
        ("https://b.example/rss", "乙", ("科技", "乙")),
        ("https://c.example/atom", "丙\n第二行", ("丙",)),
    ]
    with Library(db_path) as lib:
        for url, title, path in feeds:
            lib.record_source(url, "feed", category=path, title=title)
        lib.record_source("/home/someone/file.jsonl", "jsonl", title="not a feed")
    code, out, err = run_cli(["export", "--db", str(db_path), "--format", "opml"], capsys)
    assert (code, err) == (0, "")
    root = ElementTree.fromstring(out.encode())
    assert root.get("version") == "2.0"
    listed = {
        o.get("xmlUrl"): (o.get("type"), o.get("text"), o.get("title"))
        for o in root.iter("outline")
        if o.get("xmlUrl")
    }
    assert listed == {
        "https://a.example/feed?x=1&y=2": ("rss", 'A & B "<blog>"', 'A & B "<blog>"'),
        "https://b.example/rss": ("rss", "乙", "乙"),
        "https://c.example/atom": ("rss", "丙", "丙"),
    }
    body = root.find("body")
    assert body is not None
    (tech,) = [o for o in body if o.get("text") == "科技"]
    assert [o.get("text") for o in tech] == ["博客", "乙"]

    # Only the feeds under a category; and the list reads back into the same folders.
    sub = run_cli(["export", "--db", str(db_path), "--format", "opml", "--category", "丙"], capsys)
    assert "c.example" in sub[1] and "a.example" not in sub[1]
    listing = tmp_path / "feeds.opml"
    listing.write_text(out, encoding="utf-8")
    again = tmp_path / "again.db"
    code, _, err = run_cli(["import", "--db", str(again), "--no-fetch", str(listing)], capsys)
    assert code == 0, err
    with Library(again) as lib:
        got = {s.location: lib.category_path(s.category_id or 0) for s in lib.sources()}
    assert got == {url: path for url, _, path in feeds}


def test_jsonl_into_a_folder_is_split_into_files_an_import_reads_whole(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.export import jsonlines

    monkeypatch.setattr(jsonlines, "PER_FILE", 3)
    folder = tmp_path / "split"
    code, _, err = export(db, capsys, "-o", f"{folder}/")
    assert (code, err) == (0, "")
    names = sorted(os.listdir(folder))
    assert names == [".reader-export"] + [f"articles-00000{n}.jsonl" for n in (1, 2, 3)]
    assert [len((folder / n).read_text().splitlines()) for n in names[1:]] == [3, 3, 2]
    whole = lines(export(db, capsys)[1])
    assert [r for n in names[1:] for r in lines((folder / n).read_text())] == whole

    # Again, into the same folder, with fewer articles: no file of the earlier export is left.
    code, _, _ = export(db, capsys, "-o", str(folder), "--category", "科技")
    assert code == 0
    assert sorted(os.listdir(folder)) == [".reader-export", "articles-000001.jsonl"]
    code, _, err = export(db, capsys, "--format", "markdown", "-o", str(folder))
    assert code == 1 and "holds an export of another kind" in err


def test_a_progress_bar_on_a_terminal_only(db: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "reader", "export", "--db", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) == 8
    code, out, terminal = run_with_terminal_stderr([*command, "-o", str(tmp_path / "a.jsonl")])
    assert (code, out) == (0, f"Exported 8 articles to {tmp_path / 'a.jsonl'}\n")
    assert "exporting" in terminal and "8/8" in terminal and "\x1b[" in terminal
    code, out, terminal = run_with_terminal_stderr(command)
    assert code == 0 and len(out.splitlines()) == 8
    assert "Exported 8 articles" in terminal  # said where it cannot mix with the export


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_newsboat_reads_the_opml_list(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another feed reader takes every feed, its folders becoming its tags."""
    with Library(db_path) as lib:
        lib.record_source("https://a.example/f?x=1&y=2", "feed", category=("科技", "博客", "A&B"))
        lib.record_source("https://b.example/rss", "feed", category=("乙",))
    listing = tmp_path / "feeds.opml"
    assert (
        run_cli(["export", "--db", str(db_path), "--format", "opml", "-o", str(listing)], capsys)[0]
        == 0
    )
    home = tmp_path / "home"
    home.mkdir()
    urls = home / "urls"
    urls.touch()
    files = ["-u", str(urls), "-c", str(home / "cache.db"), "-C", os.devnull]
    done = subprocess.run(
        ["newsboat", *files, "-i", str(listing)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(home)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert urls.read_text(encoding="utf-8").splitlines() == [
        'https://a.example/f?x=1&y=2 "科技/博客"',
        "https://b.example/rss",
    ]
