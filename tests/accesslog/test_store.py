"""The database HashStore: protocol behaviour, one query per call, O(log n) proofs."""

from typing import Any

import pytest
from django.db import IntegrityError

from tests.ledger.reference import leaf_data
from vigil.accesslog.store import DatabaseHashStore
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


@pytest.fixture
def filled(centre_a: Organisation) -> tuple[MerkleLog, MerkleLog]:
    database = MerkleLog(DatabaseHashStore(centre_a.pk))
    memory = MerkleLog(MemoryHashStore())
    leaves = [leaf_data(index) for index in range(SIZE)]
    for start in range(0, SIZE, 300):
        database.append_many(leaves[start : start + 300])
        memory.append_many(leaves[start : start + 300])
    return database, memory


def test_empty_store_has_no_leaves(centre_a: Organisation) -> None:
    assert DatabaseHashStore(centre_a.pk).leaf_count() == 0


def test_roots_equal_memory_store(filled: tuple[MerkleLog, MerkleLog]) -> None:
    database, memory = filled
    assert database.size == SIZE
    for size in (1, 2, 3, 300, 511, 512, 513, 999, SIZE):
        assert database.root(size) == memory.root(size)


def test_get_many_keeps_order_in_one_query(
    filled: tuple[MerkleLog, MerkleLog], django_assert_num_queries: Any
) -> None:
    store = filled[0].store
    keys = [(3, 7), (0, 0), (9, 0), (0, 999), (0, 0)]
    with django_assert_num_queries(1):
        values = store.get_many(keys)
    assert values == [filled[1].store.get(*key) for key in keys]


def test_get_missing_node_raises_key_error(filled: tuple[MerkleLog, MerkleLog]) -> None:
    with pytest.raises(KeyError, match="not stored"):
        filled[0].store.get(0, SIZE)


def test_put_many_rejects_stored_key_atomically(centre_a: Organisation) -> None:
    store = DatabaseHashStore(centre_a.pk)
    store.put_many([((0, 0), b"a" * 32)])
    with pytest.raises(IntegrityError):
        store.put_many([((0, 1), b"b" * 32), ((0, 0), b"c" * 32)])
    assert store.leaf_count() == 1
    assert store.get_many([(0, 0)]) == [b"a" * 32]


def test_put_many_rejects_repeated_key(centre_a: Organisation) -> None:
    store = DatabaseHashStore(centre_a.pk)
    with pytest.raises(IntegrityError):
        store.put_many([((0, 0), b"a" * 32), ((0, 0), b"b" * 32)])
    assert store.leaf_count() == 0


def test_stores_of_organisations_apart(
    filled: tuple[MerkleLog, MerkleLog], centre_b: Organisation
) -> None:
    assert DatabaseHashStore(centre_b.pk).leaf_count() == 0


def test_proof_takes_one_query(
    filled: tuple[MerkleLog, MerkleLog], django_assert_num_queries: Any
) -> None:
    database, memory = filled
    root = memory.root()
    for index in (0, 1, 500, 998, 999):
        with django_assert_num_queries(1):
            proof = inclusion_proof(index, SIZE, database.store)
        verify_inclusion(hash_leaf(leaf_data(index)), index, SIZE, proof, root)


def test_consistency_proofs_verify(filled: tuple[MerkleLog, MerkleLog]) -> None:
    database, memory = filled
    for old in (1, 7, 512, 999):
        proof = database.consistency_proof(old, SIZE)
        verify_consistency(old, SIZE, memory.root(old), memory.root(), proof)
