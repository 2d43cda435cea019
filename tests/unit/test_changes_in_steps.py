"""Changes of many articles made a few articles per write transaction, and undone the same way:
the library is sound after every step's change and its undo (`reader.store.changes`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.search import corpus
from test_changes import QUERIES, cat, exact, snapshot

from reader.store import Library, changes


@pytest.fixture
def lib(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setattr(changes, "STEP_ARTICLES", 7)
    monkeypatch.setattr(changes, "STEP_PAUSE_S", 0)
    with Library(db_path, user="alice") as library:
        library.save(corpus())
        library.seed_random(5)
        yield library


def count_writes(lib: Library, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for each write transaction of `lib`."""
    seen: list[int] = []
    write = lib._tx.write

    @contextmanager
    def counted(*args: object, **kwargs: object) -> Iterator[object]:
        with write(*args, **kwargs) as conn:  # type: ignore[arg-type]
            yield conn
        seen.append(1)

    monkeypatch.setattr(lib._tx, "write", counted)
    return seen


def test_a_big_delete_and_its_undo_go_in_steps(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    asia = cat(lib, "国际/亚洲")
    ids = [s.id for s in lib.page(asia.id, limit=500).items]
    lib.set_read(ids[3])
    lib.set_starred(ids[10])
    before = snapshot(lib)
    writes = count_writes(lib, monkeypatch)
    change = lib.delete(ids)
    assert change.articles == len(ids) and len(writes) == -(-len(ids) // 7)
    assert lib.find_category(("国际", "亚洲")) is None
    exact(lib)
    writes.clear()
    lib.undo(change)
    assert len(writes) == -(-len(ids) // 7)
    assert snapshot(lib) == before
    assert lib.get(ids[3]).read and lib.get(ids[10]).starred  # type: ignore[union-attr]
    exact(lib)


def test_big_moves_merges_and_category_deletes_in_steps(lib: Library) -> None:
    before = snapshot(lib)
    ids = [s.id for s in lib.page(cat(lib, "国际").id, limit=500).items]
    moved = lib.move_articles(ids, cat(lib, "科技/欧洲").id)
    assert moved.articles == len(ids) and lib.find_category(("国际",)) is None
    exact(lib)
    lib.undo(moved)
    assert snapshot(lib) == before
    merged = lib.merge_category(cat(lib, "国际").id, cat(lib, "科技").id)
    exact(lib)
    lib.undo(merged)
    assert snapshot(lib) == before
    total = cat(lib, "科技").total
    gone = lib.delete_category(cat(lib, "科技").id)
    assert gone.articles == total
    exact(lib)
    lib.undo(gone)
    assert snapshot(lib) == before
    kept = lib.delete_category(cat(lib, "科技").id, keep_articles_in=cat(lib, "国际/亚洲").id)
    assert kept.articles == total and lib.counts()[0] == 240
    exact(lib)
    lib.undo(kept)
    assert snapshot(lib) == before
    exact(lib)
    assert QUERIES
