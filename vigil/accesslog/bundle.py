"""Proof bundles: entries of a period with everything to check them offline.

A bundle is one JSON object (format ``vigil-accesslog-bundle/3``) with the
log's origin and verifier key and the latest signed checkpoint. For each
entry whose time lies in ``[from, to)`` it lists the index, the canonical
leaf bytes (base64, encoded again from the entry's columns), the leaf hash
and the inclusion proof in the checkpoint's tree. An expired entry has
``"leaf": null`` and is proved by its leaf hash only. Given an earlier
checkpoint of the auditor, the bundle also carries the consistency proof
from it. Its last member, ``manifest``, is the log's signed statement that
the bundle lists every entry of the checkpoint's tree whose time lies in the
period, and how many entries of that tree had expired
(``vigil.ledger.manifest``). Version 2 of the format had a manifest without
the number of expired entries, and version 1 had no manifest.
``vigil-verify`` checks a bundle with nothing but the ``vigil.ledger``
package, and docs/accesslog.md describes every member.
"""

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.utils.translation import gettext as _

from vigil.accesslog.checkpoints import ensure_checkpoint
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.keys import signer_for, verifier_for
from vigil.accesslog.leaves import checked_entry_leaf
from vigil.accesslog.models import AccessEntry, LogKeys
from vigil.accesslog.retention import check_expired_in_time, expired_entry_count
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.ledger import (
    EntriesDigest,
    LedgerError,
    Manifest,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    open_checkpoint,
    sign_manifest,
)
from vigil.ledger.encoding import encode_base64
from vigil.organisations.models import Organisation

BUNDLE_FORMAT = "vigil-accesslog-bundle/3"
EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class BundleSummary:
    """Summary of an export: entry counts and the checkpoint they are proved in."""

    entries: int
    expired: int
    tree_size: int
    checkpoint_note: str


def _consistency(
    keys: LogKeys, store: DatabaseHashStore, previous_note: str, size: int
) -> dict[str, Any]:
    """Return the consistency proof from the auditor's earlier checkpoint."""
    try:
        previous = open_checkpoint(previous_note, verifier_for(keys), keys.origin)
    except LedgerError as error:
        # The ledger's own reason stays in English, as it does in verification.
        raise ValueError(
            _(
                "the previous checkpoint is not a valid checkpoint of this log: "
                "%(error)s"
            )
            % {"error": error}
        ) from None
    if previous.size > size:
        raise ValueError(
            _(
                "the previous checkpoint has size %(previous)d, but the log's "
                "latest checkpoint has size %(size)d: the log was cut back"
            )
            % {"previous": previous.size, "size": size}
        )
    proof = consistency_proof(previous.size, size, store) if previous.size else []
    return {
        "old_size": previous.size,
        "old_root": encode_base64(previous.root_hash),
        "proof": [encode_base64(value) for value in proof],
    }


def _entries(
    organisation: Organisation,
    origin: str,
    start: datetime.datetime,
    end: datetime.datetime,
    size: int,
) -> Iterator[tuple[int, bytes | None, bytes]]:
    """Yield (index, leaf or None if expired, leaf hash) of the period's entries.

    The leaf bytes are encoded again from the entry's columns. Raises
    LogDamaged if they do not hash to the stored leaf hash, or if an expired
    entry lies within the retention period.
    """
    position = 0
    while True:
        entries = list(
            AccessEntry.objects.filter(
                organisation=organisation,
                time__gte=start,
                time__lt=end,
                index__gte=position,
                index__lt=size,
            )
            .defer("received_at")
            .order_by("index")[:EXPORT_CHUNK]
        )
        for entry in entries:
            leaf = checked_entry_leaf(origin, entry, organisation.slug)
            check_expired_in_time(entry, organisation.slug)
            yield entry.index, leaf, bytes(entry.leaf_hash)
        if len(entries) < EXPORT_CHUNK:
            return
        position = entries[-1].index + 1


