"""The proof document of one entry, as the web page and the command give it,
checked offline with ``vigil-verify`` as an auditor would."""

import base64
import datetime
import hashlib
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.accesslog.factories import (
    empty_as_expired,
    ingest_batches,
    tampering,
    vouch_for_expiry,
)
from tests.accesslog.test_bundle import (
    PROJECT_ROOT,
    output_shape,
    printed,
    run_verify,
    sample_output,
    vkey,
)
from tests.conftest import login
from vigil.accesslog import proofs, verify_cli
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.retention import expire_entries
from vigil.accounts.models import User
from vigil.ledger import Ed25519Signer, Ed25519Verifier
from vigil.organisations.models import Organisation

type Document = dict[str, Any]

NO_LEAF_NOTE = (
    "NOTE: the leaf content and the event id were not checked, because the "
    "proof document has no leaf bytes (expired entries have none)"
)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    """Fifteen entries in three batches, with checkpoints at 5, 10 and 15."""
    ingest_batches(centre_a, 3, 5)
    return centre_a


def write(tmp_path: Path, document: Document) -> Path:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def verify(
    tmp_path: Path, document: Document, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return run_verify(str(write(tmp_path, document)), *arguments)


@pytest.fixture
def document(log: Organisation) -> Document:
    return proofs.proof_document(log, 3)


def test_proof_formats_agree() -> None:
    assert verify_cli.PROOF_FORMAT == proofs.PROOF_FORMAT


def test_downloaded_proof_verifies(
    log: Organisation, consultant_a: User, tmp_path: Path
) -> None:
    url = reverse("accesslog:proof", kwargs={"org": log.slug, "index": 3})
    response = login(consultant_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="accesslog-centre-a-proof-3.json"'
    )
    path = tmp_path / "downloaded.json"
    path.write_bytes(response.content)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "OK: entry 3 (event id e-3) is in the tree of size 15 with root "
    )
    assert f"signed by {ensure_log_keys(log).origin}+" in result.stdout
    assert result.stderr == ""


def test_printed_proof_verifies(log: Organisation, tmp_path: Path) -> None:
    output = io.StringIO()
    call_command("accesslog", "prove", "--org", log.slug, "--index", "7", stdout=output)
    path = tmp_path / "printed.json"
    path.write_text(output.getvalue(), encoding="utf-8")
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(vkey(log) + "\n", encoding="utf-8")
    result = run_verify(str(path), "--key-file", str(key_file), "--list")
    assert result.returncode == 0, result.stderr
    listed = [json.loads(line) for line in printed(result) if line.startswith("{")]
    assert [leaf["index"] for leaf in listed] == [7]
    assert "OK: entry 7 (event id e-7) is in the tree of size 15" in result.stderr


def test_proof_at_earlier_checkpoint_verifies(
    log: Organisation, tmp_path: Path
) -> None:
    document = proofs.proof_document(log, 3, size=10)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert "OK: entry 3 (event id e-3) is in the tree of size 10" in result.stdout


def test_proof_without_format_verifies(log: Organisation, tmp_path: Path) -> None:
    """A document written before proof documents had a format and leaf."""
    document = proofs.inclusion_proof_for(log, 3)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert "OK: the leaf hash of entry 3 is in the tree of size 15" in result.stdout
    assert printed(result)[1] == NO_LEAF_NOTE


@pytest.mark.usefixtures("one_day_retention")
def test_expired_entry_proved_by_hash(log: Organisation, tmp_path: Path) -> None:
    now = datetime.datetime(2036, 3, 2, 12, tzinfo=datetime.UTC)
    assert expire_entries(log, now, actor=None).expired == 15
    document = proofs.proof_document(log, 3)
    assert document["leaf"] is None
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    lines = printed(result)
    assert lines[0].startswith("OK: the leaf hash of entry 3 is in the tree of size 15")
    assert lines[1] == NO_LEAF_NOTE
    assert "expired" not in lines[0]


