"""Access events, batches and database tampering for the access-log tests."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.utils import timezone

from vigil.accesslog.expiry_statements import (
    expired_keys_digest,
    sign_statement,
    statement_body,
)
from vigil.accesslog.ingestion import IngestResult, ingest_events
from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    AccessEntry,
    ExpiryStatement,
    LogKeys,
)
from vigil.accesslog.retention import retention_period
from vigil.ledger import Ed25519Signer, sign_note
from vigil.organisations.models import Organisation

TABLES = (
    "accesslog_accessentry",
    "accesslog_treenode",
    "accesslog_logcheckpoint",
    "accesslog_logkeys",
)
SQLITE_TRIGGERS = (
    "accesslog_entry_no_delete",
    "accesslog_entry_only_expiry",
    "accesslog_treenode_no_update",
    "accesslog_treenode_no_delete",
    "accesslog_logcheckpoint_no_update",
    "accesslog_logcheckpoint_no_delete",
    "accesslog_logkeys_no_update",
    "accesslog_logkeys_no_delete",
)


def national_number(
    serial: int, birth: str = "850730", *, after_2000: bool = False
) -> str:
    """Return a valid national number; ``birth`` is YYMMDD, ``serial`` 1 to 997."""
    base = f"{birth}{serial:03d}"
    check = int(("2" if after_2000 else "") + base)
    return f"{base}{97 - check % 97:02d}"


def event(number: int, **fields: Any) -> dict[str, Any]:
    """Return a valid wire record; ``fields`` override or add wire fields."""
    values: dict[str, Any] = {
        "event_id": f"e-{number}",
        "time": "2026-03-02T10:15:30.250+01:00",
        "user_id": "U123456",
        "application": "social-file",
        "action": "consult",
        "subject": national_number(number % 997 + 1),
        "service": "IdentifyPerson",
    }
    values.update(fields)
    return values


def ingest_range(
    organisation: Organisation, start: int, stop: int, **fields: Any
) -> IngestResult:
    """Ingest events ``start`` to ``stop - 1`` as one batch."""
    records = [(number, event(number, **fields)) for number in range(start, stop)]
    return ingest_events(organisation, records, source="test")


# Entries that ``ingest_old_and_recent`` gives times of, and the time at which
# a retention period of ten years keeps only the recent ones.
OLD_TIME = "2015-03-02T10:15:30Z"
RECENT_TIME = "2026-11-30T10:15:30Z"
EXPIRY_NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


def ingest_old_and_recent(organisation: Organisation) -> None:
    """Ingest entries 0-3 at ``OLD_TIME`` and 4-5 at ``RECENT_TIME`` as one batch."""
    times = [OLD_TIME] * 4 + [RECENT_TIME] * 2
    records = [(n, event(n, time=time)) for n, time in enumerate(times)]
    ingest_events(organisation, records, source="test")


def ingest_batches(organisation: Organisation, batches: int, size: int) -> None:
    """Ingest ``batches`` batches of ``size`` events, one checkpoint each."""
    for batch in range(batches):
        ingest_range(organisation, batch * size, (batch + 1) * size)


@contextmanager
def tampering() -> Iterator[Any]:
    """Yield a cursor with the access log's append-only triggers out of the way.

    This is what someone with full control of the database can do. The test's
    transaction rolls the trigger change back with everything else, and a
    test may enter it more than once.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            # ALTER TABLE waits for no deferred foreign-key checks of the rows
            # this transaction inserted, so they run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield cursor


def cut_back(cursor: Any, organisation: Organisation, size: int) -> None:
    """Delete the entries and tree nodes from index ``size`` on, as a rollback would."""
    cursor.execute(
        "DELETE FROM accesslog_accessentry "
        'WHERE organisation_id = %s AND "index" >= %s',
        [organisation.pk, size],
    )
    for level in range(max(size, 1).bit_length() + 1):
        cursor.execute(
            "DELETE FROM accesslog_treenode WHERE organisation_id = %s "
            'AND level = %s AND ("index" + 1) * %s > %s',
            [organisation.pk, level, 2**level, size],
        )


def entry_id(organisation: Organisation, index: int) -> int:
    """Return the primary key of the organisation's entry at ``index``."""
    return AccessEntry.objects.get(organisation=organisation, index=index).pk


def empty_as_expired(
    organisation: Organisation, indices: range, *, vouched: bool = True
) -> None:
    """Empty the content of entries as expiry does, which the triggers allow.

    Unlike ``expire_entries`` this empties any entries, not only the oldest,
    whatever their time. With ``vouched`` it signs an expiry statement for
    ``indices`` with the cut-off of the retention period now, as expiry
    would; without, the entries were emptied by someone without the log key.
    """
    AccessEntry.objects.filter(organisation=organisation, index__in=indices).update(
        **EMPTIED_CONTENT,
        expired_at=datetime.datetime(2036, 3, 2, tzinfo=datetime.UTC),
    )
    if vouched and len(indices):
        vouch_for_expiry(organisation, indices.start, indices.stop)


def vouch_for_expiry(
    organisation: Organisation, start: int, end: int, *, forged: bool = False
) -> None:
    """Sign the expiry statement for entries ``[start, end)`` as expiry does now.

    A ``forged`` statement is signed with another key of the log's name.
    """
    keys = LogKeys.objects.get(organisation=organisation)
    cutoff = timezone.now() - retention_period()
    if not forged:
        sign_statement(keys, start, end, cutoff)
        return
    digest = expired_keys_digest(keys.organisation_id, start, end)
    body = statement_body(keys.origin, start, end, cutoff, digest)
    note = sign_note(body, Ed25519Signer.generate(keys.origin))
    ExpiryStatement.objects.create(
        organisation=organisation, start=start, end=end, note=note
    )


def key_label(verifier_key: str) -> str:
    """Return the ``<name>+<key id>`` part of a verifier key, as messages name it."""
    name, key_id, _ = verifier_key.split("+", 2)
    return f"{name}+{key_id}"
