"""Retention: emptying the content of entries older than the retention period.

After ``VIGIL_ACCESSLOG_RETENTION_DAYS`` (default 3650, ten years) an entry's
content goes: the user id, application, action, subject pseudonym, service,
case file, source address and outcome are emptied and ``expired_at`` is set,
so the entry no longer has leaf bytes. The index, event id, time and leaf
hash stay, and so do the tree nodes, so the proofs of every kept entry still
verify and the verification checks an expired entry by its leaf hash.

Expiry works from the start of the log. A run empties the entries from the
first one not yet expired up to, but not including, the first entry whose
time is within the retention period. An entry that arrived late with an old
time therefore waits for the entries before it. Every expired entry lies
before every kept one, and the verification checks this, so content cannot
be removed from the middle of the log by passing it off as expired.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.expiry_statements import (
    covered_prefix,
    expired_in_time_before,
    sign_statement,
)
from vigil.accesslog.keys import lock_log_keys, verifier_for
from vigil.accesslog.leaves import LogDamaged, checked_entry_leaf, verify_command
from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    AccessEntry,
    ExpiryStatement,
    LogKeys,
)
from vigil.accesslog.signed_range import RangeHasher, root_with_range
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.ledger import Checkpoint, LedgerError, open_checkpoint
from vigil.organisations.models import Organisation

SCAN_CHUNK = 10_000


@dataclass(frozen=True)
class ExpiryResult:
    """Entries ``[start, end)`` were emptied (``expired`` of them) at ``cutoff``.

    ``waiting`` counts the entries from ``end`` on that are due as well, but
    lie after the latest signed checkpoint, so that expiry keeps them.
    """

    expired: int
    start: int
    end: int
    cutoff: datetime.datetime
    waiting: int = 0


def retention_period() -> datetime.timedelta:
    """Return how long entries keep their content."""
    return datetime.timedelta(days=settings.VIGIL_ACCESSLOG_RETENTION_DAYS)


def first_unexpired_index(organisation: Organisation) -> int:
    """Return the index after the expired prefix of the log (0 if none expired)."""
    highest = AccessEntry.objects.filter(
        organisation=organisation, expired_at__isnull=False
    ).aggregate(highest=Max("index"))["highest"]
    return 0 if highest is None else highest + 1


def expired_entry_count(organisation: Organisation, size: int) -> int:
    """Return the number of expired entries among the first ``size`` of the log.

    Because expiry empties the oldest entries first, this is also the index
    of the first entry with content. Raises LogDamaged, naming the first
    expired entry after one that is not, if the expired entries are not
    entries 0 up to that number. The check reads two aggregates from the
    partial index on expired entries, and scans them only when it fails.
    """
    expired = AccessEntry.objects.filter(
        organisation=organisation, index__lt=size, expired_at__isnull=False
    )
    stats = expired.aggregate(count=Count("index"), highest=Max("index"))
    count: int = stats["count"]
    if not count:
        return count
    if stats["highest"] == count - 1:
        _check_vouched(organisation, count)
        return count
    indices = expired.order_by("index").values_list("index", flat=True)
    kept = 0
    for index in indices.iterator(chunk_size=SCAN_CHUNK):
        if index != kept:
            break
        kept += 1
    raise LogDamaged(
        index,
        _(
            "entry %(index)d was emptied as expired, but entry %(kept)d before it "
            "was not. Expiry empties the oldest entries first, so the content of "
            "entry %(index)d was removed. Run '%(command)s' to check the whole log"
        )
        % {"index": index, "kept": kept, "command": verify_command(organisation.slug)},
    )


def _check_vouched(organisation: Organisation, count: int) -> None:
    """Raise LogDamaged if no expiry statement covers one of the first ``count``.

    This reads the ranges of the statement rows. The verification also
    checks their signatures.
    """
    ranges = ExpiryStatement.objects.filter(organisation=organisation).values_list(
        "start", "end"
    )
    vouched = covered_prefix(ranges)
    if vouched >= count:
        return
    raise LogDamaged(
        vouched,
        _(
            "entry %(index)d was emptied as expired, but no expiry statement "
            "covers it, so its content was removed outside expiry. Run "
            "'%(command)s' to check the whole log"
        )
        % {"index": vouched, "command": verify_command(organisation.slug)},
    )


def expired_in_time_bound(
    organisation: Organisation, now: datetime.datetime | None = None
) -> datetime.datetime:
    """Return the time before which every expired entry of ``organisation`` must lie.

    That is ``expired_in_time_before`` for the retention period at ``now``
    and the statements that verify with the log key.
    """
    retained_from = (now or timezone.now()) - retention_period()
    keys = LogKeys.objects.filter(organisation=organisation).first()
    if keys is None:
        return retained_from
    return expired_in_time_before(
        keys.organisation_id, verifier_for(keys), keys.origin, retained_from
    )


def check_expired_in_time(
    entry: AccessEntry,
    organisation: Organisation,
    bound: datetime.datetime | None = None,
) -> None:
    """Raise LogDamaged if ``entry`` was emptied before it was due.

    Expiry empties only entries older than the period, and the triggers keep
    an emptied entry's time. So an emptied entry whose time is not before
    ``bound`` (``expired_in_time_bound``, computed here when not given) had
    its content removed by someone else.
    """
    if entry.expired_at is None:
        return
    if bound is None:
        # The statements are read only for an entry within the period.
        if entry.time < timezone.now() - retention_period():
            return
        bound = expired_in_time_bound(organisation)
    if entry.time < bound:
        return
    raise LogDamaged(
        entry.index,
        _(
            "entry %(index)d was emptied as expired, but its time %(time)s lies "
            "within the retention period of %(days)d days and after the cut-off "
            "of every expiry statement, so its content was removed before it "
            "was due. Run '%(command)s' to check the whole log"
        )
        % {
            "index": entry.index,
            "time": canonical_time(entry.time),
            "days": retention_period().days,
            "command": verify_command(organisation.slug),
        },
    )


def _first_kept_index(
    organisation: Organisation, start: int, cutoff: datetime.datetime
) -> int:
    """Return the first index from ``start`` on whose time is at or after ``cutoff``.

    The scan reads (index, time) pairs in index order, so its cost grows with
    the number of entries to expire, not with the size of the log.
    """
    position = start
    while True:
        rows = list(
            AccessEntry.objects.filter(organisation=organisation, index__gte=position)
            .order_by("index")
            .values_list("index", "time")[:SCAN_CHUNK]
        )
        for index, time in rows:
            if time >= cutoff:
                return index
        if len(rows) < SCAN_CHUNK:
            return position if not rows else rows[-1][0] + 1
        position = rows[-1][0] + 1


def due_for_expiry(
    organisation: Organisation, now: datetime.datetime | None = None
) -> ExpiryResult:
    """Return the entries that ``expire_entries`` would empty at ``now``.

    Changes nothing. The entries are ``[start, end)``, none of them expired
    yet, so ``expired`` counts them all. Entries after the latest signed
    checkpoint wait for a checkpoint that covers them.
    """
    cutoff = _whole_milliseconds((now or timezone.now()) - retention_period())
    start = first_unexpired_index(organisation)
    first_kept = _first_kept_index(organisation, start, cutoff)
    # Expiry vouches only for entries in the tree of a signed checkpoint.
    latest = latest_checkpoint(organisation)
    end = max(start, min(first_kept, latest.size if latest is not None else 0))
    return ExpiryResult(end - start, start, end, cutoff, waiting=first_kept - end)


def checkpoint_wait_line(organisation: Organisation, due: ExpiryResult) -> str | None:
    """Return the line that names due entries that no signed checkpoint covers yet.

    Return None when ``due`` has no such entries.
    """
    if not due.waiting:
        return None
    if due.expired:
        text = ngettext(
            "%(count)d more entry, at index %(index)d, is due but not yet in a "
            "signed checkpoint, so it keeps its content. Run '%(command)s' and "
            "expire again to empty it",
            "%(count)d more entries, from index %(index)d on, are due but not yet "
            "in a signed checkpoint, so they keep their content. Run '%(command)s' "
            "and expire again to empty them",
            due.waiting,
        )
    else:
        text = ngettext(
            "%(count)d entry, at index %(index)d, is due but not yet in a "
            "signed checkpoint, so it keeps its content. Run '%(command)s' and "
            "expire again to empty it",
            "%(count)d entries, from index %(index)d on, are due but not yet "
            "in a signed checkpoint, so they keep their content. Run '%(command)s' "
            "and expire again to empty them",
            due.waiting,
        )
    return text % {
        "count": due.waiting,
        "index": due.end,
        "command": f"vigil accesslog checkpoint --org {organisation.slug}",
    }


def _whole_milliseconds(moment: datetime.datetime) -> datetime.datetime:
    """Return ``moment`` rounded down to a whole millisecond.

    The expiry statement writes its cut-off in milliseconds, and entry times
    are whole milliseconds. Comparing with the rounded cut-off keeps an
    entry whose time lies in the cut-off's own millisecond, which the
    statement could not state as before its cut-off.
    """
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@transaction.atomic
def expire_entries(
    organisation: Organisation,
    now: datetime.datetime | None = None,
    *,
    actor: Any,
) -> ExpiryResult:
    """Empty the content of the entries past the retention period, oldest first.

    The entries must still match their leaf hashes, so that their times are
    those their leaves contain, and those leaf hashes must be in the tree of
    the latest signed checkpoint. Otherwise LogDamaged is raised and nothing
    is emptied. A statement signed with the log key then vouches for them
    (``expiry_statements``). The lock of the log keeps ingestion and other
    runs out meanwhile.
    """
    now = now or timezone.now()
    due = due_for_expiry(organisation, now)
    if not due.expired:
        return due
    keys = lock_log_keys(organisation)
    # Again under the lock, which another run may have held.
    due = due_for_expiry(organisation, now)
    start, end, cutoff = due.start, due.end, due.cutoff
    if not due.expired:
        return due
    _check_leaves(keys, organisation, start, end)
    expired = AccessEntry.objects.filter(
        organisation=organisation,
        index__gte=start,
        index__lt=end,
        expired_at__isnull=True,
    ).update(**EMPTIED_CONTENT, expired_at=now)
    if expired != end - start:
        # Another writer emptied entries after the check, outside expiry.
        raise _changed_during_expiry(organisation, start, end)
    sign_statement(keys, start, end, cutoff)
    record(
        "accesslog.expired",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.accessentry",
        object_label=f"{organisation.slug} {start}–{end - 1}",
        new={
            "expired": expired,
            "first_index": start,
            "first_kept_index": end,
            "cutoff": cutoff,
        },
    )
    return ExpiryResult(expired, start, end, cutoff, waiting=due.waiting)


def _check_leaves(
    keys: LogKeys, organisation: Organisation, start: int, end: int
) -> None:
    """Raise LogDamaged unless entries ``[start, end)`` are those of the signed tree.

    This reads and encodes every entry, so that the expiry statement vouches
    only for entries whose columns, time included, are those of their leaf.
    A leaf hash matters only as part of the tree of the latest checkpoint,
    whose signature is checked with the log key, because someone who can
    write to the database can store a leaf hash for changed columns.
    """
    checkpoint = _latest_signed_checkpoint(keys, organisation, start)
    hasher = RangeHasher(start)
    # The rows stay locked until expiry commits, so that the entries it
    # empties and whose keys the statement signs are those checked here. A
    # writer on PostgreSQL that bypasses the triggers, with its change not
    # yet committed, could otherwise change them in between. SQLite's
    # IMMEDIATE transactions keep every other writer out anyway.
    entries = (
        AccessEntry.objects.select_for_update()
        .filter(organisation=organisation, index__gte=start, index__lt=end)
        .order_by("index")
    )
    for entry in entries.iterator(chunk_size=SCAN_CHUNK):
        checked_entry_leaf(keys.origin, entry, organisation.slug)
        if entry.index != hasher.end:
            break
        hasher.add(bytes(entry.leaf_hash))
    store = DatabaseHashStore(organisation.pk)
    try:
        root = root_with_range(
            store, checkpoint.size, start, hasher.end, hasher.nodes()
        )
    except (KeyError, ValueError):
        root = None
    if hasher.end == end and root == checkpoint.root_hash:
        return
    raise LogDamaged(
        start,
        _(
            "entries %(start)d to %(last)d do not match the tree of the signed "
            "checkpoint of size %(size)d, so the log was changed. Run "
            "'%(command)s' to check the whole log"
        )
        % {
            "start": start,
            "last": end - 1,
            "size": checkpoint.size,
            "command": verify_command(organisation.slug),
        },
    )


def _changed_during_expiry(
    organisation: Organisation, start: int, end: int
) -> LogDamaged:
    return LogDamaged(
        start,
        _(
            "entries %(start)d to %(last)d changed while expiry emptied them, so "
            "someone else writes to the log. Nothing was emptied. Run "
            "'%(command)s' to check the whole log"
        )
        % {
            "start": start,
            "last": end - 1,
            "command": verify_command(organisation.slug),
        },
    )


def _latest_signed_checkpoint(
    keys: LogKeys, organisation: Organisation, start: int
) -> Checkpoint:
    """Return the latest checkpoint as its note states it, verified with the log key.

    Raises LogDamaged at ``start``, the first entry that expiry would empty,
    if the note does not verify or states another size than its row.
    """
    latest = latest_checkpoint(organisation)
    if latest is not None:
        try:
            checkpoint = open_checkpoint(latest.note, verifier_for(keys), keys.origin)
        except LedgerError:
            checkpoint = None
        if checkpoint is not None and checkpoint.size == latest.size:
            return checkpoint
    raise LogDamaged(
        start,
        _(
            "the latest checkpoint of the log does not verify with the log key, "
            "so expiry cannot check the entries it would empty. Run "
            "'%(command)s' to check the whole log"
        )
        % {"command": verify_command(organisation.slug)},
    )
