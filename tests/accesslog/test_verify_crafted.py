"""Crafted input for ``vigil-verify``: one clear failure line, never a traceback."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.accesslog.factories import ingest_batches
from tests.accesslog.test_bundle import edit_bundle, export, run_verify, vkey
from vigil.accesslog.encoding import LeafFields, encode_leaf
from vigil.ledger import Checkpoint, Ed25519Signer, leaf_hash, sign_checkpoint
from vigil.organisations.models import Organisation

ORIGIN = "vigil.accesslog/0999999922/crafted"
# More digits than Python converts to an int by default (4,300).
HUGE_NUMBER = "9" * 5000
# Deeper than Python's JSON decoder recurses.
DEEP_ARRAY = "[" * 100_000 + "]" * 100_000


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 1, 3)
    return centre_a


def assert_one_failure(result: Any, status: int, text: str) -> None:
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert text in result.stderr


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ('{"format": ' + HUGE_NUMBER + "}", "a number has more than"),
        (DEEP_ARRAY, "nested too deeply"),
        ('{"format": ["vigil-accesslog-bundle/3"]}', "is neither a bundle"),
        ('{"format": {"name": 1}}', "is neither a bundle"),
    ],
    ids=["huge-number", "deep", "format-list", "format-object"],
)
def test_unreadable_document_named(tmp_path: Path, content: str, text: str) -> None:
    path = tmp_path / "document.json"
    path.write_text(content, encoding="utf-8")
    signer = Ed25519Signer.generate(ORIGIN)
    result = run_verify(str(path), "--key", signer.verifier().verifier_key())
    assert_one_failure(result, 2, text)


@pytest.mark.parametrize(
    ("leaf", "text"),
    [
        (b'{"index":' + HUGE_NUMBER.encode() + b"}", "a number has more than"),
        (DEEP_ARRAY.encode(), "its arrays or objects are nested too deeply"),
    ],
    ids=["huge-number", "deep"],
)
def test_unreadable_leaf_in_bundle_fails(
    log: Organisation, tmp_path: Path, leaf: bytes, text: str
) -> None:
    path = export(log, tmp_path)

    def craft(bundle: dict[str, Any]) -> None:
        entry = bundle["entries"][0]
        entry["leaf"] = encode(leaf)
        entry["leaf_hash"] = encode(leaf_hash(leaf))

    edit_bundle(path, craft)
    result = run_verify(str(path), "--key", vkey(log))
    assert_one_failure(result, 1, f"entry 0: the leaf is not UTF-8 JSON: {text}")


def leaf_fields(**changes: Any) -> dict[str, Any]:
    fields = LeafFields(
        leaf_index=0,
        event_id="e-1",
        time="2026-03-02T09:15:30.250Z",
        user_id="U123456",
        application="social-file",
        action="consult",
        subject_pseudonym="ab" * 32,
        service="IdentifyPerson",
        case_ref="",
        source_ip="",
        outcome="",
    )
    value = json.loads(encode_leaf(ORIGIN, fields))
    value.update(changes)
    assert isinstance(value, dict)
    return value


def signed_proof_document(
    tmp_path: Path, value: dict[str, Any], leaf: bytes | None = None
) -> tuple[Path, str]:
    """Sign a one-entry tree whose leaf is ``leaf``, else ``value`` encoded."""
    if leaf is None:
        leaf = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    root = leaf_hash(leaf)
    signer = Ed25519Signer.generate(ORIGIN)
    document = {
        "format": "vigil-accesslog-proof/1",
        "event_id": value["event_id"],
        "leaf": encode(leaf),
        "index": 0,
        "tree_size": 1,
        "leaf_hash": encode(root),
        "root_hash": encode(root),
        "proof": [],
        "checkpoint": sign_checkpoint(Checkpoint(ORIGIN, 1, root), signer),
    }
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, signer.verifier().verifier_key()


def test_signed_canonical_leaf_verifies(tmp_path: Path) -> None:
    path, key = signed_proof_document(tmp_path, leaf_fields())
    result = run_verify(str(path), "--key", key)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"v": True}, "entry 0: the leaf's member 'v' is true, not the integer 1"),
        ({"v": 1.0}, "entry 0: the leaf's member 'v' is 1.0, not the integer 1"),
        ({"index": 0.0}, "entry 0: the leaf's member 'index' is 0.0, not an integer"),
        ({"index": False}, "entry 0: the leaf's member 'index' is false, not an"),
        ({"user_id": None}, "entry 0: the leaf's member 'user_id' is null, not a"),
        ({"time": 17}, "entry 0: the leaf's member 'time' is 17, not a string"),
        ({"event_id": ["e-1"]}, "entry 0: the leaf's member 'event_id' is"),
    ],
    ids=["v-true", "v-float", "index-float", "index-false", "null", "number", "list"],
)
def test_signed_leaf_of_wrong_type_fails(
    tmp_path: Path, changes: dict[str, Any], text: str
) -> None:
    """A leaf that hashes right but is not version-1 leaf bytes fails."""
    path, key = signed_proof_document(tmp_path, leaf_fields(**changes))
    result = run_verify(str(path), "--key", key)
    assert_one_failure(result, 1, text)


def surrogate_leaf(user_id_escape: str) -> bytes:
    """Return canonical leaf bytes whose user id is the JSON escape given."""
    leaf = json.dumps(
        leaf_fields(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return leaf.replace('"user_id":"U123456"', f'"user_id":"{user_id_escape}"').encode(
        "utf-8"
    )


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc80b"])
def test_signed_leaf_with_lone_surrogate_fails(tmp_path: Path, escape: str) -> None:
    """A JSON escape of a lone surrogate decodes to text without UTF-8 bytes."""
    path, key = signed_proof_document(tmp_path, leaf_fields(), surrogate_leaf(escape))
    result = run_verify(str(path), "--key", key)
    assert_one_failure(
        result, 1, "FAILED: entry 0: the leaf bytes are not in canonical form"
    )


def test_bundle_leaf_with_lone_surrogate_fails(
    log: Organisation, tmp_path: Path
) -> None:
    path = export(log, tmp_path)
    leaf = surrogate_leaf("\\ud800")

    def craft(bundle: dict[str, Any]) -> None:
        entry = bundle["entries"][0]
        entry["leaf"] = encode(leaf)
        entry["leaf_hash"] = encode(leaf_hash(leaf))

    edit_bundle(path, craft)
    result = run_verify(str(path), "--key", vkey(log))
    assert_one_failure(
        result, 1, "FAILED: entry 0: the leaf bytes are not in canonical form"
    )


def test_key_with_lone_surrogate_unreadable(tmp_path: Path) -> None:
    """A byte that is not UTF-8 in an argument reaches Python as a surrogate."""
    path, key = signed_proof_document(tmp_path, leaf_fields())
    result = run_verify(str(path), "--key", "\udcff" + key)
    assert_one_failure(result, 2, "which is not valid UTF-8 text")
