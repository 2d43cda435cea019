"""A folded text and the way back from offsets in it to the text, for highlights.

Search finds words in folded text (`reader.text.fold`), but highlights mark the text as it is
written, where folding can change lengths (`ﬁ` -> `fi`, `…` -> `...`, a dropped zero-width space,
NFD -> NFC). `Folded` maps each offset of the folded text back to the character it came from.
"""

from __future__ import annotations

import itertools
import unicodedata
from bisect import bisect_right

from reader.text.fold import dropping, expanding, fold, fold_apart, fold_char, fold_run, joining

_MAX_JOIN = 32
"""At most this many clusters are joined to line a decomposed sequence up with its folded form."""


class Folded:
    """A text, its folded form, and the way back from offsets in the folded form to the text.

    Characters that fold on their own map one by one (only those that fold to more or fewer
    than one character are looked at); a run of combining characters maps with the character
    before it as a whole. Should those pieces not line up with the folded text, the text is cut
    into clusters (a character and its marks, joined with their neighbours until their folded
    forms line up). Offsets are mapped when first asked for, and at first only as far as the
    offset asked for, which is all a caller looking for the first match needs.
    """

    __slots__ = (
        "_apart",
        "_folded_at",
        "_folded_ends",
        "_mapped",
        "_text_at",
        "_text_ends",
        "folded",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self._apart = fold_apart(text)
        # Segments where the two texts do not run one character to one: their starts in the
        # folded text and in the text, and their ends; between segments, offsets run in step.
        self._folded_at: list[int] = []
        self._text_at: list[int] = []
        self._folded_ends: list[int] = []
        self._text_ends: list[int] = []
        # Folded on their own to as many characters, and none to none: each to one.
        same = self._apart and len(self.folded) == len(text)
        self._mapped = len(self.folded) if same and not dropping().search(text) else -1
        """Offsets of the folded text up to this one are mapped."""

    @property
    def same_offsets(self) -> bool:
        """True if each character folded to one: offsets in the two texts are the same."""
        return self._mapped == len(self.folded) and not self._folded_at

    def _map(self, offset: int) -> None:
        if offset <= self._mapped:
            return
        # The first time as far as `offset`; should more be asked for, all of it.
        upto = offset if self._mapped < 0 else len(self.folded)
        del self._text_at[:], self._text_ends[:], self._folded_at[:], self._folded_ends[:]
        if not self._by_regions(self._apart, upto):
            del self._text_at[:], self._text_ends[:], self._folded_at[:], self._folded_ends[:]
            self._by_clusters(upto)
        self._mapped = upto

    def _add(self, text_at: int, text_end: int, folded_at: int, folded_end: int) -> None:
        self._text_at.append(text_at)
        self._text_ends.append(text_end)
        self._folded_at.append(folded_at)
        self._folded_ends.append(folded_end)

    def _by_regions(self, apart: bool, upto: int) -> bool:
        """Map characters that fold on their own one by one, and each run of combining
        characters together with the character before it as a whole; False if the pieces did
        not line up with the folded text."""
        text, folded = self.text, self.folded
        end = len(text)
        runs = iter(()) if apart else joining().finditer(text)
        regions = ((max(0, m.start() - 1), m.end()) for m in runs)
        expanders = expanding()
        at = pos = 0
        for region_start, region_end in itertools.chain(regions, [(end, end)]):
            if at > upto:
                return True
            for match in expanders.finditer(text, pos, region_start):
                at += match.start() - pos
                pos = match.start()
                if at > upto:
                    return True
                size = len(fold_char(match.group()))
                if size != 1:
                    self._add(pos, pos + 1, at, at + size)
                at += size
                pos += 1
            at += region_start - pos
            if region_start == region_end:
                break
            piece = fold_run(text[region_start:region_end])
            if not folded.startswith(piece, at):
                return False
            self._add(region_start, region_end, at, at + len(piece))
            at += len(piece)
            pos = region_end
        return at == len(folded)

    def _by_clusters(self, upto: int) -> None:
        text, folded = self.text, self.folded
        end = len(text)
        i = at = 0
        last = (0, 0)
        while i < end:
            if at > upto:
                return
            last = (i, at)
            j = _cluster_end(text, i)
            for _ in range(_MAX_JOIN):
                piece = fold(text[i:j])
                if folded.startswith(piece, at) or j == end:
                    break
                j = _cluster_end(text, j)
            if not folded.startswith(piece, at):  # never lined up: the rest is one segment
                self._add(i, end, at, len(folded))
                return
            if j - i != 1 or len(piece) != 1:
                self._add(i, j, at, at + len(piece))
            i, at = j, at + len(piece)
        if at < len(folded):  # the clusters' pieces fell short: the last one takes the rest
            if self._text_at and self._text_at[-1] == last[0]:
                self._folded_ends[-1] = len(folded)
            else:
                self._add(last[0], end, last[1], len(folded))

    def start(self, offset: int) -> int:
        """Where the character at `offset` of the folded text starts in the text."""
        self._map(offset)
        k = bisect_right(self._folded_at, offset) - 1
        if k < 0:
            return offset
        if offset < self._folded_ends[k]:
            return self._text_at[k]
        return self._text_ends[k] + offset - self._folded_ends[k]

    def end(self, offset: int) -> int:
        """Where the character at `offset` of the folded text ends in the text."""
        self._map(offset)
        k = bisect_right(self._folded_at, offset) - 1
        if k >= 0 and offset < self._folded_ends[k]:
            return self._text_ends[k]
        return self.start(offset) + 1

    def span(self, start: int, stop: int) -> tuple[int, int]:
        """The part of the text that `folded[start:stop]` (not empty) came from."""
        return self.start(start), self.end(stop - 1)


def _cluster_end(text: str, i: int) -> int:
    """The end of the cluster starting at `i`: the character and the combining marks after it."""
    j = i + 1
    while j < len(text) and unicodedata.combining(text[j]):
        j += 1
    return j