def test_entry_emptied_within_retention_gets_no_proof(log: Organisation) -> None:
    empty_as_expired(log, range(1))
    with (
        translation.override("en"),
        pytest.raises(
            proofs.ProofUnavailable,
            match=r"^entry 0 was emptied as expired, but its time .* lies within "
            r"the retention period of 3650 days and after the cut-off of every "
            r"expiry statement",
        ),
    ):
        proofs.proof_document(log, 0)


@pytest.mark.usefixtures("one_day_retention")
def test_unvouched_expired_entry_gets_no_proof(log: Organisation) -> None:
    # The row of entry 1's statement has the right range, but its note is
    # signed with another key.
    empty_as_expired(log, range(2), vouched=False)
    vouch_for_expiry(log, 0, 1)
    vouch_for_expiry(log, 1, 2, forged=True)
    assert proofs.proof_document(log, 0)["leaf"] is None
    with (
        translation.override("en"),
        pytest.raises(
            proofs.LogDamagedProofUnavailable,
            match=r"^entry 1 was emptied as expired, but no expiry statement "
            r"signed with the log key covers it",
        ),
    ):
        proofs.proof_document(log, 1)


def test_changed_entry_proof_is_409(log: Organisation, consultant_a: User) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=3).update(service="other")
    url = reverse("accesslog:proof", kwargs={"org": log.slug, "index": 3})
    response = login(consultant_a).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["error"] == "log_damaged"
    assert response.json()["message"].startswith(
        "entry 3 does not match its stored leaf hash, so the log was changed."
    )
    assert "Content-Disposition" not in response


def test_changed_entry_proof_message_translated(
    log: Organisation, consultant_a: User
) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=3).update(service="other")
    url = reverse("accesslog:proof", kwargs={"org": log.slug, "index": 3})
    english = login(consultant_a).get(url, HTTP_ACCEPT_LANGUAGE="en")
    french = login(consultant_a).get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 409
    assert french.json()["message"] != english.json()["message"]


def test_expired_within_retention_proof_is_409(
    log: Organisation, consultant_a: User
) -> None:
    empty_as_expired(log, range(1))
    url = reverse("accesslog:proof", kwargs={"org": log.slug, "index": 0})
    response = login(consultant_a).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["error"] == "log_damaged"
    assert response.json()["message"].startswith("entry 0 was emptied as expired")


def test_proof_of_index_outside_log_is_404(
    log: Organisation, consultant_a: User
) -> None:
    url = reverse("accesslog:proof", kwargs={"org": log.slug, "index": 15})
    response = login(consultant_a).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404


def test_document_without_leaf_states_event_id_unchecked(
    log: Organisation, document: Document, tmp_path: Path
) -> None:
    """A stated event id cannot be checked without the leaf, and is not shown."""
    document.update(leaf=None, event_id="made-up")
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert "made-up" not in result.stdout
    assert printed(result)[1] == NO_LEAF_NOTE


def change_leaf(document: Document) -> None:
    leaf = base64.b64decode(document["leaf"]).replace(b"U123456", b"U999999")
    document["leaf"] = base64.b64encode(leaf).decode()


def rewrite_leaf_and_hash(document: Document) -> None:
    change_leaf(document)
    leaf = base64.b64decode(document["leaf"])
    digest = hashlib.sha256(b"\x00" + leaf).digest()
    document["leaf_hash"] = base64.b64encode(digest).decode()


def change_proof_hash(document: Document) -> None:
    first = bytearray(base64.b64decode(document["proof"][0]))
    first[0] ^= 1
    document["proof"][0] = base64.b64encode(bytes(first)).decode()


