"""Consistency documents of ``vigil accesslog consistency``, checked offline
with ``vigil-verify`` as an auditor would, and ``--previous`` files."""

import base64
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.accesslog.factories import ingest_batches
from tests.accesslog.test_bundle import (
    PROJECT_ROOT,
    export,
    output_shape,
    printed,
    run_verify,
    sample_output,
    vkey,
)
from vigil.accesslog import proofs, verify_cli
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import LogCheckpoint
from vigil.accesslog.verify_cli_documents import consistency_command
from vigil.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    Ed25519Signer,
    Ed25519Verifier,
    sign_checkpoint,
)
from vigil.organisations.models import Organisation

type Document = dict[str, Any]


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    """Fifteen entries in three batches, with checkpoints at 5, 10 and 15."""
    ingest_batches(centre_a, 3, 5)
    return centre_a


def key_label(organisation: Organisation) -> str:
    key_id = Ed25519Verifier.from_verifier_key(vkey(organisation)).key_id
    return f"{ensure_log_keys(organisation).origin}+{key_id:08x}"


def root(organisation: Organisation, size: int) -> str:
    checkpoint = LogCheckpoint.objects.get(organisation=organisation, size=size)
    return base64.b64encode(bytes(checkpoint.root_hash)).decode()


def checkpoint_file(organisation: Organisation, size: int, tmp_path: Path) -> Path:
    path = tmp_path / f"size-{size}.checkpoint"
    note = LogCheckpoint.objects.get(organisation=organisation, size=size).note
    path.write_text(note, encoding="utf-8")
    return path


def verify(
    tmp_path: Path, document: Document, *arguments: str
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "consistency.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return run_verify(str(path), *arguments)


def test_printed_document_verifies(log: Organisation, tmp_path: Path) -> None:
    output = io.StringIO()
    call_command(
        "accesslog", "consistency", "--org", log.slug, "--old", "5", stdout=output
    )
    document = json.loads(output.getvalue())
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    key = key_label(log)
    assert printed(result) == [
        f"OK: the tree of size 15 with root {root(log, 15)}, signed by {key}, "
        f"extends the tree of size 5 with root {root(log, 5)}, also signed by "
        f"{key}"
    ]


def test_document_with_previous_verifies(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 10)
    previous = checkpoint_file(log, 10, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    assert printed(result)[1] == (
        "OK: the log of size 15 extends your previous checkpoint of size 10"
    )


def test_unsigned_old_size_noted(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 7)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    lines = printed(result)
    assert lines[0].endswith(
        f"extends the tree of size 7 with root {document['old_root']}"
    )
    assert lines[1] == (
        "NOTE: the document has no signed checkpoint of size 7, so the old root is "
        "only as the document states it. Compare it with a checkpoint of size 7 "
        "that you kept, or pass that checkpoint with --previous"
    )


def test_from_empty_tree_verifies(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 0)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert printed(result)[0].endswith("extends the empty tree, as every tree does")


def test_document_without_format_verifies(log: Organisation, tmp_path: Path) -> None:
    """A document that the command printed before documents had a format."""
    document = proofs.consistency_proof_for(log, 5)
    del document["format"]
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == 0, result.stderr


def flip_first_proof_hash(document: Document) -> None:
    first = bytearray(base64.b64decode(document["proof"][0]))
    first[0] ^= 1
    document["proof"][0] = base64.b64encode(bytes(first)).decode()


def other_old_root(document: Document) -> None:
    document["old_root"] = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            flip_first_proof_hash,
            "consistency proof from tree size 5 to 15 does not verify: expected ",
        ),
        (
            other_old_root,
            "the consistency document states old size 5 and root AAAA",
        ),
        (
            lambda document: document.update(new_size=14),
            "the consistency document states tree size 14, but its signed "
            "checkpoint is of size 15",
        ),
        (
            lambda document: document.update(old_size=16),
            "the consistency document's old size 16 is not an integer from 0 to "
            "its new size 15",
        ),
        (
            lambda document: document.update(new_checkpoint=None),
            "the consistency document has no signed checkpoint of its new size 15",
        ),
        (
            lambda document: document.update(old_checkpoint=document["new_checkpoint"]),
            "the consistency document states old size 5 and root ",
        ),
        (
            lambda document: document["proof"].pop(),
            "consistency proof from tree size 5 to 15 has 4 hashes, expected 5",
        ),
    ],
    ids=[
        "proof-hash",
        "old-root",
        "new-size",
        "old-size",
        "no-new-checkpoint",
        "old-checkpoint",
        "proof-short",
    ],
)
def test_changed_document_fails(
    log: Organisation, tmp_path: Path, change: Any, message: str
) -> None:
    document = proofs.consistency_proof_for(log, 5)
    change(document)
    result = verify(tmp_path, document, "--key", vkey(log))
    assert result.returncode == verify_cli.EXIT_FAILED, result.stdout
    assert result.stderr.startswith(f"FAILED: {message}"), result.stderr
    assert "OK" not in result.stdout


