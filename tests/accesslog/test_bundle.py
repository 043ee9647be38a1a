"""Proof bundles and the offline verifier ``vigil-verify``, run as an auditor would."""

import base64
import datetime
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import translation

from tests.accesslog.factories import (
    cut_back,
    empty_as_expired,
    event,
    ingest_batches,
    ingest_range,
    tampering,
    vouch_for_expiry,
)
from vigil.accesslog.bundle import BUNDLE_FORMAT, export_bundle
from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys, signer_for
from vigil.accesslog.leaves import entry_leaf
from vigil.accesslog.models import AccessEntry, LogCheckpoint
from vigil.accesslog.retention import expire_entries
from vigil.accesslog.verification import verify_log
from vigil.audit.models import AuditEntry
from vigil.ledger import Checkpoint, Ed25519Signer, sign_checkpoint
from vigil.organisations.models import Organisation

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)

# Runs vigil-verify's main() and reports whether Django or another part of
# Vigil than the ledger and the verifier itself was imported.
RUNNER = """
import sys
from vigil.accesslog.verify_cli import main
status = main(sys.argv[1:])
allowed = {
    "vigil",
    "vigil.accesslog",
    "vigil.accesslog.verify_cli",
    "vigil.accesslog.verify_cli_bundle",
    "vigil.accesslog.verify_cli_checks",
    "vigil.accesslog.verify_cli_documents",
}
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] == "django"
    or (name.startswith("vigil") and name not in allowed
        and not name.startswith("vigil.ledger"))
)
print("LOADED:" + ",".join(loaded))
sys.exit(status)
"""


