"""Merkle hashing, the append-only log and proof generation."""

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ledger.reference import (
    CountingHashStore,
    leaf_data,
    reference_path,
    reference_proof,
    shared_log,
)
from vigil.ledger import (
    EMPTY_ROOT,
    MemoryHashStore,
    MerkleLog,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
)
from vigil.ledger.merkle import (
    NodeKey,
    complete_subtree_levels,
    fold_subtree_hashes,
    parent_hashes,
    split_point,
    subtree_keys,
)
from vigil.ledger.proofs import consistency_proof_ranges, inclusion_proof_ranges


def hashes_of(size: int) -> list[bytes]:
    return [leaf_hash(leaf_data(index)) for index in range(size)]


def test_leaf_hash_prefix() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()


def test_node_hash_prefix() -> None:
    left, right = b"L" * 32, b"R" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_empty_root_is_sha256_of_nothing() -> None:
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert EMPTY_ROOT.hex() == expected
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


def test_root_of_one_leaf_is_leaf_hash() -> None:
    assert root_from_leaf_hashes([leaf_hash(b"x")]) == leaf_hash(b"x")


def test_root_of_three_leaves() -> None:
    a, b, c = hashes_of(3)
    assert root_from_leaf_hashes([a, b, c]) == node_hash(node_hash(a, b), c)


@pytest.mark.parametrize(
    ("size", "expected"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1025, 1024)]
)
def test_split_point(size: int, expected: int) -> None:
    assert split_point(size) == expected


@pytest.mark.parametrize("size", [-1, 0, 1])
def test_split_point_rejects_small_size(size: int) -> None:
    with pytest.raises(ValueError, match="no split point"):
        split_point(size)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 1, [(0, 0)]),
        (0, 8, [(3, 0)]),
        (0, 7, [(2, 0), (1, 2), (0, 6)]),
        (8, 13, [(2, 2), (0, 12)]),
        (16, 22, [(2, 4), (1, 10)]),
        (5, 6, [(0, 5)]),
    ],
)
def test_subtree_keys(start: int, end: int, expected: list[tuple[int, int]]) -> None:
    assert subtree_keys(start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(0, 0), (3, 2), (-1, 1)])
def test_subtree_keys_rejects_empty_range(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="empty or negative"):
        subtree_keys(start, end)


@pytest.mark.parametrize(("start", "end"), [(1, 3), (4, 9), (2, 5)])
def test_subtree_keys_rejects_unaligned_range(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="not a subtree"):
        subtree_keys(start, end)


def test_fold_rejects_empty_list() -> None:
    with pytest.raises(ValueError, match="empty list"):
        fold_subtree_hashes([])


@pytest.mark.parametrize("count", [0, 1, 2, 3, 8])
def test_parent_hashes_pair_neighbours(count: int) -> None:
    nodes = hashes_of(count)
    expected = [node_hash(nodes[i], nodes[i + 1]) for i in range(0, count - 1, 2)]
    assert parent_hashes(nodes) == expected


@given(size=st.integers(min_value=0, max_value=300))
def test_complete_subtree_levels_are_subtree_roots(size: int) -> None:
    leaves = hashes_of(size)
    levels = complete_subtree_levels(leaves)
    assert levels[0] == leaves
    for level, nodes in enumerate(levels):
        width = 1 << level
        assert len(nodes) == size >> level
        for index, value in enumerate(nodes):
            subtree = leaves[index * width : (index + 1) * width]
            assert value == root_from_leaf_hashes(subtree)
    assert len(levels[-1]) <= 1


def test_log_roots_match_reference() -> None:
    log = shared_log()
    hashes = hashes_of(300)
    for size in range(301):
        assert log.root(size) == root_from_leaf_hashes(hashes[:size]), size


def test_log_starts_empty() -> None:
    log = MerkleLog(MemoryHashStore())
    assert log.size == 0
    assert log.root() == EMPTY_ROOT


def test_append_returns_index() -> None:
    log = MerkleLog(MemoryHashStore())
    assert [log.append(leaf_data(index)) for index in range(5)] == [0, 1, 2, 3, 4]
    assert log.size == 5


def test_append_many_returns_first_index() -> None:
    log = MerkleLog(MemoryHashStore())
    assert log.append_many([b"a", b"b", b"c"]) == 0
    assert log.append_many([b"d", b"e"]) == 3
    assert log.size == 5


def test_append_many_empty_writes_nothing() -> None:
    store = CountingHashStore(MemoryHashStore())
    log = MerkleLog(store)
    log.append(b"a")
    store.reset()
    assert log.append_many([]) == 1
    assert store.put_many_calls == 0
    assert log.size == 1


def test_append_many_equals_single_appends() -> None:
    batched = MerkleLog(MemoryHashStore())
    single = MerkleLog(MemoryHashStore())
    batched.append_many([leaf_data(index) for index in range(11)])
    batched.append_many([leaf_data(index) for index in range(11, 37)])
    for index in range(37):
        single.append(leaf_data(index))
    assert batched.size == single.size == 37
    for size in range(38):
        assert batched.root(size) == single.root(size), size


def test_append_many_writes_once() -> None:
    store = CountingHashStore(MemoryHashStore())
    log = MerkleLog(store)
    log.append_many([leaf_data(index) for index in range(100)])
    assert store.put_many_calls == 1
    # A tree of n leaves has 2n - popcount(n) complete subtrees: 200 - 3.
    assert store.nodes_written == 197


