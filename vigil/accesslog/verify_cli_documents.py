"""The checks of ``verify_cli`` for proof and consistency documents and checkpoints.

A proof document is checked as one entry of a bundle, against its own
checkpoint. A consistency document is checked against its new checkpoint
and its old checkpoint or the auditor's earlier one. A checkpoint on its
own is checked for its signature, so that an auditor can check one before
keeping it. Like ``verify_cli``,
this module imports only the standard library and ``vigil.ledger``, because
``vigil-verify`` runs without Django.
"""

from collections.abc import Mapping
from typing import Any

from vigil.accesslog.verify_cli_checks import (
    CheckFailed,
    Unreadable,
    check_proved_leaf,
    check_stated_tree,
    decode_member,
    key_label,
    malformed_note_message,
    open_checkpoint_member,
    origin_slug,
    reject_key_of_another_log,
    verify_extension,
)
from vigil.ledger import (
    Checkpoint,
    Ed25519Verifier,
    LedgerError,
    MalformedCheckpointError,
    MalformedNoteError,
    open_checkpoint,
)
from vigil.ledger.encoding import encode_base64


def verify_proof(
    document: Mapping[str, Any],
    verifier: Ed25519Verifier,
    listing: list[Mapping[str, Any]] | None = None,
) -> list[str]:
    """Check a loaded proof document and return the summary lines.

    Raises CheckFailed at the first failed check. The decoded leaf is
    appended to ``listing`` when it is given.
    """
    if document.get("checkpoint") is None:
        raise CheckFailed(
            f"the proof document has no signed checkpoint, because none was "
            f"signed at its tree size {document.get('tree_size')!r}. Ask for a "
            "proof at the size of a signed checkpoint, such as the latest one"
        )
    checkpoint = open_checkpoint_member(
        document["checkpoint"], verifier, "the proof document's checkpoint"
    )
    check_stated_tree(document, checkpoint, "the proof document")
    index = document.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise CheckFailed(f"the proof document's index {index!r} is not an integer")
    if not 0 <= index < checkpoint.size:
        raise CheckFailed(
            f"the proof document's index {index} is not in the tree of size "
            f"{checkpoint.size}, which has the entries 0 to {checkpoint.size - 1}"
        )
    leaf_value = check_proved_leaf(document, index, checkpoint).value
    tree = (
        f"in the tree of size {checkpoint.size} with root "
        f"{encode_base64(checkpoint.root_hash)}, signed by {key_label(verifier)}"
    )
    if leaf_value is None:
        return [
            f"OK: the leaf hash of entry {index} is {tree}",
            "NOTE: the leaf content and the event id were not checked, because "
            "the proof document has no leaf bytes (expired entries have none)",
        ]
    event_id = leaf_value["event_id"]
    stated_event_id = document.get("event_id", event_id)
    if stated_event_id != event_id:
        raise CheckFailed(
            f"entry {index}: the proof document states event id "
            f"{stated_event_id!r}, but the leaf has {event_id!r}"
        )
    if listing is not None:
        listing.append(leaf_value)
    return [f"OK: entry {index} (event id {event_id}) is {tree}"]


def _document_old_root(
    document: Mapping[str, Any], verifier: Ed25519Verifier, new_size: int
) -> tuple[int, bytes, bool]:
    """Return the old size and root of a consistency document.

    The boolean is true when the document's old checkpoint signs them.
    """
    old_size = document.get("old_size")
    if (
        not isinstance(old_size, int)
        or isinstance(old_size, bool)
        or not 0 <= old_size <= new_size
    ):
        raise CheckFailed(
            f"the consistency document's old size {old_size!r} is not an integer "
            f"from 0 to its new size {new_size}"
        )
    old_root = decode_member(document.get("old_root"), "old_root")
    note = document.get("old_checkpoint")
    if note is None:
        return old_size, old_root, False
    old = open_checkpoint_member(
        note, verifier, "the consistency document's old checkpoint"
    )
    if (old.size, old.root_hash) != (old_size, old_root):
        raise CheckFailed(
            f"the consistency document states old size {old_size} and root "
            f"{encode_base64(old_root)}, but its old checkpoint is of size "
            f"{old.size} with root {encode_base64(old.root_hash)}"
        )
    return old_size, old_root, True


def consistency_command(origin: str, old_size: int) -> str:
    """Return the command that prints a consistency document from ``old_size``.

    The command names the centre by its slug, which is the last part of an
    origin ``vigil.accesslog/<enterprise number>/<slug>``. The origin keeps the
    slug that the centre had when its log was created, so the returned text
    names the origin that the slug was taken from.
    """
    slug = origin_slug(origin)
    if slug is None:
        return (
            f"'vigil accesslog consistency --org SLUG --old {old_size}', where "
            "SLUG is the centre's short name in Vigil"
        )
    return (
        f"'vigil accesslog consistency --org {slug} --old {old_size}', where "
        f"{slug} is the slug in the log's name {origin}"
    )


