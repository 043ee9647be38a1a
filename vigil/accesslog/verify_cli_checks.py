"""The checks of ``verify_cli`` that every kind of document shares.

They open signed checkpoints, decode base64 members, check leaves and
inclusion and consistency proofs, and raise ``CheckFailed`` with a message
that names the failed check. Like ``verify_cli``, this module imports only
the standard library and ``vigil.ledger``, because ``vigil-verify`` runs
without Django.
"""

import json
import re
import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

from vigil.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    Ed25519Verifier,
    LedgerError,
    MalformedCheckpointError,
    MalformedNoteError,
    leaf_hash,
    open_checkpoint,
    signer_of_other_log,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.encoding import decode_base64, encode_base64
from vigil.ledger.note import format_key

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

# The leaf members whose value is a string. The others, "index" and "v", are
# integers.
LEAF_STRING_KEYS = tuple(key for key in LEAF_KEYS if key not in ("index", "v"))

# A message shows at most this many characters of a value that is not a string.
MAX_SHOWN_VALUE = 40


# The form of the origin that vigil.accesslog.keys gives a centre's log. This
# module cannot import that one, which imports Django.
ORIGIN_PATTERN = re.compile(r"vigil\.accesslog/[0-9]+/(?P<slug>[-A-Za-z0-9_]+)")


class CheckFailed(Exception):
    """A check of the bundle or document failed. The message names it."""


class Unreadable(Exception):
    """The file, key or checkpoint cannot be read, or the options conflict."""


class KeyOfAnotherLog(Unreadable):
    """A checkpoint is of another log than the key, so nothing could be checked."""


class ProvedLeaf(NamedTuple):
    """An entry whose inclusion proof verified: its leaf hash and decoded leaf.

    ``value`` is None when the entry has no leaf bytes.
    """

    leaf_hash: bytes
    value: Mapping[str, Any] | None


def origin_slug(origin: str) -> str | None:
    """Return the centre's slug in ``origin``, or None for an origin of another form.

    The origin keeps the slug that the centre had when its log was created.
    """
    match = ORIGIN_PATTERN.fullmatch(origin)
    return None if match is None else match.group("slug")


def key_label(verifier: Ed25519Verifier) -> str:
    return format_key(verifier.name, verifier.key_id)


def decode_member(value: object, what: str) -> bytes:
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


def open_checkpoint_member(
    note: object, verifier: Ed25519Verifier, what: str
) -> Checkpoint:
    """Open the signed checkpoint ``note`` or raise CheckFailed, naming it ``what``."""
    if not isinstance(note, str):
        raise CheckFailed(f"{what} is missing")
    try:
        return open_checkpoint(note, verifier, verifier.name)
    except LedgerError as error:
        reject_key_of_another_log(note, error, verifier, what)
        raise CheckFailed(f"{what} does not verify: {error}") from None


def reject_key_of_another_log(
    note: str,
    error: LedgerError,
    verifier: Ed25519Verifier,
    what: str,
    fix: str | None = None,
) -> None:
    """Raise KeyOfAnotherLog if the checkpoint ``note`` is of another log than the key.

    ``error`` is what opening ``note`` with ``verifier`` raised. Such a note
    names another origin and carries a signature by a key of that name, so
    the auditor gave the wrong key and nothing was checked. A note that names
    another origin but has no signature of that name was changed, so it
    stays a failed check. ``fix`` replaces the advice to give that log's key.
    """
    found = signer_of_other_log(note, error, verifier.name)
    if found is None:
        return
    origin, signer = found
    if fix is None:
        fix = (
            f"Give the verifier key of log {origin!r}, which its centre prints "
            "with vigil accesslog public-key"
        )
    raise KeyOfAnotherLog(
        f"{what} is of log {origin!r} and signed by {signer!r}, but the key "
        f"given is {key_label(verifier)!r} of log {verifier.name!r}. {fix}"
    )


# The form of a C2SP signed note, worded for messages.
SIGNED_NOTE_FORM = (
    "a signed checkpoint has its text, an empty line and signature lines that "
    "start with “—”"
)
# The advice to give the whole checkpoint note, worded for messages.
CHECKPOINT_SOURCE = (
    "Give the whole checkpoint note, with its empty line and signature line, as "
    "the status page's download link or 'vigil accesslog checkpoint' wrote it"
)


