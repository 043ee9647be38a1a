"""The bundle checks of ``verify_cli``: manifest, entry order, times, completeness.

``verify_bundle`` runs the checks of a bundle in the order that the
documentation of ``verify_cli`` lists. Like ``verify_cli``, this module
imports only the standard library and ``vigil.ledger``, because
``vigil-verify`` runs without Django.
"""

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from vigil.accesslog.verify_cli_checks import (
    MAX_SHOWN_VALUE,
    CheckFailed,
    Unreadable,
    check_proved_leaf,
    check_stated_tree,
    key_label,
    open_checkpoint_member,
    verify_extension,
)
from vigil.ledger import (
    Checkpoint,
    Ed25519Verifier,
    EntriesDigest,
    LedgerError,
    Manifest,
    open_manifest,
)
from vigil.ledger.encoding import encode_base64
from vigil.ledger.manifest import format_time, parse_time

BUNDLE_FORMAT = "vigil-accesslog-bundle/3"
# Bundles of this format have a manifest that does not state how many
# entries of the log had expired. They are still checked, except for that.
BUNDLE_FORMAT_WITHOUT_EXPIRED = "vigil-accesslog-bundle/2"
# Bundles of this format, exported before bundles had a manifest, are still
# checked, with a note that their completeness was not.
BUNDLE_FORMAT_WITHOUT_MANIFEST = "vigil-accesslog-bundle/1"


# The JSON type of each member, named as in messages. A member in
# REQUIRED_MEMBERS must be there, one in OPTIONAL_MEMBERS may also be null
# or absent. A missing manifest is a failed check instead, because it is
# what removing the manifest from a bundle leaves.
JSON_TYPES: dict[str, tuple[type, str]] = {
    "origin": (str, "a string"),
    "checkpoint": (str, "a string"),
    "tree_size": (int, "an integer"),
    "entries": (list, "a list"),
    "from": (str, "a string"),
    "to": (str, "a string"),
    "root_hash": (str, "a string"),
    "consistency": (dict, "an object"),
    "manifest": (str, "a string"),
}
REQUIRED_MEMBERS = ("origin", "checkpoint", "tree_size", "entries")
# Bundles of format 1 may lack these, which only the manifest's checks need.
REQUIRED_WITH_MANIFEST = ("from", "to")
OPTIONAL_MEMBERS = ("root_hash", "consistency", "manifest")


