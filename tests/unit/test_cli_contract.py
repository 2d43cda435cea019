"""The command-line contract of DESIGN.md, end to end: `import` of files and folders, the summary
and exit codes, progress on a terminal only, and the JSON shapes of the reading commands.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.library import run_cli as run

from reader.text.sortkey import sort_key

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
SUMMARY = re.compile(
    r"^(\d+) sources?: (\d+) added, (\d+) updated, (\d+) unchanged, (\d+) failed$", re.M
)


def summary(out: str) -> tuple[int, int, int, int, int]:
    """(sources, added, updated, unchanged, failed) from an import summary."""
    found = SUMMARY.search(out)
    assert found, out
    sources, added, updated, unchanged, failed = map(int, found.groups())
    return sources, added, updated, unchanged, failed


def failures(out: str) -> dict[str, str]:
    """{file: reason} from the summary's `failed:` lines."""
    rows = [line.strip() for line in out.splitlines() if line.strip().startswith("failed: ")]
    return dict(row.removeprefix("failed: ").split(": ", 1) for row in rows)


# -- sources of every kind, written for these tests ---------------------------------------------


def page_text(n: int, crumb: str = "当前位置:首页 > 生活 > 正文") -> str:
    """A page-text article: breadcrumb, title, bullets, body with a question heading."""
    return (
        f"{crumb}\n\n第{n}篇：河边的早市\n\n  • 生活\n  • 2023-05-0{n % 9 + 1} 08:15:00\n"
        f"  • {n * 10}\n\n清晨的河边摆满了菜摊，第{n}位摊主最早到。\n\n"
        "为什么来得这么早？\n\n因为早上的菜最新鲜，买菜的人也最多。\n"
    )


def markdown(n: int) -> str:
    """A Markdown article with front matter."""
    return (
        f"---\ntitle: 笔记 {n}\ndate: 2024-02-0{n % 9 + 1} 10:00:00\ncategories: [笔记]\n"
        f"tags: [测试]\nauthor: 作者{n}\n---\n\n第{n}篇笔记的正文。\n"
    )


def jsonl(n: int) -> str:
    """A JSON Lines file of two articles."""
    rows = [
        {"title": f"条目 {n}-{i}", "body": f"正文 {n}-{i}", "category": ["资料"], "views": i}
        for i in range(2)
    ]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


GOOD: dict[str, tuple[str, Callable[[int], str], int]] = {
    "page text": (".txt", page_text, 1),
    "markdown": (".md", markdown, 1),
    "json lines": (".jsonl", jsonl, 2),
}
BROKEN = {
    "page text": (".txt", "\n  \n\n", "no title"),
    "markdown": (".md", "---\ntitle: [未闭合\n---\n正文\n", "front matter is not valid YAML"),
    "json lines": (".jsonl", '{"title": "好"}\n{"title": 坏}\n', "line 2"),
}