def run_verify(*arguments: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "LOADED:\n" in result.stdout, result.stdout + result.stderr
    return result


def printed(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Return vigil-verify's output lines, without the runner's import report."""
    return [
        line for line in result.stdout.splitlines() if not line.startswith("LOADED:")
    ]


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 3, 5)
    ingest_events(
        centre_a,
        [(1, event(99, time="2026-04-01T08:00:00Z"))],
        source="test",
    )
    return centre_a


def export(organisation: Organisation, tmp_path: Path, **options: Any) -> Path:
    path = tmp_path / "bundle.json"
    with path.open("w", encoding="utf-8") as stream:
        export_bundle(organisation, START, END, stream, actor=None, **options)
    return path


def vkey(organisation: Organisation) -> str:
    return ensure_log_keys(organisation).verifier_key


def test_bundle_contents(log: Organisation, tmp_path: Path) -> None:
    bundle = json.loads(export(log, tmp_path).read_text(encoding="utf-8"))
    assert bundle["format"] == BUNDLE_FORMAT
    assert bundle["origin"] == ensure_log_keys(log).origin
    assert bundle["verifier_key"] == vkey(log)
    assert bundle["tree_size"] == 16
    assert [entry["index"] for entry in bundle["entries"]] == list(range(15))
    leaf = base64.b64decode(bundle["entries"][3]["leaf"])
    entry = AccessEntry.objects.get(organisation=log, index=3)
    assert entry_leaf(bundle["origin"], entry) == leaf
    assert bundle["consistency"] is None


def test_export_audited(log: Organisation, tmp_path: Path, consultant_a: Any) -> None:
    with io.StringIO() as stream:
        summary = export_bundle(log, START, END, stream, actor=consultant_a)
    assert (summary.entries, summary.expired, summary.tree_size) == (15, 0, 16)
    audit = AuditEntry.objects.get(action="accesslog.bundle_exported")
    assert audit.actor == consultant_a
    assert audit.new_values["entries"] == 15


def test_verify_accepts_bundle(log: Organisation, tmp_path: Path) -> None:
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert "OK: 15 entries are in the tree of size 16" in result.stdout
    assert "OK: the manifest signed by " in result.stdout
    assert "NOTE" not in result.stdout


def test_verify_key_file_and_listing(log: Organisation, tmp_path: Path) -> None:
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(vkey(log) + "\n", encoding="utf-8")
    bundle = export(log, tmp_path)
    result = run_verify(str(bundle), "--key-file", str(key_file), "--list")
    assert result.returncode == 0, result.stderr
    listed = [
        json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")
    ]
    assert [leaf["index"] for leaf in listed] == list(range(15))
    assert listed[0]["event_id"] == "e-0"
    # Only JSON lines on standard output, so that it can go to a JSON tool.
    assert all(line.startswith("{") for line in printed(result))
    assert "OK: 15 entries are in the tree of size 16" in result.stderr


def test_verify_listing_into_closed_pipe(log: Organisation, tmp_path: Path) -> None:
    # A listing of 315 entries is longer than a pipe's buffer (64 KiB on
    # Linux), so vigil-verify is still writing it when the pipe closes.
    ingest_range(log, 100, 400)
    bundle = export(log, tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(bundle), "--key", vkey(log), "--list"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(1)
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, errors
    assert "BrokenPipeError" not in errors


def test_verify_rejects_other_key(log: Organisation, tmp_path: Path) -> None:
    other = (
        Ed25519Signer.generate(ensure_log_keys(log).origin).verifier().verifier_key()
    )
    result = run_verify(str(export(log, tmp_path)), "--key", other)
    assert result.returncode == 1
    assert "checkpoint does not verify" in result.stderr


def test_verify_key_of_other_log_unreadable(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(centre_b))
    assert result.returncode == 2
    origin = ensure_log_keys(log).origin
    assert result.stderr.startswith(
        f"vigil-verify: the bundle's checkpoint is of log '{origin}'"
    )
    assert f"Give the verifier key of log '{origin}'" in result.stderr


def test_verify_changed_origin_member_fails(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    """An origin member that another log's checkpoint contradicts was
    changed: a failure whatever the key."""
    path = export(log, tmp_path)
    other = ensure_log_keys(centre_b).origin
    edit_bundle(path, lambda bundle: bundle.update(origin=other))
    origin = ensure_log_keys(log).origin
    for key in (vkey(log), vkey(centre_b)):
        result = run_verify(str(path), "--key", key)
        assert result.returncode == 1
        assert result.stderr == (
            f"FAILED: the bundle is of log '{other}', but its checkpoint names "
            f"'{origin}'\n"
        )


def test_verify_checkpoint_file_of_other_log(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "kept.checkpoint"
    note = LogCheckpoint.objects.filter(organisation=log).latest("size").note
    path.write_text(note, encoding="utf-8")
    result = run_verify(str(path), "--key", vkey(centre_b))
    assert result.returncode == 2
    assert result.stderr.startswith(f"vigil-verify: the checkpoint {path} is of log")


def test_previous_checkpoint_of_other_log_unreadable(
    log: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    ingest_batches(centre_b, 1, 3)
    kept = tmp_path / "kept.checkpoint"
    kept.write_text(
        LogCheckpoint.objects.get(organisation=centre_b).note, encoding="utf-8"
    )
    bundle = export(log, tmp_path)
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(kept))
    assert result.returncode == 2
    origin = ensure_log_keys(log).origin
    assert result.stderr.startswith(
        f"vigil-verify: the --previous checkpoint {kept} is of log"
    )
    assert f"Give the checkpoint that you kept of log '{origin}'" in result.stderr


def edit_bundle(path: Path, change: Any) -> None:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    change(bundle)
    path.write_text(json.dumps(bundle), encoding="utf-8")


def replace_leaf(entry: dict[str, Any], old: bytes, new: bytes) -> None:
    entry["leaf"] = base64.b64encode(
        base64.b64decode(entry["leaf"]).replace(old, new)
    ).decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda bundle: replace_leaf(bundle["entries"][4], b"U123456", b"U999999"),
            "but the stated leaf_hash is ",
        ),
        (
            lambda bundle: bundle["entries"][4].update(index=40),
            "entry 40: the leaf names index 4",
        ),
        (
            lambda bundle: bundle["entries"][2]["proof"].reverse(),
            "entry 2: inclusion proof",
        ),
        (
            lambda bundle: bundle["entries"].insert(1, bundle["entries"][0]),
            "entry 0 is listed twice",
        ),
        (
            lambda bundle: bundle["entries"].reverse(),
            "entry 13 follows entry 14, but the entries must be in increasing "
            "index order",
        ),
        (
            lambda bundle: bundle.update(
                checkpoint=bundle["checkpoint"].replace("\n16\n", "\n17\n")
            ),
            "checkpoint does not verify",
        ),
    ],
)
def test_verify_rejects_tampered_bundle(
    log: Organisation, tmp_path: Path, change: Any, message: str
) -> None:
    path = export(log, tmp_path)
    edit_bundle(path, change)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 1, result.stdout
    assert message in result.stderr


def test_verify_rejects_leaf_rewritten_with_hash(
    log: Organisation, tmp_path: Path
) -> None:
    """A new leaf with a matching leaf hash still fails the inclusion proof."""
    path = export(log, tmp_path)

    def rewrite(bundle: dict[str, Any]) -> None:
        entry = bundle["entries"][4]
        replace_leaf(entry, b"U123456", b"U999999")
        leaf = base64.b64decode(entry["leaf"])
        entry["leaf_hash"] = base64.b64encode(
            hashlib.sha256(b"\x00" + leaf).digest()
        ).decode()

    edit_bundle(path, rewrite)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 1
    assert "entry 4: inclusion proof" in result.stderr


def test_verify_unreadable_bundle(tmp_path: Path, log: Organisation) -> None:
    missing = run_verify(str(tmp_path / "missing.json"), "--key", vkey(log))
    assert missing.returncode == 2
    assert (
        f"cannot read the file {tmp_path / 'missing.json'}: no such file. Check "
        "the name and the folder it is in" in missing.stderr
    )
    folder = run_verify(str(tmp_path), "--key", vkey(log))
    assert folder.returncode == 2
    assert f"cannot read the file {tmp_path}: it is a folder" in folder.stderr
    (tmp_path / "latin1.json").write_bytes(b"\xe9")
    latin1 = run_verify(str(tmp_path / "latin1.json"), "--key", vkey(log))
    assert latin1.returncode == 2
    assert "latin1.json: it is not UTF-8 text" in latin1.stderr
    (tmp_path / "bad.json").write_text("{]", encoding="utf-8")
    broken = run_verify(str(tmp_path / "bad.json"), "--key", vkey(log))
    assert broken.returncode == 2
    assert f"the file {tmp_path / 'bad.json'} is not valid JSON: " in broken.stderr
    assert (
        ". Give a bundle, a proof document or a consistency document, which are "
        "JSON, or a signed checkpoint" in broken.stderr
    )
    for key in ("nonsense", ""):
        invalid_key = run_verify(str(tmp_path / "bad.json"), "--key", key)
        assert invalid_key.returncode == 2
        assert "verifier key is invalid" in invalid_key.stderr


def test_verify_cut_off_bundle(tmp_path: Path, log: Organisation) -> None:
    """A bundle cut off anywhere is named as such, with its size in bytes."""
    whole = export(log, tmp_path).read_bytes()
    cut = tmp_path / "cut.json"
    inside_string = whole.index(b'"leaf": "') + 20
    for size in (1, len(whole) // 2, inside_string, len(whole) - 2):
        cut.write_bytes(whole[:size])
        result = run_verify(str(cut), "--key", vkey(log))
        assert result.returncode == 2, size
        unit = "byte" if size == 1 else "bytes"
        assert result.stderr == (
            f"vigil-verify: the file {cut} ends early: its JSON stops unfinished "
            f"after {size} {unit}, so the download or copy was probably cut off. "
            "Get the file again and check the new copy\n"
        ), size


def test_verify_empty_file_named(tmp_path: Path, log: Organisation) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("\n", encoding="utf-8")
    result = run_verify(str(empty), "--key", vkey(log))
    assert result.returncode == 2
    assert result.stderr == (
        f"vigil-verify: the file {empty} is empty, so the download or copy "
        "probably failed. Get the file again and check the new copy\n"
    )


@pytest.mark.parametrize(
    "failure",
    [
        "EXPORT FAILED: entry 3 was changed. This file is incomplete.",
        "EXPORTATION ÉCHOUÉE\u00a0: l'entrée 3 a été modifiée.",
    ],
    ids=["en", "fr"],
)
def test_verify_shows_why_a_download_broke_off(
    tmp_path: Path, log: Organisation, failure: str
) -> None:
    # The pages end a download that failed after it started with the reason.
    whole = export(log, tmp_path).read_text(encoding="utf-8")
    partial = tmp_path / "partial.json"
    partial.write_text(whole[: len(whole) // 2] + "\n\n" + failure, encoding="utf-8")
    result = run_verify(str(partial), "--key", vkey(log))
    assert result.returncode == 2
    assert (
        f"the file {partial} is not a bundle: the export failed while it was "
        f"written, and the file ends with its reason: {failure}"
    ) in result.stderr


def test_verify_names_checkpoint_given_as_key(
    tmp_path: Path, log: Organisation
) -> None:
    path = export(log, tmp_path)
    note = latest_checkpoint(log)
    assert note is not None
    checkpoint = tmp_path / "log.checkpoint"
    checkpoint.write_text(note.note, encoding="utf-8")

    result = run_verify(str(path), "--key-file", str(checkpoint))

    assert result.returncode == 2
    assert "the verifier key is a signed note, such as a checkpoint" in result.stderr
    assert "vigil accesslog public-key --org SLUG" in result.stderr


def test_verify_names_document_given_as_key(tmp_path: Path, log: Organisation) -> None:
    path = export(log, tmp_path)

    result = run_verify(str(path), "--key-file", str(path))

    assert result.returncode == 2
    assert "the verifier key is a JSON document, not a key" in result.stderr


def test_bundle_without_origin_unreadable(tmp_path: Path, log: Organisation) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(
        '{"format": "vigil-accesslog-bundle/2", "entries": 3}', encoding="utf-8"
    )
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 2
    assert result.stderr == (
        "vigil-verify: the file is not a valid bundle: its member 'origin' is missing\n"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda bundle: bundle.pop("checkpoint"),
            "its member 'checkpoint' is missing",
        ),
        (
            lambda bundle: bundle.update(origin=7),
            "its member 'origin' is 7, not a string",
        ),
        (
            lambda bundle: bundle.update(tree_size="16"),
            "its member 'tree_size' is \"16\", not an integer",
        ),
        (
            lambda bundle: bundle.update(tree_size=True),
            "its member 'tree_size' is true, not an integer",
        ),
        (
            lambda bundle: bundle.update(entries={"0": bundle["entries"][0]}),
            'its member \'entries\' is {"0": {"index": 0, "leaf": "eyJhY3Rpb24i…, '
            "not a list",
        ),
        (lambda bundle: bundle.pop("to"), "its member 'to' is missing"),
        (
            lambda bundle: bundle.update(consistency=[]),
            "its member 'consistency' is [], not an object",
        ),
        (
            lambda bundle: bundle.update(manifest=1),
            "its member 'manifest' is 1, not a string",
        ),
    ],
    ids=[
        "no-checkpoint",
        "origin",
        "tree-size",
        "tree-size-bool",
        "entries",
        "no-to",
        "consistency",
        "manifest",
    ],
)
def test_bundle_member_of_wrong_type_unreadable(
    log: Organisation, tmp_path: Path, change: Any, message: str
) -> None:
    path = export(log, tmp_path)
    edit_bundle(path, change)
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"vigil-verify: the file is not a valid bundle: {message}\n"
    )


def test_consistency_with_previous_checkpoint(
    log: Organisation, tmp_path: Path
) -> None:
    earlier = LogCheckpoint.objects.get(organisation=log, size=10).note
    previous = tmp_path / "earlier.checkpoint"
    previous.write_text(earlier, encoding="utf-8")
    bundle = export(log, tmp_path, previous_note=earlier)
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    assert "extends your previous checkpoint of size 10" in result.stdout


def test_previous_checkpoint_needs_proof_in_bundle(
    log: Organisation, tmp_path: Path
) -> None:
    previous = tmp_path / "earlier.checkpoint"
    previous.write_text(
        LogCheckpoint.objects.get(organisation=log, size=10).note, encoding="utf-8"
    )
    result = run_verify(
        str(export(log, tmp_path)), "--key", vkey(log), "--previous", str(previous)
    )
    assert result.returncode == 2
    assert "no consistency proof from size 10" in result.stderr
    assert "Export it again with this checkpoint" in result.stderr
    assert "FAILED" not in result.stderr


def test_previous_checkpoint_of_another_size(log: Organisation, tmp_path: Path) -> None:
    exported_from = LogCheckpoint.objects.get(organisation=log, size=5).note
    previous = tmp_path / "earlier.checkpoint"
    previous.write_text(
        LogCheckpoint.objects.get(organisation=log, size=10).note, encoding="utf-8"
    )
    bundle = export(log, tmp_path, previous_note=exported_from)
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 2
    assert "no consistency proof from size 10" in result.stderr


def test_verify_escapes_the_failure_line(tmp_path: Path, log: Organisation) -> None:
    path = tmp_path / "partial.json"
    path.write_text(
        '{\n "format": "vigil-accesslog-bundle/3",\n\n'
        "EXPORT FAILED: \x1b]0;title\x07\x1b[2J\u202eok\u00a0:\u2003end\n",
        encoding="utf-8",
    )
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 2
    # The escapes are those of the ingestion report. The no-break space that
    # French puts before a colon is kept, and other spaces are escaped.
    assert (
        "EXPORT FAILED: \\u001b]0;title\\u0007\\u001b[2J\\u202eok\u00a0:\\u2003end"
        in result.stderr
    )
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr


def test_previous_checkpoint_of_the_bundles_size(
    log: Organisation, tmp_path: Path
) -> None:
    # The auditor kept the latest checkpoint, which the bundle is proved in.
    bundle = export(log, tmp_path)
    checkpoint = json.loads(bundle.read_text(encoding="utf-8"))["checkpoint"]
    previous = tmp_path / "kept.checkpoint"
    previous.write_text(checkpoint, encoding="utf-8")
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    assert (
        "OK: the bundle's checkpoint is the one you kept: the same tree of size 16"
        in result.stdout
    )


def test_previous_checkpoint_of_same_size_other_root_fails(
    log: Organisation, tmp_path: Path
) -> None:
    keys = ensure_log_keys(log)
    other = sign_checkpoint(Checkpoint(keys.origin, 16, bytes(32)), signer_for(keys))
    previous = tmp_path / "kept.checkpoint"
    previous.write_text(other, encoding="utf-8")
    result = run_verify(
        str(export(log, tmp_path)), "--key", vkey(log), "--previous", str(previous)
    )
    assert result.returncode == 1
    assert result.stderr == (
        "FAILED: your previous checkpoint and the bundle's both have size 16, but "
        "their root hashes differ, so the log was changed after you kept your "
        "checkpoint\n"
    )


def test_bundle_older_than_previous_fails(log: Organisation, tmp_path: Path) -> None:
    """A bundle exported before the auditor's checkpoint was signed."""
    bundle = export(log, tmp_path)
    ingest_range(log, 100, 104)
    previous = tmp_path / "later.checkpoint"
    previous.write_text(
        LogCheckpoint.objects.get(organisation=log, size=20).note, encoding="utf-8"
    )
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 1
    assert result.stderr == (
        "FAILED: your previous checkpoint has size 20, but the bundle's tree has "
        "size 16. The bundle may be older than the checkpoint you kept, so ask "
        "the centre for a new export. If the tree of the new export is still "
        "smaller than 20, the log was cut back\n"
    )


def test_cut_back_log_caught_by_auditor(log: Organisation, tmp_path: Path) -> None:
    """The administrator cuts the log back to 10 entries, checkpoints included.

    The log then verifies on its own, but the auditor's checkpoint of size 15
    shows what happened.
    """
    kept = LogCheckpoint.objects.get(organisation=log, size=15).note
    with tampering() as cursor:
        cut_back(cursor, log, 10)
        cursor.execute(
            "DELETE FROM accesslog_logcheckpoint "
            "WHERE organisation_id = %s AND size > 10",
            [log.pk],
        )
    assert verify_log(log).ok
    with (
        translation.override("en"),
        pytest.raises(ValueError, match="was cut back"),
        io.StringIO() as stream,
    ):
        export_bundle(log, START, END, stream, actor=None, previous_note=kept)


def test_previous_checkpoint_of_other_log_rejected(
    log: Organisation, centre_b: Organisation
) -> None:
    ingest_batches(centre_b, 1, 3)
    foreign = LogCheckpoint.objects.get(organisation=centre_b).note
    with (
        translation.override("en"),
        pytest.raises(
            ValueError,
            match=r"^the previous checkpoint is not a valid checkpoint of this "
            r"log: it is a checkpoint of another log$",
        ),
        io.StringIO() as stream,
    ):
        export_bundle(log, START, END, stream, actor=None, previous_note=foreign)


def test_previous_checkpoint_unsigned_rejected(
    log: Organisation, centre_b: Organisation
) -> None:
    # Another log's name on a note signed by neither log: the note was
    # changed, so it is not called a checkpoint of another log.
    ingest_batches(centre_b, 1, 3)
    foreign = LogCheckpoint.objects.get(organisation=centre_b).note
    text, signature = foreign.split("\n\n")
    forged = text + "\n\n" + signature.replace("centre-b", "centre-c", 1)
    with (
        translation.override("en"),
        pytest.raises(ValueError, match=r"it carries no signature by this log's key$"),
        io.StringIO() as stream,
    ):
        export_bundle(log, START, END, stream, actor=None, previous_note=forged)


def test_expired_entries_proved_by_hash(log: Organisation, tmp_path: Path) -> None:
    now = datetime.datetime(2036, 3, 2, 12, tzinfo=datetime.UTC)
    assert expire_entries(log, now, actor=None).expired == 15
    with mock.patch("vigil.accesslog.retention.timezone.now", return_value=now):
        path = export(log, tmp_path)
    bundle = json.loads(path.read_text(encoding="utf-8"))
    assert all(entry["leaf"] is None for entry in bundle["entries"])
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert printed(result)[2] == (
        "NOTE: 15 of them, entries 0 to 14, have no leaf bytes, because the signed "
        "manifest states that the first 15 entries of the log had expired. Only "
        "their leaf hashes were checked, not their content or time"
    )


def test_entry_emptied_within_retention_not_exported(
    log: Organisation, tmp_path: Path
) -> None:
    # The triggers let this update through, but expiry would not empty an
    # entry of March 2026 before 2036.
    empty_as_expired(log, range(1))
    with (
        translation.override("en"),
        pytest.raises(
            ValueError,
            match=r"^entry 0 was emptied as expired, but its time "
            r"2026-03-02T09:15:30\.250Z lies within the retention period of "
            r"3650 days",
        ),
    ):
        export(log, tmp_path)
    # Found before the first piece, so a download has not started.
    assert (tmp_path / "bundle.json").read_text() == ""


@pytest.mark.usefixtures("one_day_retention")
def test_expired_prefix_named_in_note(log: Organisation, tmp_path: Path) -> None:
    empty_as_expired(log, range(5))
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert printed(result)[2] == (
        "NOTE: 5 of them, entries 0 to 4, have no leaf bytes, because the signed "
        "manifest states that the first 5 entries of the log had expired. Only "
        "their leaf hashes were checked, not their content or time"
    )


def test_entry_without_leaf_after_leaf_fails(log: Organisation, tmp_path: Path) -> None:
    """Leaf bytes dropped from a middle entry, as if it had expired."""
    path = export(log, tmp_path)
    edit_bundle(path, lambda bundle: bundle["entries"][7].update(leaf=None))
    result = run_verify(str(path), "--key", vkey(log))
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        "FAILED: entry 7 has no leaf bytes, but entry 6 before it has them. "
        "Expiry empties the oldest entries first, so the content of entry 7 was "
        "removed\n"
    )


def sample_output(document: str, command: str) -> list[str]:
    """Return the output lines that a docs code block shows after ``$ command``."""
    lines = document.split(f"$ {command}", 1)[1].split("```", 1)[0]
    return lines.strip().splitlines()


def output_shape(line: str) -> str:
    """Replace the roots, the key and every number, which differ from log to log."""
    line = re.sub(r"root [A-Za-z0-9+/]+=*", "root ROOT", line)
    line = re.sub(r"signed by \S+", "signed by KEY", line)
    return re.sub(r"\d+", "N", line)


def test_docs_sample_matches_output(log: Organisation, tmp_path: Path) -> None:
    earlier = LogCheckpoint.objects.get(organisation=log, size=10).note
    previous = tmp_path / "february.checkpoint"
    previous.write_text(earlier, encoding="utf-8")
    bundle = export(log, tmp_path, previous_note=earlier)
    result = run_verify(str(bundle), "--key", vkey(log), "--previous", str(previous))
    assert result.returncode == 0, result.stderr
    printed = [line for line in result.stdout.splitlines() if line.startswith("OK")]
    docs = (PROJECT_ROOT / "docs" / "accesslog.md").read_text(encoding="utf-8")
    sample = sample_output(
        docs,
        "vigil-verify march.json --key-file ocmw-voorbeeld.vkey "
        "--previous february.checkpoint",
    )
    assert [output_shape(line) for line in sample] == [
        output_shape(line) for line in printed
    ]


@pytest.mark.usefixtures("one_day_retention")
def test_one_expired_entry_singular(log: Organisation, tmp_path: Path) -> None:
    empty_as_expired(log, range(1))
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
    assert printed(result)[2] == (
        "NOTE: entry 0 has no leaf bytes, because the signed manifest states "
        "that the first entry of the log had expired. Only its leaf hash was "
        "checked, not its content or time"
    )


@pytest.mark.usefixtures("one_day_retention")
def test_unvouched_expired_entries_not_exported(
    log: Organisation, tmp_path: Path
) -> None:
    # The signed manifest would state that entries 3 and 4 expired, but
    # their statement is signed with another key.
    empty_as_expired(log, range(5), vouched=False)
    vouch_for_expiry(log, 0, 3)
    vouch_for_expiry(log, 3, 5, forged=True)
    with (
        translation.override("en"),
        pytest.raises(
            ValueError,
            match=r"^entry 3 was emptied as expired, but no expiry statement "
            r"signed with the log key covers it",
        ),
    ):
        export(log, tmp_path)
    vouch_for_expiry(log, 3, 5)
    result = run_verify(str(export(log, tmp_path)), "--key", vkey(log))
    assert result.returncode == 0, result.stderr
