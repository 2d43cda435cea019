"""A compact set of article ids: one bit per id, so a million ids take 125 KB."""

from __future__ import annotations

from collections.abc import Iterable


class IdSet:
    """A set of positive integer ids as a bitmap (article ids are dense row ids)."""

    __slots__ = ("_bits", "_count")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._bits = bytearray()
        self._count = 0
        self.update(ids)

    def add(self, article_id: int) -> None:
        """Add one id (a non-negative integer)."""
        byte, bit = divmod(article_id, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        mask = 1 << bit
        if not self._bits[byte] & mask:
            self._bits[byte] |= mask
            self._count += 1

    def update(self, ids: Iterable[int]) -> None:
        """Add every id of `ids`."""
        for article_id in ids:
            self.add(article_id)

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, int) or article_id < 0:
            return False
        byte, bit = divmod(article_id, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self._count