def _check_members(bundle: Mapping[str, Any]) -> None:
    """Raise Unreadable if a member is missing or has the wrong JSON type."""
    required: tuple[str, ...] = REQUIRED_MEMBERS
    if bundle.get("format") != BUNDLE_FORMAT_WITHOUT_MANIFEST:
        required += REQUIRED_WITH_MANIFEST
    for name in required + OPTIONAL_MEMBERS:
        value = bundle.get(name)
        if value is None and name in OPTIONAL_MEMBERS:
            continue
        if name not in bundle:
            raise Unreadable(
                f"the file is not a valid bundle: its member {name!r} is missing"
            )
        kind, kind_name = JSON_TYPES[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            shown = json.dumps(value)
            if len(shown) > MAX_SHOWN_VALUE:
                shown = shown[:MAX_SHOWN_VALUE] + "…"
            raise Unreadable(
                f"the file is not a valid bundle: its member {name!r} is {shown}, "
                f"not {kind_name}"
            )


# A note names up to this many entries one by one, and a range beyond.
MAX_NAMED_ENTRIES = 5


def _entries_text(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def _check_consistency(
    bundle: Mapping[str, Any], checkpoint: Checkpoint, previous: Checkpoint
) -> str:
    if previous.size > checkpoint.size:
        raise CheckFailed(
            f"your previous checkpoint has size {previous.size}, but the bundle's "
            f"tree has size {checkpoint.size}. The bundle may be older than the "
            "checkpoint you kept, so ask the centre for a new export. If the tree "
            f"of the new export is still smaller than {previous.size}, the log "
            "was cut back"
        )
    if previous.size == 0:
        return "the previous checkpoint is of the empty log, which every log extends"
    if previous.size == checkpoint.size:
        # Two trees of one size are the same tree exactly when their roots
        # are equal, so no proof is needed.
        if previous.root_hash != checkpoint.root_hash:
            raise CheckFailed(
                f"your previous checkpoint and the bundle's both have size "
                f"{checkpoint.size}, but their root hashes differ, so the log was "
                "changed after you kept your checkpoint"
            )
        return (
            f"the bundle's checkpoint is the one you kept: the same tree of size "
            f"{checkpoint.size}"
        )
    consistency = bundle.get("consistency")
    if (
        not isinstance(consistency, dict)
        or consistency.get("old_size") != previous.size
    ):
        # A bundle exported without this checkpoint as --previous shows
        # nothing false, so this is wrong input and not a failed check.
        raise Unreadable(
            f"the bundle has no consistency proof from size {previous.size}. "
            "Export it again with this checkpoint as the previous one"
        )
    verify_extension(
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
    bundle_format = bundle.get("format")
    if note is None and bundle_format == BUNDLE_FORMAT_WITHOUT_MANIFEST:
        return None
    if not isinstance(note, str):
        raise CheckFailed(
            f"the bundle has no manifest, which its format {bundle_format} "
            "requires, so nothing shows that it lists every entry of its period"
        )
    try:
        manifest = open_manifest(note, verifier, verifier.name)
    except LedgerError as error:
        raise CheckFailed(f"the bundle's manifest does not verify: {error}") from None
    states_expired = bundle_format == BUNDLE_FORMAT
    if (manifest.expired is not None) != states_expired:
        raise CheckFailed(
            f"the bundle has format {bundle_format}, but its manifest "
            f"{'does not state' if states_expired else 'states'} the number of "
            f"expired entries, which only format {BUNDLE_FORMAT} has"
        )
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
            f"{bundle.get('to')!r}, but its signed manifest states the period "
            f"from {period[0]} to {period[1]}"
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


def _check_expiry(
    index: int, has_leaf: bool, last_with_leaf: int | None, manifest: Manifest | None
) -> None:
    """Check that entry ``index`` has leaf bytes exactly if it had not expired.

    Expiry empties the content of the oldest entries first, so the entries
    without leaf bytes come before all others.
    """
    if not has_leaf and last_with_leaf is not None:
        raise CheckFailed(
            f"entry {index} has no leaf bytes, but entry {last_with_leaf} before "
            "it has them. Expiry empties the oldest entries first, so the content "
            f"of entry {index} was removed"
        )
    expired = None if manifest is None else manifest.expired
    if expired is None:
        return
    if has_leaf and index < expired:
        raise CheckFailed(
            f"entry {index} has leaf bytes, but the signed manifest states that "
            f"{_first_expired(expired)}, "
            f"{'which has' if expired == 1 else 'which have'} none"
        )
    if not has_leaf and index >= expired:
        raise CheckFailed(
            f"entry {index} has no leaf bytes, but the signed manifest states that "
            f"only {_first_expired(expired)}, so the "
            f"content of entry {index} was removed"
        )


def _first_expired(expired: int) -> str:
    """Return "the first N entries of the log had expired", singular for 1."""
    if expired == 1:
        return "the first entry of the log had expired"
    return f"the first {expired} entries of the log had expired"


def _indices_text(indices: Sequence[int]) -> str:
    """Name the listed entries ``indices``, such as "entries 0 to 4"."""
    first, last = indices[0], indices[-1]
    if len(indices) == 1:
        return f"entry {first}"
    if len(indices) == 2:
        return f"entries {first} and {last}"
    if last - first + 1 == len(indices):
        return f"entries {first} to {last}"
    if len(indices) <= MAX_NAMED_ENTRIES:
        named = ", ".join(str(index) for index in indices[:-1])
        return f"entries {named} and {last}"
    return f"the listed entries from {first} to {last}"


def _without_leaf_line(indices: Sequence[int], manifest: Manifest | None) -> str:
    """Return the note that names the listed entries without leaf bytes."""
    single = len(indices) == 1
    named = _indices_text(indices)
    subject = f"{named} has" if single else f"{len(indices)} of them, {named}, have"
    checked = (
        "its leaf hash was checked, not its content or time"
        if single
        else "their leaf hashes were checked, not their content or time"
    )
    expired = None if manifest is None else manifest.expired
    if expired is None:
        return (
            f"NOTE: {subject} no leaf bytes (expired entries have none), so only "
            f"{checked}"
        )
    return (
        f"NOTE: {subject} no leaf bytes, because the signed manifest states that "
        f"{_first_expired(expired)}. Only {checked}"
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

    Raises Unreadable if a member is missing or of the wrong type.
    ``previous`` is the auditor's earlier checkpoint. Decoded leaves are
    appended to ``listing`` when it is given.
    """
    _check_members(bundle)
    origin, note = bundle["origin"], bundle["checkpoint"]
    # The note's first line is the checkpoint's origin, which its signature
    # covers. An origin member that differs from it was changed.
    named = note.split("\n", 1)[0]
    if named != origin:
        raise CheckFailed(
            f"the bundle is of log {origin!r}, but its checkpoint names {named!r}"
        )
    if origin != verifier.name:
        # A checkpoint signed by the key of its own log raises KeyOfAnotherLog.
        with contextlib.suppress(CheckFailed):
            open_checkpoint_member(note, verifier, "the bundle's checkpoint")
        raise CheckFailed(
            f"the bundle is of log {bundle['origin']!r}, the key of {verifier.name!r}"
        )
    checkpoint = open_checkpoint_member(note, verifier, "the bundle's checkpoint")
    check_stated_tree(bundle, checkpoint, "the bundle")
    manifest = _open_bundle_manifest(bundle, verifier, checkpoint)
    entries = bundle.get("entries")
    if not isinstance(entries, list):
        raise CheckFailed("the bundle has no list of entries")
    previous_index = -1
    last_with_leaf: int | None = None
    without_leaf: list[int] = []
    digest = EntriesDigest()
    for entry in entries:
        previous_index = _check_index(entry, previous_index)
        proved = check_proved_leaf(entry, previous_index, checkpoint)
        digest.add(previous_index, proved.leaf_hash)
        _check_expiry(
            previous_index, proved.value is not None, last_with_leaf, manifest
        )
        if proved.value is None:
            without_leaf.append(previous_index)
            continue
        last_with_leaf = previous_index
        if manifest is not None:
            _check_time(proved.value, previous_index, manifest)
        if listing is not None:
            listing.append(proved.value)
    key = key_label(verifier)
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
        lines.append(_without_leaf_line(without_leaf, manifest))
    if previous is not None:
        lines.append("OK: " + _check_consistency(bundle, checkpoint, previous))
    return lines
