"""``vigil-verify``: check an access-log bundle, proof or consistency document offline.

Usage::

    vigil-verify FILE --key VKEY [--previous CHECKPOINT] [--list]

``FILE`` is a bundle (format ``vigil-accesslog-bundle/2``, or ``/1`` from
before bundles had a manifest), the proof document of one entry (format
``vigil-accesslog-proof/1``) or a consistency document (format
``vigil-accesslog-consistency/1``). A proof or consistency document without
a format is recognised by its members, as the commands wrote them before
documents had one. The checks of a bundle, in order:

1. ``VKEY`` (``<name>+<key id>+<base64 key>``, obtained from the centre by a
   separate channel) parses, and the bundle's checkpoint carries a valid
   signature by it with the key name as origin;
2. the bundle's manifest carries a valid signature by the same key, names
   the checkpoint's tree and states the bundle's period;
3. the entries are listed once each, in increasing index order; each leaf
   hashes to the stated leaf hash, is canonical version-1 leaf bytes of this
   log, names the entry's own index and has a time inside the period;
4. each inclusion proof leads from the leaf hash to the checkpoint's root;
5. the number of entries and the digest of their indices and leaf hashes are
   those that the manifest states;
6. with ``--previous``, an earlier checkpoint that the auditor kept, the
   bundle's consistency proof shows that the log only grew since.

A proof document is checked as one entry of a bundle, against its own
checkpoint and without a manifest. A consistency document is checked like
step 6, against its new checkpoint and its old checkpoint or ``--previous``.

Exit status: 0 when everything verifies, 1 at the first failed check (named
on standard error), 2 when the file or key cannot be read, the
``--previous`` file is not a signed checkpoint, or ``--previous`` is given
with a proof document.

This module imports only the standard library and ``vigil.ledger``, so an
auditor can run it without Django or the rest of Vigil.
"""

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from vigil.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    Ed25519Verifier,
    EntriesDigest,
    LedgerError,
    MalformedCheckpointError,
    MalformedNoteError,
    Manifest,
    leaf_hash,
    open_checkpoint,
    open_manifest,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.encoding import decode_base64, encode_base64
from vigil.ledger.manifest import format_time, parse_time
from vigil.ledger.note import format_key

BUNDLE_FORMAT = "vigil-accesslog-bundle/2"
# Bundles of this format, exported before bundles had a manifest, are still
# checked, with a note that their completeness was not.
BUNDLE_FORMAT_WITHOUT_MANIFEST = "vigil-accesslog-bundle/1"
PROOF_FORMAT = "vigil-accesslog-proof/1"
CONSISTENCY_FORMAT = "vigil-accesslog-consistency/1"
# The members by which a document without a format is recognised, as the
# web page and ``vigil accesslog prove`` and ``consistency`` wrote them
# before documents had one.
PROOF_KEYS = ("checkpoint", "index", "leaf_hash", "proof", "tree_size")
CONSISTENCY_KEYS = ("new_checkpoint", "new_size", "old_root", "old_size", "proof")
BUNDLE = "bundle"
PROOF = "proof"
CONSISTENCY = "consistency"
LEAF_VERSION = 1
# The members of a version-1 leaf, as vigil.accesslog.encoding defines them.
LEAF_KEYS = (
    "action",
    "application",
    "case_ref",
    "event_id",
    "index",
    "log",
    "outcome",
    "service",
    "source_ip",
    "subject_pseudonym",
    "time",
    "user_id",
    "v",
)

# A message shows at most this many characters of a value that is not a string.
MAX_SHOWN_VALUE = 40

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


class CheckFailed(Exception):
    """A check of the bundle or document failed. The message names it."""


class Unreadable(Exception):
    """The file, key or checkpoint cannot be read, or the options conflict."""


class ProvedLeaf(NamedTuple):
    """An entry whose inclusion proof verified: its leaf hash and decoded leaf.

    ``value`` is None when the entry has no leaf bytes.
    """

    leaf_hash: bytes
    value: Mapping[str, Any] | None


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Unreadable(f"cannot read the {what} {path}: {error}") from None


