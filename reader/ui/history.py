"""The back/forward history of opened articles."""

from __future__ import annotations

MAX_HISTORY = 500


class History:
    """Article ids in the order they were opened, with a position that back/forward move."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.position = -1

    @property
    def current(self) -> int | None:
        """The article at the current position."""
        return self.items[self.position] if self.position >= 0 else None

    def push(self, article_id: int) -> None:
        """Record a newly opened article; anything forward of the position is dropped."""
        if self.current == article_id:
            return
        del self.items[self.position + 1 :]
        self.items.append(article_id)
        if len(self.items) > MAX_HISTORY:
            del self.items[0]
        self.position = len(self.items) - 1

    def can_go(self, step: int) -> bool:
        """Whether there is an article `step` away (-1 back, +1 forward)."""
        return 0 <= self.position + step < len(self.items)

    def go(self, step: int) -> int | None:
        """Move `step` and return the article there, or None when there is nothing."""
        if not self.can_go(step):
            return None
        self.position += step
        return self.items[self.position]
