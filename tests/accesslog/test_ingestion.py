"""Batch ingestion: all-or-nothing, duplicates, storage, checkpoints and audit."""

import datetime
import gc
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.db import IntegrityError, connection
from django.utils import translation

from tests.accesslog.factories import event, ingest_range, national_number
from vigil.accesslog import ingestion
from vigil.accesslog.encoding import decode_leaf
from vigil.accesslog.events import PositionUnit
from vigil.accesslog.ingestion import (
    BatchRejected,
    ingest_events,
    rejected_batch_errors,
)
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.leaves import entry_leaf
from vigil.accesslog.models import AccessEntry, LogCheckpoint, LogKeys, TreeNode
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.retention import expire_entries
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.models import AuditEntry
from vigil.ledger import (
    Ed25519Verifier,
    MerkleLog,
    leaf_hash,
    open_checkpoint,
)
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_batch_gets_consecutive_indices(centre_a: Organisation) -> None:
    first = ingest_range(centre_a, 1, 4)
    second = ingest_range(centre_a, 4, 6)
    assert first.accepted == [(1, "e-1", 0), (2, "e-2", 1), (3, "e-3", 2)]
    assert second.accepted == [(4, "e-4", 3), (5, "e-5", 4)]
    assert second.tree_size == 5
    assert list(
        AccessEntry.objects.filter(organisation=centre_a)
        .order_by("index")
        .values_list("index", flat=True)
    ) == [0, 1, 2, 3, 4]


def test_entry_columns_stored(centre_a: Organisation) -> None:
    record = event(1, case_ref="D-7", source_ip="2001:DB8::1", outcome="refused")
    ingest_events(centre_a, [(1, record)], source="test")
    entry = AccessEntry.objects.get(organisation=centre_a)
    assert entry.event_id == "e-1"
    assert entry.time == datetime.datetime(2026, 3, 2, 9, 15, 30, 250000, datetime.UTC)
    assert (entry.user_id, entry.application, entry.action) == (
        "U123456",
        "social-file",
        "consult",
    )
    assert (entry.service, entry.case_ref, entry.outcome) == (
        "IdentifyPerson",
        "D-7",
        "refused",
    )
    assert entry.source_ip == "2001:db8::1"
    pseudonym = bytes(entry.subject_pseudonym)
    assert pseudonym.hex() == pseudonymise(centre_a, record["subject"])
    assert entry.expired_at is None


def test_clear_national_number_stored_nowhere(centre_a: Organisation) -> None:
    number = national_number(42)
    ingest_events(centre_a, [(1, event(1, subject=number))], source="test")
    entry = AccessEntry.objects.get(organisation=centre_a)
    stored_text = [
        str(value)
        for value in AccessEntry.objects.filter(pk=entry.pk).values().first().values()  # type: ignore[union-attr]
    ]
    assert not any(number in text for text in stored_text)
    leaf = entry_leaf(ensure_log_keys(centre_a).origin, entry)
    assert leaf is not None
    assert number.encode() not in leaf
    audit = AuditEntry.objects.filter(organisation=centre_a)
    assert not any(number in str(row.new_values) for row in audit)


def test_leaf_hash_stored_without_leaf(centre_a: Organisation) -> None:
    """The leaf hash covers the leaf bytes that the columns give again."""
    ingest_range(centre_a, 1, 3)
    keys = ensure_log_keys(centre_a)
    columns = {field.column for field in AccessEntry._meta.concrete_fields}
    assert "leaf" not in columns
    for entry in AccessEntry.objects.filter(organisation=centre_a):
        leaf = entry_leaf(keys.origin, entry)
        assert leaf is not None
        decoded = decode_leaf(leaf)
        assert decoded["index"] == entry.index
        assert decoded["log"] == keys.origin
        assert decoded["subject_pseudonym"] == bytes(entry.subject_pseudonym).hex()
        assert bytes(entry.leaf_hash) == leaf_hash(leaf)
        store = DatabaseHashStore(centre_a.pk)
        assert store.get(0, entry.index) == leaf_hash(leaf)