def _load_document(path: str) -> tuple[str, Mapping[str, Any]]:
    """Read a bundle, proof or consistency document and return its kind and it."""
    try:
        document = json.loads(_read_text(path, "file"))
    except json.JSONDecodeError as error:
        raise Unreadable(f"the file {path} is not valid JSON: {error}") from None
    kind = _document_kind(document) if isinstance(document, dict) else None
    if kind is None:
        raise Unreadable(
            f"{path} is neither a bundle of format {BUNDLE_FORMAT}, a proof "
            f"document of format {PROOF_FORMAT} nor a consistency document of "
            f"format {CONSISTENCY_FORMAT}"
        )
    return kind, document


def _document_kind(document: Mapping[str, Any]) -> str | None:
    """Tell a bundle, a proof document and a consistency document apart."""
    if "format" in document:
        return {
            BUNDLE_FORMAT: BUNDLE,
            BUNDLE_FORMAT_WITHOUT_MANIFEST: BUNDLE,
            PROOF_FORMAT: PROOF,
            CONSISTENCY_FORMAT: CONSISTENCY,
        }.get(document["format"])
    if all(key in document for key in PROOF_KEYS):
        return PROOF
    if all(key in document for key in CONSISTENCY_KEYS):
        return CONSISTENCY
    return None


def _load_verifier(key: str) -> Ed25519Verifier:
    try:
        return Ed25519Verifier.from_verifier_key(key.strip())
    except LedgerError as error:
        raise Unreadable(f"the verifier key is invalid: {error}") from None


def _key_label(verifier: Ed25519Verifier) -> str:
    return format_key(verifier.name, verifier.key_id)


def _decode(value: object, what: str) -> bytes:
    """Decode the base64 member ``what`` (e.g. "entry 4: leaf") or raise CheckFailed."""
    if not isinstance(value, str):
        shown = repr(value)
        if len(shown) > MAX_SHOWN_VALUE:
            shown = shown[:MAX_SHOWN_VALUE] + "…"
        raise CheckFailed(f"{what} is {shown}, not a base64 string")
    try:
        return decode_base64(value)
    except ValueError as error:
        raise CheckFailed(f"{what} {error}") from None


def _open(note: object, verifier: Ed25519Verifier, what: str) -> Checkpoint:
    if not isinstance(note, str):
        raise CheckFailed(f"{what} is missing")
    try:
        return open_checkpoint(note, verifier, verifier.name)
    except LedgerError as error:
        raise CheckFailed(f"{what} does not verify: {error}") from None


def open_previous(text: str, path: str, verifier: Ed25519Verifier) -> Checkpoint:
    """Open the auditor's earlier checkpoint from the file ``path``.

    Raises Unreadable if the file is not a signed note or its text is not a
    checkpoint, and CheckFailed if it is not signed by ``verifier`` or names
    another log.
    """
    try:
        return open_checkpoint(text, verifier, verifier.name)
    except (MalformedNoteError, MalformedCheckpointError) as error:
        raise Unreadable(
            f"the --previous file {path} is not a signed checkpoint: {error}"
        ) from None
    except LedgerError as error:
        raise CheckFailed(
            f"your previous checkpoint does not verify: {error}"
        ) from None