def test_append_reads_frontier_in_one_call() -> None:
    store = CountingHashStore(MemoryHashStore())
    log = MerkleLog(store)
    log.append_many([leaf_data(index) for index in range(1001)])
    store.reset()
    log.append(b"next")
    assert store.get_many_calls == 1
    # The frontier of 1001 = 0b1111101001 leaves has one subtree per set bit.
    assert store.nodes_read == 7
    # Leaf 1001 completes the subtree (1, 500) only.
    assert store.nodes_written == 2


def test_append_writes_every_completed_parent() -> None:
    store = CountingHashStore(MemoryHashStore())
    log = MerkleLog(store)
    log.append_many([leaf_data(index) for index in range(7)])
    store.reset()
    log.append(b"eighth")
    assert store.nodes_written == 4
    assert store.inner.get(3, 0) == log.root()


class UpperLevelStore(MemoryHashStore):
    """Store that keeps levels 2 and up and gets the lower ones from ``lower``.

    It stands for a store that computes its lower levels from leaf hashes
    kept elsewhere, such as the access log's entries.
    """

    lowest_stored_level = 2

    def __init__(self, lower: MemoryHashStore) -> None:
        super().__init__()
        self.lower = lower
        self.levels_written: set[int] = set()

    def get_many(self, keys: Sequence[NodeKey]) -> list[bytes]:
        return [self.lower.get(*key) if key[0] < 2 else self.get(*key) for key in keys]

    def put_many(self, items: Sequence[tuple[NodeKey, bytes]]) -> None:
        self.levels_written.update(level for (level, _), _ in items)
        super().put_many(items)


@given(sizes=st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=8))
def test_append_at_returns_new_root(sizes: list[int]) -> None:
    log = MerkleLog(MemoryHashStore())
    size = 0
    for count in sizes:
        hashes = hashes_of(size + count)[size:]
        root = log.append_leaf_hashes_at(size, hashes)
        size += count
        assert root == root_from_leaf_hashes(hashes_of(size))
        assert root == log.root(size)


@given(sizes=st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=8))
def test_append_at_skips_unstored_levels(sizes: list[int]) -> None:
    reference = MemoryHashStore()
    MerkleLog(reference).append_leaf_hashes(hashes_of(sum(sizes)))
    store = UpperLevelStore(reference)
    log = MerkleLog(store)
    size = 0
    for count in sizes:
        root = log.append_leaf_hashes_at(size, hashes_of(size + count)[size:])
        size += count
        assert root == root_from_leaf_hashes(hashes_of(size))
    assert min(store.levels_written, default=2) >= 2
    for level in range(2, 10):
        for index in range(size >> level):
            assert store.get(level, index) == reference.get(level, index)


def test_append_at_rejects_empty_batch() -> None:
    with pytest.raises(ValueError, match="no leaf hashes"):
        MerkleLog(MemoryHashStore()).append_leaf_hashes_at(0, [])


def test_leaf_hash_of_log() -> None:
    log = shared_log()
    assert log.leaf_hash(42) == leaf_hash(leaf_data(42))


def test_root_rejects_size_beyond_log() -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many([b"a", b"b"])
    with pytest.raises(ValueError, match="tree size 3 is out of range"):
        log.root(3)


def test_root_rejects_negative_size() -> None:
    log = MerkleLog(MemoryHashStore())
    with pytest.raises(ValueError, match="tree size -1 is out of range"):
        log.root(-1)


def test_logs_share_one_store() -> None:
    store = MemoryHashStore()
    first, second = MerkleLog(store), MerkleLog(store)
    first.append(b"a")
    assert second.append(b"b") == 1
    assert first.root() == node_hash(leaf_hash(b"a"), leaf_hash(b"b"))


def test_inclusion_proofs_match_rfc_path() -> None:
    log = shared_log()
    for size in range(1, 65):
        hashes = hashes_of(size)
        for index in range(size):
            expected = reference_path(index, hashes)
            assert log.inclusion_proof(index, size) == expected, (index, size)


def test_consistency_proofs_match_rfc_proof() -> None:
    log = shared_log()
    for size in range(1, 65):
        hashes = hashes_of(size)
        for old_size in range(1, size + 1):
            expected = reference_proof(old_size, hashes)
            assert log.consistency_proof(old_size, size) == expected, (old_size, size)


def test_consistency_proof_equal_sizes_empty() -> None:
    assert shared_log().consistency_proof(5, 5) == []


def test_inclusion_proof_of_single_leaf_empty() -> None:
    assert shared_log().inclusion_proof(0, 1) == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 3)])
def test_inclusion_proof_rejects_index(index: int, size: int) -> None:
    with pytest.raises(ValueError, match=f"leaf index {index} is out of range"):
        shared_log().inclusion_proof(index, size)


def test_inclusion_proof_rejects_size_beyond_log() -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many([b"a", b"b"])
    with pytest.raises(ValueError, match="tree size 3 is out of range"):
        log.inclusion_proof(0, 3)


@pytest.mark.parametrize(("old_size", "new_size"), [(0, 0), (0, 5), (6, 5), (-1, 2)])
def test_consistency_proof_rejects_sizes(old_size: int, new_size: int) -> None:
    with pytest.raises(ValueError, match="is not defined"):
        consistency_proof_ranges(old_size, new_size)


def test_consistency_proof_rejects_size_beyond_log() -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many([b"a", b"b"])
    with pytest.raises(ValueError, match="tree size 3 is out of range"):
        log.consistency_proof(1, 3)


def test_inclusion_ranges_of_leaf_five_in_eight() -> None:
    assert inclusion_proof_ranges(5, 8) == [(4, 5), (6, 8), (0, 4)]


def test_consistency_ranges_from_three_to_seven() -> None:
    assert consistency_proof_ranges(3, 7) == [(2, 3), (3, 4), (0, 2), (4, 7)]