def test_checkpoint_signed_per_batch(centre_a: Organisation) -> None:
    first = ingest_range(centre_a, 1, 4)
    second = ingest_range(centre_a, 4, 9)
    keys = ensure_log_keys(centre_a)
    verifier = Ed25519Verifier.from_verifier_key(keys.verifier_key)
    log = MerkleLog(DatabaseHashStore(centre_a.pk))
    for result in (first, second):
        assert result.checkpoint_note is not None
        checkpoint = open_checkpoint(result.checkpoint_note, verifier, keys.origin)
        assert checkpoint.size == result.tree_size
        assert checkpoint.root_hash == log.root(result.tree_size)
    sizes = LogCheckpoint.objects.filter(organisation=centre_a).values_list(
        "size", flat=True
    )
    assert sorted(sizes) == [3, 8]


def test_checkpoint_interval_defers_signing(
    centre_a: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    first = ingest_range(centre_a, 1, 4)
    second = ingest_range(centre_a, 4, 6)
    assert first.checkpoint_note is not None
    assert second.checkpoint_note == first.checkpoint_note
    assert second.tree_size == 5
    assert LogCheckpoint.objects.filter(organisation=centre_a).count() == 1


def test_checkpoint_interval_elapsed_signs(
    centre_a: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 60
    ingest_range(centre_a, 1, 4)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    with mock.patch("vigil.accesslog.ingestion.timezone.now", return_value=later):
        result = ingest_range(centre_a, 4, 6)
    assert result.checkpoint_note is not None
    assert "\n5\n" in result.checkpoint_note


def test_second_root_for_size_rejected(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 4)
    # A checkpoint of size 5 that a cut-back log left behind.
    LogCheckpoint.objects.create(
        organisation=centre_a, size=5, root_hash=bytes(32), note="left behind"
    )
    with pytest.raises(IntegrityError):
        ingest_range(centre_a, 4, 6)
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 3
    sizes = LogCheckpoint.objects.filter(organisation=centre_a)
    assert sorted(sizes.values_list("size", flat=True)) == [3, 5]


def test_invalid_record_rejects_whole_batch(centre_a: Organisation) -> None:
    records = [
        (1, event(1)),
        (2, event(2, action="read")),
        (3, event(3)),
        (4, event(4, time="yesterday", subject="85073003399")),
    ]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    found = [(error.line, error.field) for error in raised.value.errors]
    assert found == [(2, "action"), (4, "time"), (4, "subject")]
    assert "85073003399" not in str(raised.value)
    assert not AccessEntry.objects.exists()
    assert not TreeNode.objects.exists()
    assert not LogCheckpoint.objects.exists()


def test_gc_paused_during_batch_only(centre_a: Organisation) -> None:
    states: list[bool] = []
    validate = ingestion.validate_batch

    def spy(records: Any, **options: Any) -> Any:
        states.append(gc.isenabled())
        return validate(records, **options)

    with mock.patch.object(ingestion, "validate_batch", spy):
        ingest_range(centre_a, 1, 3)
        assert gc.isenabled()
        with pytest.raises(BatchRejected):
            ingest_events(centre_a, [(1, event(1, action="read"))], source="test")
        assert gc.isenabled()
        gc.disable()
        try:
            ingest_range(centre_a, 3, 4)
            assert not gc.isenabled()
        finally:
            gc.enable()
    assert states == [False, False, False]


def test_stored_event_id_is_duplicate(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 4)
    result = ingest_events(centre_a, [(1, event(2)), (2, event(9))], source="test")
    assert result.duplicates == [(1, "e-2", 1)]
    assert result.accepted == [(2, "e-9", 3)]
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 4


def _minute(number: int) -> str:
    return f"2026-03-02T10:{number:02d}:00.000Z"


def test_duplicates_found_among_entries_of_their_period(
    centre_a: Organisation,
) -> None:
    ingest_events(
        centre_a,
        [(number, event(number, time=_minute(number))) for number in range(10)],
        source="test",
    )
    records = [
        (1, event(1, time=_minute(1))),
        (2, event(99, time=_minute(5))),
        (3, event(8, time=_minute(8))),
    ]
    result = ingest_events(centre_a, records, source="test")
    assert result.duplicates == [(1, "e-1", 1), (3, "e-8", 8)]
    assert result.accepted == [(2, "e-99", 10)]


def test_lookup_per_key_for_wide_range(
    centre_a: Organisation,
) -> None:
    ingest_events(
        centre_a,
        [(number, event(number, time=_minute(number))) for number in range(10)],
        source="test",
    )
    per_key = mock.Mock(wraps=ingestion._entries_with)
    with (
        mock.patch.object(ingestion, "RANGE_FACTOR", 1),
        mock.patch.object(ingestion, "RANGE_SLACK", 0),
        mock.patch.object(ingestion, "_entries_with", per_key),
    ):
        records = [
            (1, event(0, time=_minute(0))),
            (2, event(99, time=_minute(9))),
        ]
        result = ingest_events(centre_a, records, source="test")
    assert per_key.call_count == 1
    assert result.duplicates == [(1, "e-0", 0)]
    assert result.accepted == [(2, "e-99", 10)]


def test_lookup_reads_only_the_keys_when_times_repeat(
    centre_a: Organisation,
) -> None:
    # Events that share one time, as a program with a coarse clock sends them.
    ingest_events(centre_a, [(n, event(n)) for n in range(50)], source="test")
    entries_with = ingestion._entries_with
    rows_read: list[int] = []

    def reading(organisation_id: int, keys: list[tuple[Any, str]]) -> Any:
        rows = entries_with(organisation_id, keys)
        rows_read.append(len(rows))
        return rows

    records = [(1, event(3)), (2, event(77)), (3, event(3))]
    with (
        mock.patch.object(ingestion, "RANGE_FACTOR", 1),
        mock.patch.object(ingestion, "RANGE_SLACK", 0),
        mock.patch.object(ingestion, "_entries_with", reading),
    ):
        result = ingest_events(centre_a, records, source="test")
    # One row, not the 50 entries at that time.
    assert rows_read == [1]
    assert result.duplicates == [(1, "e-3", 3), (3, "e-3", 3)]
    assert result.accepted == [(2, "e-77", 50)]


def test_duplicate_committed_after_lookup(centre_a: Organisation) -> None:
    # The lookup before the lock misses an event that another batch commits
    # before this one gets the lock, as if that batch were still running.
    ingest_range(centre_a, 1, 4)
    lookups: list[int] = []
    lookup = ingestion._stored_indices

    def first_misses(organisation: Organisation, times: list[Any]) -> Any:
        lookups.append(len(times))
        return {} if len(lookups) == 1 else lookup(organisation, times)

    with mock.patch.object(ingestion, "_stored_indices", first_misses):
        result = ingest_events(centre_a, [(1, event(2)), (2, event(9))], source="test")
    assert lookups == [2, 2]
    assert result.duplicates == [(1, "e-2", 1)]
    assert result.accepted == [(2, "e-9", 3)]
    assert result.tree_size == 4
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 4
    assert TreeNode.objects.filter(organisation=centre_a).count() == 0
    assert AuditEntry.objects.filter(action="accesslog.ingested").count() == 2


def test_repeated_event_id_in_batch_stored_once(centre_a: Organisation) -> None:
    records = [(1, event(1)), (2, event(2)), (3, event(1)), (4, event(2))]
    result = ingest_events(centre_a, records, source="test")
    assert result.accepted == [(1, "e-1", 0), (2, "e-2", 1)]
    assert result.duplicates == [(3, "e-1", 0), (4, "e-2", 1)]
    assert result.tree_size == 2


def test_same_id_other_time_is_new(
    centre_a: Organisation,
) -> None:
    ingest_range(centre_a, 1, 3)
    later = event(1, time="2026-03-02T10:00:00.000Z")
    result = ingest_events(centre_a, [(1, later), (2, later)], source="test")
    assert result.accepted == [(1, "e-1", 2)]
    assert result.duplicates == [(2, "e-1", 2)]


def test_same_instant_with_offset_is_duplicate(centre_a: Organisation) -> None:
    ingest_events(
        centre_a, [(1, event(1, time="2026-03-02T08:00:00.000Z"))], source="test"
    )
    again = event(1, time="2026-03-02T09:00:00.000+01:00")
    result = ingest_events(centre_a, [(1, again)], source="test")
    assert result.duplicates == [(1, "e-1", 0)]
    assert result.tree_size == 1


def test_only_duplicates_change_nothing(centre_a: Organisation) -> None:
    first = ingest_range(centre_a, 1, 3)
    audits = AuditEntry.objects.filter(action="accesslog.ingested").count()
    again = ingest_range(centre_a, 1, 3)
    assert again.accepted == []
    assert [index for _, _, index in again.duplicates] == [0, 1]
    assert again.checkpoint_note == first.checkpoint_note
    assert AuditEntry.objects.filter(action="accesslog.ingested").count() == audits


def test_event_ids_per_organisation(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    ingest_range(centre_a, 1, 3)
    result = ingest_range(centre_b, 1, 3)
    assert [index for _, _, index in result.accepted] == [0, 1]
    assert result.duplicates == []


def test_empty_batch_stores_nothing(centre_a: Organisation) -> None:
    result = ingest_events(centre_a, [], source="test")
    assert (result.accepted, result.duplicates, result.tree_size) == ([], [], 0)
    assert result.checkpoint_note is None


def test_ingest_audited(centre_a: Organisation, consultant_a: Any) -> None:
    ingest_range(centre_a, 1, 4)
    ingest_events(centre_a, [(1, event(9))], source="file:x.csv", actor=consultant_a)
    entries = AuditEntry.objects.filter(action="accesslog.ingested").order_by("pk")
    assert [entry.new_values["accepted"] for entry in entries] == [3, 1]
    last = entries.last()
    assert last is not None
    assert last.actor == consultant_a
    assert last.new_values["source"] == "file:x.csv"
    assert last.new_values["first_index"] == 3
    assert last.new_values["tree_size"] == 4


def test_failure_after_insert_stores_nothing(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 3)
    with (
        mock.patch.object(ingestion, "sign_if_due", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        ingest_range(centre_a, 3, 6)
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 2
    assert DatabaseHashStore(centre_a.pk).leaf_count() == 2
    assert LogCheckpoint.objects.filter(organisation=centre_a).count() == 1


def test_large_batch_in_chunks(centre_a: Organisation) -> None:
    records = [(number, event(number)) for number in range(1, 2501)]
    result = ingest_events(centre_a, records, source="test")
    assert result.tree_size == 2500
    again = ingest_events(centre_a, records[-5:], source="test")
    assert len(again.duplicates) == 5


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragma")
def test_sqlite_commits_made_durable() -> None:
    cursor = mock.MagicMock()
    with (
        mock.patch.object(connection, "in_atomic_block", False),
        mock.patch.object(connection, "cursor") as make_cursor,
    ):
        make_cursor.return_value.__enter__.return_value = cursor
        ingestion._require_durable_commits()
    calls = [call.args for call in cursor.execute.call_args_list]
    assert calls[0] == ("PRAGMA synchronous=FULL",)
    assert calls == [(pragma,) for pragma in ingestion.SQLITE_INGEST_PRAGMAS]
    assert not any("synchronous" in pragma for (pragma,) in calls[1:])


# Duplicates with other content

OTHER_CONTENT = [
    {"user_id": "U999999"},
    {"application": "other-app"},
    {"action": "print"},
    {"subject": national_number(500)},
    {"service": "OtherService"},
    {"case_ref": "D-9"},
    {"source_ip": "10.0.0.9"},
    {"outcome": "refused"},
]


@pytest.mark.parametrize("change", OTHER_CONTENT)
def test_stored_id_other_content_rejected(
    centre_a: Organisation, change: dict[str, str]
) -> None:
    ingest_range(centre_a, 1, 4)
    records = [(1, event(9)), (2, event(2, **change))]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    [error] = raised.value.errors
    assert (error.line, error.field, error.value_shown) == (2, "event_id", "e-2")
    assert "stored at index 1 with different content" in error.reason
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 3


def test_repeat_in_batch_other_content_rejected(centre_a: Organisation) -> None:
    records = [(1, event(1)), (2, event(2)), (3, event(1, action="print"))]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    [error] = raised.value.errors
    assert (error.line, error.field) == (3, "event_id")
    assert "occur at line 1 of this batch with different content" in error.reason
    assert not AccessEntry.objects.filter(organisation=centre_a).exists()


def test_repeat_in_array_names_record(centre_a: Organisation) -> None:
    records = [(1, event(1)), (2, event(1, outcome="x"))]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test", unit="record")
    assert "occur at record 1 of this batch" in raised.value.errors[0].reason


def test_conflicts_listed_in_record_order(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 3)
    records = [
        (1, event(5)),
        (2, event(5, service="Other")),
        (3, event(1, user_id="U7")),
        (4, event(2)),
    ]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    assert [error.line for error in raised.value.errors] == [2, 3]


def test_stored_reuse_reported_with_invalid_record(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 3)
    records = [(1, event(1, user_id="U7")), (2, event(3, action="bogus"))]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    found = [(error.line, error.field) for error in raised.value.errors]
    assert found == [(1, "event_id"), (2, "action")]
    assert "stored at index 0 with different content" in raised.value.errors[0].reason
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 2


def test_batch_repeat_reported_with_invalid_record(centre_a: Organisation) -> None:
    records = [
        (1, event(1)),
        (2, event(2, time="yesterday")),
        (3, event(1, outcome="x")),
        (4, event(1)),
    ]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test", unit="record")
    found = [(error.line, error.field) for error in raised.value.errors]
    assert found == [(2, "time"), (3, "event_id")]
    assert "occur at record 1 of this batch" in raised.value.errors[1].reason
    assert not LogKeys.objects.filter(organisation=centre_a).exists()
    assert not AuditEntry.objects.filter(action="accesslog.keys_created").exists()


def test_rejected_batch_errors_without_invalid_record(
    centre_a: Organisation,
) -> None:
    ingest_range(centre_a, 1, 2)
    records = [(4, event(2)), (5, event(1, service="Other")), (7, event(2))]
    errors = rejected_batch_errors(centre_a, records).errors
    assert [(error.line, error.field) for error in errors] == [(5, "event_id")]
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1


def test_conflict_message_translated(centre_a: Organisation) -> None:
    ingest_range(centre_a, 1, 2)
    with translation.override("nl"), pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, [(1, event(1, user_id="U7"))], source="test")
    assert "index 0" in raised.value.errors[0].reason
    assert "different content" not in raised.value.errors[0].reason


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("record", "figurent à l'enregistrement 1 de ce lot"),
        ("line", "figurent à la ligne 1 de ce lot"),
    ],
)
def test_repeat_in_batch_french_article(
    centre_a: Organisation, unit: PositionUnit, expected: str
) -> None:
    records = [(1, event(1)), (2, event(1, outcome="x"))]
    with translation.override("fr"), pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test", unit=unit)
    assert expected in raised.value.errors[0].reason


def test_conflict_found_after_lookup_miss(centre_a: Organisation) -> None:
    # As in test_duplicate_committed_after_lookup, the insert fails on the
    # unique index and the lookup under the lock finds the conflict.
    ingest_range(centre_a, 1, 4)
    lookup = ingestion._stored_indices
    calls: list[int] = []

    def first_misses(organisation: Organisation, times: list[Any]) -> Any:
        calls.append(1)
        return {} if len(calls) == 1 else lookup(organisation, times)

    with (
        mock.patch.object(ingestion, "_stored_indices", first_misses),
        pytest.raises(BatchRejected) as raised,
    ):
        ingest_events(centre_a, [(1, event(2, action="delete"))], source="test")
    assert len(calls) == 2
    assert "stored at index 1" in raised.value.errors[0].reason
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 3


def test_same_content_reads_no_rows_without_duplicates(
    centre_a: Organisation,
) -> None:
    ingest_range(centre_a, 1, 4)
    with mock.patch.object(
        ingestion, "_stored_conflicts", wraps=ingestion._stored_conflicts
    ) as check:
        ingest_range(centre_a, 4, 8)
        assert not check.called
        ingest_range(centre_a, 3, 5)
    assert check.call_count == 1
    [(_organisation_id, repeats)] = [call.args for call in check.call_args_list]
    assert [index for _event, index in repeats] == [2, 3]


def test_expired_duplicate_compared_by_leaf_hash(
    centre_a: Organisation, settings: LazySettings
) -> None:
    ingest_range(centre_a, 1, 3)
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    assert expire_entries(centre_a, actor=None).expired == 2
    again = ingest_events(centre_a, [(1, event(1))], source="test")
    assert again.duplicates == [(1, "e-1", 0)]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, [(1, event(2, outcome="x"))], source="test")
    assert "stored at index 1" in raised.value.errors[0].reason
