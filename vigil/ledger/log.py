"""Append-only Merkle log (RFC 9162, section 2.1) over a ``HashStore``.

``MerkleLog`` keeps no state of its own: it reads the tree size and the hashes
it needs from the store on every call. Several ``MerkleLog`` objects, for
example in different processes, can therefore share one store. Concurrent
appends are safe only if the store rejects a second write of the same node,
as the ``HashStore.put_many`` contract requires.
"""

from collections.abc import Sequence

from vigil.ledger.merkle import (
    EMPTY_ROOT,
    NodeKey,
    fold_subtree_hashes,
    leaf_hash,
    node_hash,
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
        if not hashes:
            return first_index
        # The stored left siblings of the new nodes, one per level at most.
        frontier = {level: value for level, _, value in self._frontier(first_index)}
        writes: list[tuple[NodeKey, bytes]] = []
        level, start, nodes = 0, first_index, list(hashes)
        while nodes:
            writes.extend(
                ((level, start + offset), value) for offset, value in enumerate(nodes)
            )
            if start & 1:
                # The first new node is a right child. Its left sibling is on
                # the frontier, which has a node of level l exactly when bit l
                # of first_index is set.
                nodes.insert(0, frontier[level])
            # A last node without a right sibling stays on the frontier.
            nodes = [
                node_hash(nodes[i], nodes[i + 1]) for i in range(0, len(nodes) - 1, 2)
            ]
            level += 1
            start >>= 1
        self.store.put_many(writes)
        return first_index

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
