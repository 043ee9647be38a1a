"""``vigil-verify``: check an access-log proof bundle or proof document offline.

Usage::

    vigil-verify FILE --key VKEY [--previous CHECKPOINT] [--list]

``FILE`` is a bundle (format ``vigil-accesslog-bundle/1``) or the proof
document of one entry (format ``vigil-accesslog-proof/1``, or a document
without a format that has the members of one). The checks, in order:

1. ``VKEY`` (``<name>+<key id>+<base64 key>``, obtained from the centre by a
   separate channel) parses, and the file's checkpoint carries a valid
   signature by it with the key name as origin;
2. a proof document states the tree size and root of that checkpoint and an
   index inside its tree;
3. for each entry, the leaf bytes hash to the stated leaf hash, are canonical
   version-1 leaf bytes of this log and name the entry's own index (and in a
   proof document the stated event id);
4. each inclusion proof leads from the leaf hash to the checkpoint's root;
5. with ``--previous``, an earlier checkpoint that the auditor kept, the
   bundle's consistency proof shows that the log only grew since. A proof
   document carries no consistency proof, so it cannot be checked with
   ``--previous``.

Exit status: 0 when everything verifies, 1 at the first failed check (named
on standard error), 2 when the file, key or checkpoint file cannot be read
or ``--previous`` is given with a proof document.

This module imports only the standard library and ``vigil.ledger``, so an
auditor can run it without Django or the rest of Vigil.
"""

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vigil.ledger import (
    Checkpoint,
    Ed25519Verifier,
    LedgerError,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.encoding import decode_base64, encode_base64

BUNDLE_FORMAT = "vigil-accesslog-bundle/1"
PROOF_FORMAT = "vigil-accesslog-proof/1"
# The members by which a proof document without a format is recognised, as
# the web page and ``vigil accesslog prove`` wrote them before they had one.
PROOF_KEYS = ("checkpoint", "index", "leaf_hash", "proof", "tree_size")
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

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


class CheckFailed(Exception):
    """A check of the bundle or proof document failed. The message names it."""


class Unreadable(Exception):
    """The file, key or checkpoint cannot be read, or the options conflict."""


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Unreadable(f"cannot read the {what} {path}: {error}") from None


def _load_document(path: str) -> Mapping[str, Any]:
    """Read a bundle or a proof document, telling the two apart by format."""
    try:
        document = json.loads(_read_text(path, "file"))
    except json.JSONDecodeError as error:
        raise Unreadable(f"the file {path} is not valid JSON: {error}") from None
    if isinstance(document, dict) and (
        document.get("format") == BUNDLE_FORMAT or _is_proof_document(document)
    ):
        return document
    raise Unreadable(
        f"{path} is neither a bundle of format {BUNDLE_FORMAT} nor a proof "
        f"document of format {PROOF_FORMAT}"
    )


def _is_proof_document(document: Mapping[str, Any]) -> bool:
    """Tell whether ``document`` is the proof document of one entry."""
    if "format" in document:
        return bool(document["format"] == PROOF_FORMAT)
    return all(key in document for key in PROOF_KEYS)


def _load_verifier(key: str) -> Ed25519Verifier:
    try:
        return Ed25519Verifier.from_verifier_key(key.strip())
    except LedgerError as error:
        raise Unreadable(f"the verifier key is invalid: {error}") from None


def _decode(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise CheckFailed(f"{what} is not a base64 string")
    try:
        return decode_base64(value)
    except ValueError as error:
        raise CheckFailed(f"{what}: {error}") from None


def _open(note: object, verifier: Ed25519Verifier, what: str) -> Checkpoint:
    if not isinstance(note, str):
        raise CheckFailed(f"{what} is missing")
    try:
        return open_checkpoint(note, verifier, verifier.name)
    except LedgerError as error:
        raise CheckFailed(f"{what} does not verify: {error}") from None


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
            f"entry {index}: the leaf does not have the members {LEAF_KEYS}"
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


def _check_entry(
    entry: object, checkpoint: Checkpoint, previous_index: int
) -> tuple[int, Mapping[str, Any] | None]:
    if not isinstance(entry, dict):
        raise CheckFailed("an entry of the bundle is not an object")
    index = entry.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index <= previous_index:
        raise CheckFailed(
            f"entry index {index!r} is not an integer above the previous "
            f"index {previous_index}"
        )
    return index, _check_proved_leaf(entry, index, checkpoint)


def _check_proved_leaf(
    entry: Mapping[str, Any], index: int, checkpoint: Checkpoint
) -> Mapping[str, Any] | None:
    """Check the leaf and the inclusion proof of entry ``index``.

    Returns the decoded leaf, or None when the entry has no leaf bytes.
    """
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
    proof = [_decode(value, f"entry {index}: proof hash") for value in proof_values]
    try:
        verify_inclusion(
            stated_hash, index, checkpoint.size, proof, checkpoint.root_hash
        )
    except LedgerError as error:
        raise CheckFailed(f"entry {index}: {error}") from None
    return leaf_value


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
    values = consistency.get("proof")
    if not isinstance(values, list):
        raise CheckFailed("the consistency proof is not a list")
    proof = [_decode(value, "consistency proof hash") for value in values]
    try:
        verify_consistency(
            previous.size,
            checkpoint.size,
            previous.root_hash,
            checkpoint.root_hash,
            proof,
        )
    except LedgerError as error:
        raise CheckFailed(str(error)) from None
    return (
        f"the log of size {checkpoint.size} extends your previous checkpoint of "
        f"size {previous.size}"
    )


def verify_bundle(
    bundle: Mapping[str, Any],
    verifier: Ed25519Verifier,
    previous: str | None = None,
    listing: list[Mapping[str, Any]] | None = None,
) -> list[str]:
    """Check a loaded bundle and return the summary lines, or raise CheckFailed.

    ``previous`` is the text of an earlier signed checkpoint. Decoded leaves
    are appended to ``listing`` when it is given.
    """
    if bundle.get("origin") != verifier.name:
        raise CheckFailed(
            f"the bundle is of log {bundle.get('origin')!r}, the key of "
            f"{verifier.name!r}"
        )
    checkpoint = _open(bundle.get("checkpoint"), verifier, "the bundle's checkpoint")
    entries = bundle.get("entries")
    if not isinstance(entries, list):
        raise CheckFailed("the bundle has no list of entries")
    previous_index = -1
    expired = 0
    for entry in entries:
        previous_index, value = _check_entry(entry, checkpoint, previous_index)
        if value is None:
            expired += 1
        elif listing is not None:
            listing.append(value)
    root = encode_base64(checkpoint.root_hash)
    key = f"{verifier.name}+{verifier.key_id:08x}"
    noun = "entry" if len(entries) == 1 else "entries"
    lines = [
        f"OK: {len(entries)} {noun} are in the tree of size {checkpoint.size} "
        f"with root {root}, signed by {key}"
    ]
    if expired:
        lines.append(
            f"NOTE: {expired} of them expired, so the bundle has their leaf hash "
            "but not their content"
        )
    if previous is not None:
        earlier = _open(previous, verifier, "your previous checkpoint")
        lines.append("OK: " + _check_consistency(bundle, checkpoint, earlier))
    return lines


def _check_tree(document: Mapping[str, Any], checkpoint: Checkpoint) -> int:
    """Check that the proof document's tree is its checkpoint's and return the index."""
    size = document.get("tree_size")
    if not isinstance(size, int) or isinstance(size, bool) or size != checkpoint.size:
        raise CheckFailed(
            f"the proof document states tree size {size!r}, but its signed "
            f"checkpoint is of size {checkpoint.size}"
        )
    if document.get("root_hash") is not None:
        root = _decode(document["root_hash"], "root_hash")
        if root != checkpoint.root_hash:
            raise CheckFailed(
                f"the proof document states root {encode_base64(root)}, but its "
                f"signed checkpoint has root {encode_base64(checkpoint.root_hash)}"
            )
    index = document.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise CheckFailed(f"the proof document's index {index!r} is not an integer")
    if not 0 <= index < checkpoint.size:
        raise CheckFailed(
            f"the proof document's index {index} is not in the tree of size "
            f"{checkpoint.size}, which has the entries 0 to {checkpoint.size - 1}"
        )
    return index


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
    index = _check_tree(document, checkpoint)
    leaf_value = _check_proved_leaf(document, index, checkpoint)
    root = encode_base64(checkpoint.root_hash)
    key = f"{verifier.name}+{verifier.key_id:08x}"
    if leaf_value is None:
        reason = ", because the entry expired" if "leaf" in document else ""
        return [
            f"OK: entry {index} is in the tree of size {checkpoint.size} with "
            f"root {root}, signed by {key}",
            f"NOTE: the proof document has no leaf bytes{reason}, so it proves "
            "the leaf hash but not the content",
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
    return [
        f"OK: entry {index} (event id {event_id}) is in the tree of size "
        f"{checkpoint.size} with root {root}, signed by {key}"
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil-verify",
        description="Check a Vigil access-log proof bundle, or the proof "
        "document of one entry, offline: the checkpoint signature, every leaf "
        "hash and every inclusion proof.",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="bundle or proof document (JSON); its format member tells which",
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
        "the log only grew since (bundles only)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="print each verified entry's leaf as one JSON line",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``vigil-verify`` and return its exit status."""
    arguments = _parser().parse_args(argv)
    listing: list[Mapping[str, Any]] | None = [] if arguments.list else None
    try:
        key = (
            arguments.key
            if arguments.key is not None
            else _read_text(arguments.key_file, "key file")
        )
        verifier = _load_verifier(key)
        document = _load_document(arguments.file)
        previous = (
            _read_text(arguments.previous, "checkpoint file")
            if arguments.previous
            else None
        )
        if document.get("format") == BUNDLE_FORMAT:
            lines = verify_bundle(document, verifier, previous, listing)
        elif previous is not None:
            raise Unreadable(
                f"{arguments.file} is a proof document, which has no consistency "
                "proof to check against --previous. Ask for a bundle exported "
                "with --previous instead"
            )
        else:
            lines = verify_proof(document, verifier, listing)
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