def change_root(document: Document) -> None:
    document["root_hash"] = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (change_leaf, "entry 3: the leaf hashes to "),
        (rewrite_leaf_and_hash, "entry 3: inclusion proof for leaf 3 in tree size 15"),
        (change_proof_hash, "entry 3: inclusion proof for leaf 3 in tree size 15"),
        (
            lambda document: document.update(index=4),
            "entry 4: the leaf names index 3, so it was moved",
        ),
        (
            lambda document: document.update(index=15),
            "the proof document's index 15 is not in the tree of size 15, which "
            "has the entries 0 to 14",
        ),
        (
            lambda document: document.update(index="3"),
            "the proof document's index '3' is not an integer",
        ),
        (
            lambda document: document.update(tree_size=14),
            "the proof document states tree size 14, but its signed checkpoint "
            "is of size 15",
        ),
        (
            lambda document: document.update(
                checkpoint=document["checkpoint"].replace("\n15\n", "\n14\n")
            ),
            "the proof document's checkpoint does not verify",
        ),
        (change_root, "the proof document states root AAAA"),
        (
            lambda document: document.update(event_id="e-4"),
            "entry 3: the proof document states event id 'e-4', but the leaf has 'e-3'",
        ),
        (
            lambda document: document["proof"].pop(),
            "entry 3: inclusion proof for leaf 3 in tree size 15 has 3 hashes, "
            "expected 4",
        ),
    ],
    ids=[
        "leaf",
        "leaf-and-hash",
        "proof-hash",
        "index",
        "index-outside",
        "index-text",
        "size",
        "checkpoint",
        "root",
        "event-id",
        "proof-short",
    ],
)
def test_changed_proof_fails(
    log: Organisation,
    document: Document,
    tmp_path: Path,
    change: Callable[[Document], None],
    message: str,
) -> None:
    change(document)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED, result.stdout
    assert result.stderr.startswith(f"FAILED: {message}"), result.stderr
    assert "OK" not in result.stdout


def change_leaf_hash(document: Document) -> None:
    document["leaf_hash"] = base64.b64encode(bytes(32)).decode()


def change_leaf_and_proof(document: Document) -> None:
    change_leaf(document)
    change_proof_hash(document)


@pytest.mark.parametrize(
    ("change", "conclusion"),
    [
        (
            change_leaf,
            "The inclusion proof leads from the stated leaf_hash to the "
            "checkpoint's root, so the leaf's content was changed after the "
            "entry was proved",
        ),
        (
            change_leaf_hash,
            "The inclusion proof leads from the leaf's own hash to the "
            "checkpoint's root, so the leaf is in the log, but the stated "
            "leaf_hash was changed after the entry was proved",
        ),
        (
            change_leaf_and_proof,
            "The inclusion proof leads from neither hash to the checkpoint's "
            "root, so the entry was changed after it was proved",
        ),
    ],
    ids=["leaf", "leaf-hash", "leaf-and-proof"],
)
def test_leaf_hash_mismatch_concluded(
    log: Organisation,
    document: Document,
    tmp_path: Path,
    change: Callable[[Document], None],
    conclusion: str,
) -> None:
    """The proof shows whether the leaf or its stated hash was changed."""
    change(document)
    computed = hashlib.sha256(b"\x00" + base64.b64decode(document["leaf"])).digest()
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr == (
        "FAILED: entry 3: the leaf hashes to "
        f"{base64.b64encode(computed).decode()}, but the stated leaf_hash is "
        f"{document['leaf_hash']}. {conclusion}\n"
    )


def test_inclusion_failure_shows_roots_in_base64(
    log: Organisation, document: Document, tmp_path: Path
) -> None:
    change_proof_hash(document)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert f"expected root {document['root_hash']}, computed " in result.stderr
    computed = result.stderr.rsplit("computed ", 1)[1].strip()
    assert len(base64.b64decode(computed, validate=True)) == 32


def test_invalid_base64_leaf_named(
    log: Organisation, document: Document, tmp_path: Path
) -> None:
    document["leaf"] = "*" + document["leaf"][1:]
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr.startswith("FAILED: entry 3: leaf '*")
    assert "characters) is not valid base64: character '*' at position 0" in (
        result.stderr
    )
    assert document["leaf"] not in result.stderr


