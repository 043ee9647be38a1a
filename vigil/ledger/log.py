"""Append-only Merkle log (RFC 9162, section 2.1) over a ``HashStore``.

``MerkleLog`` keeps no state of its own: it reads the tree size and the hashes
it needs from the store on every call. Several ``MerkleLog`` objects, for
example in different processes, can therefore share one store. Concurrent
appends are safe only if the store rejects a second write of the same node,
as the ``HashStore.put_many`` contract requires.
"""

from collections.abc import Sequence
from itertools import count, repeat

from vigil.ledger.merkle import (
    EMPTY_ROOT,
    NodeKey,
    fold_subtree_hashes,
    leaf_hash,
    parent_hashes,
    subtree_keys,
)
from vigil.ledger.proofs import consistency_proof, inclusion_proof
from vigil.ledger.store import HashStore

type Subtree = tuple[int, int, bytes]


class MerkleLog:
    """Append-only Merkle tree whose complete-subtree hashes live in a ``HashStore``.

    Leaf data is hashed with the RFC 9162 leaf prefix and not stored: only hashes
    go into the store.
    """

    def __init__(self, store: HashStore) -> None:
        self.store = store

    @property
    def size(self) -> int:
        """Number of leaves in the log."""
        return self.store.leaf_count()

    def append(self, data: bytes) -> int:
        """Append one leaf and return its index."""
        return self.append_many([data])

    def append_many(self, entries: Sequence[bytes]) -> int:
        """Append leaves in order with one store write and return the first index.

        Each leaf writes its leaf hash and the hash of every subtree it completes,
        at most log2(n) + 1 nodes. An empty ``entries`` writes nothing and
        returns the current size.
        """
        return self.append_leaf_hashes([leaf_hash(data) for data in entries])

    def append_leaf_hashes(self, hashes: Sequence[bytes]) -> int:
        """Append leaves given by their leaf hashes, as ``append_many`` does.

        For a caller that has already computed SHA-256(0x00 || data) of each leaf.
        """
        first_index = self.size
        if hashes:
            self.append_leaf_hashes_at(first_index, hashes)
        return first_index

    def append_leaf_hashes_at(self, size: int, hashes: Sequence[bytes]) -> bytes:
        """Append leaf hashes to the tree of ``size`` leaves and return the new root.

        For a caller that has read the size under a lock that keeps other
        writers out, so the size is not read again. If ``size`` is not the
        tree size, the store raises for a node that is already stored, or
        the new nodes do not match the tree and its roots and proofs stop
        verifying. Nodes below the store's ``lowest_stored_level`` are
        hashed but not passed to ``put_many``.
        """
        if not hashes:
            raise ValueError("no leaf hashes to append")
        old_edge = self._frontier(size)
        # The left siblings of the new nodes: the old right edge has a node of
        # level l exactly when bit l of size is set.
        left_siblings = {level: value for level, _, value in old_edge}
        # The new right edge keeps the old nodes that get no right sibling.
        edge = {(level, index): value for level, index, value in old_edge}
        lowest = self.store.lowest_stored_level
        writes: list[tuple[NodeKey, bytes]] = []
        level, start, nodes = 0, size, list(hashes)
        while nodes:
            if level >= lowest:
                keys = zip(repeat(level), count(start))
                writes.extend(zip(keys, nodes, strict=False))
            if start & 1:
                nodes.insert(0, left_siblings[level])
                start -= 1
            if len(nodes) & 1:
                # The last node has no right sibling, so it is on the new edge.
                edge[(level, start + len(nodes) - 1)] = nodes[-1]
            # An unpaired last node makes no parent.
            nodes = parent_hashes(nodes)
            level += 1
            start >>= 1
        self.store.put_many(writes)
        new_keys = subtree_keys(0, size + len(hashes))
        return fold_subtree_hashes([edge[key] for key in new_keys])

    def leaf_hash(self, index: int) -> bytes:
        """Return the stored leaf hash at ``index`` or raise KeyError."""
        return self.store.get(0, index)

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash of the tree of the first ``size`` leaves.

        ``size`` defaults to the current size. One ``get_many`` call reads at most
        log2(size) + 1 subtree hashes.
        """
        if size is None:
            size = self.size
        else:
            self._check_size(size)
        if size == 0:
            return EMPTY_ROOT
        return fold_subtree_hashes(self.store.get_many(subtree_keys(0, size)))

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Generate the proof that leaf ``index`` is in the tree of ``size`` leaves."""
        self._check_size(size)
        return inclusion_proof(index, size, self.store)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """Generate the proof that tree ``old_size`` is a prefix of tree ``new_size``.

        Raises ValueError unless 0 < old_size <= new_size <= the log size.
        """
        self._check_size(new_size)
        return consistency_proof(old_size, new_size, self.store)

    def _check_size(self, size: int) -> None:
        current = self.size
        if not 0 <= size <= current:
            raise ValueError(
                f"tree size {size} is out of range, the log has {current} leaves"
            )

    def _frontier(self, size: int) -> list[Subtree]:
        """Read the complete subtrees on the right edge of the tree of ``size``."""
        if size == 0:
            return []
        keys = subtree_keys(0, size)
        hashes = self.store.get_many(keys)
        pairs = zip(keys, hashes, strict=True)
        return [(level, index, value) for (level, index), value in pairs]
