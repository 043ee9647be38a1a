"""Inclusion and consistency proofs of an organisation's log, as JSON documents.

Hashes are standard base64, as in checkpoints. By default a proof is made
for the tree of the latest signed checkpoint and carries that note, so that
its recipient can check the root against the log's verifier key. The proof
document of one entry (``proof_document``) also carries the entry's leaf
bytes, and the consistency document (``consistency_proof_for``) the signed
checkpoints at both sizes. ``vigil-verify`` checks both offline, so they
are only made for a tree size at which a checkpoint was signed.
"""

import base64
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.expiry_statements import check_vouched
from vigil.accesslog.leaves import LogDamaged, checked_entry_leaf
from vigil.accesslog.models import AccessEntry, LogCheckpoint, LogKeys
from vigil.accesslog.retention import check_expired_in_time, expired_entry_count
from vigil.accesslog.store import DatabaseHashStore
from vigil.ledger import EMPTY_ROOT, MerkleLog
from vigil.ledger import inclusion_proof as ledger_inclusion_proof
from vigil.ledger.encoding import encode_base64
from vigil.organisations.models import Organisation

PROOF_FORMAT = "vigil-accesslog-proof/1"
CONSISTENCY_FORMAT = "vigil-accesslog-consistency/1"


class ProofUnavailable(ValueError):
    """The requested proof cannot be made, e.g. for an entry after the checkpoint."""


class LogDamagedProofUnavailable(ProofUnavailable):
    """A proof withheld because the log was changed, with LogDamaged's message.

    The entry exists, unlike in the other cases of ProofUnavailable, so a web
    view returns 409 Conflict instead of 404.
    """


def _checkpoint_at(
    organisation: Organisation, size: int | None
) -> LogCheckpoint | None:
    checkpoints = LogCheckpoint.objects.filter(organisation=organisation)
    if size is None:
        return checkpoints.order_by("-size").first()
    return checkpoints.filter(size=size).first()


def _tree_size(
    organisation: Organisation, log: MerkleLog, size: int | None
) -> tuple[int, LogCheckpoint | None]:
    checkpoint = _checkpoint_at(organisation, size)
    if size is None:
        if checkpoint is None:
            raise ProofUnavailable(
                _(
                    "the log has no signed checkpoint yet. Run 'vigil accesslog "
                    "checkpoint --org %(org)s' or ingest events first"
                )
                % {"org": organisation.slug}
            )
        return checkpoint.size, checkpoint
    current = log.size
    if not 0 <= size <= current:
        raise ProofUnavailable(
            ngettext(
                "tree size %(size)d is out of range: the log has %(count)d entry",
                "tree size %(size)d is out of range: the log has %(count)d entries",
                current,
            )
            % {"size": size, "count": current}
        )
    return size, checkpoint


def _root(log: MerkleLog, size: int, checkpoint: LogCheckpoint | None) -> bytes:
    """Return the root at ``size``: the signed one, else computed from the tree.

    The stored root of a checkpoint saves two queries. A tampered stored root
    does not go unnoticed, because the proof then fails against the signed
    note that the document carries.
    """
    if checkpoint is not None:
        return bytes(checkpoint.root_hash)
    return log.root(size) if size else EMPTY_ROOT


def inclusion_proof_for(
    organisation: Organisation, index: int, size: int | None = None
) -> dict[str, Any]:
    """Return the proof that entry ``index`` is in the tree of ``size`` entries.

    ``size`` defaults to the latest checkpoint's. The document has
    ``index``, ``tree_size``, ``leaf_hash``, ``root_hash``, ``proof`` (the
    RFC 9162 audit path, leaf end first) and ``checkpoint`` (the signed note
    at that size, or None). Raises ProofUnavailable if the entry is not in
    that tree.
    """
    store = DatabaseHashStore(organisation.pk)
    log = MerkleLog(store)
    tree_size, checkpoint = _tree_size(organisation, log, size)
    if not 0 <= index < tree_size:
        raise ProofUnavailable(
            _missing_entry_reason(index, tree_size, log.size, size, organisation.slug)
        )
    proof = ledger_inclusion_proof(index, tree_size, store)
    return {
        "index": index,
        "tree_size": tree_size,
        "leaf_hash": encode_base64(store.get(0, index)),
        "root_hash": encode_base64(_root(log, tree_size, checkpoint)),
        "proof": [encode_base64(value) for value in proof],
        "checkpoint": checkpoint.note if checkpoint is not None else None,
    }


