"""Checking that a range of leaf hashes lies in the tree of a signed checkpoint.

Expiry vouches with the log key for the times of the entries it empties, so
it must first know that their leaf hashes are those of the signed tree. A
match with the entry's own stored leaf hash is not enough. Someone who can
write to the database can store the leaf hash of changed columns, and put
the old one back once expiry has emptied the entry.

``RangeHasher`` folds the leaf hashes of ``[start, end)`` as they stream by
into the complete subtrees that the range is made of. ``root_with_range``
then computes the root of the signed tree from those subtrees and the stored
nodes of the rest of the tree. The stored nodes need not be trusted,
because with the collision resistance of SHA-256 no stored nodes give the
signed root unless these leaf hashes are those of the signed tree at these
positions.
"""

from vigil.ledger import HashStore, NodeKey, node_hash
from vigil.ledger.merkle import split_point


class RangeHasher:
    """The complete subtrees of the leaf hashes from ``start`` on, added in order.

    It keeps at most one subtree per level, so memory does not grow with the
    range.
    """

    def __init__(self, start: int) -> None:
        self.start = start
        self.end = start
        # (level, index, hash), largest subtree first.
        self._stack: list[tuple[int, int, bytes]] = []

    def add(self, leaf: bytes) -> None:
        """Add the leaf hash of index ``end``."""
        level, index, value = 0, self.end, leaf
        while self._stack:
            top_level, top_index, top_value = self._stack[-1]
            if top_level != level or index % 2 == 0 or top_index != index - 1:
                break
            self._stack.pop()
            level, index, value = level + 1, index // 2, node_hash(top_value, value)
        self._stack.append((level, index, value))
        self.end += 1

    def nodes(self) -> dict[NodeKey, bytes]:
        """Return the subtrees that together cover exactly ``[start, end)``."""
        return {(level, index): value for level, index, value in self._stack}


def root_with_range(
    store: HashStore, size: int, start: int, end: int, known: dict[NodeKey, bytes]
) -> bytes:
    """Return the root of the tree of ``size`` leaves, ``[start, end)`` from ``known``.

    ``known`` contains complete subtrees that cover ``[start, end)``, as
    ``RangeHasher.nodes`` returns them, and ``0 <= start < end <= size``.
    Every other node is read from ``store`` in one ``get_many`` call, which
    raises KeyError for a node that is not stored.
    """
    if not 0 <= start < end <= size:
        raise ValueError(f"leaf range [{start}, {end}) is not in a tree of {size}")
    stored_keys: list[NodeKey] = []
    _collect(0, size, start, end, known, stored_keys)
    stored = dict(zip(stored_keys, store.get_many(stored_keys), strict=True))
    return _subtree_hash(0, size, {**stored, **known})


def _complete_key(first: int, count: int) -> NodeKey | None:
    """Return the node of leaves ``[first, first + count)``, None if not complete."""
    if count & (count - 1):
        return None
    level = count.bit_length() - 1
    return (level, first >> level)


def _collect(
    first: int,
    count: int,
    start: int,
    end: int,
    known: dict[NodeKey, bytes],
    stored_keys: list[NodeKey],
) -> None:
    """Append the stored nodes that the subtree ``[first, first + count)`` needs."""
    key = _complete_key(first, count)
    if key is not None and key in known:
        return
    outside = first + count <= start or end <= first
    if key is not None and outside:
        stored_keys.append(key)
        return
    if count == 1:
        raise ValueError(f"leaf {first} lies in [{start}, {end}) but is not known")
    left = split_point(count)
    _collect(first, left, start, end, known, stored_keys)
    _collect(first + left, count - left, start, end, known, stored_keys)


def _subtree_hash(first: int, count: int, nodes: dict[NodeKey, bytes]) -> bytes:
    """Return the RFC 9162 hash of leaves ``[first, first + count)`` from ``nodes``."""
    key = _complete_key(first, count)
    if key is not None and key in nodes:
        return nodes[key]
    left = split_point(count)
    return node_hash(
        _subtree_hash(first, left, nodes),
        _subtree_hash(first + left, count - left, nodes),
    )
