"""Test helpers: the RFC 9162 proof definitions written as plain recursion.

The recursive functions follow the text of RFC 9162, sections 2.1.3.1 (PATH)
and 2.1.4.1 (PROOF and SUBPROOF), over a full list of leaf hashes. They are
slow and need every leaf in memory, which makes them an independent reference
for the store-based code.
"""

import functools
from collections.abc import Sequence

from hypothesis import settings

from vigil.ledger import MemoryHashStore, MerkleLog, NodeKey, root_from_leaf_hashes

# Keeps each property test to well under a second and writes no example
# database into the working tree.
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, database=None)

# Leaves in the shared log: every tree size up to this one can be tested.
SHARED_LOG_SIZE = 3000


def split(size: int) -> int:
    """Return the largest power of two smaller than ``size``."""
    k = 1
    while k * 2 < size:
        k *= 2
    return k


def reference_path(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """Return PATH(index, D[n]) of RFC 9162, section 2.1.3.1."""
    n = len(hashes)
    if n == 1:
        return []
    k = split(n)
    if index < k:
        return [*reference_path(index, hashes[:k]), root_from_leaf_hashes(hashes[k:])]
    return [*reference_path(index - k, hashes[k:]), root_from_leaf_hashes(hashes[:k])]


def reference_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """Return PROOF(old_size, D[n]) of RFC 9162, section 2.1.4.1."""
    return _subproof(old_size, hashes, True)


def _subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [root_from_leaf_hashes(hashes)]
    k = split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete), root_from_leaf_hashes(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), root_from_leaf_hashes(hashes[:k])]


def inclusion_shape(index: int, size: int) -> list[bool]:
    """Return, leaf first, whether each PATH sibling is a left sibling."""
    if size == 1:
        return []
    k = split(size)
    if index < k:
        return [*inclusion_shape(index, k), False]
    return [*inclusion_shape(index - k, size - k), True]


def consistency_shape(old_size: int, new_size: int) -> list[str]:
    """Return the kind of each PROOF element: "old", "left" or "right".

    "old" is an MTH of old leaves only, "left" a left sibling shared by both
    trees and "right" a right sibling made of new leaves.
    """
    return _subproof_shape(old_size, new_size, True)


def _subproof_shape(m: int, n: int, complete: bool) -> list[str]:
    if m == n:
        return [] if complete else ["old"]
    k = split(n)
    if m <= k:
        return [*_subproof_shape(m, k, complete), "right"]
    return [*_subproof_shape(m - k, n - k, False), "left"]


def leaf_data(index: int) -> bytes:
    """Return the data of leaf ``index`` in the test logs."""
    return f"access record {index}".encode()


@functools.cache
def shared_log() -> MerkleLog:
    """Return a log of SHARED_LOG_SIZE leaves, built once per test session.

    Its roots and proofs for every smaller size are those of a log of that size,
    because the tree is append-only. Tests must not append to it.
    """
    log = MerkleLog(MemoryHashStore())
    log.append_many([leaf_data(index) for index in range(SHARED_LOG_SIZE)])
    return log


def flip_bit(value: bytes, bit: int) -> bytes:
    """Return ``value`` with bit number ``bit`` inverted."""
    flipped = bytearray(value)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


class CountingHashStore:
    """HashStore wrapper that counts calls and the nodes read and written."""

    lowest_stored_level = 0

    def __init__(self, inner: MemoryHashStore) -> None:
        self.inner = inner
        self.get_calls = 0
        self.get_many_calls = 0
        self.nodes_read = 0
        self.put_many_calls = 0
        self.nodes_written = 0

    def reset(self) -> None:
        """Set every counter back to zero."""
        self.get_calls = self.get_many_calls = self.nodes_read = 0
        self.put_many_calls = self.nodes_written = 0

    def leaf_count(self) -> int:
        """Return the leaf count of the wrapped store."""
        return self.inner.leaf_count()

    def get(self, level: int, index: int) -> bytes:
        """Count and forward one read."""
        self.get_calls += 1
        self.nodes_read += 1
        return self.inner.get(level, index)

    def get_many(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Count and forward a batch read."""
        self.get_many_calls += 1
        self.nodes_read += len(keys)
        return self.inner.get_many(keys)

    def put_many(self, items: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Count and forward a batch write."""
        self.put_many_calls += 1
        self.nodes_written += len(items)
        self.inner.put_many(items)
