"""Personal state on a shared library: each reader identity has its own read marks, stars,
reading positions and UI state; articles, categories and the view counter are everyone's."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from support.library import make_drafts, run_cli

from reader.models import ROOT_SCOPE
from reader.store import Library, LibraryError
from reader.store.schema import migrations


def test_two_readers_keep_their_own_marks_and_share_the_view_counter(db_path: Path) -> None:
    with Library(db_path, user="alice") as alice, Library(db_path, user="bob") as bob:
        alice.save(make_drafts(6))
        first, second, *_ = [s.id for s in alice.page().items]
        alice.count_view(first)
        alice.set_starred(second)
        alice.set_progress(first, 0.5)
        bob.count_view(second)

        assert alice.counts() == (6, 5) and bob.counts() == (6, 5)
        mine = {s.id: s for s in alice.page().items}
        theirs = {s.id: s for s in bob.page().items}
        assert mine[first].read and not theirs[first].read
        assert mine[second].starred and not theirs[second].starred
        assert theirs[second].read and not mine[second].read
        article = bob.get(first)
        assert article is not None and article.progress == 0.0 and not article.read
        # Views are shared: both readers see both counts.
        assert alice.get(second).views == bob.get(second).views  # type: ignore[union-attr]
        assert [s.id for s in bob.page(unread_only=True).items] == [
            s.id for s in alice.page().items if s.id != second
        ]
        assert alice.check() == []


def test_tree_counts_are_each_readers_own(db_path: Path) -> None:
    with Library(db_path, user="alice") as alice, Library(db_path, user="bob") as bob:
        alice.save(make_drafts(4, category=("国际", "亚洲")) + make_drafts(3, start=10))
        asia = alice.find_category(("国际", "亚洲"))
        assert asia is not None
        for summary in alice.page(asia.id).items:
            alice.set_read(summary.id)
        by_name = {c.path: c for c in alice.categories()}
        assert (by_name[("国际",)].total, by_name[("国际",)].unread) == (4, 0)
        assert {c.path: c.unread for c in bob.categories()}[("国际",)] == 4
        assert bob.counts(ROOT_SCOPE) == (7, 7) and alice.counts(ROOT_SCOPE) == (7, 3)


def test_ui_state_and_random_walk_are_personal(db_path: Path) -> None:
    with Library(db_path, user="alice") as alice, Library(db_path, user="bob") as bob:
        alice.save(make_drafts(5))
        alice.set_state("ui.sort", "views")
        assert bob.get_state("ui.sort") is None and alice.get_state("ui.sort") == "views"
        alice.seed_random(1)
        bob.seed_random(1)
        walked = {alice.random_article().id for _ in range(5)}  # type: ignore[union-attr]
        assert len(walked) == 5  # alice saw every article once
        assert bob.get_state(f"shuffle:{ROOT_SCOPE}") is None


def test_library_state_is_shared(db_path: Path) -> None:
    with Library(db_path, user="alice") as alice, Library(db_path, user="bob") as bob:
        alice.set_library_state("demo", {"version": 1})
        assert bob.library_state("demo") == {"version": 1}


def test_a_reader_who_never_wrote_anything_has_no_row_and_sees_everything_unread(
    db_path: Path,
) -> None:
    with Library(db_path, user="alice") as alice:
        alice.save(make_drafts(3))
        alice.set_read(alice.page().items[0].id)
    with Library(db_path, user="carol") as carol:
        assert carol.counts() == (3, 3)
        assert not any(s.read for s in carol.page().items)
        names = [r[0] for r in carol.db.conn.execute("SELECT name FROM readers")]
        assert names == ["alice"]


def test_deleting_and_moving_read_articles_keeps_every_readers_counts_exact(
    db_path: Path,
) -> None:
    with Library(db_path, user="alice") as alice, Library(db_path, user="bob") as bob:
        alice.save(make_drafts(6, category=("甲",)) + make_drafts(6, category=("乙",), start=10))
        ids = [s.id for s in alice.page().items]
        for article_id in ids[:4]:
            alice.set_read(article_id)
        for article_id in ids[2:8]:
            bob.set_read(article_id)
        alice.delete(ids[2:3])
        target = alice.ensure_category(("丙", "丁"))
        with alice.db.conn:
            alice.db.conn.execute(
                "UPDATE articles SET category_id = ? WHERE id IN (?, ?)", (target, ids[3], ids[5])
            )
        assert alice.check() == []
        assert alice.counts() == (11, 11 - 3) and bob.counts() == (11, 11 - 5)
        moved = alice.find_category(("丙",))
        assert moved is not None
        assert alice.counts(moved.id) == (2, 1) and bob.counts(moved.id) == (2, 0)


def test_the_identity_comes_from_reader_user_then_the_login_name(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_USER", "dora")
    with Library(db_path) as lib:
        assert lib.user == "dora"
    monkeypatch.delenv("READER_USER")
    monkeypatch.setenv("LOGNAME", "erin")
    with Library(db_path) as lib:
        assert lib.user == "erin"


@pytest.mark.parametrize("name", ["", "   ", "a\x1b[2Jb", "x" * 65, "two\nlines"])
def test_an_unusable_identity_is_one_clear_error(db_path: Path, name: str) -> None:
    with pytest.raises(LibraryError, match="not a usable reader name") as caught:
        Library(db_path, user=name)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


def test_the_command_line_takes_user_and_reader_user(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(db_path, user="alice") as lib:
        lib.save(make_drafts(3))
        first = lib.page().items[0].id
    code, _, err = run_cli(["show", "--db", str(db_path), "--user", "alice", str(first)], capsys)
    assert code == 0, err
    code, out, _ = run_cli(["--user", "alice", "list", "--db", str(db_path), "--json"], capsys)
    assert {a["id"]: a["read"] for a in json.loads(out)}[first] is True
    monkeypatch.setenv("READER_USER", "bob")
    code, out, _ = run_cli(["list", "--db", str(db_path), "--json"], capsys)
    assert {a["id"]: a["read"] for a in json.loads(out)}[first] is False
    code, out, _ = run_cli(["categories", "--db", str(db_path), "--user", "alice"], capsys)
    assert "2 unread" in out
    code, _, err = run_cli(["list", "--db", str(db_path), "--user", "a\x1bb"], capsys)
    assert code != 0 and err.count("\n") == 1 and "\x1b" not in err


def _old_library(path: Path) -> None:
    """A library as the reader wrote it before identities: marks in the article rows."""
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m005_personal_state")
    db.conn.execute("PRAGMA journal_mode = WAL")
    with db.conn:
        db.conn.execute("INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, '旧')")
        db.conn.execute("INSERT INTO scope_counts (scope_id) VALUES (1)")
        db.conn.executemany(
            "INSERT INTO category_ancestors VALUES (?, ?, ?)", [(1, 1, 0), (1, 0, 1)]
        )
        for n in range(4):
            db.conn.execute(
                "INSERT INTO articles (category_id, published, title, views, read_at, starred,"
                " progress, key, content_hash, imported_at, updated_at)"
                " VALUES (1, ?, ?, 0, ?, ?, ?, ?, 'h', '2024-01-01', '2024-01-01')",
                (
                    f"2024-01-0{n + 1}T08:00:00",
                    f"旧文{n}",
                    "2024-02-01T00:00:00" if n < 2 else None,
                    int(n == 3),
                    0.25 if n == 1 else 0,
                    f"hash:{n}",
                ),
            )
            db.conn.execute("INSERT INTO bodies (id, body) VALUES (?, '正文')", (n + 1,))
        db.conn.execute("INSERT INTO state (key, value) VALUES ('ui.sort', '\"views\"')")
        db.conn.execute("INSERT INTO state (key, value) VALUES ('demo', '{\"version\": 1}')")
    db.conn.close()


def test_an_older_library_gives_its_state_to_the_default_identity(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_library(db_path)
    monkeypatch.setenv("READER_USER", "owner")
    with Library(db_path, user="someone-else") as other:
        assert other.counts() == (4, 4)
        assert other.get_state("ui.sort") is None
    with Library(db_path) as owner:
        assert owner.user == "owner"
        assert owner.counts() == (4, 2)
        marks = {s.title: (s.read, s.starred) for s in owner.page().items}
        assert marks == {
            "旧文0": (True, False),
            "旧文1": (True, False),
            "旧文2": (False, False),
            "旧文3": (False, True),
        }
        article = owner.get(2)
        assert article is not None and article.progress == 0.25
        assert owner.get_state("ui.sort") == "views"
        assert owner.library_state("demo") == {"version": 1}
        owner.reindex()  # the rows above were written without the search index
        assert owner.check() == []
        columns = {r[1] for r in owner.db.conn.execute("PRAGMA table_info(articles)")}
        assert not columns & {"read_at", "starred", "progress"}
