"""Merkle tree hashing of RFC 9162 (Certificate Transparency 2.0), section 2.1.

The tree uses SHA-256. Leaf and interior-node hashes get different one-byte
prefixes (RFC 9162, section 2.1.1), so that no leaf can pass for an interior node.
The root of the empty tree is SHA-256 of the empty string.

A node key ``(level, index)`` names the complete subtree of ``2**level`` leaves
that covers the leaf range ``[index * 2**level, (index + 1) * 2**level)``.
Level 0 contains the leaf hashes.
"""

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_HASH_PREFIX = b"\x00"
NODE_HASH_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
# SHA-256 with the node prefix already absorbed. A copy of it hashes a pair
# of children without joining them to the prefix first: 380 against 435 ns
# per node on the machine of docs/benchmarks.md.
_NODE_HASH_START = hashlib.sha256(NODE_HASH_PREFIX)

type NodeKey = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    """Return the leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_HASH_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the interior-node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_HASH_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """Return the largest power of two smaller than ``size``, which must be >= 2.

    RFC 9162 splits a tree of ``size`` leaves into a complete left subtree of this
    many leaves and a right subtree with the rest.
    """
    if size < 2:
        raise ValueError(f"a tree of size {size} has no split point, expected >= 2")
    return 1 << ((size - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Compute the Merkle tree hash MTH of RFC 9162, section 2.1.1, over leaf hashes.

    This needs every leaf hash in memory. Use ``MerkleLog.root`` for a stored tree.
    """
    if not hashes:
        return EMPTY_ROOT
    return _range_hash(hashes, 0, len(hashes))


def _range_hash(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    if end - start == 1:
        return hashes[start]
    middle = start + split_point(end - start)
    return node_hash(
        _range_hash(hashes, start, middle), _range_hash(hashes, middle, end)
    )


def complete_subtree_levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Hash the complete subtrees over consecutive leaves, level by level.

    Level 0 is ``leaf_hashes``; each level above pairs the one below and drops
    an unpaired last node, whose subtree is not complete. When the first leaf
    is leaf ``start`` of a tree and ``start`` is a multiple of the block size,
    level ``l`` holds the nodes ``(l, (start >> l) + i)``.
    """
    levels = [list(leaf_hashes)]
    while len(levels[-1]) >= 2:
        levels.append(parent_hashes(levels[-1]))
    return levels


def parent_hashes(nodes: Sequence[bytes]) -> list[bytes]:
    """Return the node hash of each pair of consecutive ``nodes``.

    The parent of ``nodes[2 * i]`` and ``nodes[2 * i + 1]`` comes at ``i``.
    An unpaired last node has no parent here.
    """
    pairs = iter(nodes)
    start = _NODE_HASH_START.copy
    parents: list[bytes] = []
    append = parents.append
    # zip stops before an unpaired last node.
    for left, right in zip(pairs, pairs, strict=False):
        state = start()
        state.update(left)
        state.update(right)
        append(state.digest())
    return parents


def subtree_keys(start: int, end: int) -> list[NodeKey]:
    """Decompose the leaf range ``[start, end)`` into complete subtrees, largest first.

    The range must be a subtree in the RFC 9162 recursion: it is not empty and
    ``start`` is a multiple of the smallest power of two >= ``end - start``. Every
    range that MTH, PATH or SUBPROOF visits has this form. The result has one key
    per set bit of ``end - start``, so at most log2(end - start) + 1 keys.
    """
    count = end - start
    if start < 0 or count <= 0:
        raise ValueError(f"leaf range [{start}, {end}) is empty or negative")
    alignment = 1 << (count - 1).bit_length()
    if start % alignment != 0:
        raise ValueError(
            f"leaf range [{start}, {end}) is not a subtree: start must be a "
            f"multiple of {alignment}"
        )
    keys: list[NodeKey] = []
    position = start
    for level in reversed(range(count.bit_length())):
        if count >> level & 1:
            keys.append((level, position >> level))
            position += 1 << level
    return keys


def fold_subtree_hashes(hashes: Sequence[bytes]) -> bytes:
    """Combine complete-subtree hashes (largest first) into the MTH of their range.

    ``hashes`` are the hashes of the keys that ``subtree_keys`` returns. In the
    RFC 9162 recursion each subtree is the left child of the tree made of the
    smaller ones, so the fold runs from the right.
    """
    if not hashes:
        raise ValueError("cannot fold an empty list of subtree hashes")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result