def unsigned_checkpoint(text: str) -> Checkpoint | None:
    """Return the checkpoint whose text ``text`` is, if it has no signatures.

    ``text`` is a kept note as ``kept_note_text`` returns it. Such a text is
    what remains of a checkpoint note when its empty line and signature lines
    were left out in a copy. A text with a signature line but no empty line
    before it is not one.
    """
    lines = text.split("\n")
    if "" in lines[:-1] or any(line.startswith("\u2014 ") for line in lines):
        return None
    try:
        return Checkpoint.parse_body(text)
    except MalformedCheckpointError:
        return None


def malformed_note_message(text: str, what: str, error: MalformedNoteError) -> str:
    """Describe why the kept note ``text`` is not a signed note.

    ``what`` names the file in the message, such as "the file kept.checkpoint".
    """
    checkpoint = unsigned_checkpoint(text)
    if checkpoint is None:
        return (
            f"{what} is not a signed checkpoint: {error}. "
            f"{SIGNED_NOTE_FORM.capitalize()}. {CHECKPOINT_SOURCE}"
        )
    return unsigned_checkpoint_message(checkpoint, what)


def unsigned_checkpoint_message(checkpoint: Checkpoint, what: str) -> str:
    """Describe the file ``what`` that contains a checkpoint without signatures."""
    return (
        f"{what} contains the text of the checkpoint of log {checkpoint.origin!r} "
        f"at size {checkpoint.size} without its signature lines, so nothing shows "
        f"that the centre signed it: {SIGNED_NOTE_FORM}. {CHECKPOINT_SOURCE}"
    )


