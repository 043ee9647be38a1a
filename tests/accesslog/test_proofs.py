"""Proof documents of the log: inclusion and consistency against checkpoints."""

import pytest
from django.conf import LazySettings
from django.utils import translation

from tests.accesslog.factories import ingest_batches, ingest_range
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.proofs import (
    CONSISTENCY_FORMAT,
    ProofUnavailable,
    consistency_proof_for,
    inclusion_proof_for,
    proof_document,
)
from vigil.ledger import (
    Ed25519Verifier,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.encoding import decode_base64
from vigil.organisations.models import Organisation


def hashes(values: list[str]) -> list[bytes]:
    return [decode_base64(value) for value in values]


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 3, 7)
    return centre_a


def test_inclusion_proof_against_latest_checkpoint(log: Organisation) -> None:
    keys = ensure_log_keys(log)
    verifier = Ed25519Verifier.from_verifier_key(keys.verifier_key)
    for index in (0, 6, 7, 20):
        document = inclusion_proof_for(log, index)
        assert document["index"] == index
        assert document["tree_size"] == 21
        checkpoint = open_checkpoint(document["checkpoint"], verifier, keys.origin)
        assert decode_base64(document["root_hash"]) == checkpoint.root_hash
        verify_inclusion(
            decode_base64(document["leaf_hash"]),
            index,
            checkpoint.size,
            hashes(document["proof"]),
            checkpoint.root_hash,
        )


def test_inclusion_proof_at_earlier_size(log: Organisation) -> None:
    document = inclusion_proof_for(log, 3, size=14)
    assert document["tree_size"] == 14
    assert document["checkpoint"] is not None
    verify_inclusion(
        decode_base64(document["leaf_hash"]),
        3,
        14,
        hashes(document["proof"]),
        decode_base64(document["root_hash"]),
    )


def test_inclusion_proof_without_checkpoint_at_size(log: Organisation) -> None:
    assert inclusion_proof_for(log, 3, size=10)["checkpoint"] is None


def test_proof_document_needs_checkpoint_at_size(log: Organisation) -> None:
    with translation.override("en"), pytest.raises(ProofUnavailable) as raised:
        proof_document(log, 3, size=10)
    assert str(raised.value) == (
        "no checkpoint was signed at tree size 10, so vigil-verify cannot "
        "check an inclusion proof in that tree. The nearest signed sizes are 7 and 14"
    )


def test_unsigned_size_names_one_neighbour(log: Organisation) -> None:
    with translation.override("en"), pytest.raises(ProofUnavailable) as raised:
        proof_document(log, 3, size=5)
    assert str(raised.value).endswith(". The nearest signed size is 7")


def test_entry_after_checkpoint_unavailable(
    log: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest_range(log, 100, 103)
    with translation.override("en"), pytest.raises(ProofUnavailable) as raised:
        inclusion_proof_for(log, 22)
    assert str(raised.value) == (
        "entry 22 is not in the tree of size 21 of the latest signed checkpoint. "
        "Sign a checkpoint that covers it with 'vigil accesslog checkpoint --org "
        "centre-a' and ask for the proof again"
    )


def test_entry_after_checkpoint_reason_in_dutch(
    log: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest_range(log, 100, 103)
    with translation.override("nl"), pytest.raises(ProofUnavailable) as raised:
        inclusion_proof_for(log, 22)
    assert "'vigil accesslog checkpoint --org centre-a'" in str(raised.value)
    assert "entry 22" not in str(raised.value)


@pytest.mark.parametrize("index", [-1, 21, 500])
def test_entry_outside_log_unavailable(log: Organisation, index: int) -> None:
    with translation.override("en"), pytest.raises(ProofUnavailable) as raised:
        inclusion_proof_for(log, index)
    assert "the log has entries 0 to 20" in str(raised.value)
    assert "vigil accesslog checkpoint" not in str(raised.value)


def test_no_checkpoint_unavailable(centre_a: Organisation) -> None:
    with (
        translation.override("en"),
        pytest.raises(ProofUnavailable, match="no signed checkpoint"),
    ):
        inclusion_proof_for(centre_a, 0)


def test_no_checkpoint_names_organisation(centre_a: Organisation) -> None:
    with translation.override("en"), pytest.raises(ProofUnavailable) as proof:
        proof_document(centre_a, 0)
    with translation.override("en"), pytest.raises(ProofUnavailable) as consistency:
        consistency_proof_for(centre_a, 0)

    assert "'vigil accesslog checkpoint --org centre-a'" in str(proof.value)
    assert "'vigil accesslog checkpoint --org centre-a'" in str(consistency.value)


@pytest.mark.parametrize("size", [-1, 22])
def test_size_out_of_range_unavailable(log: Organisation, size: int) -> None:
    with pytest.raises(ProofUnavailable):
        inclusion_proof_for(log, 0, size=size)


def test_consistency_between_checkpoints(log: Organisation) -> None:
    document = consistency_proof_for(log, 7)
    assert document["format"] == CONSISTENCY_FORMAT
    assert (document["old_size"], document["new_size"]) == (7, 21)
    assert document["old_checkpoint"] is not None
    assert document["new_checkpoint"] is not None
    verify_consistency(
        7,
        21,
        decode_base64(document["old_root"]),
        decode_base64(document["new_root"]),
        hashes(document["proof"]),
    )


def test_consistency_from_empty_tree(log: Organisation) -> None:
    document = consistency_proof_for(log, 0)
    assert document["proof"] == []
    assert document["old_checkpoint"] is None


def test_consistency_old_above_new_unavailable(log: Organisation) -> None:
    with pytest.raises(ProofUnavailable):
        consistency_proof_for(log, 15, new_size=14)


def test_consistency_needs_checkpoint_at_new_size(log: Organisation) -> None:
    with translation.override("en"), pytest.raises(ProofUnavailable) as raised:
        consistency_proof_for(log, 7, new_size=15)
    assert str(raised.value) == (
        "no checkpoint was signed at tree size 15, so vigil-verify cannot "
        "check a consistency proof in that tree. The nearest signed sizes are "
        "14 and 21"
    )


def test_consistency_from_unsigned_old_size(log: Organisation) -> None:
    document = consistency_proof_for(log, 9, new_size=14)
    assert document["old_checkpoint"] is None
    assert document["new_checkpoint"] is not None
