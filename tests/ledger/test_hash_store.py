"""MemoryHashStore behaviour and the O(log n) reads of roots and proofs."""

import math

import pytest

from tests.ledger.reference import CountingHashStore, leaf_data
from vigil.ledger import MemoryHashStore, MerkleLog, leaf_hash

# A root or proof reads at most this many nodes per level of the tree.
READS_PER_LEVEL = 2
COUNTED_SIZES = [2, 3, 5, 8, 100, 1000, 1023, 1024, 1025, 2047, 3001, 4096]
MAX_COUNTED_SIZE = max(COUNTED_SIZES)


@pytest.fixture(scope="module")
def counted_log() -> tuple[MerkleLog, CountingHashStore]:
    store = CountingHashStore(MemoryHashStore())
    log = MerkleLog(store)
    log.append_many([leaf_data(index) for index in range(MAX_COUNTED_SIZE)])
    return log, store


def max_reads(size: int) -> int:
    return READS_PER_LEVEL * math.ceil(math.log2(size))


def sample(size: int) -> list[int]:
    """Return some small, large and middle values in [1, size)."""
    values = {1, 2, 3, size // 3, size // 2, size - 2, size - 1}
    return sorted(value for value in values if 1 <= value < size)


def test_get_missing_node_raises_key_error() -> None:
    with pytest.raises(KeyError):
        MemoryHashStore().get(0, 0)


def test_get_many_keeps_key_order() -> None:
    store = MemoryHashStore()
    store.put_many([((0, 0), b"a" * 32), ((0, 1), b"b" * 32), ((1, 0), b"c" * 32)])
    assert store.get_many([(1, 0), (0, 0), (0, 1)]) == [b"c" * 32, b"a" * 32, b"b" * 32]


def test_get_many_missing_node_raises_key_error() -> None:
    store = MemoryHashStore()
    store.put_many([((0, 0), b"a" * 32)])
    with pytest.raises(KeyError):
        store.get_many([(0, 0), (0, 1)])


def test_leaf_count_counts_level_zero() -> None:
    store = MemoryHashStore()
    store.put_many([((0, 0), b"a" * 32), ((0, 1), b"b" * 32), ((1, 0), b"c" * 32)])
    assert store.leaf_count() == 2


def test_put_many_rejects_stored_key() -> None:
    store = MemoryHashStore()
    store.put_many([((0, 0), b"a" * 32)])
    with pytest.raises(ValueError, match=r"node \(0, 0\) is already stored"):
        store.put_many([((0, 1), b"b" * 32), ((0, 0), b"c" * 32)])
    assert store.get(0, 0) == b"a" * 32
    assert store.leaf_count() == 1
    with pytest.raises(KeyError):
        store.get(0, 1)


def test_put_many_rejects_repeated_key() -> None:
    store = MemoryHashStore()
    with pytest.raises(ValueError, match="already stored"):
        store.put_many([((0, 0), b"a" * 32), ((0, 0), b"a" * 32)])
    assert store.leaf_count() == 0


def test_log_reopens_existing_store() -> None:
    store = MemoryHashStore()
    MerkleLog(store).append_many([b"a", b"b", b"c"])
    reopened = MerkleLog(store)
    assert reopened.size == 3
    assert reopened.append(b"d") == 3
    assert reopened.leaf_hash(3) == leaf_hash(b"d")


@pytest.mark.parametrize("size", COUNTED_SIZES)
def test_root_reads_one_batch(
    counted_log: tuple[MerkleLog, CountingHashStore], size: int
) -> None:
    log, store = counted_log
    store.reset()
    log.root(size)
    assert store.get_many_calls == 1
    assert store.get_calls == 0
    assert store.nodes_read == size.bit_count()


@pytest.mark.parametrize("size", COUNTED_SIZES)
def test_inclusion_proof_reads_logarithmic(
    counted_log: tuple[MerkleLog, CountingHashStore], size: int
) -> None:
    log, store = counted_log
    for index in [0, *sample(size)]:
        store.reset()
        proof = log.inclusion_proof(index, size)
        assert store.get_many_calls == 1, (index, size)
        assert store.get_calls == 0, (index, size)
        assert len(proof) <= store.nodes_read <= max_reads(size), (index, size)


@pytest.mark.parametrize("size", COUNTED_SIZES)
def test_consistency_proof_reads_logarithmic(
    counted_log: tuple[MerkleLog, CountingHashStore], size: int
) -> None:
    log, store = counted_log
    for old_size in sample(size):
        store.reset()
        proof = log.consistency_proof(old_size, size)
        assert store.get_many_calls == 1, (old_size, size)
        assert store.get_calls == 0, (old_size, size)
        assert len(proof) <= store.nodes_read <= max_reads(size), (old_size, size)


def test_every_proof_reads_logarithmic(
    counted_log: tuple[MerkleLog, CountingHashStore],
) -> None:
    log, store = counted_log
    size = 1000
    worst = 0
    for index in range(size):
        store.reset()
        log.inclusion_proof(index, size)
        worst = max(worst, store.nodes_read)
    for old_size in range(1, size):
        store.reset()
        log.consistency_proof(old_size, size)
        worst = max(worst, store.nodes_read)
    assert worst <= max_reads(size)
