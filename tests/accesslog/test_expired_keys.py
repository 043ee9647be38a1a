"""The keys an expired entry keeps, its time and event id, against its statement."""

import datetime
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.accesslog.factories import (
    EXPIRY_NOW,
    OLD_TIME,
    ingest_old_and_recent,
    tampering,
)
from vigil.accesslog import expiry_statements, retention, verification
from vigil.accesslog.bundle import prepare_bundle
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.expiry_statements import (
    STATEMENT_HEADER_V1,
    expired_keys_digest,
    sign_statement,
    statement_body,
)
from vigil.accesslog.keys import ensure_log_keys, signer_for
from vigil.accesslog.leaves import LogDamaged
from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    AccessEntry,
    ExpiryStatement,
    LogKeys,
)
from vigil.accesslog.proofs import LogDamagedProofUnavailable, proof_document
from vigil.accesslog.retention import expire_entries
from vigil.accesslog.verification import verify_log
from vigil.accesslog.verification_messages import (
    EXPIRED_EARLY,
    EXPIRED_KEYS_CHANGED,
    EXPIRED_WITH_CONTENT,
)
from vigil.ledger import Ed25519Signer, sign_note
from vigil.organisations.models import Organisation

OLD = OLD_TIME
NOW = EXPIRY_NOW


@pytest.fixture
def log(centre_a: Organisation, settings: LazySettings) -> Organisation:
    """Entries 0-3 are old and expired, 4-5 recent, with a period of ten years."""
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    ingest_old_and_recent(centre_a)
    expire_entries(centre_a, NOW, actor=None)
    return centre_a


def change(organisation: Organisation, index: int, **columns: object) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=organisation, index=index).update(
            **columns
        )


def assert_keys_changed(organisation: Organisation, start: int, last: int) -> None:
    result = verify_log(organisation)
    assert not result.ok
    assert result.first_divergent_index == start
    assert result.reason.template == EXPIRED_KEYS_CHANGED
    statement = ExpiryStatement.objects.get(organisation=organisation, start=start)
    assert result.message == (
        f"the time or event id that one or more of entries {start} to {last} kept "
        f"when they expired differs from the keys that expiry statement "
        f"{statement.pk} signed for them, so an expired entry was changed"
    )


def test_untouched_expired_entries_verify(log: Organisation) -> None:
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 4


def test_changed_time_of_expired_entry_caught(log: Organisation) -> None:
    # Any time before the retention period passes the check of the period.
    change(log, 2, time=datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC))
    assert_keys_changed(log, 0, 3)


def test_time_of_same_millisecond_with_more_digits_caught(log: Organisation) -> None:
    moment = datetime.datetime(2015, 3, 2, 10, 15, 30, 400, tzinfo=datetime.UTC)
    change(log, 1, time=moment)
    assert_keys_changed(log, 0, 3)


def test_changed_event_id_of_expired_entry_caught(log: Organisation) -> None:
    # A resent event with the old id would be taken for a new one.
    change(log, 3, event_id="another-id")
    assert_keys_changed(log, 0, 3)


def test_swapped_event_ids_caught(log: Organisation) -> None:
    first, second = (
        AccessEntry.objects.get(organisation=log, index=index).event_id
        for index in (0, 1)
    )
    change(log, 0, event_id="swapping")
    change(log, 1, event_id=first)
    change(log, 0, event_id=second)
    assert_keys_changed(log, 0, 3)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps any value")
@pytest.mark.parametrize(
    "assignment",
    [
        # Not valid UTF-8, which sqlite3 cannot read.
        "event_id = CAST(X'FF' AS TEXT)",
        # The same instant, but SQLite sorts this text after every time of
        # the same day, so searches between two times would miss the entry.
        "\"time\" = '2015-03-02T10:15:30.000Z'",
        # The same instant as a number of seconds.
        '"time" = 1425291330',
    ],
    ids=["id-not-utf8", "time-leaf-form", "time-number"],
)
def test_stored_value_ingestion_cannot_write_caught(
    log: Organisation, assignment: str
) -> None:
    with tampering() as cursor:
        cursor.execute(
            f'UPDATE accesslog_accessentry SET {assignment} WHERE "index" = 2'  # noqa: S608
        )
    assert_keys_changed(log, 0, 3)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps any type")
def test_blob_event_id_caught(log: Organisation) -> None:
    # The text "b'A'" is a valid event id, and so the Python form of the
    # BLOB b"A" must not give the same line.
    change(log, 2, event_id="b'A'")
    keys = ensure_log_keys(log)
    ExpiryStatement.objects.filter(organisation=log).delete()
    sign_statement(keys, 0, 4, NOW - datetime.timedelta(days=3650))
    assert verify_log(log).ok
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET event_id = X'41' WHERE \"index\" = 2"
        )
    assert_keys_changed(log, 0, 3)


