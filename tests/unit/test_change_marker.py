"""What the open app relies on to see changes made elsewhere: a change marker that moves with
every commit (another program's or its own) and stays put otherwise, and an article's position
in a listing, to keep the list's cursor on it when the rows around it change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.library import make_drafts

from reader.models import ROOT_SCOPE
from reader.store import Library, listing


def test_marker_moves_with_any_commit_and_only_then(db_path: Path) -> None:
    with Library(db_path) as library:
        library.save(make_drafts(5))
        marker = library.change_marker()
        library.categories()
        library.page(limit=5)
        assert library.change_marker() == marker
        library.set_read(library.page(limit=1).items[0].id)
        own = library.change_marker()
        assert own != marker
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from reader.store import Library;"
                " lib = Library(sys.argv[1]); lib.delete([lib.page(limit=1).items[0].id]);"
                " lib.close()",
                str(db_path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode == 0, other.stderr
        assert library.change_marker() != own


@pytest.mark.parametrize("sort", ["published", "views", "title"])
@pytest.mark.parametrize("unread_only", [False, True])
@pytest.mark.parametrize("sorted_in_place", [True, False])
def test_position_is_the_index_in_the_listing(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
    unread_only: bool,
    sorted_in_place: bool,
) -> None:
    if not sorted_in_place:
        # Large categories are listed by walking the whole library's order.
        monkeypatch.setattr(listing, "SORT_IN_PLACE", 5)
    with Library(db_path) as library:
        library.save(make_drafts(30, category=("甲", "乙")))
        library.save(make_drafts(20, category=("甲",), start=30))
        library.save(make_drafts(10, category=("丙",), start=50))
        for article in library.page(limit=60).items[::3]:
            library.set_read(article.id)
        scopes = [ROOT_SCOPE, *(c.id for c in library.categories())]
        for scope in scopes:
            listed = library.page(scope, sort=sort, limit=100, unread_only=unread_only)  # type: ignore[arg-type]
            for index, row in enumerate(listed.items):
                found = library.position(scope, row.id, sort=sort, unread_only=unread_only)  # type: ignore[arg-type]
                assert found == index, (scope, row.title)
        elsewhere = library.page(scopes[-1], limit=1).items[0]
        assert library.position(scopes[1], elsewhere.id) is None
        read = next(r for r in library.page(limit=60).items if r.read)
        assert library.position(ROOT_SCOPE, read.id, unread_only=True) is None
        assert library.position(ROOT_SCOPE, 10**30) is None
