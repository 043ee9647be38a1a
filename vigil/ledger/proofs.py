"""Inclusion and consistency proofs of RFC 9162 (Certificate Transparency 2.0).

Generation follows the PATH (section 2.1.3.1) and SUBPROOF (section 2.1.4.1)
definitions. It reads the hashes of the ranges they name from a ``HashStore``:
each range is split into O(log n) complete subtrees, and all subtrees of one
proof are fetched in one ``get_many`` call.

Verification follows sections 2.1.3.2 and 2.1.4.2. A verify function returns
None when the proof verifies and raises ``InclusionProofError`` or
``ConsistencyProofError`` otherwise. A failed root comparison reports the
expected and the computed root in base64, as checkpoints write them.
"""

from collections.abc import Sequence

from vigil.ledger.encoding import encode_base64
from vigil.ledger.errors import ConsistencyProofError, InclusionProofError
from vigil.ledger.merkle import (
    HASH_SIZE,
    fold_subtree_hashes,
    node_hash,
    split_point,
    subtree_keys,
)
from vigil.ledger.store import HashStore

type LeafRange = tuple[int, int]


def inclusion_proof_ranges(index: int, size: int) -> list[LeafRange]:
    """Return the leaf ranges whose MTH make up PATH(index, D[size]), leaf first.

    The ranges are the siblings along the path from the leaf to the root.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is out of range for tree size {size}")
    ranges: list[LeafRange] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return ranges


def consistency_proof_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """Return the leaf ranges whose MTH make up PROOF(old_size, D[new_size]).

    The order is that of RFC 9162, section 2.1.4.1: the deepest node first.
    Equal sizes give an empty proof. The RFC defines no proof from the empty
    tree, so ``old_size`` must be at least 1.
    """
    if not 0 < old_size <= new_size:
        raise ValueError(
            f"consistency proof from tree size {old_size} to {new_size} is not "
            "defined, expected 0 < old size <= new size"
        )
    ranges: list[LeafRange] = []
    start, end = 0, new_size
    # SUBPROOF's flag b is true while the current range starts at leaf 0. If
    # such a range ends at old_size, it is the old tree, whose root the
    # verifier already has, so the proof leaves it out.
    old_root_known = True
    while end != old_size:
        middle = start + split_point(end - start)
        if old_size <= middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
            old_root_known = False
    if not old_root_known:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def range_hashes(ranges: Sequence[LeafRange], store: HashStore) -> list[bytes]:
    """Return the MTH of each leaf range, reading all subtrees in one call."""
    keys_per_range = [subtree_keys(start, end) for start, end in ranges]
    all_keys = [key for keys in keys_per_range for key in keys]
    if not all_keys:
        return []
    stored = store.get_many(all_keys)
    hashes: list[bytes] = []
    offset = 0
    for keys in keys_per_range:
        hashes.append(fold_subtree_hashes(stored[offset : offset + len(keys)]))
        offset += len(keys)
    return hashes


def inclusion_proof(index: int, size: int, store: HashStore) -> list[bytes]:
    """Generate the inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    Raises ValueError if ``index`` is not below ``size``, and KeyError if the
    store contains fewer than ``size`` leaves.
    """
    return range_hashes(inclusion_proof_ranges(index, size), store)


def consistency_proof(old_size: int, new_size: int, store: HashStore) -> list[bytes]:
    """Generate the consistency proof from tree size ``old_size`` to ``new_size``.

    Raises ValueError unless 0 < old_size <= new_size, and KeyError if the store
    contains fewer than ``new_size`` leaves.
    """
    return range_hashes(consistency_proof_ranges(old_size, new_size), store)


def _path_sides(fn: int, sn: int) -> list[bool]:
    """Run the index walk of RFC 9162 sections 2.1.3.2 and 2.1.4.2 without hashing.

    ``fn`` and ``sn`` are the node numbers of the RFC after its set-up steps.
    Entry i is True when proof hash i is the left operand of the node hash. The
    walk depends only on the sizes and indices, so the RFC's checks "sn is 0
    before the proof ends" and "sn is not 0 after it" together mean exactly that
    the proof has one hash per entry.
    """
    sides: list[bool] = []
    while sn != 0:
        if fn & 1 or fn == sn:
            sides.append(True)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sides.append(False)
        fn >>= 1
        sn >>= 1
    return sides


def _check_hash_size(value: bytes, name: str, error: type[Exception]) -> None:
    if len(value) != HASH_SIZE:
        raise error(f"{name} has {len(value)} bytes, expected {HASH_SIZE}")


def _check_proof_hash_sizes(proof: Sequence[bytes], error: type[Exception]) -> None:
    for position, value in enumerate(proof):
        _check_hash_size(value, f"proof hash {position}", error)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` and ``root``.

    Implements RFC 9162, section 2.1.3.2. Raises InclusionProofError if the index
    is out of range, if a hash is not 32 bytes, if the proof has the wrong number
    of hashes, or if the computed root differs from ``root``.
    """
    if not 0 <= index < size:
        raise InclusionProofError(
            f"leaf index {index} is out of range for tree size {size}"
        )
    _check_hash_size(leaf_hash, "leaf hash", InclusionProofError)
    _check_hash_size(root, "root", InclusionProofError)
    _check_proof_hash_sizes(proof, InclusionProofError)
    sides = _path_sides(index, size - 1)
    if len(proof) != len(sides):
        raise InclusionProofError(
            f"inclusion proof for leaf {index} in tree size {size} has "
            f"{len(proof)} hashes, expected {len(sides)}"
        )
    computed = leaf_hash
    for sibling, sibling_is_left in zip(proof, sides, strict=True):
        if sibling_is_left:
            computed = node_hash(sibling, computed)
        else:
            computed = node_hash(computed, sibling)
    if computed != root:
        raise InclusionProofError(
            f"inclusion proof for leaf {index} in tree size {size} does not "
            f"verify: expected root {encode_base64(root)}, computed "
            f"{encode_base64(computed)}"
        )


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> None:
    """Verify that the tree ``old_root`` of ``old_size`` is a prefix of ``new_root``.

    Implements RFC 9162, section 2.1.4.2, which is defined for
    0 < old_size < new_size. For equal sizes the proof must be empty and the two
    roots equal, and they are compared as given. Every tree extends the empty
    tree, so ``old_size`` 0 is rejected: a caller skips the check instead.
    Raises ConsistencyProofError naming the failed condition.
    """
    if old_size < 0 or new_size < old_size:
        raise ConsistencyProofError(
            f"old tree size {old_size} must be between 0 and the new tree size "
            f"{new_size}"
        )
    if old_size == 0:
        raise ConsistencyProofError(
            "consistency proofs need an old tree size of at least 1, got 0 "
            "(every tree extends the empty tree, so there is nothing to verify)"
        )
    if old_size == new_size:
        _verify_equal_sizes(old_size, old_root, new_root, proof)
        return
    _check_hash_size(old_root, "old root", ConsistencyProofError)
    _check_hash_size(new_root, "new root", ConsistencyProofError)
    _check_proof_hash_sizes(proof, ConsistencyProofError)
    computed_old, computed_new = _roots_from_consistency_proof(
        old_size, new_size, old_root, proof
    )
    if computed_old != old_root:
        raise ConsistencyProofError(
            f"consistency proof from tree size {old_size} to {new_size} does not "
            f"verify: expected old root {encode_base64(old_root)}, computed "
            f"{encode_base64(computed_old)}"
        )
    if computed_new != new_root:
        raise ConsistencyProofError(
            f"consistency proof from tree size {old_size} to {new_size} does not "
            f"verify: expected new root {encode_base64(new_root)}, computed "
            f"{encode_base64(computed_new)}"
        )


def _verify_equal_sizes(
    size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    if proof:
        raise ConsistencyProofError(
            f"consistency proof between equal tree sizes {size} has {len(proof)} "
            "hashes, expected 0"
        )
    if old_root != new_root:
        raise ConsistencyProofError(
            f"trees of equal size {size} have different roots: old "
            f"{encode_base64(old_root)}, new {encode_base64(new_root)}"
        )


def _roots_from_consistency_proof(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Compute the old and new roots (fr and sr) of RFC 9162, section 2.1.4.2."""
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    sides = _path_sides(fn, sn)
    if len(path) != len(sides) + 1:
        expected = len(sides) + 1 - (len(path) - len(proof))
        raise ConsistencyProofError(
            f"consistency proof from tree size {old_size} to {new_size} has "
            f"{len(proof)} hashes, expected {expected}"
        )
    old_computed = new_computed = path[0]
    for sibling, sibling_is_left in zip(path[1:], sides, strict=True):
        if sibling_is_left:
            old_computed = node_hash(sibling, old_computed)
            new_computed = node_hash(sibling, new_computed)
        else:
            new_computed = node_hash(new_computed, sibling)
    return old_computed, new_computed
