"""A keyed permutation of 0..n-1, so random reading shows every article once before repeating.

A four-round Feistel network permutes the smallest power-of-four domain holding n; values outside
0..n-1 are walked again until they fall inside (cycle walking). Each step costs O(1) on average,
and no list of shown articles is kept.
"""

from __future__ import annotations

import hashlib


def _round(key: int, index: int, value: int, bits: int) -> int:
    data = f"{key}:{index}:{value}".encode()
    digest = hashlib.blake2b(data, digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << bits) - 1)


def permute(position: int, n: int, key: int) -> int:
    """Return where `position` (0 <= position < n) goes in the permutation keyed by `key`."""
    if not 0 <= position < n:
        raise ValueError(f"position {position} outside 0..{n - 1}")
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    value = position
    while True:
        left, right = value >> half, value & mask
        for index in range(4):
            left, right = right, left ^ _round(key, index, right, half)
        value = (left << half) | right
        if value < n:
            return value
