"""The database HashStore: protocol behaviour, one query per call, O(log n) proofs.

The store keeps tree levels from ``LOWEST_STORED_LEVEL`` up as rows and reads
the leaves from the entries, so these tests append the leaf hashes to the
tree and then insert entries that carry them, as ingestion does.
"""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tests.accesslog.factories import tampering
from tests.ledger.reference import leaf_data
from vigil.accesslog import store as hash_store
from vigil.accesslog.models import AccessEntry, TreeNode, segment_of
from vigil.accesslog.store import (
    LOWEST_STORED_LEVEL,
    TILE_HEIGHT,
    DatabaseHashStore,
    tile_of,
)
from vigil.ledger import (
    MemoryHashStore,
    MerkleLog,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger import leaf_hash as hash_leaf
from vigil.organisations.models import Organisation

SIZE = 1000
TIME = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)


def append(log: MerkleLog, organisation: Organisation, start: int, stop: int) -> None:
    """Append leaves ``start`` to ``stop - 1`` to the tree, then their entries."""
    hashes = [hash_leaf(leaf_data(index)) for index in range(start, stop)]
    assert log.append_leaf_hashes(hashes) == start
    AccessEntry.objects.bulk_create(
        AccessEntry(
            organisation=organisation,
            index=index,
            segment=segment_of(index),
            event_id=f"e-{index}",
            time=TIME,
            leaf_hash=value,
        )
        for index, value in enumerate(hashes, start=start)
    )


@pytest.fixture
def filled(centre_a: Organisation) -> tuple[MerkleLog, MerkleLog]:
    database = MerkleLog(DatabaseHashStore(centre_a.pk))
    memory = MerkleLog(MemoryHashStore())
    for start in range(0, SIZE, 300):
        stop = min(start + 300, SIZE)
        append(database, centre_a, start, stop)
        memory.append_many([leaf_data(index) for index in range(start, stop)])
    return database, memory


def test_empty_store_has_no_leaves(centre_a: Organisation) -> None:
    assert DatabaseHashStore(centre_a.pk).leaf_count() == 0


def test_roots_equal_memory_store(filled: tuple[MerkleLog, MerkleLog]) -> None:
    database, memory = filled
    assert database.size == SIZE
    for size in (1, 2, 3, 15, 16, 17, 63, 64, 65, 300, 511, 512, 513, 999, SIZE):
        assert database.root(size) == memory.root(size)


