"""Tags: listed, counted and read at random like categories, kept in step with every change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.library import make_drafts

from reader.store import Library


@pytest.fixture
def lib(db_path: Path) -> Library:
    library = Library(db_path, user="alice")
    drafts = make_drafts(6)
    drafts = [
        replace(d, tags=tags, url=f"https://example.org/{n}")
        for n, (d, tags) in enumerate(
            zip(
                drafts,
                [("茶", "#生活"), ("茶",), ("Python",), (" 茶 ",), (), ("生活", "生活")],
                strict=True,
            )
        )
    ]
    library.save(drafts)
    return library


def counts(lib: Library) -> dict[str, tuple[int, int]]:
    return {t.name: (t.total, t.unread) for t in lib.tags()}


def test_tags_of_imported_articles_are_listed_with_counts(lib: Library) -> None:
    assert counts(lib) == {"Python": (1, 1), "生活": (2, 2), "茶": (3, 3)}
    tea = lib.find_tag("#茶")
    assert tea is not None
    assert len(lib.page(tea.scope).items) == 3
    assert {lib.random_article(tea.scope).id for _ in range(3)} == {  # type: ignore[union-attr]
        s.id for s in lib.page(tea.scope).items
    }
    lib.set_read(lib.page(tea.scope).items[0].id)
    assert counts(lib)["茶"] == (3, 2)
    assert lib.check() == []


def test_retag_delete_import_again_and_undo_keep_tag_scopes_exact(lib: Library) -> None:
    tea = lib.find_tag("茶")
    assert tea is not None
    first = lib.page(tea.scope).items[0]
    lib.set_read(first.id)
    change = lib.retag(first.id, add=["新", "#茶"], remove=["茶"])
    assert change.summary == f"Tagged article {first.id}: #新"
    assert counts(lib)["茶"] == (2, 2) and counts(lib)["新"] == (1, 0)
    assert lib.check() == []
    lib.undo(change)
    assert counts(lib)["茶"] == (3, 2) and "新" not in counts(lib)
    gone = lib.delete([first.id])
    assert counts(lib)["茶"] == (2, 2)
    assert lib.check() == []
    lib.undo(gone)
    assert counts(lib)["茶"] == (3, 2)
    assert lib.check() == []
    # Importing an article again with other tags changes them.
    retagged = replace(make_drafts(6)[1], tags=("绿茶",), url="https://example.org/1")
    assert lib.save([retagged]).updated == 1
    assert counts(lib)["茶"] == (2, 1) and counts(lib)["绿茶"] == (1, 1)
    assert lib.check() == []
    lib.delete_category(lib.categories()[0].id)
    assert counts(lib) == {} and lib.check() == []