def test_other_key_fails(log: Organisation, document: Document, tmp_path: Path) -> None:
    origin = ensure_log_keys(log).origin
    other = Ed25519Signer.generate(origin).verifier().verifier_key()
    result = verify(tmp_path, document, "--key", other)
    assert result.returncode == verify_cli.EXIT_FAILED
    signer_id = Ed25519Verifier.from_verifier_key(vkey(log)).key_id
    other_id = Ed25519Verifier.from_verifier_key(other).key_id
    assert result.stderr == (
        "FAILED: the proof document's checkpoint does not verify: note has no "
        f"signature by a known key: it is signed by {origin}+{signer_id:08x}, "
        f"but the known key is {origin}+{other_id:08x}\n"
    )


def test_key_of_other_log_unreadable(
    log: Organisation, centre_b: Organisation, document: Document, tmp_path: Path
) -> None:
    result = verify(tmp_path, document, "--key", vkey(centre_b))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    origin = ensure_log_keys(log).origin
    other = ensure_log_keys(centre_b).origin
    assert result.stderr.startswith(
        f"vigil-verify: the proof document's checkpoint is of log '{origin}' and "
        f"signed by '{origin}+"
    )
    assert f"of log '{other}'. Give the verifier key of log '{origin}'" in (
        result.stderr
    )


def test_changed_origin_line_fails(
    log: Organisation, centre_b: Organisation, document: Document, tmp_path: Path
) -> None:
    """A checkpoint whose origin line names another log, but whose signature
    does not, was changed: a failure, not a wrong key."""
    origin = ensure_log_keys(log).origin
    other = ensure_log_keys(centre_b).origin
    changed = {
        **document,
        "checkpoint": document["checkpoint"].replace(origin, other, 1),
    }
    result = verify(tmp_path, changed, "--key", vkey(centre_b))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr.startswith(
        "FAILED: the proof document's checkpoint does not verify"
    )


def test_proof_without_checkpoint_fails(log: Organisation, tmp_path: Path) -> None:
    """A document that ``vigil accesslog prove --size`` printed before it
    rejected sizes without a checkpoint."""
    document = {
        "format": proofs.PROOF_FORMAT,
        **proofs.inclusion_proof_for(log, 3, size=7),
    }
    assert document["checkpoint"] is None
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr.startswith(
        "FAILED: the proof document has no signed checkpoint, because none was "
        "signed at its tree size 7"
    )


def test_proof_with_previous_rejected(
    log: Organisation, document: Document, tmp_path: Path
) -> None:
    previous = tmp_path / "earlier.checkpoint"
    previous.write_text(str(proofs.proof_document(log, 3, size=10)["checkpoint"]))
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert "is a proof document, which has no consistency proof" in result.stderr


@pytest.mark.parametrize(
    "other",
    [
        lambda log: {**proofs.proof_document(log, 3), "format": "other/1"},
        lambda log: [proofs.proof_document(log, 3)],
        lambda log: {"index": 3},
    ],
    ids=["unknown-format", "list", "too-few-members"],
)
def test_other_document_unreadable(
    log: Organisation, tmp_path: Path, other: Callable[[Organisation], Any]
) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other(log)), encoding="utf-8")
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert result.stderr.endswith(
        "is neither a bundle of format vigil-accesslog-bundle/3, a proof document "
        "of format vigil-accesslog-proof/1 nor a consistency document of format "
        "vigil-accesslog-consistency/1\n"
    )


def test_docs_sample_matches_output(
    log: Organisation, document: Document, tmp_path: Path
) -> None:
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    lines = [line for line in printed(result) if line.startswith("OK")]
    docs = (PROJECT_ROOT / "docs" / "accesslog.md").read_text(encoding="utf-8")
    sample = sample_output(
        docs,
        "vigil-verify accesslog-ocmw-voorbeeld-proof-0.json "
        "--key-file ocmw-voorbeeld.vkey",
    )

    def shape(line: str) -> str:
        return output_shape(re.sub(r"\(event id \S+\)", "(event id ID)", line))

    assert [shape(line) for line in sample] == [shape(line) for line in lines]