def test_only_upper_levels_stored(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    levels = set(
        TreeNode.objects.filter(organisation=centre_a).values_list("level", flat=True)
    )
    assert min(levels) == LOWEST_STORED_LEVEL
    rows = TreeNode.objects.filter(organisation=centre_a).count()
    # Complete subtrees of 1000 leaves from level 4 up: 62 + 31 + 15 + 7 + 3 + 1.
    assert rows == 119


def test_nodes_stored_with_their_tile(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    rows = TreeNode.objects.filter(organisation=centre_a).values_list(
        "level", "index", "tile"
    )
    assert rows
    for level, index, tile in rows:
        top = TILE_HEIGHT * (level // TILE_HEIGHT + 1)
        assert tile == index >> (top - level) == tile_of(level, index)


@pytest.mark.parametrize("leaf", [0, 255, 256, 4095, 4096, 123_456_789])
def test_proof_siblings_share_a_tile_per_four_levels(leaf: int) -> None:
    """The siblings of levels 4k to 4k + 3 lie under the ancestor at 4k + 4."""
    for band in range(1, 8):
        siblings = [
            (level, (leaf >> level) ^ 1)
            for level in range(TILE_HEIGHT * band, TILE_HEIGHT * (band + 1))
        ]
        top = TILE_HEIGHT * (band + 1)
        assert {tile_of(*sibling) for sibling in siblings} == {leaf >> top}


def test_node_under_another_tile_is_not_found(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    """A proof looks a node up by its tile, so a changed tile hides the node."""
    with tampering():
        TreeNode.objects.filter(organisation=centre_a, level=4, index=20).update(tile=7)
    store = DatabaseHashStore(centre_a.pk)
    with pytest.raises(KeyError, match=r"\(4, 20\)"):
        store.get(4, 20)
    assert store.get(4, 21) == filled[1].store.get(4, 21)


def test_get_many_keeps_order(
    filled: tuple[MerkleLog, MerkleLog], django_assert_num_queries: Any
) -> None:
    store = filled[0].store
    keys = [(3, 1), (0, 0), (9, 0), (0, 999), (0, 0), (6, 2), (1, 2)]
    # The stored nodes and the blocks of leaves 0 to 15 and 992 to 999.
    with django_assert_num_queries(1):
        values = store.get_many(keys)
    assert values == [filled[1].store.get(*key) for key in keys]


def test_get_missing_node_raises_key_error(filled: tuple[MerkleLog, MerkleLog]) -> None:
    store = filled[0].store
    for key in [(0, SIZE), (2, 250), (3, 125), (4, 62), (10, 0)]:
        with pytest.raises(KeyError, match="not stored"):
            store.get(*key)


def test_gap_in_entries_is_missing_node(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    """A node over a missing entry cannot be computed, as if it were not stored."""
    with tampering():
        AccessEntry.objects.filter(organisation=centre_a, index=130).delete()
    store = DatabaseHashStore(centre_a.pk)
    with pytest.raises(KeyError, match=r"\(2, 32\)"):
        store.get(2, 32)
    assert store.get(2, 31) == filled[1].store.get(2, 31)


def test_put_many_rejects_stored_key_atomically(centre_a: Organisation) -> None:
    store = DatabaseHashStore(centre_a.pk)
    level = LOWEST_STORED_LEVEL
    store.put_many([((level, 0), b"a" * 32)])
    with pytest.raises(IntegrityError):
        store.put_many([((level, 1), b"b" * 32), ((level, 0), b"c" * 32)])
    assert TreeNode.objects.filter(organisation=centre_a).count() == 1
    assert store.get_many([(level, 0)]) == [b"a" * 32]


def test_put_many_rejects_repeated_key(centre_a: Organisation) -> None:
    store = DatabaseHashStore(centre_a.pk)
    level = LOWEST_STORED_LEVEL
    with pytest.raises(IntegrityError):
        store.put_many([((level, 0), b"a" * 32), ((level, 0), b"b" * 32)])
    assert not TreeNode.objects.filter(organisation=centre_a).exists()


def test_put_many_leaves_out_lower_levels(centre_a: Organisation) -> None:
    store = DatabaseHashStore(centre_a.pk)
    store.put_many([((0, 0), b"a" * 32), ((LOWEST_STORED_LEVEL - 1, 0), b"b" * 32)])
    assert not TreeNode.objects.filter(organisation=centre_a).exists()


def test_stores_of_organisations_apart(
    filled: tuple[MerkleLog, MerkleLog], centre_b: Organisation
) -> None:
    assert DatabaseHashStore(centre_b.pk).leaf_count() == 0


def test_proof_takes_one_query(
    filled: tuple[MerkleLog, MerkleLog],
    centre_a: Organisation,
    django_assert_num_queries: Any,
) -> None:
    """The stored nodes, the leaf's own block and the last, incomplete block."""
    memory = filled[1]
    root = memory.root()
    for index in (0, 1, 500, 998, 999):
        with django_assert_num_queries(1):
            proof = inclusion_proof(index, SIZE, DatabaseHashStore(centre_a.pk))
        verify_inclusion(hash_leaf(leaf_data(index)), index, SIZE, proof, root)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")
def test_proof_reads_nodes_from_tile_index(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    """The nodes come from the tile index alone, without a row lookup each."""
    with CaptureQueriesContext(connection) as captured:
        inclusion_proof(500, SIZE, DatabaseHashStore(centre_a.pk))
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX tree_node_tile_idx" in plan, plan


def test_consistency_proofs_verify(filled: tuple[MerkleLog, MerkleLog]) -> None:
    database, memory = filled
    for old in (1, 7, 15, 16, 17, 512, 999):
        proof = database.consistency_proof(old, SIZE)
        verify_consistency(old, SIZE, memory.root(old), memory.root(), proof)


def test_complete_block_read_once(
    filled: tuple[MerkleLog, MerkleLog],
    centre_a: Organisation,
    django_assert_num_queries: Any,
) -> None:
    """A complete block never changes, so the store keeps the last one it read."""
    store = DatabaseHashStore(centre_a.pk)
    store.get(2, 1)
    with django_assert_num_queries(0):
        assert store.get(0, 5) == filled[1].store.get(0, 5)
    with django_assert_num_queries(1):
        assert store.get(0, 999) == filled[1].store.get(0, 999)


def test_proof_with_cached_later_block(
    filled: tuple[MerkleLog, MerkleLog], centre_a: Organisation
) -> None:
    """A proof computes nodes of the cached block after reading an earlier one."""
    store = DatabaseHashStore(centre_a.pk)
    store.get(0, 20)
    memory = filled[1].store
    assert inclusion_proof(0, 17, store) == inclusion_proof(0, 17, memory)
    assert store.get_many([(0, 3), (0, 40), (0, 19)]) == memory.get_many(
        [(0, 3), (0, 40), (0, 19)]
    )


# Sizes and leaves on both sides of the edges of blocks and of tiles.
EDGE_SIZES = (1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, 299, 300)


@pytest.mark.parametrize("lowest", [2, 3, 4, 5])
def test_proofs_at_tile_edges(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch, lowest: int
) -> None:
    """Proofs from one store equal the memory store's for each stored level."""
    monkeypatch.setattr(hash_store, "LOWEST_STORED_LEVEL", lowest)
    database = MerkleLog(DatabaseHashStore(centre_a.pk))
    memory = MerkleLog(MemoryHashStore())
    for start, stop in ((0, 17), (17, 64), (64, 65), (65, 257), (257, 300)):
        append(database, centre_a, start, stop)
        memory.append_many([leaf_data(index) for index in range(start, stop)])
    for size in EDGE_SIZES:
        root = memory.root(size)
        assert database.root(size) == root
        leaves = {0, 1, 15, 16, 17, size // 2, size - 2, size - 1}
        for index in sorted(leaf for leaf in leaves if 0 <= leaf < size):
            proof = database.inclusion_proof(index, size)
            assert proof == memory.inclusion_proof(index, size), (index, size)
            verify_inclusion(hash_leaf(leaf_data(index)), index, size, proof, root)
        for old in EDGE_SIZES[: EDGE_SIZES.index(size) + 1]:
            proof = database.consistency_proof(old, size)
            assert proof == memory.consistency_proof(old, size), (old, size)
            verify_consistency(old, size, memory.root(old), root, proof)