def test_message_in_dutch(log: Organisation) -> None:
    change(log, 2, event_id="another-id")
    result = verify_log(log)
    statement = ExpiryStatement.objects.get(organisation=log)
    with translation.override("nl"):
        text = result.reason.text()
    assert text.startswith(
        "het tijdstip of de gebeurtenis-id die een of meer van de logregels 0 "
        f"tot en met 3 bij het verlopen hebben behouden, verschilt van de "
        f"sleutels die verloopverklaring {statement.pk} voor hen heeft ondertekend"
    )


@pytest.fixture
def two_statements(
    centre_a: Organisation, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> Organisation:
    """Six entries that two runs emptied, 0-3 and 4-5, scanned in chunks of 2."""
    monkeypatch.setattr(verification, "CHUNK_LEVEL", 1)
    monkeypatch.setattr(verification, "CHUNK", 2)
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    ingest_old_and_recent(centre_a)
    expire_entries(
        centre_a, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), actor=None
    )
    expire_entries(
        centre_a, datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC), actor=None
    )
    return centre_a


def test_change_under_second_statement_names_its_start(
    two_statements: Organisation,
) -> None:
    assert verify_log(two_statements).ok
    change(two_statements, 5, event_id="another-id")
    assert_keys_changed(two_statements, 4, 5)


def test_earlier_failure_in_later_chunk_comes_first(
    two_statements: Organisation,
) -> None:
    # The statement of entries 4-5 is checked when the first chunk comes,
    # but entry 2, in the chunk before entry 4, fails first.
    change(two_statements, 5, event_id="another-id")
    change(two_statements, 2, user_id="U1")
    result = verify_log(two_statements)
    assert result.first_divergent_index == 2
    assert result.reason.template == EXPIRED_WITH_CONTENT


def test_digest_follows_the_stored_keys(log: Organisation) -> None:
    keys = ensure_log_keys(log)
    before = expired_keys_digest(keys.organisation_id, 0, 4)
    assert expired_keys_digest(keys.organisation_id, 0, 3) != before
    change(log, 3, event_id="another-id")
    assert expired_keys_digest(keys.organisation_id, 0, 4) != before


def test_version_1_statement_vouches_without_keys(log: Organisation) -> None:
    # The statements that the upgrade signed for entries expired before
    # statements existed have no digest, so their entries' keys are not checked.
    keys = ensure_log_keys(log)
    cutoff = canonical_time(NOW - datetime.timedelta(days=3650))
    body = f"{STATEMENT_HEADER_V1}\n{keys.origin}\n0 4\n{cutoff}\n"
    ExpiryStatement.objects.filter(organisation=log).update(
        note=sign_note(body, signer_for(keys))
    )
    change(log, 2, event_id="another-id")
    result = verify_log(log)
    assert result.ok, result.message