def load_json(text: str) -> Any:
    """Decode JSON text, or raise ValueError with a message that names the problem.

    Besides invalid JSON, Python's decoder rejects an integer with more digits
    than ``sys.get_int_max_str_digits()`` and nesting deeper than its
    recursion limit, with errors that are not ``JSONDecodeError``.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        raise ValueError(
            f"a number has more than {sys.get_int_max_str_digits()} digits"
        ) from None
    except RecursionError:
        raise ValueError("its arrays or objects are nested too deeply") from None


def canonical_json(value: object) -> bytes | None:
    """Return the canonical UTF-8 JSON of a decoded leaf, or None if it has none.

    JSON can escape a lone surrogate, such as ``"\\ud800"``, which decodes
    to a string that UTF-8 cannot encode, so no canonical bytes exist for it.
    """
    try:
        return json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    except UnicodeEncodeError:
        return None


def _json_text(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > MAX_SHOWN_VALUE:
        shown = shown[:MAX_SHOWN_VALUE] + "…"
    return shown


def _check_leaf_types(value: Mapping[str, Any], index: int) -> None:
    """Check that the members of a leaf have the JSON types of a version-1 leaf.

    Python compares ``true`` and ``1.0`` equal to 1, so the checks of the
    values alone would take them for the integers of ``index`` and ``v``.
    """
    version = value["v"]
    if type(version) is not int or version != LEAF_VERSION:
        raise CheckFailed(
            f"entry {index}: the leaf's member 'v' is {_json_text(version)}, not "
            f"the integer {LEAF_VERSION}, so the leaf is not of version "
            f"{LEAF_VERSION}"
        )
    if type(value["index"]) is not int:
        raise CheckFailed(
            f"entry {index}: the leaf's member 'index' is "
            f"{_json_text(value['index'])}, not an integer"
        )
    for key in LEAF_STRING_KEYS:
        if not isinstance(value[key], str):
            raise CheckFailed(
                f"entry {index}: the leaf's member {key!r} is "
                f"{_json_text(value[key])}, not a string"
            )


def check_leaf(leaf: bytes, index: int, origin: str) -> Mapping[str, Any]:
    """Check that ``leaf`` is the canonical version-1 leaf of entry ``index``."""
    try:
        value = load_json(leaf.decode("utf-8"))
    except ValueError as error:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors too.
        raise CheckFailed(
            f"entry {index}: the leaf is not UTF-8 JSON: {error}"
        ) from None
    if not isinstance(value, dict) or tuple(sorted(value)) != LEAF_KEYS:
        raise CheckFailed(
            f"entry {index}: the leaf does not have the members {', '.join(LEAF_KEYS)}"
        )
    if canonical_json(value) != leaf:
        raise CheckFailed(f"entry {index}: the leaf bytes are not in canonical form")
    _check_leaf_types(value, index)
    if value["log"] != origin:
        raise CheckFailed(
            f"entry {index}: the leaf belongs to log {value['log']!r}, not {origin!r}"
        )
    if value["index"] != index:
        raise CheckFailed(
            f"entry {index}: the leaf names index {value['index']!r}, so it was moved"
        )
    return value


def check_proved_leaf(
    entry: Mapping[str, Any], index: int, checkpoint: Checkpoint
) -> ProvedLeaf:
    """Check the leaf and the inclusion proof of entry ``index``."""
    stated_hash = decode_member(entry.get("leaf_hash"), f"entry {index}: leaf_hash")
    leaf_value: Mapping[str, Any] | None = None
    if entry.get("leaf") is not None:
        leaf = decode_member(entry["leaf"], f"entry {index}: leaf")
        computed = leaf_hash(leaf)
        if computed != stated_hash:
            raise CheckFailed(
                _leaf_hash_mismatch(entry, index, checkpoint, computed, stated_hash)
            )
        leaf_value = check_leaf(leaf, index, checkpoint.origin)
    proof_values = entry.get("proof")
    if not isinstance(proof_values, list):
        raise CheckFailed(f"entry {index}: proof is not a list")
    proof = [
        decode_member(value, f"entry {index}: proof hash {position}")
        for position, value in enumerate(proof_values)
    ]
    try:
        verify_inclusion(
            stated_hash, index, checkpoint.size, proof, checkpoint.root_hash
        )
    except LedgerError as error:
        raise CheckFailed(f"entry {index}: {error}") from None
    return ProvedLeaf(stated_hash, leaf_value)


def _leaf_hash_mismatch(
    entry: Mapping[str, Any],
    index: int,
    checkpoint: Checkpoint,
    computed: bytes,
    stated: bytes,
) -> str:
    """Describe a leaf that does not hash to its stated leaf hash.

    The inclusion proof shows which of the two is in the signed tree, so the
    message states whether the leaf or the stated leaf hash was changed.
    """
    mismatch = (
        f"entry {index}: the leaf hashes to {encode_base64(computed)}, but the "
        f"stated leaf_hash is {encode_base64(stated)}"
    )
    if _proof_leads_from(entry, index, checkpoint, stated):
        return (
            f"{mismatch}. The inclusion proof leads from the stated leaf_hash to "
            "the checkpoint's root, so the leaf's content was changed after the "
            "entry was proved"
        )
    if _proof_leads_from(entry, index, checkpoint, computed):
        return (
            f"{mismatch}. The inclusion proof leads from the leaf's own hash to "
            "the checkpoint's root, so the leaf is in the log, but the stated "
            "leaf_hash was changed after the entry was proved"
        )
    return (
        f"{mismatch}. The inclusion proof leads from neither hash to the "
        "checkpoint's root, so the entry was changed after it was proved"
    )


def _proof_leads_from(
    entry: Mapping[str, Any], index: int, checkpoint: Checkpoint, hashed: bytes
) -> bool:
    """Return whether the entry's inclusion proof leads from ``hashed`` to the root."""
    values = entry.get("proof")
    if not isinstance(values, list):
        return False
    try:
        proof = [decode_base64(value) for value in values]
        verify_inclusion(hashed, index, checkpoint.size, proof, checkpoint.root_hash)
    except (LedgerError, TypeError, ValueError):
        return False
    return True


def check_stated_tree(
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
        root = decode_member(document[root_member], root_member)
        if root != checkpoint.root_hash:
            raise CheckFailed(
                f"{document_name} states root {encode_base64(root)}, but its signed "
                f"checkpoint has root {encode_base64(checkpoint.root_hash)}"
            )


def verify_extension(
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
        decode_member(value, f"{proof_name} hash {position}")
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
