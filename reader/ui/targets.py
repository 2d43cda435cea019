"""What activating a line of the reading pane leads to: another article, or another part.

Lines carry these typed values (not strings to be parsed again); the pane turns them into its own
messages when a line is clicked or its key pressed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OpenArticle:
    """Open the article with this id (an entry of the random-articles block)."""

    article_id: int


@dataclass(frozen=True, slots=True)
class ShowPart:
    """Show this part (0-based) of a long article."""

    part: int


Target = OpenArticle | ShowPart
