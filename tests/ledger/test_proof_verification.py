"""Verification of inclusion and consistency proofs (RFC 9162, 2.1.3.2 and 2.1.4.2)."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ledger.reference import (
    PROPERTY_SETTINGS,
    SHARED_LOG_SIZE,
    consistency_shape,
    flip_bit,
    inclusion_shape,
    leaf_data,
    shared_log,
)
from vigil.ledger import (
    EMPTY_ROOT,
    ConsistencyProofError,
    InclusionProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

HASH_BITS = 256


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=SHARED_LOG_SIZE))
    index = draw(st.integers(min_value=0, max_value=size - 1))
    return index, size


@st.composite
def tree_pair(draw: st.DrawFn) -> tuple[int, int]:
    new_size = draw(st.integers(min_value=2, max_value=SHARED_LOG_SIZE))
    old_size = draw(st.integers(min_value=1, max_value=new_size - 1))
    return old_size, new_size


def inclusion_case(index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    log = shared_log()
    return leaf_hash(leaf_data(index)), log.inclusion_proof(index, size), log.root(size)


def consistency_case(old_size: int, new_size: int) -> tuple[bytes, bytes, list[bytes]]:
    log = shared_log()
    proof = log.consistency_proof(old_size, new_size)
    return log.root(old_size), log.root(new_size), proof


def test_inclusion_single_leaf_tree() -> None:
    verify_inclusion(leaf_hash(b"x"), 0, 1, [], leaf_hash(b"x"))


def test_inclusion_single_leaf_wrong_root() -> None:
    with pytest.raises(InclusionProofError, match="expected root"):
        verify_inclusion(leaf_hash(b"x"), 0, 1, [], leaf_hash(b"y"))


def test_inclusion_empty_tree_rejected() -> None:
    with pytest.raises(InclusionProofError, match="out of range for tree size 0"):
        verify_inclusion(leaf_hash(b"x"), 0, 0, [], EMPTY_ROOT)


@pytest.mark.parametrize("index", [8, 9, -1])
def test_inclusion_index_out_of_range(index: int) -> None:
    leaf, proof, root = inclusion_case(3, 8)
    with pytest.raises(InclusionProofError, match=f"leaf index {index} is out"):
        verify_inclusion(leaf, index, 8, proof, root)


def test_inclusion_proof_too_short() -> None:
    leaf, proof, root = inclusion_case(3, 8)
    with pytest.raises(InclusionProofError, match="has 2 hashes, expected 3"):
        verify_inclusion(leaf, 3, 8, proof[:-1], root)


def test_inclusion_proof_too_long() -> None:
    leaf, proof, root = inclusion_case(3, 8)
    with pytest.raises(InclusionProofError, match="has 4 hashes, expected 3"):
        verify_inclusion(leaf, 3, 8, [*proof, proof[0]], root)


def test_inclusion_wrong_hash_size() -> None:
    leaf, proof, root = inclusion_case(3, 8)
    with pytest.raises(InclusionProofError, match="proof hash 1 has 31 bytes"):
        verify_inclusion(leaf, 3, 8, [proof[0], proof[1][:31], proof[2]], root)


def test_inclusion_error_shows_both_roots() -> None:
    leaf, proof, root = inclusion_case(3, 8)
    wrong_root = shared_log().root(9)
    with pytest.raises(InclusionProofError) as raised:
        verify_inclusion(leaf, 3, 8, proof, wrong_root)
    message = str(raised.value)
    assert f"expected root {b64(wrong_root)}, computed {b64(root)}" in message


def test_consistency_equal_sizes() -> None:
    root = shared_log().root(5)
    verify_consistency(5, 5, root, root, [])


def test_consistency_equal_sizes_with_proof() -> None:
    root = shared_log().root(5)
    with pytest.raises(ConsistencyProofError, match="has 1 hashes, expected 0"):
        verify_consistency(5, 5, root, root, [root])


def test_consistency_equal_sizes_other_roots() -> None:
    log = shared_log()
    with pytest.raises(ConsistencyProofError) as raised:
        verify_consistency(5, 5, log.root(5), log.root(6), [])
    message = str(raised.value)
    assert "different roots" in message
    assert f"old {b64(log.root(5))}, new {b64(log.root(6))}" in message


@pytest.mark.parametrize("new_size", [0, 1, 7])
def test_consistency_from_empty_tree_rejected(new_size: int) -> None:
    with pytest.raises(ConsistencyProofError, match="at least 1, got 0"):
        verify_consistency(0, new_size, EMPTY_ROOT, shared_log().root(new_size), [])


def test_consistency_old_larger_than_new() -> None:
    log = shared_log()
    with pytest.raises(ConsistencyProofError, match="must be between 0 and"):
        verify_consistency(6, 5, log.root(6), log.root(5), [])


def test_consistency_proof_too_short() -> None:
    old_root, new_root, proof = consistency_case(3, 7)
    with pytest.raises(ConsistencyProofError, match="has 3 hashes, expected 4"):
        verify_consistency(3, 7, old_root, new_root, proof[:-1])


def test_consistency_proof_too_long() -> None:
    old_root, new_root, proof = consistency_case(3, 7)
    with pytest.raises(ConsistencyProofError, match="has 5 hashes, expected 4"):
        verify_consistency(3, 7, old_root, new_root, [*proof, proof[0]])


def test_consistency_power_of_two_old_size() -> None:
    old_root, new_root, proof = consistency_case(4, 7)
    verify_consistency(4, 7, old_root, new_root, proof)
    with pytest.raises(ConsistencyProofError, match="has 0 hashes, expected 1"):
        verify_consistency(4, 7, old_root, new_root, [])


def test_consistency_error_shows_new_roots() -> None:
    old_root, new_root, proof = consistency_case(3, 7)
    wrong_root = shared_log().root(8)
    with pytest.raises(ConsistencyProofError) as raised:
        verify_consistency(3, 7, old_root, wrong_root, proof)
    message = str(raised.value)
    assert f"expected new root {b64(wrong_root)}, computed {b64(new_root)}" in message


def test_consistency_error_shows_old_roots() -> None:
    old_root, new_root, proof = consistency_case(3, 7)
    wrong_root = shared_log().root(2)
    with pytest.raises(ConsistencyProofError) as raised:
        verify_consistency(3, 7, wrong_root, new_root, proof)
    message = str(raised.value)
    assert f"expected old root {b64(wrong_root)}, computed {b64(old_root)}" in message


def test_consistency_wrong_root_size() -> None:
    old_root, new_root, proof = consistency_case(3, 7)
    with pytest.raises(ConsistencyProofError, match="old root has 12 bytes"):
        verify_consistency(3, 7, old_root[:12], new_root, proof)


@PROPERTY_SETTINGS
@given(leaf_in_tree())
def test_generated_inclusion_proof_verifies(case: tuple[int, int]) -> None:
    index, size = case
    leaf, proof, root = inclusion_case(index, size)
    verify_inclusion(leaf, index, size, proof, root)


@PROPERTY_SETTINGS
@given(leaf_in_tree(), st.data())
def test_inclusion_bit_flip_rejected(
    case: tuple[int, int], data: st.DataObject
) -> None:
    index, size = case
    leaf, proof, root = inclusion_case(index, size)
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=HASH_BITS - 1))
    if target == -2:
        leaf = flip_bit(leaf, bit)
    elif target == -1:
        root = flip_bit(root, bit)
    else:
        proof[target] = flip_bit(proof[target], bit)
    with pytest.raises(InclusionProofError):
        verify_inclusion(leaf, index, size, proof, root)


@PROPERTY_SETTINGS
@given(leaf_in_tree(), st.integers(min_value=1, max_value=SHARED_LOG_SIZE))
def test_inclusion_other_index_rejected(case: tuple[int, int], offset: int) -> None:
    index, size = case
    leaf, proof, root = inclusion_case(index, size)
    other_index = (index + offset) % (size + 1)
    if other_index == index:
        other_index = size
    with pytest.raises(InclusionProofError):
        verify_inclusion(leaf, other_index, size, proof, root)


@PROPERTY_SETTINGS
@given(leaf_in_tree(), st.integers(min_value=1, max_value=SHARED_LOG_SIZE))
def test_inclusion_other_size_rejected(case: tuple[int, int], other_size: int) -> None:
    index, size = case
    leaf, proof, root = inclusion_case(index, size)
    if other_size == size:
        other_size += 1
    # A proof also fits another tree size when the path from the leaf to the
    # root has the same shape there: the verifier then computes the same root.
    same_shape = index < other_size and inclusion_shape(
        index, other_size
    ) == inclusion_shape(index, size)
    if same_shape:
        verify_inclusion(leaf, index, other_size, proof, root)
    else:
        with pytest.raises(InclusionProofError):
            verify_inclusion(leaf, index, other_size, proof, root)


@PROPERTY_SETTINGS
@given(tree_pair())
def test_generated_consistency_proof_verifies(case: tuple[int, int]) -> None:
    old_size, new_size = case
    old_root, new_root, proof = consistency_case(old_size, new_size)
    verify_consistency(old_size, new_size, old_root, new_root, proof)


@PROPERTY_SETTINGS
@given(tree_pair(), st.data())
def test_consistency_bit_flip_rejected(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old_size, new_size = case
    old_root, new_root, proof = consistency_case(old_size, new_size)
    target = data.draw(st.integers(min_value=-2, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=HASH_BITS - 1))
    if target == -2:
        old_root = flip_bit(old_root, bit)
    elif target == -1:
        new_root = flip_bit(new_root, bit)
    else:
        proof[target] = flip_bit(proof[target], bit)
    with pytest.raises(ConsistencyProofError):
        verify_consistency(old_size, new_size, old_root, new_root, proof)


@PROPERTY_SETTINGS
@given(tree_pair(), st.integers(min_value=1, max_value=SHARED_LOG_SIZE))
def test_consistency_other_sizes_rejected(
    case: tuple[int, int], other_size: int
) -> None:
    old_size, new_size = case
    old_root, new_root, proof = consistency_case(old_size, new_size)
    for other_old, other_new in [(other_size, new_size), (old_size, other_size)]:
        if (other_old, other_new) == (old_size, new_size) or other_old >= other_new:
            continue
        # As for inclusion, a proof fits other sizes with the same proof shape.
        if consistency_shape(other_old, other_new) == consistency_shape(
            old_size, new_size
        ):
            verify_consistency(other_old, other_new, old_root, new_root, proof)
        else:
            with pytest.raises(ConsistencyProofError):
                verify_consistency(other_old, other_new, old_root, new_root, proof)