def _raise_expired_during_export(organisation: Organisation, size: int) -> None:
    """Raise the error for a listed entry whose expiry differs from the count.

    Expiry never gives an entry its content back, so either more entries
    expired since the count was taken, or the log was changed, which
    counting again shows.
    """
    expired_entry_count(organisation, size)
    raise ValueError(
        _(
            "entries of the log expired while the bundle was written. Run the "
            "export again"
        )
    )


def _check_period(start: datetime.datetime, end: datetime.datetime) -> None:
    if end <= start:
        raise ValueError(
            f"the period from {start.isoformat()} to {end.isoformat()} is empty"
        )
    for moment in (start, end):
        if moment.microsecond % 1000:
            raise ValueError(
                f"{moment.isoformat()} has digits below the millisecond, which "
                "the bundle's manifest cannot state"
            )


def export_bundle(
    organisation: Organisation,
    start: datetime.datetime,
    end: datetime.datetime,
    output: TextIO,
    *,
    actor: Any,
    previous_note: str | None = None,
) -> BundleSummary:
    """Write the bundle of the entries with ``start <= time < end`` to ``output``.

    Signs a checkpoint first if the latest one does not cover the whole log,
    and signs the manifest of the listed entries last. ``previous_note`` is a
    signed checkpoint the auditor kept from earlier; the bundle then proves
    that the log only grew since. Raises ValueError if that note is not a
    checkpoint of this log or is larger than the log, or if the period is
    empty or its bounds have digits below the millisecond, which the
    manifest cannot state. Raises LogDamaged, a ValueError, if a listed
    entry does not match its leaf hash or an expired entry follows one with
    content. ``output`` may then hold part of a bundle.
    """
    _check_period(start, end)
    checkpoint = ensure_checkpoint(organisation, actor=actor)
    keys = LogKeys.objects.get(organisation=organisation)
    store = DatabaseHashStore(organisation.pk)
    size = checkpoint.size
    expired_before = expired_entry_count(organisation, size)
    consistency = (
        _consistency(keys, store, previous_note, size) if previous_note else None
    )
    header = {
        "format": BUNDLE_FORMAT,
        "origin": keys.origin,
        "verifier_key": keys.verifier_key,
        "checkpoint": checkpoint.note,
        "tree_size": size,
        "root_hash": encode_base64(MerkleLog(store).root(size)),
        "from": canonical_time(start),
        "to": canonical_time(end),
        "consistency": consistency,
    }
    output.write("{\n")
    for key, value in header.items():
        output.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    output.write(' "entries": [')
    count = expired = 0
    digest = EntriesDigest()
    entries = _entries(organisation, keys.origin, start, end, size)
    for index, leaf, leaf_hash in entries:
        if (leaf is None) != (index < expired_before):
            _raise_expired_during_export(organisation, size)
        digest.add(index, leaf_hash)
        item = {
            "index": index,
            "leaf": None if leaf is None else encode_base64(leaf),
            "leaf_hash": encode_base64(leaf_hash),
            "proof": [
                encode_base64(node) for node in inclusion_proof(index, size, store)
            ],
        }
        output.write(("\n  " if not count else ",\n  ") + json.dumps(item))
        count += 1
        expired += leaf is None
    manifest = Manifest(
        keys.origin,
        start,
        end,
        count,
        digest.digest(),
        size,
        bytes(checkpoint.root_hash),
        expired_before,
    )
    note = json.dumps(sign_manifest(manifest, signer_for(keys)), ensure_ascii=False)
    output.write(f'\n ],\n "manifest": {note}\n}}\n')
    record(
        "accesslog.bundle_exported",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.accessentry",
        object_label=f"{organisation.slug} {header['from']}–{header['to']}",
        new={
            "from": start,
            "to": end,
            "entries": count,
            "expired": expired,
            "tree_size": size,
            "previous_size": consistency["old_size"] if consistency else None,
        },
    )
    return BundleSummary(count, expired, size, checkpoint.note)