def test_rewritten_log_caught_with_previous(log: Organisation, tmp_path: Path) -> None:
    """An old root that differs from the auditor's kept checkpoint fails."""
    document = proofs.consistency_proof_for(log, 5)
    document["old_checkpoint"] = None
    other_old_root(document)
    previous = checkpoint_file(log, 5, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr == (
        f"FAILED: your previous checkpoint of size 5 has root {root(log, 5)}, but "
        "the consistency document states old root "
        f"{document['old_root']}, so the log of that size is not the one whose "
        "checkpoint you kept\n"
    )


def test_previous_of_other_size_unusable(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 5)
    previous = checkpoint_file(log, 10, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    origin = ensure_log_keys(log).origin
    assert result.stderr == (
        "vigil-verify: the consistency document starts at size 5, but your previous "
        "checkpoint has size 10. Ask the centre for 'vigil accesslog consistency "
        f"--org {log.slug} --old 10', where {log.slug} is the slug in the log's "
        f"name {origin}\n"
    )


def test_command_of_foreign_origin_has_placeholder() -> None:
    """An origin that Vigil did not form gives no slug, so the command has SLUG."""
    assert consistency_command("example.org/log", 7) == (
        "'vigil accesslog consistency --org SLUG --old 7', where SLUG is the "
        "centre's short name in Vigil"
    )


def test_previous_of_empty_log_accepted(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 5)
    previous = tmp_path / "empty.checkpoint"
    keys = ensure_log_keys(log)
    signer = Ed25519Signer.from_signer_key(keys.signer_key)
    previous.write_text(
        sign_checkpoint(Checkpoint(keys.origin, 0, EMPTY_ROOT), signer),
        encoding="utf-8",
    )
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    assert printed(result)[-1] == (
        "OK: your previous checkpoint is of the empty log, which every log extends"
    )


def test_changed_document_of_other_size_fails(
    log: Organisation, tmp_path: Path
) -> None:
    document = proofs.consistency_proof_for(log, 5)
    other_old_root(document)
    previous = checkpoint_file(log, 10, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_FAILED
    assert result.stderr.startswith("FAILED: ")


def test_previous_larger_than_document_fails(log: Organisation, tmp_path: Path) -> None:
    """A document made before the auditor's checkpoint may just be old."""
    document = proofs.consistency_proof_for(log, 5, new_size=10)
    previous = checkpoint_file(log, 15, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_FAILED
    origin = ensure_log_keys(log).origin
    assert result.stderr == (
        "FAILED: your previous checkpoint has size 15, but the consistency "
        "document's new tree has size 10. The document may be older than the "
        "checkpoint you kept, so ask the centre for 'vigil accesslog consistency "
        f"--org {log.slug} --old 15', where {log.slug} is the slug in the log's "
        f"name {origin}. If the new tree of that document is still smaller than "
        "15, or the command fails because the log is smaller, the log was cut "
        "back\n"
    )


@pytest.mark.parametrize("kind", ["bundle", "consistency"])
def test_previous_not_a_checkpoint_unreadable(
    log: Organisation, tmp_path: Path, kind: str
) -> None:
    """A key file passed as --previous by mistake is unreadable input."""
    key_file = tmp_path / "demo.vkey"
    key_file.write_text(vkey(log) + "\n", encoding="utf-8")
    if kind == "bundle":
        path = export(log, tmp_path)
    else:
        path = tmp_path / "consistency.json"
        document = proofs.consistency_proof_for(log, 5)
        path.write_text(json.dumps(document), encoding="utf-8")
    result = run_verify(str(path), "--key", vkey(log), "--previous", str(key_file))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert result.stderr == (
        f"vigil-verify: the --previous file {key_file} contains a verifier key, "
        "not a checkpoint. Give the checkpoint note that you kept of this log\n"
    )


@pytest.mark.parametrize("kind", ["bundle", "consistency"])
def test_previous_json_document_unreadable(
    log: Organisation, tmp_path: Path, kind: str
) -> None:
    """A bundle passed as --previous by mistake is named as a JSON document."""
    bundle = export(log, tmp_path)
    if kind == "bundle":
        path = bundle
    else:
        path = tmp_path / "consistency.json"
        document = proofs.consistency_proof_for(log, 5)
        path.write_text(json.dumps(document), encoding="utf-8")
    result = run_verify(str(path), "--key", vkey(log), "--previous", str(bundle))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert result.stderr == (
        f"vigil-verify: the --previous file {bundle} is a JSON document, such as "
        "a bundle, not a checkpoint. Give the checkpoint note that you kept of "
        "this log. To keep the checkpoint of a bundle that verified, save it "
        "with: jq -r .checkpoint BUNDLE > kept.checkpoint\n"
    )


def test_previous_manifest_unreadable(log: Organisation, tmp_path: Path) -> None:
    """A signed note of the log that is not a checkpoint is not one either."""
    bundle = json.loads(export(log, tmp_path).read_text(encoding="utf-8"))
    manifest_file = tmp_path / "manifest.note"
    manifest_file.write_text(bundle["manifest"], encoding="utf-8")
    document = proofs.consistency_proof_for(log, 5)
    result = verify(
        tmp_path, document, "--key", vkey(log), "--previous", str(manifest_file)
    )
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert "is not a signed checkpoint: tree size line 'origin " in result.stderr


def test_previous_of_other_log_fails(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    ingest_batches(centre_b, 1, 3)
    previous = checkpoint_file(centre_b, 3, tmp_path)
    document = proofs.consistency_proof_for(log, 5)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == verify_cli.EXIT_UNREADABLE
    assert result.stderr.startswith(
        f"vigil-verify: the --previous checkpoint {previous} is of log "
        "'vigil.accesslog/0999999823/centre-b' and signed by "
        "'vigil.accesslog/0999999823/centre-b+"
    )
    assert result.stderr.endswith(
        "Give the checkpoint that you kept of log "
        "'vigil.accesslog/0999999922/centre-a'\n"
    )


def test_docs_sample_matches_output(log: Organisation, tmp_path: Path) -> None:
    document = proofs.consistency_proof_for(log, 10)
    previous = checkpoint_file(log, 10, tmp_path)
    result = verify(tmp_path, document, "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    docs = (PROJECT_ROOT / "docs" / "accesslog.md").read_text(encoding="utf-8")
    sample = sample_output(
        docs,
        "vigil-verify consistency.json --key-file ocmw-voorbeeld.vkey "
        "--previous february.checkpoint",
    )
    assert [output_shape(line) for line in sample] == [
        output_shape(line) for line in printed(result)
    ]