def check_leaf(leaf: bytes, index: int, origin: str) -> Mapping[str, Any]:
    """Check that ``leaf`` is the canonical version-1 leaf of entry ``index``."""
    try:
        value = json.loads(leaf.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckFailed(
            f"entry {index}: the leaf is not UTF-8 JSON: {error}"
        ) from None
    if not isinstance(value, dict) or tuple(sorted(value)) != LEAF_KEYS:
        raise CheckFailed(
            f"entry {index}: the leaf does not have the members {', '.join(LEAF_KEYS)}"
        )
    canonical = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    if canonical != leaf:
        raise CheckFailed(f"entry {index}: the leaf bytes are not in canonical form")
    if value["v"] != LEAF_VERSION:
        raise CheckFailed(f"entry {index}: leaf version {value['v']!r} is unknown")
    if value["log"] != origin:
        raise CheckFailed(
            f"entry {index}: the leaf belongs to log {value['log']!r}, not {origin!r}"
        )
    if value["index"] != index:
        raise CheckFailed(
            f"entry {index}: the leaf names index {value['index']!r}, so it was moved"
        )
    return value


def _check_proved_leaf(
    entry: Mapping[str, Any], index: int, checkpoint: Checkpoint
) -> ProvedLeaf:
    """Check the leaf and the inclusion proof of entry ``index``."""
    stated_hash = _decode(entry.get("leaf_hash"), f"entry {index}: leaf_hash")
    leaf_value: Mapping[str, Any] | None = None
    if entry.get("leaf") is not None:
        leaf = _decode(entry["leaf"], f"entry {index}: leaf")
        computed = leaf_hash(leaf)
        if computed != stated_hash:
            raise CheckFailed(
                f"entry {index}: the leaf hashes to {encode_base64(computed)}, "
                f"but the stated leaf_hash is {encode_base64(stated_hash)}"
            )
        leaf_value = check_leaf(leaf, index, checkpoint.origin)
    proof_values = entry.get("proof")
    if not isinstance(proof_values, list):
        raise CheckFailed(f"entry {index}: proof is not a list")
    proof = [
        _decode(value, f"entry {index}: proof hash {position}")
        for position, value in enumerate(proof_values)
    ]
    try:
        verify_inclusion(
            stated_hash, index, checkpoint.size, proof, checkpoint.root_hash
        )
    except LedgerError as error:
        raise CheckFailed(f"entry {index}: {error}") from None
    return ProvedLeaf(stated_hash, leaf_value)


def _check_stated_tree(
    document: Mapping[str, Any],
    checkpoint: Checkpoint,
    document_name: str,
    size_member: str = "tree_size",
    root_member: str = "root_hash",
) -> None:
    """Check that the size and root that ``document`` states are its checkpoint's."""
    size = document.get(size_member)
    if not isinstance(size, int) or isinstance(size, bool) or size != checkpoint.size:
        raise CheckFailed(
            f"{document_name} states tree size {size!r}, but its signed checkpoint "
            f"is of size {checkpoint.size}"
        )
    if document.get(root_member) is not None:
        root = _decode(document[root_member], root_member)
        if root != checkpoint.root_hash:
            raise CheckFailed(
                f"{document_name} states root {encode_base64(root)}, but its signed "
                f"checkpoint has root {encode_base64(checkpoint.root_hash)}"
            )


def _verify_extension(
    old_size: int,
    old_root: bytes,
    checkpoint: Checkpoint,
    values: object,
    proof_name: str,
) -> None:
    """Check that ``values``, the proof ``proof_name``, shows the tree of ``old_size``
    with ``old_root`` to be a prefix of the checkpoint's tree."""
    if not isinstance(values, list):
        raise CheckFailed(f"{proof_name} is not a list")
    proof = [
        _decode(value, f"{proof_name} hash {position}")
        for position, value in enumerate(values)
    ]
    if old_size == 0:
        if proof:
            raise CheckFailed(
                f"{proof_name} from the empty tree has {len(proof)} hashes, expected 0"
            )
        if old_root != EMPTY_ROOT:
            raise CheckFailed(
                f"the old root {encode_base64(old_root)} is not the root of the "
                f"empty tree, {encode_base64(EMPTY_ROOT)}"
            )
        return
    try:
        verify_consistency(
            old_size, checkpoint.size, old_root, checkpoint.root_hash, proof
        )
    except LedgerError as error:
        raise CheckFailed(str(error)) from None


def _entries_text(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def _check_consistency(
    bundle: Mapping[str, Any], checkpoint: Checkpoint, previous: Checkpoint
) -> str:
    if previous.size > checkpoint.size:
        raise CheckFailed(
            f"your previous checkpoint has size {previous.size}, the bundle's "
            f"only {checkpoint.size}: the log was cut back"
        )
    if previous.size == 0:
        return "the previous checkpoint is of the empty log, which every log extends"
    consistency = bundle.get("consistency")
    if (
        not isinstance(consistency, dict)
        or consistency.get("old_size") != previous.size
    ):
        raise CheckFailed(
            f"the bundle has no consistency proof from size {previous.size}. "
            "Export it again with this checkpoint as the previous one"
        )
    _verify_extension(
        previous.size,
        previous.root_hash,
        checkpoint,
        consistency.get("proof"),
        "the consistency proof",
    )
    return (
        f"the log of size {checkpoint.size} extends your previous checkpoint of "
        f"size {previous.size}"
    )


def _open_bundle_manifest(
    bundle: Mapping[str, Any], verifier: Ed25519Verifier, checkpoint: Checkpoint
) -> Manifest | None:
    """Open the bundle's manifest and check it against the checkpoint and period.

    Returns None for a bundle of the format without manifest that has none.
    """
    note = bundle.get("manifest")
    if note is None and bundle.get("format") == BUNDLE_FORMAT_WITHOUT_MANIFEST:
        return None
    if not isinstance(note, str):
        raise CheckFailed(
            f"the bundle has no manifest, which its format {BUNDLE_FORMAT} "
            "requires, so nothing shows that it lists every entry of its period"
        )
    try:
        manifest = open_manifest(note, verifier, verifier.name)
    except LedgerError as error:
        raise CheckFailed(f"the bundle's manifest does not verify: {error}") from None
    if (manifest.tree_size, manifest.root_hash) != (
        checkpoint.size,
        checkpoint.root_hash,
    ):
        raise CheckFailed(
            f"the manifest is of the tree of size {manifest.tree_size} with root "
            f"{encode_base64(manifest.root_hash)}, but the bundle's checkpoint is "
            f"of size {checkpoint.size} with root "
            f"{encode_base64(checkpoint.root_hash)}"
        )
    period = (format_time(manifest.start), format_time(manifest.end))
    if (bundle.get("from"), bundle.get("to")) != period:
        raise CheckFailed(
            f"the bundle states the period from {bundle.get('from')!r} to "
            f"{bundle.get('to')!r}, but its signed manifest from {period[0]} to "
            f"{period[1]}"
        )
    return manifest


def _check_index(entry: object, previous_index: int) -> int:
    """Return the entry's index, which must be above the previous entry's."""
    if not isinstance(entry, dict):
        raise CheckFailed("an entry of the bundle is not an object")
    index = entry.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise CheckFailed(f"entry index {index!r} is not an integer of 0 or more")
    if index == previous_index:
        raise CheckFailed(f"entry {index} is listed twice")
    if index < previous_index:
        raise CheckFailed(
            f"entry {index} follows entry {previous_index}, but the entries must "
            "be in increasing index order"
        )
    return index


def _check_time(value: Mapping[str, Any], index: int, manifest: Manifest) -> None:
    text = value["time"]
    try:
        moment = parse_time(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise CheckFailed(
            f"entry {index}: the leaf's time {text!r} is not a UTC time "
            "YYYY-MM-DDTHH:MM:SS.mmmZ"
        )
    if not manifest.start <= moment < manifest.end:
        raise CheckFailed(
            f"entry {index}: its time {text} is outside the bundle's period from "
            f"{format_time(manifest.start)} to before {format_time(manifest.end)}"
        )


def _check_listed_entries(
    entries: Sequence[Any], manifest: Manifest, digest: EntriesDigest
) -> None:
    if len(entries) != manifest.entries:
        change = "removed from" if len(entries) < manifest.entries else "added to"
        raise CheckFailed(
            f"the bundle lists {_entries_text(len(entries))}, but its signed "
            f"manifest states {manifest.entries}, so entries were {change} the "
            "bundle"
        )
    if digest.digest() != manifest.entries_digest:
        raise CheckFailed(
            "the bundle's entries are not the ones that its signed manifest "
            f"lists: their digest is {encode_base64(digest.digest())}, the "
            f"manifest states {encode_base64(manifest.entries_digest)}"
        )


def _manifest_line(manifest: Manifest, key: str) -> str:
    count = manifest.entries
    if count == 0:
        stated, listed = "no entries", "none"
    elif count == 1:
        stated, listed = "1 entry", "exactly that one"
    else:
        stated, listed = f"{count} entries", "exactly those"
    return (
        f"OK: the manifest signed by {key} states that the tree of size "
        f"{manifest.tree_size} has {stated} with a time from "
        f"{format_time(manifest.start)} to before {format_time(manifest.end)}, "
        f"and the bundle lists {listed}"
    )


def verify_bundle(
    bundle: Mapping[str, Any],
    verifier: Ed25519Verifier,
    previous: Checkpoint | None = None,
    listing: list[Mapping[str, Any]] | None = None,
) -> list[str]:
    """Check a loaded bundle and return the summary lines, or raise CheckFailed.

    ``previous`` is the auditor's earlier checkpoint. Decoded leaves are
    appended to ``listing`` when it is given.
    """
    if bundle.get("origin") != verifier.name:
        raise CheckFailed(
            f"the bundle is of log {bundle.get('origin')!r}, the key of "
            f"{verifier.name!r}"
        )
    checkpoint = _open(bundle.get("checkpoint"), verifier, "the bundle's checkpoint")
    _check_stated_tree(bundle, checkpoint, "the bundle")
    manifest = _open_bundle_manifest(bundle, verifier, checkpoint)
    entries = bundle.get("entries")
    if not isinstance(entries, list):
        raise CheckFailed("the bundle has no list of entries")
    previous_index = -1
    without_leaf = 0
    digest = EntriesDigest()
    for entry in entries:
        previous_index = _check_index(entry, previous_index)
        proved = _check_proved_leaf(entry, previous_index, checkpoint)
        digest.add(previous_index, proved.leaf_hash)
        if proved.value is None:
            without_leaf += 1
            continue
        if manifest is not None:
            _check_time(proved.value, previous_index, manifest)
        if listing is not None:
            listing.append(proved.value)
    key = _key_label(verifier)
    root = encode_base64(checkpoint.root_hash)
    verb = "is" if len(entries) == 1 else "are"
    lines = [
        f"OK: {_entries_text(len(entries))} {verb} in the tree of size "
        f"{checkpoint.size} with root {root}, signed by {key}"
    ]
    if manifest is not None:
        _check_listed_entries(entries, manifest, digest)
        lines.append(_manifest_line(manifest, key))
    else:
        lines.append(
            f"NOTE: the bundle has format {BUNDLE_FORMAT_WITHOUT_MANIFEST}, which "
            "has no signed manifest, so vigil-verify did not check that it lists "
            "every entry of its period, nor the period or the entries' times. "
            "Export the period again for a bundle with a manifest"
        )
    if without_leaf:
        single = without_leaf == 1
        lines.append(
            f"NOTE: {without_leaf} of them {'has' if single else 'have'} no leaf "
            "bytes (expired entries have none), so only "
            f"{'its leaf hash was' if single else 'their leaf hashes were'} "
            f"checked, not {'its' if single else 'their'} content or time"
        )
    if previous is not None:
        lines.append("OK: " + _check_consistency(bundle, checkpoint, previous))
    return lines


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
    checkpoint = _open(
        document["checkpoint"], verifier, "the proof document's checkpoint"
    )
    _check_stated_tree(document, checkpoint, "the proof document")
    index = document.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise CheckFailed(f"the proof document's index {index!r} is not an integer")
    if not 0 <= index < checkpoint.size:
        raise CheckFailed(
            f"the proof document's index {index} is not in the tree of size "
            f"{checkpoint.size}, which has the entries 0 to {checkpoint.size - 1}"
        )
    leaf_value = _check_proved_leaf(document, index, checkpoint).value
    tree = (
        f"in the tree of size {checkpoint.size} with root "
        f"{encode_base64(checkpoint.root_hash)}, signed by {_key_label(verifier)}"
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
    old_root = _decode(document.get("old_root"), "old_root")
    note = document.get("old_checkpoint")
    if note is None:
        return old_size, old_root, False
    old = _open(note, verifier, "the consistency document's old checkpoint")
    if (old.size, old.root_hash) != (old_size, old_root):
        raise CheckFailed(
            f"the consistency document states old size {old_size} and root "
            f"{encode_base64(old_root)}, but its old checkpoint is of size "
            f"{old.size} with root {encode_base64(old.root_hash)}"
        )
    return old_size, old_root, True


def _check_previous_is_old(
    previous: Checkpoint, old_size: int, old_root: bytes
) -> None:
    if previous.size != old_size:
        raise CheckFailed(
            f"the consistency document starts at size {old_size}, but your "
            f"previous checkpoint has size {previous.size}. Ask for 'vigil "
            f"accesslog consistency --old {previous.size}'"
        )
    if previous.root_hash != old_root:
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
    checkpoint = _open(
        document["new_checkpoint"],
        verifier,
        "the consistency document's new checkpoint",
    )
    _check_stated_tree(
        document, checkpoint, "the consistency document", "new_size", "new_root"
    )
    old_size, old_root, old_signed = _document_old_root(
        document, verifier, checkpoint.size
    )
    if previous is not None:
        _check_previous_is_old(previous, old_size, old_root)
    _verify_extension(
        old_size, old_root, checkpoint, document.get("proof"), "the consistency proof"
    )
    key = _key_label(verifier)
    new_tree = (
        f"the tree of size {checkpoint.size} with root "
        f"{encode_base64(checkpoint.root_hash)}, signed by {key},"
    )
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil-verify",
        description="Check a Vigil access-log bundle, the proof document of one "
        "entry or a consistency document offline: the signatures of the "
        "checkpoints and the manifest, every leaf and every proof.",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="bundle, proof or consistency document (JSON); its format member "
        "tells which",
    )
    keys = parser.add_mutually_exclusive_group(required=True)
    keys.add_argument(
        "--key", metavar="VKEY", help="verifier key <name>+<key id>+<base64 key>"
    )
    keys.add_argument("--key-file", metavar="FILE", help="file with the verifier key")
    parser.add_argument(
        "--previous",
        metavar="CHECKPOINT",
        help="an earlier signed checkpoint of the log (file), to check that "
        "the log only grew since (bundles and consistency documents only)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print each verified entry's leaf as one JSON line",
    )
    return parser


def _verify(
    arguments: argparse.Namespace, listing: list[Mapping[str, Any]] | None
) -> list[str]:
    """Read the inputs that ``arguments`` name and check the document."""
    key = (
        arguments.key
        if arguments.key is not None
        else _read_text(arguments.key_file, "key file")
    )
    verifier = _load_verifier(key)
    kind, document = _load_document(arguments.file)
    previous = None
    if arguments.previous:
        if kind == PROOF:
            raise Unreadable(
                f"{arguments.file} is a proof document, which has no consistency "
                "proof to check against --previous. Ask for a bundle exported "
                "with --previous instead"
            )
        text = _read_text(arguments.previous, "checkpoint file")
        previous = open_previous(text, arguments.previous, verifier)
    if kind == BUNDLE:
        return verify_bundle(document, verifier, previous, listing)
    if kind == PROOF:
        return verify_proof(document, verifier, listing)
    return verify_consistency_document(document, verifier, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``vigil-verify`` and return its exit status."""
    arguments = _parser().parse_args(argv)
    listing: list[Mapping[str, Any]] | None = [] if arguments.list else None
    try:
        lines = _verify(arguments, listing)
    except Unreadable as error:
        print(f"vigil-verify: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    except CheckFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        for value in listing or []:
            print(json.dumps(value, ensure_ascii=False, sort_keys=True))
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # A reader such as head stopped early. The file verified, and Python
        # would report the closed pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
