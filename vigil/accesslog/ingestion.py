"""Ingestion of access events: validate a batch, append it, sign a checkpoint.

Every path (REST API, files, syslog) calls ``ingest_events`` with the
records it parsed, so all of them follow the same rules:

- A batch is all-or-nothing. If any record is invalid, ``BatchRejected``
  lists every error of every record and nothing is stored.
- An event id that is already stored, or that occurs again later in the same
  batch, is not stored again. It is reported among the duplicates with the
  index of the stored entry, which makes resending a batch safe.
- The new entries, their tree nodes, the checkpoint and the audit record are
  written in one transaction. Appends to one organisation's log take the
  lock on its ``LogKeys`` row, so they are serialised and get consecutive
  indices.

Called outside a transaction, ``ingest_events`` returns after the commit, so
an accepted event is durable when the caller replies to the sender. On SQLite it
first switches the connection to ``synchronous=FULL``, because in WAL mode
the ``NORMAL`` level of the settings may lose the last commits on power loss,
and sets the cache and checkpoint sizes of ``SQLITE_INGEST_PRAGMAS``. These
stay on the connection for later requests.
Inside a caller's transaction the batch commits with that transaction.
"""

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from vigil.accesslog.checkpoints import latest_checkpoint, sign_if_due
from vigil.accesslog.encoding import LeafFields, encode_leaf
from vigil.accesslog.events import AccessEvent, EventError, InvalidEvent, parse_event
from vigil.accesslog.keys import lock_log_keys, pseudonym_key
from vigil.accesslog.models import AccessEntry, LogKeys
from vigil.accesslog.pseudonyms import Pseudonymiser
from vigil.accesslog.store import DatabaseHashStore, insert_rows
from vigil.audit.services import record
from vigil.ledger import MerkleLog
from vigil.ledger.merkle import LEAF_HASH_PREFIX
from vigil.organisations.models import Organisation

# Event ids per duplicate lookup, below every database's parameter limit.
LOOKUP_CHUNK = 900

# (line, event id, index) of one record of a batch.
type Reference = tuple[int, str, int]

ENTRY_COLUMNS = (
    "organisation_id",
    "index",
    "event_id",
    "time",
    "user_id",
    "application",
    "action",
    "subject_pseudonym",
    "service",
    "case_ref",
    "source_ip",
    "outcome",
    "leaf_hash",
    "received_at",
)


@dataclass(frozen=True)
class IngestResult:
    """Result of a committed batch.

    ``accepted`` and ``duplicates`` list ``(line, event id, index)`` in the
    order of the records. ``checkpoint_note`` is the latest signed checkpoint
    after the batch. With a checkpoint interval it may cover fewer than
    ``tree_size`` entries, and it is None while the log has no checkpoint.
    """

    accepted: list[Reference]
    duplicates: list[Reference]
    tree_size: int
    checkpoint_note: str | None


class BatchRejected(ValueError):
    """A batch contains invalid records. ``errors`` lists every error."""

    def __init__(self, errors: Sequence[EventError]) -> None:
        self.errors = list(errors)
        lines = len({error.line for error in self.errors})
        super().__init__(
            f"batch rejected and nothing stored: {lines} invalid records with "
            f"{len(self.errors)} errors, the first {self.errors[0] if errors else '-'}"
        )


def validate_batch(
    records: Sequence[tuple[int, Mapping[str, object]]],
) -> list[tuple[int, AccessEvent]]:
    """Validate every record, or raise BatchRejected listing all errors."""
    events: list[tuple[int, AccessEvent]] = []
    errors: list[EventError] = []
    for line, mapping in records:
        try:
            events.append((line, parse_event(mapping, line)))
        except InvalidEvent as invalid:
            errors.extend(invalid.errors)
    if errors:
        raise BatchRejected(errors)
    return events


