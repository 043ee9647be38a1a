"""Published RFC 6962 / RFC 9162 vectors of transparency-dev/merkle.

See data/rfc6962/README.md for their source and licence.
"""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from vigil.ledger import (
    MemoryHashStore,
    MerkleLog,
    ProofError,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

DATA = Path(__file__).parent / "data" / "rfc6962"
INCLUSION_FILES = sorted((DATA / "inclusion").rglob("*.json"))
CONSISTENCY_FILES = sorted((DATA / "consistency").rglob("*.json"))
REFERENCE_TREE = json.loads((DATA / "reference-tree.json").read_text())
LEAF_INPUTS = [bytes.fromhex(value) for value in REFERENCE_TREE["leaf_inputs_hex"]]
ROOTS = [bytes.fromhex(value) for value in REFERENCE_TREE["root_by_tree_size_hex"]]


def file_id(path: Path) -> str:
    return str(path.relative_to(DATA))


def load(path: Path) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads(path.read_text())
    return vector


def decode(value: str) -> bytes:
    return base64.b64decode(value)


def decode_proof(values: list[str] | None) -> list[bytes]:
    return [decode(value) for value in values or []]


def test_vector_files_present() -> None:
    assert len(INCLUSION_FILES) == 98
    assert len(CONSISTENCY_FILES) == 98


@pytest.mark.parametrize("path", INCLUSION_FILES, ids=file_id)
def test_inclusion_vector(path: Path) -> None:
    vector = load(path)
    arguments = (
        decode(vector["leafHash"]),
        vector["leafIdx"],
        vector["treeSize"],
        decode_proof(vector["proof"]),
        decode(vector["root"]),
    )
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*arguments)
    else:
        verify_inclusion(*arguments)


@pytest.mark.parametrize("path", CONSISTENCY_FILES, ids=file_id)
def test_consistency_vector(path: Path) -> None:
    vector = load(path)
    arguments = (
        vector["size1"],
        vector["size2"],
        decode(vector["root1"]),
        decode(vector["root2"]),
        decode_proof(vector["proof"]),
    )
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*arguments)
    else:
        verify_consistency(*arguments)


@pytest.mark.parametrize("size", range(9))
def test_reference_root_from_leaf_hashes(size: int) -> None:
    hashes = [leaf_hash(data) for data in LEAF_INPUTS[:size]]
    assert root_from_leaf_hashes(hashes).hex() == ROOTS[size].hex()


def test_reference_roots_of_log() -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many(LEAF_INPUTS)
    for size in range(9):
        assert log.root(size).hex() == ROOTS[size].hex(), f"tree size {size}"


def test_reference_roots_after_each_append() -> None:
    log = MerkleLog(MemoryHashStore())
    assert log.root().hex() == ROOTS[0].hex()
    for size, data in enumerate(LEAF_INPUTS, start=1):
        log.append(data)
        assert log.root().hex() == ROOTS[size].hex(), f"tree size {size}"


def test_reference_proofs_verify() -> None:
    log = MerkleLog(MemoryHashStore())
    log.append_many(LEAF_INPUTS)
    for size in range(1, 9):
        for index in range(size):
            proof = log.inclusion_proof(index, size)
            verify_inclusion(
                leaf_hash(LEAF_INPUTS[index]), index, size, proof, ROOTS[size]
            )
        for old_size in range(1, size + 1):
            proof = log.consistency_proof(old_size, size)
            verify_consistency(old_size, size, ROOTS[old_size], ROOTS[size], proof)
