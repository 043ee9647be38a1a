"""Retention: old entries lose their content, keep their hash and their proofs."""

import datetime
import io
from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.utils import translation

from tests.accesslog.factories import empty_as_expired, event
from vigil.accesslog.checkpoints import ensure_checkpoint
from vigil.accesslog.expiry_statements import sign_statement
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.leaves import entry_leaf
from vigil.accesslog.models import AccessEntry, LogKeys, TreeNode
from vigil.accesslog.proofs import inclusion_proof_for, proof_document
from vigil.accesslog.retention import expire_entries, first_unexpired_index
from vigil.accesslog.verification import verify_log
from vigil.audit.models import AuditEntry
from vigil.ledger import verify_inclusion
from vigil.ledger.encoding import decode_base64
from vigil.organisations.models import Organisation

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
OLD = "2015-03-02T10:15:30Z"
RECENT = "2020-01-01T10:15:30Z"


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    """Entries 0-5 are old, 6 is recent, 7 is old again (it arrived late), 8 recent."""
    times = [OLD] * 6 + [RECENT, OLD, RECENT]
    records = [
        (number, event(number, time=time, case_ref="D-1", source_ip="10.0.0.1"))
        for number, time in enumerate(times)
    ]
    ingest_events(centre_a, records, source="test")
    return centre_a


def test_old_prefix_emptied(log: Organisation, consultant_a: object) -> None:
    result = expire_entries(log, NOW, actor=consultant_a)
    assert (result.expired, result.start, result.end) == (6, 0, 6)
    assert result.cutoff == NOW - datetime.timedelta(days=3650)
    expired = AccessEntry.objects.filter(organisation=log, index__lt=6)
    origin = ensure_log_keys(log).origin
    for entry in expired:
        assert entry.expired_at == NOW
        assert entry_leaf(origin, entry) is None
        assert entry.user_id == ""
        assert bytes(entry.subject_pseudonym) == b""
        assert entry.case_ref == ""
        assert entry.source_ip is None
        assert len(bytes(entry.leaf_hash)) == 32
        assert entry.event_id == f"e-{entry.index}"