def ingest_events(
    organisation: Organisation,
    records: Sequence[tuple[int, Mapping[str, object]]],
    *,
    source: str,
    actor: Any = None,
) -> IngestResult:
    """Validate and append a batch of ``(line, record)`` pairs to the log.

    ``source`` names the path in the audit record, e.g. ``api:<token>``,
    ``file:<name>`` or ``syslog``. Raises BatchRejected, storing nothing, if
    any record is invalid.
    """
    events = validate_batch(records)
    _require_durable_commits()
    with transaction.atomic():
        return _append(organisation, events, source=source, actor=actor)


# Settings of an SQLite connection that ingests, none of which weakens
# durability. The page cache (64 MiB; in KiB when negative) keeps the pages of
# the indexes on event ids and pseudonyms, whose random keys spread every
# batch over the whole index, out of read() calls. Memory-mapped reads were
# faster still but count every mapped page as resident memory, so resident
# memory would grow with the log instead of staying flat. The larger
# WAL auto-checkpoint lets one checkpoint write a page that several batches
# changed once instead of once per batch. docs/benchmarks.md has the figures.
SQLITE_INGEST_PRAGMAS = (
    "PRAGMA synchronous=FULL",
    "PRAGMA cache_size=-65536",
    "PRAGMA wal_autocheckpoint=20000",
)


def _require_durable_commits() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for pragma in SQLITE_INGEST_PRAGMAS:
                cursor.execute(pragma)


def _append(
    organisation: Organisation,
    events: list[tuple[int, AccessEvent]],
    *,
    source: str,
    actor: Any,
) -> IngestResult:
    keys = lock_log_keys(organisation)
    log = MerkleLog(DatabaseHashStore(organisation.pk))
    size = log.size
    new, accepted, duplicates = _split_duplicates(organisation, events, size)

    if not new:
        latest = latest_checkpoint(organisation)
        note = latest.note if latest is not None else None
        return IngestResult(accepted, duplicates, size, note)

    rows, hashes = _entry_rows(keys, size, new, timezone.now())
    # The tree counts the entries as its leaves, so its nodes go first.
    first_index = log.append_leaf_hashes(hashes)
    if first_index != size:
        raise RuntimeError(
            f"the tree of {organisation.slug} grew from {size} to {first_index} "
            "leaves during the batch although its log keys were locked"
        )
    _insert_entries(rows)

    tree_size = size + len(new)
    checkpoint = sign_if_due(keys, log, tree_size, timezone.now())
    record(
        "accesslog.ingested",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.accessentry",
        object_label=f"{organisation.slug} {size}–{tree_size - 1}",
        new={
            "source": source,
            "accepted": len(new),
            "duplicates": len(duplicates),
            "first_index": size,
            "tree_size": tree_size,
            "checkpoint_size": checkpoint.size if checkpoint else None,
        },
    )
    note = checkpoint.note if checkpoint is not None else None
    return IngestResult(accepted, duplicates, tree_size, note)


def _split_duplicates(
    organisation: Organisation,
    events: list[tuple[int, AccessEvent]],
    size: int,
) -> tuple[list[tuple[int, AccessEvent]], list[Reference], list[Reference]]:
    """Return the new events and the references of the new and the duplicates."""
    stored = _stored_indices(organisation, [event.event_id for _, event in events])
    new: list[tuple[int, AccessEvent]] = []
    accepted: list[Reference] = []
    duplicates: list[Reference] = []
    for line, event in events:
        index = stored.get(event.event_id)
        if index is not None:
            duplicates.append((line, event.event_id, index))
            continue
        index = size + len(new)
        stored[event.event_id] = index
        new.append((line, event))
        accepted.append((line, event.event_id, index))
    return new, accepted, duplicates