def test_digest_read_in_pages_is_the_same(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_old_and_recent(centre_a)
    keys = ensure_log_keys(centre_a)
    whole = expired_keys_digest(keys.organisation_id, 0, 6)
    monkeypatch.setattr(expiry_statements, "_KEYS_CHUNK", 4)
    assert expired_keys_digest(keys.organisation_id, 0, 6) == whole
    monkeypatch.setattr(expiry_statements, "_KEYS_CHUNK", 1)
    assert expired_keys_digest(keys.organisation_id, 0, 6) == whole


@pytest.fixture
def due(centre_a: Organisation, settings: LazySettings) -> Organisation:
    """Entries 0-3 are due for expiry, none has expired yet."""
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    ingest_old_and_recent(centre_a)
    return centre_a


def test_entry_emptied_after_the_check_stops_expiry(
    due: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another writer empties entry 2 between the check of the leaves and
    # the update, as a writer that bypasses the triggers could.
    check = retention._check_leaves

    def check_then_empty(*arguments: Any) -> None:
        check(*arguments)
        change(due, 2, **EMPTIED_CONTENT, expired_at=NOW)

    monkeypatch.setattr(retention, "_check_leaves", check_then_empty)
    with translation.override("en"), pytest.raises(LogDamaged) as raised:
        expire_entries(due, NOW, actor=None)
    assert raised.value.index == 0
    assert str(raised.value).startswith(
        "entries 0 to 3 changed while expiry emptied them, so someone else "
        "writes to the log. Nothing was emptied."
    )
    assert not ExpiryStatement.objects.filter(organisation=due).exists()
    assert not AccessEntry.objects.filter(
        organisation=due, expired_at__isnull=False
    ).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
def test_expiry_locks_the_entries_it_checks(due: Organisation) -> None:
    with CaptureQueriesContext(connection) as queries:
        expire_entries(due, NOW, actor=None)
    locking = [
        query["sql"]
        for query in queries.captured_queries
        if '"accesslog_accessentry"' in query["sql"] and "FOR UPDATE" in query["sql"]
    ]
    assert locking, "expiry reads the entries it empties without locking them"


def test_proof_refuses_expired_entry_with_changed_keys(log: Organisation) -> None:
    change(log, 2, event_id="another-id")
    with (
        translation.override("en"),
        pytest.raises(LogDamagedProofUnavailable) as raised,
    ):
        proof_document(log, 2)
    assert str(raised.value).startswith(
        "the time or event id that one or more of entries 0 to 3 kept when they "
        "expired differs from the keys that their expiry statement signed"
    )


def test_export_refuses_expired_entries_with_changed_keys(log: Organisation) -> None:
    change(log, 1, time=datetime.datetime(2015, 3, 1, tzinfo=datetime.UTC))
    with pytest.raises(LogDamaged) as raised:
        prepare_bundle(
            log,
            datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
            actor=None,
        )
    assert raised.value.index == 0


def test_longer_retention_after_expiry_keeps_the_log_valid(
    log: Organisation, settings: LazySettings
) -> None:
    # Entries 0-3, of 2015, expired under ten years. Under twenty years they
    # lie within the period, but before the cut-off that expiry signed.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 7300
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 4
    assert proof_document(log, 2)["leaf"] is None
    prepare_bundle(
        log,
        datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
        actor=None,
    )


def test_entry_after_every_cutoff_still_expired_early(
    log: Organisation, settings: LazySettings
) -> None:
    # Entry 4, recent, emptied outside expiry: neither the longer period nor
    # the cut-off of the statement of entries 0-3 keeps it.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 7300
    change(log, 4, **EMPTIED_CONTENT, expired_at=NOW)
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 4
    assert result.reason.template == EXPIRED_EARLY


def test_run_opens_each_statement_once(
    log: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A verification reads the statements for the bound of expired times and
    # again for their ranges, and checks each signature once.
    opening = expiry_statements.open_statement
    calls: list[str] = []

    def counted(note: str, *arguments: Any) -> Any:
        calls.append(note)
        return opening(note, *arguments)

    monkeypatch.setattr(expiry_statements, "open_statement", counted)
    result = verify_log(log)
    assert result.ok, result.message
    assert len(calls) == 1


def empty_recent_under_own_key(organisation: Organisation) -> None:
    """Empty entry 4 and vouch for it with a key of one's own in the stored column.

    The statement's cut-off, a minute ago, would make the recent entry's time
    count as expired in time.
    """
    keys = LogKeys.objects.get(organisation=organisation)
    own = Ed25519Signer.generate(keys.origin)
    change(organisation, 4, **EMPTIED_CONTENT, expired_at=NOW)
    cutoff = timezone.now() - datetime.timedelta(minutes=1)
    digest = expired_keys_digest(keys.organisation_id, 0, 5)
    body = statement_body(keys.origin, 0, 5, cutoff, digest)
    ExpiryStatement.objects.create(
        organisation=organisation, start=0, end=5, note=sign_note(body, own)
    )
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_logkeys SET verifier_key = %s WHERE id = %s",
            [own.verifier().verifier_key(), keys.pk],
        )


def test_prove_trusts_no_stored_verifier_key(log: Organisation) -> None:
    empty_recent_under_own_key(log)
    with pytest.raises(LogDamagedProofUnavailable):
        proof_document(log, 4)


def test_export_trusts_no_stored_verifier_key(log: Organisation) -> None:
    empty_recent_under_own_key(log)
    with pytest.raises(LogDamaged):
        bundle = prepare_bundle(
            log,
            datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
            actor=None,
        )
        "".join(bundle.chunks())


def test_future_cutoff_vouches_for_no_time(log: Organisation) -> None:
    # Signed with the log key, which only expiry uses, a cut-off after now
    # still does not make a recent entry count as expired in time.
    keys = ensure_log_keys(log)
    change(log, 4, **EMPTIED_CONTENT, expired_at=NOW)
    future = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
    digest = expired_keys_digest(keys.organisation_id, 4, 5)
    body = statement_body(keys.origin, 4, 5, future, digest)
    ExpiryStatement.objects.create(
        organisation=log, start=4, end=5, note=sign_note(body, signer_for(keys))
    )
    result = verify_log(log)
    assert result.first_divergent_index == 4
    assert result.reason.template == EXPIRED_EARLY
