"""Storage of complete-subtree hashes for the RFC 9162 Merkle tree.

A ``HashStore`` keeps one hash per complete subtree, keyed by ``(level, index)``
as defined in ``vigil.ledger.merkle``: node ``(level, index)`` covers the leaves
``[index * 2**level, (index + 1) * 2**level)``. A tree of n leaves has fewer
than 2n such nodes. Roots and proofs of any size need O(log n) of them, so the
leaves never have to be in memory together.

The nodes are write-once. A node is written when its last leaf is appended, and
its hash never changes after that, because the tree is append-only.
"""

from collections.abc import Sequence
from typing import Protocol

from vigil.ledger.merkle import NodeKey


class HashStore(Protocol):
    """Write-once storage of complete-subtree hashes, keyed by ``(level, index)``.

    A database-backed implementation maps each method to one query, so callers
    batch their reads into one ``get_many`` call and their writes into one
    ``put_many`` call.

    A store may keep only the levels from ``lowest_stored_level`` up and
    compute the nodes below from leaf hashes that it gets some other way.
    ``MerkleLog`` then passes it no nodes of the lower levels.
    """

    lowest_stored_level: int

    def leaf_count(self) -> int:
        """Return the number of leaf hashes stored, which is the tree size."""
        ...

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of node ``(level, index)``.

        Raises KeyError if the node is not stored.
        """
        ...

    def get_many(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in the order of ``keys``.

        Raises KeyError if any key is not stored.
        """
        ...

    def put_many(self, items: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Store every ``(key, hash)`` pair of ``items`` in one atomic write.

        Raises an exception, and stores none of the items, if a key is already
        stored or appears twice in ``items``. A database implementation gets this
        from a unique constraint on ``(level, index)`` inside one transaction, and
        that constraint also stops two concurrent writers from appending the
        same leaf index.
        """
        ...


class MemoryHashStore:
    """``HashStore`` kept in a dict, for tests and for rebuilding a tree offline."""

    lowest_stored_level = 0

    def __init__(self) -> None:
        self._hashes: dict[NodeKey, bytes] = {}
        self._leaf_count = 0

    def leaf_count(self) -> int:
        """Return the number of leaf hashes stored."""
        return self._leaf_count

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of node ``(level, index)`` or raise KeyError."""
        return self._hashes[(level, index)]

    def get_many(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in order or raise KeyError."""
        return [self._hashes[key] for key in keys]

    def put_many(self, items: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Store all items, or raise ValueError and store none."""
        new_keys: set[NodeKey] = set()
        for key, _ in items:
            if key in self._hashes or key in new_keys:
                raise ValueError(f"node {key} is already stored")
            new_keys.add(key)
        self._hashes.update(items)
        self._leaf_count += sum(1 for level, _ in new_keys if level == 0)