def proof_document(
    organisation: Organisation, index: int, size: int | None = None
) -> dict[str, Any]:
    """Return the proof document of entry ``index``, which vigil-verify checks.

    The document is that of ``inclusion_proof_for`` with ``format``
    (``PROOF_FORMAT``), the entry's ``event_id`` and its ``leaf`` bytes in
    base64 added. An expired entry has no leaf bytes, so ``leaf`` is None and
    the leaf hash alone is proved. Raises ProofUnavailable as
    ``inclusion_proof_for`` does, and also when no checkpoint was signed at
    ``size``, because vigil-verify cannot check the document. It also raises
    LogDamagedProofUnavailable, a ProofUnavailable with the message of
    LogDamaged, if the entry does not match its stored leaf hash, is expired
    within the retention period or without an expiry statement that covers
    it, or the expired entries of the tree are not the oldest ones, so that
    no document from a changed log is handed out.
    """
    document = inclusion_proof_for(organisation, index, size)
    if document["checkpoint"] is None:
        reason = _(
            "no checkpoint was signed at tree size %(size)d, so vigil-verify "
            "cannot check an inclusion proof in that tree"
        ) % {"size": document["tree_size"]}
        raise ProofUnavailable(
            _with_nearest_checkpoints(organisation, document["tree_size"], reason)
        )
    entry = AccessEntry.objects.get(organisation=organisation, index=index)
    keys = LogKeys.objects.get(organisation=organisation)
    try:
        leaf_bytes = checked_entry_leaf(keys.origin, entry, organisation.slug)
        check_expired_in_time(entry, organisation)
        expired_entry_count(organisation, document["tree_size"])
        if entry.expired_at is not None:
            check_vouched(keys, index, index + 1, organisation.slug)
    except LogDamaged as error:
        raise LogDamagedProofUnavailable(str(error)) from None
    leaf = None if leaf_bytes is None else base64.b64encode(leaf_bytes).decode("ascii")
    return {
        "format": PROOF_FORMAT,
        "event_id": entry.event_id,
        "leaf": leaf,
        **document,
    }


def _missing_entry_reason(
    index: int, tree_size: int, log_size: int, size: int | None, slug: str
) -> str:
    """Explain in the active language why entry ``index`` has no proof."""
    values = {"index": index, "size": tree_size, "last": log_size - 1}
    if log_size == 0:
        return (
            _("entry %(index)d is not in the tree of size %(size)d: the log is empty")
            % values
        )
    if not 0 <= index < log_size:
        return (
            _(
                "entry %(index)d is not in the tree of size %(size)d: the log has "
                "entries 0 to %(last)d"
            )
            % values
        )
    if size is None:
        return _(
            "entry %(index)d is not in the tree of size %(size)d of the latest "
            "signed checkpoint. Sign a checkpoint that covers it with "
            "'%(command)s' and ask for the proof again"
        ) % {**values, "command": f"vigil accesslog checkpoint --org {slug}"}
    return _("entry %(index)d is not in the tree of size %(size)d") % values


def consistency_proof_for(
    organisation: Organisation, old_size: int, new_size: int | None = None
) -> dict[str, Any]:
    """Return the consistency document from tree size ``old_size`` to ``new_size``.

    It proves that the tree of ``old_size`` is a prefix of that of ``new_size``.

    ``new_size`` defaults to the latest checkpoint's. From size 0 the proof
    is empty, because every tree extends the empty one. The document has
    ``format`` (``CONSISTENCY_FORMAT``), both sizes and roots, the proof and
    the signed notes at both sizes, ``old_checkpoint`` being None when none
    was signed at ``old_size``. Raises ProofUnavailable if the sizes are out
    of range or no checkpoint was signed at ``new_size``, because
    vigil-verify cannot check the document.
    """
    store = DatabaseHashStore(organisation.pk)
    log = MerkleLog(store)
    tree_size, checkpoint = _tree_size(organisation, log, new_size)
    if not 0 <= old_size <= tree_size:
        raise ProofUnavailable(
            _("old tree size %(old)d must be between 0 and the new size %(new)d")
            % {"old": old_size, "new": tree_size}
        )
    if checkpoint is None:
        reason = _(
            "no checkpoint was signed at tree size %(size)d, so vigil-verify "
            "cannot check a consistency proof in that tree"
        ) % {"size": tree_size}
        raise ProofUnavailable(
            _with_nearest_checkpoints(organisation, tree_size, reason)
        )
    proof = log.consistency_proof(old_size, tree_size) if old_size else []
    old_checkpoint = _checkpoint_at(organisation, old_size)
    return {
        "format": CONSISTENCY_FORMAT,
        "old_size": old_size,
        "new_size": tree_size,
        "old_root": encode_base64(_root(log, old_size, old_checkpoint)),
        "new_root": encode_base64(_root(log, tree_size, checkpoint)),
        "proof": [encode_base64(value) for value in proof],
        "old_checkpoint": old_checkpoint.note if old_checkpoint else None,
        "new_checkpoint": checkpoint.note,
    }


def _with_nearest_checkpoints(
    organisation: Organisation, size: int, reason: str
) -> str:
    """Return ``reason`` followed by a sentence that names the nearest signed sizes.

    ``reason`` is the message, in the active language, that no checkpoint
    was signed at ``size``.
    """
    checkpoints = LogCheckpoint.objects.filter(organisation=organisation)
    below = checkpoints.filter(size__lt=size).order_by("-size").first()
    above = checkpoints.filter(size__gt=size).order_by("size").first()
    nearest = [checkpoint.size for checkpoint in (below, above) if checkpoint]
    if not nearest:
        sentence = _("The log has no signed checkpoint yet")
    elif len(nearest) == 1:
        sentence = _("The nearest signed size is %(size)d") % {"size": nearest[0]}
    else:
        sentence = _("The nearest signed sizes are %(below)d and %(above)d") % {
            "below": nearest[0],
            "above": nearest[1],
        }
    return f"{reason}. {sentence}"
