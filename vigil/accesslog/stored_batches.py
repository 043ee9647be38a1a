"""Whether the batch of an interrupted file ingestion was committed.

An interruption (KeyboardInterrupt) before a batch's commit rolls the batch
back. One just after the commit, before the command counted the batch,
leaves it stored. ``ingestion._append`` writes an ``accesslog.ingested``
audit entry in the transaction of every batch that stores an entry. So the
command takes the id of the newest audit entry before the batch, and after
an interruption it looks for the batch's audit entry among the newer ones.
"""

from typing import NamedTuple

from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation


class StoredBatch(NamedTuple):
    """The counts of a committed batch, as its audit entry contains them."""

    new: int
    duplicates: int
    tree_size: int


class PendingBatch(NamedTuple):
    """A batch about to be stored, and the id of the newest audit entry before it."""

    first_line: int
    last_line: int
    audit_mark: int


def latest_audit_id() -> int:
    """Return the id of the newest audit entry, or 0 when there is none."""
    latest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def stored_since(
    organisation: Organisation, source: str, audit_mark: int
) -> StoredBatch | None:
    """Return the counts of the first batch from ``source`` stored after ``audit_mark``.

    The audit entry of a batch gets a higher id than every audit entry
    committed before it. A batch that stored no entry, only duplicates, has
    no audit entry and is not found.
    NOTE: a file of the same name that another process ingests into the same
    log at the same time is taken for this one.
    """
    # The source is compared in SQL, because a syslog receiver that runs at
    # the same time writes an audit entry for every event it stores.
    values = (
        AuditEntry.objects.filter(
            pk__gt=audit_mark,
            action="accesslog.ingested",
            organisation=organisation,
            new_values__source=source,
        )
        .order_by("pk")
        .values_list("new_values", flat=True)
        .first()
    )
    if values is None:
        return None
    return StoredBatch(values["accepted"], values["duplicates"], values["tree_size"])
