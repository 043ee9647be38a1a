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
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accesslog.checkpoints import ensure_checkpoint
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.expiry_statements import check_vouched
from vigil.accesslog.keys import ensure_log_keys, signer_for, verifier_for
from vigil.accesslog.leaves import checked_entry_leaf
from vigil.accesslog.models import AccessEntry, LogKeys
from vigil.accesslog.retention import (
    check_expired_in_time,
    expired_entry_count,
    expired_in_time_bound,
)
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.isodate import day_start
from vigil.ledger import (
    Checkpoint,
    CheckpointOriginError,
    EntriesDigest,
    InvalidSignatureError,
    LedgerError,
    MalformedCheckpointError,
    MalformedNoteError,
    Manifest,
    MerkleLog,
    UnverifiedNoteError,
    consistency_proof,
    inclusion_proof,
    open_checkpoint,
    sign_manifest,
    signer_of_other_log,
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
    # The size of the earlier checkpoint that the consistency proof starts
    # from, or None without one.
    previous_size: int | None = None


class InvalidPreviousCheckpoint(ValueError):
    """The auditor's earlier checkpoint is not a signed checkpoint of this log.

    ``error`` is the reason of ``vigil.ledger``, in English. The message
    gives its kind in the active language instead (``note_reason``).
    """

    def __init__(self, error: LedgerError) -> None:
        super().__init__(
            _(
                "the previous checkpoint is not a valid checkpoint of this log: "
                "%(error)s"
            )
            % {"error": note_reason(error)}
        )
        self.error = error


def note_reason(error: LedgerError) -> str:
    """Return why the ledger rejected a kept checkpoint note, in the active language.

    The ledger's own message, in English, names the line or signature that
    failed. The returned text gives the kind of failure instead, so that a
    message that contains it reads in one language.
    """
    if isinstance(error, MalformedNoteError):
        return _(
            "it is not a signed note, which has its text, an empty line and "
            "signature lines that start with “—”"
        )
    if isinstance(error, MalformedCheckpointError):
        return _(
            "its text is not a checkpoint, whose first three lines are the "
            "log's name, the tree size and the root hash"
        )
    if isinstance(error, CheckpointOriginError):
        return _("it is a checkpoint of another log")
    if isinstance(error, InvalidSignatureError):
        return _("its signature does not match its text, so the text was changed")
    if isinstance(error, UnverifiedNoteError):
        return _("it carries no signature by this log's key")
    return _("its signature or its text is invalid")


class PreviousCheckpointAhead(ValueError):
    """The auditor's earlier checkpoint has a larger tree than the log has now."""

    def __init__(self, previous_size: int, size: int) -> None:
        super().__init__(
            _(
                "the previous checkpoint has size %(previous)d, but the log's "
                "latest checkpoint has size %(size)d: the log was cut back"
            )
            % {"previous": previous_size, "size": size}
        )
        self.previous_size = previous_size
        self.size = size


class InvalidPeriod(ValueError):
    """A period that the bundle's manifest cannot state."""


def _open_previous(keys: LogKeys, previous_note: str, size: int) -> Checkpoint:
    """Return the auditor's earlier checkpoint if it fits a log of ``size``."""
    try:
        previous = open_checkpoint(previous_note, verifier_for(keys), keys.origin)
    except LedgerError as error:
        raise InvalidPreviousCheckpoint(
            _origin_error_of_other_log(previous_note, error, keys.origin)
        ) from None
    if previous.size > size:
        raise PreviousCheckpointAhead(previous.size, size)
    return previous


def _origin_error_of_other_log(
    note: str, error: LedgerError, origin: str
) -> LedgerError:
    """Return CheckpointOriginError for a checkpoint that another log signed.

    Its reason otherwise, no signature by this log's key, would hide that it
    is the wrong log's checkpoint.
    """
    found = signer_of_other_log(note, error, origin)
    if found is None:
        return error
    return CheckpointOriginError(
        f"checkpoint origin is {found[0]!r}, expected {origin!r}"
    )


def _consistency(
    store: DatabaseHashStore, previous: Checkpoint, size: int
) -> dict[str, Any]:
    """Return the consistency proof from the auditor's earlier checkpoint."""
    proof = consistency_proof(previous.size, size, store) if previous.size else []
    return {
        "old_size": previous.size,
        "old_root": encode_base64(previous.root_hash),
        "proof": [encode_base64(value) for value in proof],
    }


def _entries(
    organisation: Organisation,
    origin: str,
    period: tuple[datetime.datetime, datetime.datetime],
    size: int,
    bound: datetime.datetime,
) -> Iterator[tuple[int, bytes | None, bytes]]:
    """Yield (index, leaf or None if expired, leaf hash) of the period's entries.

    The leaf bytes are encoded again from the entry's columns. Raises
    LogDamaged if they do not hash to the stored leaf hash, or if an expired
    entry's time is not before ``bound`` (``expired_in_time_bound``).
    """
    start, end = period
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
            check_expired_in_time(entry, organisation, bound)
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


def export_period(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the start of ``first_day`` and the end of ``last_day``, both included.

    A day runs from midnight to midnight in the default time zone
    (``settings.TIME_ZONE``), whatever the time zone of the machine. The
    period is empty when ``last_day`` comes before ``first_day``.
    """
    zone = timezone.get_default_timezone()
    following = last_day + datetime.timedelta(days=1)
    return day_start(first_day, zone), day_start(following, zone)


def _check_period(start: datetime.datetime, end: datetime.datetime) -> None:
    if end <= start:
        raise InvalidPeriod(
            f"the period from {start.isoformat()} to {end.isoformat()} is empty"
        )
    for moment in (start, end):
        if moment.microsecond % 1000:
            raise InvalidPeriod(
                f"{moment.isoformat()} has digits below the millisecond, which "
                "the bundle's manifest cannot state"
            )


class BundleExport:
    """An export whose checks before the first entry passed, ready to be written.

    ``prepare_bundle`` makes it. ``chunks`` yields the bundle's text and
    records the export in the audit trail once the last piece was taken, so
    a download that breaks off is not recorded. ``summary`` is set then.
    """

    def __init__(
        self,
        organisation: Organisation,
        start: datetime.datetime,
        end: datetime.datetime,
        *,
        actor: Any,
        previous: Checkpoint | None,
    ) -> None:
        self.organisation = organisation
        self.start = start
        self.end = end
        self.actor = actor
        self.checkpoint = ensure_checkpoint(organisation, actor=actor)
        self.keys = LogKeys.objects.get(organisation=organisation)
        self.store = DatabaseHashStore(organisation.pk)
        self.size = self.checkpoint.size
        self.expired_before = expired_entry_count(organisation, self.size)
        # The manifest, signed with the log key, states that these entries
        # expired, so expiry statements must vouch for each of them.
        check_vouched(self.keys, 0, self.expired_before, organisation.slug)
        self.bound = expired_in_time_bound(organisation)
        self._check_expired_in_time()
        self.consistency = None
        if previous is not None:
            if previous.size > self.size:
                raise PreviousCheckpointAhead(previous.size, self.size)
            self.consistency = _consistency(self.store, previous, self.size)
        self._summary: BundleSummary | None = None

    def _check_expired_in_time(self) -> None:
        """Raise LogDamaged for the first expired entry of the period emptied early.

        ``chunks`` checks each entry too, but after the first piece, when a
        download has started. This one query finds that case first.
        """
        early = (
            AccessEntry.objects.filter(
                organisation=self.organisation,
                index__lt=self.expired_before,
                time__gte=max(self.start, self.bound),
                time__lt=self.end,
            )
            .order_by("index")
            .first()
        )
        if early is not None:
            check_expired_in_time(early, self.organisation, self.bound)

    @property
    def summary(self) -> BundleSummary:
        """The counts of the bundle, once ``chunks`` yielded its last piece."""
        if self._summary is None:
            raise RuntimeError("the bundle was not written to its end")
        return self._summary

    def _header(self) -> str:
        header = {
            "format": BUNDLE_FORMAT,
            "origin": self.keys.origin,
            "verifier_key": self.keys.verifier_key,
            "checkpoint": self.checkpoint.note,
            "tree_size": self.size,
            "root_hash": encode_base64(MerkleLog(self.store).root(self.size)),
            "from": canonical_time(self.start),
            "to": canonical_time(self.end),
            "consistency": self.consistency,
        }
        members = "".join(
            f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n"
            for key, value in header.items()
        )
        return "{\n" + members + ' "entries": ['

    def chunks(self) -> Generator[str]:
        """Yield the bundle's text, at most ``EXPORT_CHUNK`` entries a piece.

        Raises LogDamaged, a ValueError, if a listed entry does not match
        its leaf hash or an expired entry follows one with content, and
        ValueError if entries expired meanwhile. The pieces yielded before
        then are part of a bundle that is not recorded.
        """
        yield self._header()
        count = expired = 0
        digest = EntriesDigest()
        items: list[str] = []
        entries = _entries(
            self.organisation,
            self.keys.origin,
            (self.start, self.end),
            self.size,
            self.bound,
        )
        for index, leaf, leaf_hash in entries:
            if (leaf is None) != (index < self.expired_before):
                _raise_expired_during_export(self.organisation, self.size)
            digest.add(index, leaf_hash)
            items.append(
                ("\n  " if not count else ",\n  ") + self._item(index, leaf, leaf_hash)
            )
            count += 1
            expired += leaf is None
            if len(items) == EXPORT_CHUNK:
                yield "".join(items)
                items.clear()
        manifest = Manifest(
            self.keys.origin,
            self.start,
            self.end,
            count,
            digest.digest(),
            self.size,
            bytes(self.checkpoint.root_hash),
            self.expired_before,
        )
        signed = sign_manifest(manifest, signer_for(self.keys))
        note = json.dumps(signed, ensure_ascii=False)
        yield "".join(items) + f'\n ],\n "manifest": {note}\n}}\n'
        self._record(count, expired)
        self._summary = BundleSummary(
            count,
            expired,
            self.size,
            self.checkpoint.note,
            self.consistency["old_size"] if self.consistency else None,
        )

    def _item(self, index: int, leaf: bytes | None, leaf_hash: bytes) -> str:
        proof = inclusion_proof(index, self.size, self.store)
        return json.dumps(
            {
                "index": index,
                "leaf": None if leaf is None else encode_base64(leaf),
                "leaf_hash": encode_base64(leaf_hash),
                "proof": [encode_base64(node) for node in proof],
            }
        )

    def _record(self, count: int, expired: int) -> None:
        period = f"{canonical_time(self.start)}–{canonical_time(self.end)}"
        record(
            "accesslog.bundle_exported",
            actor=self.actor,
            organisation=self.organisation,
            object_type="accesslog.accessentry",
            object_label=f"{self.organisation.slug} {period}",
            new={
                "from": self.start,
                "to": self.end,
                "entries": count,
                "expired": expired,
                "tree_size": self.size,
                "previous_size": (
                    self.consistency["old_size"] if self.consistency else None
                ),
            },
        )


def prepare_bundle(
    organisation: Organisation,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    actor: Any,
    previous_note: str | None = None,
) -> BundleExport:
    """Check an export of the entries with ``start <= time < end`` and prepare it.

    ``previous_note`` is a signed checkpoint the auditor kept from earlier.
    The bundle then proves that the log only grew since. Raises
    InvalidPeriod if the period is empty or its bounds have digits below
    the millisecond, which the manifest cannot state, InvalidPreviousCheckpoint
    if the note is not a checkpoint of this log, and PreviousCheckpointAhead
    if it is larger than the log. These checks sign and record nothing,
    except that a log without keys gets them first. Then it signs a
    checkpoint if the latest one does not cover the whole log.
    """
    _check_period(start, end)
    previous = None
    if previous_note is not None:
        keys = ensure_log_keys(organisation, actor=actor)
        size = DatabaseHashStore(organisation.pk).leaf_count()
        previous = _open_previous(keys, previous_note, size)
    return BundleExport(organisation, start, end, actor=actor, previous=previous)


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

    Raises the errors of ``prepare_bundle`` before anything is written, and
    those of ``BundleExport.chunks`` while writing, after which ``output``
    may hold part of a bundle.
    """
    export = prepare_bundle(
        organisation, start, end, actor=actor, previous_note=previous_note
    )
    for piece in export.chunks():
        output.write(piece)
    return export.summary