def _check_previous_is_old(
    previous: Checkpoint, old_size: int, old_root: bytes, checkpoint: Checkpoint
) -> None:
    new_size = checkpoint.size
    origin = checkpoint.origin
    if previous.size > new_size:
        raise CheckFailed(
            f"your previous checkpoint has size {previous.size}, but the "
            f"consistency document's new tree has size {new_size}. The document "
            "may be older than the checkpoint you kept, so ask the centre for "
            f"{consistency_command(origin, previous.size)}. If the new "
            f"tree of that document is still smaller than {previous.size}, or "
            "the command fails because the log is smaller, the log was cut back"
        )
    if previous.size == old_size and previous.root_hash != old_root:
        raise CheckFailed(
            f"your previous checkpoint of size {previous.size} has root "
            f"{encode_base64(previous.root_hash)}, but the consistency document "
            f"states old root {encode_base64(old_root)}, so the log of that size "
            "is not the one whose checkpoint you kept"
        )


def verify_consistency_document(
    document: Mapping[str, Any],
    verifier: Ed25519Verifier,
    previous: Checkpoint | None = None,
) -> list[str]:
    """Check a loaded consistency document and return the summary lines.

    ``previous`` is the auditor's earlier checkpoint, which must be that of
    the document's old size. Raises CheckFailed at the first failed check.
    """
    if document.get("new_checkpoint") is None:
        raise CheckFailed(
            "the consistency document has no signed checkpoint of its new size "
            f"{document.get('new_size')!r}, so no signed root shows where the "
            "proof must lead. Ask for a proof to the size of a signed "
            "checkpoint, such as the latest one"
        )
    checkpoint = open_checkpoint_member(
        document["new_checkpoint"],
        verifier,
        "the consistency document's new checkpoint",
    )
    check_stated_tree(
        document, checkpoint, "the consistency document", "new_size", "new_root"
    )
    old_size, old_root, old_signed = _document_old_root(
        document, verifier, checkpoint.size
    )
    if previous is not None:
        _check_previous_is_old(previous, old_size, old_root, checkpoint)
    verify_extension(
        old_size, old_root, checkpoint, document.get("proof"), "the consistency proof"
    )
    # After the document's own checks, so that a changed document fails
    # even when it was also made for another checkpoint than the kept one.
    if previous is not None and previous.size == 0 and old_size != 0:
        return [
            f"OK: {_new_tree(checkpoint, verifier)} extends the tree of size "
            f"{old_size} with root {encode_base64(old_root)}",
            "OK: your previous checkpoint is of the empty log, which every log extends",
        ]
    if previous is not None and previous.size != old_size:
        # The document proves nothing false: it was made for another size.
        raise Unreadable(
            f"the consistency document starts at size {old_size}, but your "
            f"previous checkpoint has size {previous.size}. Ask the centre for "
            f"{consistency_command(checkpoint.origin, previous.size)}"
        )
    key = key_label(verifier)
    new_tree = _new_tree(checkpoint, verifier)
    if old_size == 0:
        return [f"OK: {new_tree} extends the empty tree, as every tree does"]
    old_tree = f"the tree of size {old_size} with root {encode_base64(old_root)}"
    if previous is not None:
        return [
            f"OK: {new_tree} extends {old_tree}",
            f"OK: the log of size {checkpoint.size} extends your previous "
            f"checkpoint of size {old_size}",
        ]
    if old_signed:
        return [f"OK: {new_tree} extends {old_tree}, also signed by {key}"]
    return [
        f"OK: {new_tree} extends {old_tree}",
        f"NOTE: the document has no signed checkpoint of size {old_size}, so the "
        "old root is only as the document states it. Compare it with a "
        f"checkpoint of size {old_size} that you kept, or pass that checkpoint "
        "with --previous",
    ]


def _new_tree(checkpoint: Checkpoint, verifier: Ed25519Verifier) -> str:
    """Return the words that name the document's new tree and its signer."""
    return (
        f"the tree of size {checkpoint.size} with root "
        f"{encode_base64(checkpoint.root_hash)}, signed by {key_label(verifier)},"
    )


def verify_checkpoint_note(
    text: str, path: str, verifier: Ed25519Verifier
) -> list[str]:
    """Check the signature of a checkpoint file and return the summary line.

    Raises Unreadable if the file is not a signed checkpoint, and
    CheckFailed if it is not signed by ``verifier`` or names another log.
    """
    try:
        checkpoint = open_checkpoint(text, verifier, verifier.name)
    except MalformedNoteError as error:
        raise Unreadable(
            malformed_note_message(text, f"the file {path}", error)
        ) from None
    except MalformedCheckpointError as error:
        raise Unreadable(
            f"the file {path} is not a signed checkpoint: {error}"
        ) from None
    except LedgerError as error:
        reject_key_of_another_log(text, error, verifier, f"the checkpoint {path}")
        raise CheckFailed(f"the checkpoint does not verify: {error}") from None
    return [
        f"OK: the checkpoint of the tree of size {checkpoint.size} with root "
        f"{encode_base64(checkpoint.root_hash)} is signed by {key_label(verifier)}. "
        "Keep it, and give it with --previous when you check the next bundle"
    ]