def _stored_indices(organisation: Organisation, event_ids: list[str]) -> dict[str, int]:
    """Return the index of each of ``event_ids`` that is stored already."""
    unique = list(dict.fromkeys(event_ids))
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    select = (
        f"SELECT event_id, {quote('index')} "  # noqa: S608
        f"FROM {quote(AccessEntry._meta.db_table)} WHERE organisation_id = %s "
    )
    stored: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter plans much faster than hundreds of them.
            cursor.execute(select + "AND event_id = ANY(%s)", [organisation.pk, unique])
            stored.update(cursor.fetchall())
            return stored
        for start in range(0, len(unique), LOOKUP_CHUNK):
            chunk = unique[start : start + LOOKUP_CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                select + f"AND event_id IN ({placeholders})",
                [organisation.pk, *chunk],
            )
            stored.update(cursor.fetchall())
    return stored


def _entry_rows(
    keys: LogKeys,
    first_index: int,
    new: list[tuple[int, AccessEvent]],
    received_at: datetime.datetime,
) -> tuple[list[tuple[Any, ...]], list[bytes]]:
    """Return the entry rows in ``ENTRY_COLUMNS`` order and their leaf hashes."""
    sqlite_utc = _sqlite_utc(DEFAULT_DB_ALIAS)
    operations = connections[DEFAULT_DB_ALIAS].ops
    origin = keys.origin
    organisation_id = keys.organisation_id
    received = (
        _sqlite_utc_time(received_at)
        if sqlite_utc
        else operations.adapt_datetimefield_value(received_at)
    )
    pseudonym_of = Pseudonymiser(pseudonym_key(keys)).pseudonym
    prefixed = hashlib.sha256(LEAF_HASH_PREFIX)
    rows: list[tuple[Any, ...]] = []
    hashes: list[bytes] = []
    for index, (_, event) in enumerate(new, start=first_index):
        pseudonym = pseudonym_of(event.subject)
        # Validated times are UTC with whole milliseconds, so one isoformat
        # gives both the leaf's time and Django's SQLite text of the column.
        moment = event.time.isoformat(timespec="milliseconds")
        fields = LeafFields(
            index,
            event.event_id,
            moment[:23] + "Z",
            event.user_id,
            event.application,
            event.action,
            pseudonym,
            event.service,
            event.case_ref,
            event.source_ip,
            event.outcome,
        )
        leaf = encode_leaf(origin, fields)
        hasher = prefixed.copy()
        hasher.update(leaf)
        value = hasher.digest()
        hashes.append(value)
        if sqlite_utc:
            time: Any = _sqlite_time_text(moment)
            address: Any = event.source_ip or None
        else:
            time = operations.adapt_datetimefield_value(event.time)
            address = operations.adapt_ipaddressfield_value(event.source_ip)
        rows.append(
            (
                organisation_id,
                index,
                event.event_id,
                time,
                event.user_id,
                event.application,
                event.action,
                pseudonym,
                event.service,
                event.case_ref,
                address,
                event.outcome,
                value,
                received,
            )
        )
    return rows, hashes


def _sqlite_time_text(moment: str) -> str:
    """Return Django's SQLite text of a UTC time from its ISO form with milliseconds.

    Django writes ``str()`` of the naive UTC time, which leaves out a zero
    fraction and otherwise has six digits.
    """
    milliseconds = moment[20:23]
    text = moment[:10] + " " + moment[11:19]
    return text if milliseconds == "000" else f"{text}.{milliseconds}000"


def _sqlite_utc_time(moment: datetime.datetime) -> str:
    # Django's SQLite form of an aware time: naive UTC, as str() writes it.
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_utc(using: str) -> bool:
    """Tell whether the connection is SQLite with UTC, whose columns are built here.

    Elsewhere Django's own adapters turn times and addresses into column values.
    """
    connection = connections[using]
    return connection.vendor == "sqlite" and connection.timezone_name == "UTC"


def _insert_entries(rows: list[tuple[Any, ...]]) -> None:
    insert_rows(DEFAULT_DB_ALIAS, AccessEntry._meta.db_table, ENTRY_COLUMNS, rows)