@pytest.mark.parametrize("kind", list(GOOD))
def test_five_good_files_and_one_broken(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix, make, per_file = GOOD[kind]
    folder = tmp_path / "sources"
    (folder / "deeper").mkdir(parents=True)
    for n in range(5):
        (folder / ("deeper" if n % 2 else "") / f"good{n}{suffix}").write_text(
            make(n), encoding="utf-8"
        )
    bad_suffix, bad_text, reason = BROKEN[kind]
    broken = folder / f"broken{bad_suffix}"
    broken.write_text(bad_text, encoding="utf-8")
    db = tmp_path / "library.db"
    code, out, err = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 1 and err == ""
    assert summary(out) == (6, 5 * per_file, 0, 0, 1)
    [(where, why)] = failures(out).items()
    assert where == str(broken) and reason in why and "\n" not in why
    _, listed, _ = run(["list", "--db", str(db), "--json"], capsys)
    assert len(json.loads(listed)) == 5 * per_file


def test_every_kind_at_once_and_reimport(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    for kind, (suffix, make, _) in GOOD.items():
        for n in range(5):
            (folder / f"{kind.replace(' ', '_')}{n}{suffix}").write_text(make(n), encoding="utf-8")
        bad_suffix, bad_text, _ = BROKEN[kind]
        (folder / f"{kind.replace(' ', '_')}_broken{bad_suffix}").write_text(bad_text, "utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")  # not importable: not a source in a folder
    (folder / ".hidden.md").write_text("# 隐藏\n", encoding="utf-8")
    db = tmp_path / "library.db"
    code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 1 and summary(out) == (18, 20, 0, 0, 3)
    assert len(failures(out)) == 3
    # A second import changes nothing; an edited file is updated.
    code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 1 and summary(out) == (18, 0, 0, 20, 3)
    (folder / "markdown2.md").write_text(markdown(2) + "\n补充一段。\n", encoding="utf-8")
    (folder / "page_text3.txt").write_text(page_text(3) + "\n结尾补一句。\n", encoding="utf-8")
    code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 1 and summary(out) == (18, 0, 2, 18, 3)
    # Only the good files: exit 0.
    good = [
        str(p)
        for p in sorted(folder.iterdir())
        if "broken" not in p.name and p.suffix != ".pdf" and p.name[0] != "."
    ]
    code, out, _ = run(["import", "--db", str(db), *good], capsys)
    assert code == 0 and summary(out) == (15, 0, 0, 20, 0)


def test_json_summary_names_each_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.md"
    good.write_text(markdown(1), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": 1}\n', encoding="utf-8")
    missing = tmp_path / "missing.md"
    code, out, _ = run(
        ["import", "--db", str(tmp_path / "l.db"), "--json", str(good), str(bad), str(missing)],
        capsys,
    )
    report = json.loads(out)
    assert code == 1
    assert (report["added"], report["updated"], report["unchanged"], report["failed"]) == (
        1,
        0,
        0,
        2,
    )
    errors = {s["source"]: s["error"] for s in report["sources"]}
    assert errors[str(good)] is None
    assert "line 1: 'title' must be text" in errors[str(bad)]
    assert errors[str(missing)]


def test_unknown_file_named_on_the_command_line_fails_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "paper.pdf"
    odd.write_bytes(b"%PDF-1.4 ...")
    code, out, _ = run(["import", "--db", str(tmp_path / "l.db"), str(odd)], capsys)
    assert code == 1 and summary(out)[4] == 1
    assert str(odd) in failures(out)


BAD_USAGE = [
    ["import"],
    ["import", "--category"],
    ["import", "--colour", "x.md"],
    ["list", "--limit", "0"],
    ["list", "--limit", "many"],
    ["list", "--sort", "colour"],
    ["list", "--db"],
    ["list", "--frobnicate"],
    ["list", "extra"],
    ["show"],
    ["show", "abc"],
    ["show", "1.5"],
    ["show", ""],
    ["show", "0"],
    ["show", "-1"],
    ["show", "--", "-1"],
    ["show", "9223372036854775808"],
    ["show", "99999999999999999999999999999999999999"],
    ["show", "1", "2"],
    ["show", "\x1b]0;title\x07\u202e1"],
    ["search"],
    ["search", "--order", "worst", "x"],
    ["search", "--limit", "0", "x"],
    ["search", "--limit", "10001", "x"],
    ["random", "extra"],
    ["categories", "--json", "extra"],
    ["paths", "--frobnicate"],
    ["demo", "extra"],
    ["refresh", "--frobnicate"],
    ["reindex", "extra"],
    ["frobnicate"],
    ["--frobnicate"],
    ["\x1b[31mred"],
]


@pytest.mark.parametrize("args", BAD_USAGE, ids=lambda a: " ".join(a))
def test_bad_usage_is_one_line_and_exits_2(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every usage error of every command and of the group: one line on stderr, exit 2."""
    db = tmp_path / "library.db"
    code, out, err = run([args[0], "--db", str(db), *args[1:]], capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("reader: ")
    assert re.search(r" \(see reader( [a-z]+)? --help\)\n$", err), err
    assert not any(word in err for word in ("Usage:", "Error:", "Try "))
    assert err.isprintable() or err[:-1].isprintable()
    assert "\x1b" not in err and "\u202e" not in err
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["list", "--frobnicate"], "no such option '--frobnicate' (see reader list --help)"),
        (["frobnicate"], "no such command 'frobnicate' (see reader --help)"),
        (["show"], "missing argument 'ID' (see reader show --help)"),
        (
            ["show", "9223372036854775808"],
            "invalid value for 'ID': '9223372036854775808' is not an article id "
            "(a whole number from 1 to 9223372036854775807) (see reader show --help)",
        ),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else "",
)
def test_usage_errors_say_what_was_wrong(
    args: list[str], line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([args[0], "--db", str(tmp_path / "library.db"), *args[1:]], capsys)
    assert code == 2 and err == f"reader: {line}\n"


def test_usage_errors_from_a_real_process_are_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "show", "--db", str(tmp_path / "x.db"), "--frob", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "reader: no such option '--frob'; did you mean '--db'? (see reader show --help)\n"
    )


# -- encodings and line ends of page text -------------------------------------------------------


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-bom": lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    "utf-8-crlf": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    "gb18030": lambda s: s.encode("gb18030"),
    # GBK has no U+2022 bullet; GBK sites use the middle dot, which the format allows too.
    "gbk-crlf": lambda s: s.replace("•", "·").replace("\n", "\r\n").encode("gbk"),
}


def test_page_text_in_every_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    text = page_text(1, crumb="当前位置：首页 > 国际 > 亚洲 > 正文")
    for name, encode in ENCODINGS.items():
        (folder / f"{name}.txt").write_bytes(encode(text.replace("河边", f"河边{name}")))
    db = tmp_path / "library.db"
    code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 0 and summary(out) == (5, 5, 0, 0, 0)
    _, listed, _ = run(["list", "--db", str(db), "--json"], capsys)
    rows = json.loads(listed)
    assert sorted(r["title"] for r in rows) == sorted(f"第1篇：河边{n}的早市" for n in ENCODINGS)
    for row in rows:
        assert row["category"] == ["国际", "亚洲"]
        assert row["published"] == "2023-05-02T08:15:00" and row["views"] == 10
        _, shown, _ = run(["show", "--db", str(db), "--json", "--no-count", str(row["id"])], capsys)
        article = json.loads(shown)
        assert "\r" not in article["body"] and "\ufeff" not in article["title"]
        assert article["headings"] == ["为什么来得这么早？"]
        assert "清晨的河边" in article["body"]


# -- Markdown categories from folders -----------------------------------------------------------


def test_markdown_folders_become_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "notes"
    (root / "国际" / "亚洲").mkdir(parents=True)
    (root / "国际" / "亚洲" / "tokyo.md").write_text("# 东京的早晨\n\n正文。\n", encoding="utf-8")
    (root / "top.md").write_text("# 顶层笔记\n\n正文。\n", encoding="utf-8")
    (root / "国际" / "front.md").write_text(markdown(1), encoding="utf-8")
    db = tmp_path / "library.db"
    code, out, _ = run(["import", "--db", str(db), str(root)], capsys)
    assert code == 0 and summary(out) == (3, 3, 0, 0, 0)
    _, listed, _ = run(["list", "--db", str(db), "--json"], capsys)
    paths = {r["title"]: r["category"] for r in json.loads(listed)}
    assert paths["东京的早晨"] == ["国际", "亚洲"]  # the folders below the named folder
    assert paths["顶层笔记"] == ["Uncategorised"]
    assert paths["笔记 1"] == ["笔记"]  # front matter wins
    # Named on its own, a file has no folder category; --category prefixes every path.
    other = tmp_path / "other.db"
    code, out, _ = run(
        ["import", "--db", str(other), "--category", "收藏/旧文", str(root / "国际")], capsys
    )
    assert code == 0
    _, listed, _ = run(["list", "--db", str(other), "--json"], capsys)
    paths = {r["title"]: r["category"] for r in json.loads(listed)}
    assert paths["东京的早晨"] == ["收藏", "旧文", "亚洲"]
    assert paths["笔记 1"] == ["收藏", "旧文", "笔记"]


# -- progress on a terminal only ----------------------------------------------------------------


def _import_process(folder: Path, db: Path, tty: bool) -> tuple[int, str, str]:
    """Run `reader import` as a process, with stderr on a pseudo-terminal or a pipe."""
    args = [sys.executable, "-m", "reader", "import", "--db", str(db), str(folder)]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    if not tty:
        done = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
        return done.returncode, done.stdout, done.stderr
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL, env=env
    )
    os.close(secondary)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([primary], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=30), out, b"".join(chunks).decode(errors="replace")


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    for n in range(30):
        (folder / f"page{n}.txt").write_text(page_text(n), encoding="utf-8")
    code, out, err = _import_process(folder, tmp_path / "piped.db", tty=False)
    assert code == 0 and err == "" and summary(out) == (30, 30, 0, 0, 0)
    code, out, err = _import_process(folder, tmp_path / "terminal.db", tty=True)
    assert code == 0 and summary(out) == (30, 30, 0, 0, 0)
    assert "importing" in err and "30/30" in err  # the bar with its count, on stderr
    assert "\x1b[" in err  # drawn with terminal controls, then cleared


# -- the reading commands -----------------------------------------------------------------------


@pytest.fixture
def library_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The demo library plus a few imported articles."""
    db = tmp_path / "library.db"
    code, _, _ = run(["demo", "--db", str(db)], capsys)
    assert code == 0
    return db


def test_list_json_fields_and_types(library_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["list", "--db", str(library_db), "--json", "--limit", "100"], capsys)
    rows = json.loads(out)
    assert code == 0 and err == "" and isinstance(rows, list) and len(rows) >= 30
    for row in rows:
        assert isinstance(row["id"], int) and isinstance(row["title"], str) and row["title"]
        assert isinstance(row["category"], list) and all(
            isinstance(c, str) for c in row["category"]
        )
        assert ISO.match(row["published"]), row["published"]
        assert isinstance(row["views"], int) and row["views"] >= 0
        assert isinstance(row["url"], str) and isinstance(row["author"], str)
        assert isinstance(row["tags"], list)
        assert "body" not in row
    assert any(r["url"] for r in rows) and any(r["tags"] for r in rows)
    assert any(r["author"] for r in rows)
    assert any(len(r["category"]) >= 3 for r in rows)
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)


def test_list_sorts_and_limits(library_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["list", "--db", str(library_db), "--json", "--sort", "views"], capsys)
    views = [r["views"] for r in json.loads(out)]
    assert views == sorted(views, reverse=True)
    _, out, _ = run(["list", "--db", str(library_db), "--json", "--sort", "title"], capsys)
    titles = [r["title"] for r in json.loads(out)]
    assert titles == sorted(titles, key=sort_key)  # A to Z, Chinese by its pinyin
    _, out, _ = run(["list", "--db", str(library_db), "--json", "--limit", "3"], capsys)
    assert len(json.loads(out)) == 3
    _, text, _ = run(["list", "--db", str(library_db), "--limit", "3"], capsys)
    assert len(text.splitlines()) == 3


def test_list_category_scope_is_a_subtree(
    library_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["categories", "--db", str(library_db), "--json"], capsys)
    tree = json.loads(out)
    assert isinstance(tree, list)
    deep = next(c for c in tree if c["depth"] == 0 and any(d["depth"] == 2 for d in tree))
    top = deep["path"]
    code, out, _ = run(
        ["list", "--db", str(library_db), "--json", "--limit", "500", "--category", "/".join(top)],
        capsys,
    )
    rows = json.loads(out)
    assert code == 0 and len(rows) == deep["articles"]
    assert all(r["category"][: len(top)] == top for r in rows)


def test_show_json_adds_body_and_headings_and_counts_views(
    library_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["list", "--db", str(library_db), "--json", "--limit", "100"], capsys)
    rows = json.loads(out)
    row = rows[0]
    code, out, err = run(["show", "--db", str(library_db), "--json", str(row["id"])], capsys)
    shown = json.loads(out)
    assert code == 0 and err == "" and isinstance(shown, dict)
    assert {k: shown[k] for k in row if k not in ("views", "read")} == {
        k: v for k, v in row.items() if k not in ("views", "read")
    }
    assert shown["views"] == row["views"] + 1 and shown["read"] is True
    assert isinstance(shown["body"], str) and shown["body"]
    assert isinstance(shown["headings"], list)
    with_headings = 0
    for other in rows:
        _, out, _ = run(
            ["show", "--db", str(library_db), "--json", "--no-count", str(other["id"])], capsys
        )
        article = json.loads(out)
        marked = re.findall(r"^#{2,6} +(.+?) *$", article["body"], re.M)
        assert article["headings"] == marked
        with_headings += bool(marked)
    assert with_headings >= 5
    for _ in range(2):
        _, out, _ = run(
            ["show", "--db", str(library_db), "--json", "--no-count", str(row["id"])], capsys
        )
        assert json.loads(out)["views"] == row["views"] + 1
    code, text, _ = run(["show", "--db", str(library_db), "--no-count", str(row["id"])], capsys)
    assert code == 0 and text.startswith("Home › " + " › ".join(row["category"]))
    assert row["title"] in text


def test_random_json_is_one_article_within_scope(
    library_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["categories", "--db", str(library_db), "--json"], capsys)
    leaf = next(c for c in json.loads(out) if c["depth"] == 2)
    seen = set()
    for _ in range(leaf["articles"]):
        code, out, _ = run(
            ["random", "--db", str(library_db), "--json", "--category", "/".join(leaf["path"])],
            capsys,
        )
        picked = json.loads(out)
        assert code == 0 and isinstance(picked, dict)
        assert picked["category"] == leaf["path"] and "body" in picked
        seen.add(picked["id"])
    assert len(seen) == leaf["articles"]  # no repeats until the scope was shown
    code, text, _ = run(["random", "--db", str(library_db)], capsys)
    assert code == 0 and text.startswith("Home › ")


def test_categories_text_and_json_agree(
    library_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["categories", "--db", str(library_db), "--json"], capsys)
    tree = json.loads(out)
    _, text, _ = run(["categories", "--db", str(library_db)], capsys)
    lines = text.splitlines()
    assert lines[0].startswith("All articles") and len(lines) == len(tree) + 1
    for node, line in zip(tree, lines[1:], strict=True):
        assert {"id", "name", "path", "parent_id", "depth", "articles", "unread"} <= set(node)
        assert line == "  " * (node["depth"] + 1) + (
            f"{node['name']}  ({node['articles']}, {node['unread']} unread)"
        )
    total = sum(n["articles"] for n in tree if n["depth"] == 0)
    assert f"({total}, " in lines[0]


def test_paths_text_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("READER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    code, out, _ = run(["paths", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["library"] == str(tmp_path / "data" / "reader" / "library.db")
    assert data["config"] == str(tmp_path / "config" / "reader")
    assert data["override"] == "READER_DB"
    code, text, _ = run(["paths"], capsys)
    assert code == 0 and data["library"] in text and "READER_DB" in text
    assert not (tmp_path / "data").exists()  # printing the paths creates nothing


def test_db_option_before_the_command_and_reader_db(
    library_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, direct, _ = run(["list", "--db", str(library_db), "--json"], capsys)
    code, before, _ = run(["--db", str(library_db), "list", "--json"], capsys)
    assert code == 0 and before == direct
    monkeypatch.setenv("READER_DB", str(library_db))
    code, env, _ = run(["list", "--json"], capsys)
    assert code == 0 and env == direct
