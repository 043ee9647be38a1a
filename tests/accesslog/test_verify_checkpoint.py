"""A signed checkpoint checked on its own with ``vigil-verify``."""

from collections.abc import Callable
from pathlib import Path

from django.core.management import call_command

from tests.accesslog.factories import event, ingest_batches
from tests.accesslog.test_bundle import printed, run_verify, vkey
from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import LogCheckpoint
from vigil.ledger import ed25519_key_id
from vigil.ledger.encoding import decode_base64
from vigil.organisations.models import Organisation


def latest_note(organisation: Organisation) -> str:
    checkpoint = latest_checkpoint(organisation)
    assert checkpoint is not None
    return checkpoint.note


def write_consistency(organisation: Organisation, old: str, path: Path) -> None:
    with path.open("w", encoding="utf-8") as output:
        call_command(
            "accesslog",
            "consistency",
            "--org",
            organisation.slug,
            "--old",
            old,
            stdout=output,
        )


def kept(organisation: Organisation, tmp_path: Path, text: str | None = None) -> Path:
    checkpoint = latest_checkpoint(organisation)
    assert checkpoint is not None
    path = tmp_path / "kept.checkpoint"
    path.write_text(checkpoint.note if text is None else text, encoding="utf-8")
    return path


def test_checkpoint_verifies(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 2, 5)
    checkpoint = LogCheckpoint.objects.get(organisation=centre_a, size=10)
    result = run_verify(str(kept(centre_a, tmp_path)), "--key", vkey(centre_a))

    assert result.returncode == 0, result.stderr
    lines = printed(result)
    assert len(lines) == 1
    assert lines[0].startswith("OK: the checkpoint of the tree of size 10 with root ")
    root = checkpoint.note.splitlines()[2]
    # The name and key id, before the base64 key, which may contain "+".
    name, key_id, _key = vkey(centre_a).split("+", 2)
    assert f"with root {root} is signed by {name}+{key_id}. " in lines[0]
    assert lines[0].endswith(
        "Keep it, and give it with --previous when you check the next bundle"
    )


def test_changed_checkpoint_fails(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 2, 5)
    note = latest_checkpoint(centre_a)
    assert note is not None
    changed = note.note.replace("\n10\n", "\n11\n", 1)
    result = run_verify(str(kept(centre_a, tmp_path, changed)), "--key", vkey(centre_a))

    assert result.returncode == 1
    assert result.stderr.startswith("FAILED: the checkpoint does not verify: ")
    assert printed(result) == []


def test_checkpoint_of_other_log_fails(
    centre_a: Organisation, centre_b: Organisation, tmp_path: Path
) -> None:
    ingest_batches(centre_a, 1, 5)
    ingest_events(centre_b, [(1, event(1))], source="test")
    path = kept(centre_b, tmp_path)
    result = run_verify(str(path), "--key", vkey(centre_a))

    assert result.returncode == 2
    assert result.stderr.startswith(
        f"vigil-verify: the checkpoint {path} is of log "
        "'vigil.accesslog/0999999823/centre-b'"
    )


def test_malformed_note_unreadable(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 5)
    text = "not a checkpoint\n\n\u2014 no signature here\n"
    path = kept(centre_a, tmp_path, text)
    result = run_verify(str(path), "--key", vkey(centre_a))

    assert result.returncode == 2
    assert f"the file {path} is not a signed checkpoint: " in result.stderr
    assert "A signed checkpoint has its text, an empty line and signature " in (
        result.stderr
    )


def unsigned_message(organisation: Organisation, what: str) -> str:
    """Return the message for the checkpoint text of size 5 without signatures."""
    origin = latest_note(organisation).split("\n", 1)[0]
    return (
        f"vigil-verify: {what} contains the text of the checkpoint of log "
        f"{origin!r} at size 5 without its signature lines, so nothing shows "
        "that the centre signed it: a signed checkpoint has its text, an empty "
        "line and signature lines that start with “—”. Give the whole checkpoint "
        "note, with its empty line and signature line, as the status page's "
        "download link or 'vigil accesslog checkpoint' wrote it\n"
    )


def test_unsigned_checkpoint_file_named(centre_a: Organisation, tmp_path: Path) -> None:
    """The first three lines of a note, without the signature, are named as such."""
    ingest_batches(centre_a, 1, 5)
    text = "".join(latest_note(centre_a).splitlines(keepends=True)[:3])
    path = kept(centre_a, tmp_path, text)
    result = run_verify(str(path), "--key", vkey(centre_a))

    assert result.returncode == 2
    assert result.stderr == unsigned_message(centre_a, f"the file {path}")


def test_note_without_empty_line_not_unsigned(
    centre_a: Organisation, tmp_path: Path
) -> None:
    """A note that lost only its empty line keeps its signature line."""
    ingest_batches(centre_a, 1, 5)
    path = kept(centre_a, tmp_path, latest_note(centre_a).replace("\n\n", "\n"))
    result = run_verify(str(path), "--key", vkey(centre_a))

    assert result.returncode == 2
    assert f"the file {path} is not a signed checkpoint: note has no blank " in (
        result.stderr
    )
    assert "without its signature lines" not in result.stderr