def test_late_old_entry_waits(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    late = AccessEntry.objects.get(organisation=log, index=7)
    assert late.expired_at is None
    assert late.user_id == "U123456"


def test_hashes_and_nodes_kept(log: Organisation) -> None:
    nodes = TreeNode.objects.filter(organisation=log).count()
    hashes = list(
        AccessEntry.objects.filter(organisation=log)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    )
    expire_entries(log, NOW, actor=None)
    assert TreeNode.objects.filter(organisation=log).count() == nodes
    after = AccessEntry.objects.filter(organisation=log).order_by("index")
    assert [bytes(value) for value in after.values_list("leaf_hash", flat=True)] == [
        bytes(value) for value in hashes
    ]


def test_log_still_verifies(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 6


def test_proofs_of_kept_and_expired_entries_verify(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    for index in (2, 6, 8):
        document = inclusion_proof_for(log, index)
        verify_inclusion(
            decode_base64(document["leaf_hash"]),
            index,
            document["tree_size"],
            [decode_base64(value) for value in document["proof"]],
            decode_base64(document["root_hash"]),
        )


def test_second_run_continues_after_prefix(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    later = NOW + datetime.timedelta(days=5 * 365)
    result = expire_entries(log, later, actor=None)
    assert (result.start, result.end, result.expired) == (6, 9, 3)
    assert first_unexpired_index(log) == 9
    with mock.patch("vigil.accesslog.verification.timezone.now", return_value=later):
        assert verify_log(log).ok


def test_nothing_due_changes_nothing(log: Organisation) -> None:
    early = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    result = expire_entries(log, early, actor=None)
    assert result.expired == 0
    assert not AuditEntry.objects.filter(action="accesslog.expired").exists()


def test_expiry_audited(log: Organisation, consultant_a: object) -> None:
    expire_entries(log, NOW, actor=consultant_a)
    audit = AuditEntry.objects.get(action="accesslog.expired")
    assert audit.actor == consultant_a
    assert audit.new_values["expired"] == 6
    assert audit.new_values["first_kept_index"] == 6


def test_retention_setting_used(log: Organisation, settings: LazySettings) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 30
    now = datetime.datetime(2020, 1, 15, 12, 0, tzinfo=datetime.UTC)
    assert expire_entries(log, now, actor=None).end == 6


def test_empty_log_expires_nothing(centre_a: Organisation) -> None:
    result = expire_entries(centre_a, NOW, actor=None)
    assert (result.expired, result.start, result.end) == (0, 0, 0)


def test_cutoff_in_whole_milliseconds(centre_a: Organisation) -> None:
    # The entry's time lies 0.4 ms before the exact start of the period,
    # in the millisecond that the statement writes as its cut-off.
    time = datetime.datetime(2015, 3, 2, 10, 15, 30, 250000, tzinfo=datetime.UTC)
    now = time + datetime.timedelta(days=3650, microseconds=400)
    ingest_events(
        centre_a,
        [(0, event(0, time="2015-03-02T10:15:30.250Z"))],
        source="test",
    )

    result = expire_entries(centre_a, now, actor=None)

    assert result.cutoff == time
    assert result.expired == 0
    assert AccessEntry.objects.get(organisation=centre_a, index=0).expired_at is None


def ingest_around_cutoff(organisation: Organisation) -> None:
    """Ingest an entry before the cut-off's millisecond, one in it, and a recent one."""
    times = ["2015-03-02T10:15:30.100Z", "2015-03-02T10:15:30.250Z", RECENT]
    ingest_events(
        organisation,
        [(number, event(number, time=time)) for number, time in enumerate(times)],
        source="test",
    )


def test_longer_period_after_expiry_verifies(
    centre_a: Organisation, settings: LazySettings
) -> None:
    # Entry 1 lies in the millisecond of the cut-off, so it keeps its content
    # until the next run, and the longer period later finds no entry emptied
    # after the cut-off of the statement.
    ingest_around_cutoff(centre_a)
    time = datetime.datetime(2015, 3, 2, 10, 15, 30, 250000, tzinfo=datetime.UTC)
    now = time + datetime.timedelta(days=3650, microseconds=400)
    expire_entries(centre_a, now, actor=None)

    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 7300
    result = verify_log(centre_a)

    assert result.ok, result.reason_text()
    assert proof_document(centre_a, 0)["leaf"] is None


def test_statement_cutoff_millisecond_counts_as_before(
    centre_a: Organisation, settings: LazySettings
) -> None:
    # Expiry once compared times with the cut-off's microseconds: entry 1 lies
    # in the millisecond that its statement writes as the cut-off.
    ingest_around_cutoff(centre_a)
    cutoff = datetime.datetime(2015, 3, 2, 10, 15, 30, 250400, tzinfo=datetime.UTC)
    empty_as_expired(centre_a, range(2), vouched=False)
    sign_statement(LogKeys.objects.get(organisation=centre_a), 0, 2, cutoff)

    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 7300
    result = verify_log(centre_a)

    assert result.ok, result.reason_text()


def run_expire(*arguments: str) -> str:
    output = io.StringIO()
    with translation.override("en"):
        call_command("accesslog", "expire", *arguments, stdout=output)
    return output.getvalue()


def test_expire_names_entries_waiting_for_checkpoint(
    centre_a: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    for first in (0, 3):
        records = [
            (number, event(number, time=OLD)) for number in range(first, first + 3)
        ]
        ingest_events(centre_a, records, source="test")
    waiting = (
        "3 more entries, from index 3 on, are due but not yet in a signed "
        "checkpoint, so they keep their content. Run 'vigil accesslog "
        "checkpoint --org centre-a' and expire again to empty them\n"
    )

    dry_run = run_expire("--org", "centre-a", "--dry-run")
    first_run = run_expire("--org", "centre-a")
    ensure_checkpoint(centre_a, actor=None)
    second_run = run_expire("--org", "centre-a")

    assert dry_run.endswith(waiting)
    assert first_run.startswith("entries emptied: 3 ")
    assert first_run.endswith(waiting)
    assert second_run.startswith("entries emptied: 3 ")
    assert "not yet in a signed checkpoint" not in second_run
    assert first_unexpired_index(centre_a) == 6


def test_expire_names_only_waiting_entries(
    centre_a: Organisation, settings: LazySettings
) -> None:
    # The first batch gets a checkpoint, and expiry empties it. The second
    # batch waits for the next checkpoint, so no entry can be emptied now.
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest_events(centre_a, [(0, event(0, time=OLD))], source="test")
    run_expire("--org", "centre-a")
    ingest_events(centre_a, [(1, event(1, time=OLD))], source="test")
    waiting = (
        "1 entry, at index 1, is due but not yet in a signed checkpoint, so it "
        "keeps its content. Run 'vigil accesslog checkpoint --org centre-a' and "
        "expire again to empty it\n"
    )

    dry_run = run_expire("--org", "centre-a", "--dry-run")
    run = run_expire("--org", "centre-a")

    assert dry_run.startswith("no entries in a signed checkpoint are due ")
    assert dry_run.endswith(waiting)
    assert run.startswith("entries emptied: 0 ")
    assert run.endswith(waiting)
