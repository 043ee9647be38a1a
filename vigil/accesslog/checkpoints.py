"""Signed checkpoints (C2SP tlog-checkpoint) of an organisation's access log.

A checkpoint states the tree size and root hash, signed with the log's
Ed25519 key, whose name is the checkpoint origin. Ingestion signs one after
every batch, or at most every ``VIGIL_CHECKPOINT_INTERVAL_SECONDS`` when that
setting is above 0. An auditor or the supervisor who keeps copies of the
notes outside Vigil can later prove with a consistency proof that the log
only grew since, even against someone who has the signing key.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from vigil.accesslog.keys import ensure_log_keys, lock_log_keys, signer_for
from vigil.accesslog.models import LogCheckpoint, LogKeys
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.ledger import Checkpoint, MerkleLog, sign_checkpoint
from vigil.organisations.models import Organisation


def checkpoint_interval() -> datetime.timedelta:
    """Return the minimum time between two checkpoints (zero: after every batch)."""
    return datetime.timedelta(seconds=settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS)


def latest_checkpoint(organisation: Organisation) -> LogCheckpoint | None:
    """Return the checkpoint with the largest tree size, or None."""
    return (
        LogCheckpoint.objects.filter(organisation=organisation)
        .order_by("-size")
        .first()
    )


def sign_tree_head(
    keys: LogKeys, log: MerkleLog, size: int, *, root: bytes | None = None
) -> LogCheckpoint:
    """Sign and store the checkpoint of the tree of ``size`` leaves.

    ``root`` is the tree's root hash at ``size`` if the caller has it, and
    is read from the tree otherwise. Call it in the transaction that holds
    the lock of ``lock_log_keys``.
    """
    if root is None:
        root = log.root(size)
    checkpoint = Checkpoint(keys.origin, size, root)
    note = sign_checkpoint(checkpoint, signer_for(keys))
    return LogCheckpoint.objects.create(
        organisation_id=keys.organisation_id, size=size, root_hash=root, note=note
    )


def sign_if_due(
    keys: LogKeys,
    log: MerkleLog,
    size: int,
    now: datetime.datetime,
    *,
    root: bytes | None = None,
) -> LogCheckpoint | None:
    """Sign a checkpoint of ``size`` unless the checkpoint interval has not passed.

    Returns the latest checkpoint afterwards: the new one, or the earlier
    one when no new checkpoint was due (None if there is none yet).
    ``root`` is the root hash at ``size``, as for ``sign_tree_head``.

    Without an interval a checkpoint is signed at once. A stored checkpoint
    of the same size then makes the unique index on (organisation, size)
    reject it, so that no second root is ever signed for one size.
    """
    interval = checkpoint_interval()
    if not interval:
        return sign_tree_head(keys, log, size, root=root)
    latest = (
        LogCheckpoint.objects.filter(organisation_id=keys.organisation_id)
        .order_by("-size")
        .first()
    )
    if latest is not None and latest.size >= size:
        return latest
    if latest is None or now - latest.created_at >= interval:
        return sign_tree_head(keys, log, size, root=root)
    return latest


@transaction.atomic
def ensure_checkpoint(organisation: Organisation, *, actor: Any) -> LogCheckpoint:
    """Return a checkpoint of the current tree size, signing one if needed.

    With a checkpoint interval the latest batches may not be covered by a
    checkpoint yet; this signs one for them. An empty log gets a checkpoint
    of size 0.
    """
    keys = lock_log_keys(organisation)
    log = MerkleLog(DatabaseHashStore(organisation.pk))
    size = log.size
    latest = latest_checkpoint(organisation)
    if latest is not None and latest.size >= size:
        return latest
    checkpoint = sign_tree_head(keys, log, size)
    record(
        "accesslog.checkpoint_signed",
        actor=actor,
        target=checkpoint,
        organisation=organisation,
        new={"size": size, "root_hash": bytes(checkpoint.root_hash).hex()},
    )
    return checkpoint


def verifier_key(organisation: Organisation) -> str:
    """Return the verifier key ``<name>+<key id>+<base64 key>`` of the log."""
    return ensure_log_keys(organisation).verifier_key