def test_unsigned_previous_named(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 2, 5)
    earlier = LogCheckpoint.objects.get(organisation=centre_a, size=5).note
    previous = tmp_path / "previous.checkpoint"
    previous.write_text(
        "".join(earlier.splitlines(keepends=True)[:3]), encoding="utf-8"
    )
    consistency = tmp_path / "consistency.json"
    write_consistency(centre_a, "5", consistency)
    result = run_verify(
        str(consistency), "--key", vkey(centre_a), "--previous", str(previous)
    )

    assert result.returncode == 2
    assert result.stderr == unsigned_message(
        centre_a, f"the --previous file {previous}"
    )


def test_checkpoint_with_previous_rejected(
    centre_a: Organisation, tmp_path: Path
) -> None:
    ingest_batches(centre_a, 1, 5)
    path = kept(centre_a, tmp_path)
    result = run_verify(str(path), "--key", vkey(centre_a), "--previous", str(path))

    assert result.returncode == 2
    assert "is a checkpoint, which has no consistency proof to check against " in (
        result.stderr
    )
    assert "Ask for a consistency document from the size of your previous" in (
        result.stderr
    )


def test_kept_notes_without_final_newline(
    centre_a: Organisation, tmp_path: Path
) -> None:
    ingest_batches(centre_a, 2, 5)
    earlier = LogCheckpoint.objects.get(organisation=centre_a, size=5).note
    previous = tmp_path / "previous.checkpoint"
    previous.write_text(earlier.rstrip("\n"), encoding="utf-8")
    newer = kept(centre_a, tmp_path, latest_note(centre_a).rstrip("\n"))

    alone = run_verify(str(newer), "--key", vkey(centre_a))
    assert alone.returncode == 0, alone.stderr
    consistency = tmp_path / "consistency.json"
    write_consistency(centre_a, "5", consistency)
    grown = run_verify(
        str(consistency), "--key", vkey(centre_a), "--previous", str(previous)
    )
    assert grown.returncode == 0, grown.stderr


def test_kept_notes_with_editor_changes(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 2, 5)
    earlier = LogCheckpoint.objects.get(organisation=centre_a, size=5).note
    changes: dict[str, Callable[[str], str]] = {
        "byte order mark": lambda note: "\ufeff" + note,
        "blank line at the end": lambda note: note + "\n",
        "spaces at the end": lambda note: note + "  \n",
    }
    consistency = tmp_path / "consistency.json"
    write_consistency(centre_a, "5", consistency)
    for name, change in changes.items():
        newer = kept(centre_a, tmp_path, change(latest_note(centre_a)))
        alone = run_verify(str(newer), "--key", vkey(centre_a))
        assert alone.returncode == 0, (name, alone.stderr)

        previous = tmp_path / "previous.checkpoint"
        previous.write_text(change(earlier), encoding="utf-8")
        grown = run_verify(
            str(consistency), "--key", vkey(centre_a), "--previous", str(previous)
        )
        assert grown.returncode == 0, (name, grown.stderr)


def test_key_file_given_as_key_named(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 5)
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(vkey(centre_a) + "\n", encoding="utf-8")
    result = run_verify(str(kept(centre_a, tmp_path)), "--key", str(key_file))

    assert result.returncode == 2
    assert result.stderr.rstrip().endswith(
        f". {key_file} is a file: give it with --key-file {key_file}"
    )


def test_key_given_as_file_named(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 5)
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(vkey(centre_a) + "\n", encoding="utf-8")
    result = run_verify(str(key_file), "--key-file", str(key_file))

    assert result.returncode == 2
    assert f"the file {key_file} contains a verifier key, not a document" in (
        result.stderr
    )


def changed_key(organisation: Organisation) -> str:
    """Return the centre's verifier key with its last base64 character changed."""
    key = vkey(organisation)
    return key[:-1] + ("B" if key[-1] == "A" else "A")


def test_changed_key_named(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 5)
    key = changed_key(centre_a)
    name, stated, encoded = key.split("+", 2)
    computed = ed25519_key_id(name, decode_base64(encoded)[1:])
    result = run_verify(str(kept(centre_a, tmp_path)), "--key", key)

    assert result.returncode == 2
    assert result.stderr == (
        f"vigil-verify: the verifier key is invalid: its key ID {stated} does not "
        f"match its name and key, which give the key ID {computed:08x}, so the key "
        "was probably changed when it was copied. Copy the whole key again from "
        f"the centre, where 'vigil accesslog public-key --org {centre_a.slug}' "
        "prints it, or give the key file that the centre sent with --key-file\n"
    )


def test_changed_key_file_named(centre_a: Organisation, tmp_path: Path) -> None:
    ingest_batches(centre_a, 1, 5)
    key_file = tmp_path / "centre.vkey"
    key_file.write_text(changed_key(centre_a) + "\n", encoding="utf-8")
    result = run_verify(str(kept(centre_a, tmp_path)), "--key-file", str(key_file))

    assert result.returncode == 2
    assert "so the key was probably changed when it was copied. " in result.stderr
    assert result.stderr.endswith(". Get the key file from the centre again\n")
