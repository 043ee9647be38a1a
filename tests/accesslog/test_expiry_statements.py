"""Expiry statements: expiry signs what it empties, the verification requires it."""

import base64
import datetime
import hashlib
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import connection
from django.utils import translation

from tests.accesslog.factories import (
    EXPIRY_NOW,
    OLD_TIME,
    RECENT_TIME,
    empty_as_expired,
    event,
    ingest_old_and_recent,
    tampering,
)
from vigil.accesslog import verification
from vigil.accesslog.expiry_statements import (
    STATEMENT_HEADER,
    ExpiredRange,
    covered_prefix,
    open_statement,
    statement_body,
)
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys, verifier_for
from vigil.accesslog.leaves import LogDamaged, entry_leaf
from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    AccessEntry,
    ExpiryStatement,
    LogCheckpoint,
)
from vigil.accesslog.proofs import LogDamagedProofUnavailable, proof_document
from vigil.accesslog.retention import due_for_expiry, expire_entries
from vigil.accesslog.verification import verify_log
from vigil.accesslog.verification_messages import (
    EXPIRY_NOT_VOUCHED,
    EXPIRY_STATEMENT_INVALID,
    EXPIRY_STATEMENTS_UNREADABLE,
)
from vigil.ledger import Ed25519Signer, leaf_hash, sign_note
from vigil.organisations.models import Organisation

OLD = OLD_TIME
NOW = EXPIRY_NOW
CUTOFF = NOW - datetime.timedelta(days=3650)
ORIGIN = "vigil.accesslog/0999999922/a"
DIGEST = base64.b64encode(bytes(32)).decode()


@pytest.fixture
def log(centre_a: Organisation, settings: LazySettings) -> Organisation:
    """Entries 0-3 are old and 4-5 recent, with a period of ten years."""
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    ingest_old_and_recent(centre_a)
    return centre_a


def statements(organisation: Organisation) -> list[ExpiredRange]:
    keys = ensure_log_keys(organisation)
    return [
        open_statement(row.note, verifier_for(keys), keys.origin)
        for row in ExpiryStatement.objects.filter(organisation=organisation)
    ]


def test_expiry_signs_statement(log: Organisation) -> None:
    keys_text = "".join(
        f"{index} {OLD[:19]}.000Z {event(index)['event_id']}\n" for index in range(4)
    )
    digest = base64.b64encode(hashlib.sha256(keys_text.encode()).digest()).decode()
    expire_entries(log, NOW, actor=None)
    assert statements(log) == [ExpiredRange(0, 4, "2016-12-03T12:00:00.000Z", digest)]
    row = ExpiryStatement.objects.get(organisation=log)
    assert (row.start, row.end) == (0, 4)
    origin = ensure_log_keys(log).origin
    assert row.note.startswith(
        f"{STATEMENT_HEADER}\n{origin}\n0 4\n2016-12-03T12:00:00.000Z\n{digest}\n\n"
        f"— {origin} "
    )


def test_expired_log_with_statements_verifies(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    # Later runs sign nothing until entries are due.
    expire_entries(log, NOW, actor=None)
    assert ExpiryStatement.objects.filter(organisation=log).count() == 1
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 4


def test_statements_of_two_runs_cover_together(
    log: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    expire_entries(log, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), actor=None)
    expire_entries(log, datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC), actor=None)
    assert [(item.start, item.end) for item in statements(log)] == [(0, 4), (4, 6)]
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 6


def test_deleted_statement_caught(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    ExpiryStatement.objects.filter(organisation=log).delete()
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 0
    assert result.reason.template == EXPIRY_NOT_VOUCHED
    assert "no expiry statement signed with the log key covers it" in result.message


def test_statement_with_later_end_caught(log: Organisation) -> None:
    # A statement stretched over a recent entry no longer verifies.
    expire_entries(log, NOW, actor=None)
    row = ExpiryStatement.objects.get(organisation=log)
    row.note = row.note.replace("\n0 4\n", "\n0 5\n")
    row.save()
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index is None
    assert result.reason.template == EXPIRY_STATEMENT_INVALID
    assert f"expiry statement {row.pk} does not verify" in result.message


def test_statement_of_another_key_caught(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    keys = ensure_log_keys(log)
    body = statement_body(keys.origin, 0, 4, CUTOFF, DIGEST)
    forged = sign_note(body, Ed25519Signer.generate(keys.origin))
    ExpiryStatement.objects.filter(organisation=log).update(note=forged)
    result = verify_log(log)
    assert result.reason.template == EXPIRY_STATEMENT_INVALID


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps any bytes")
def test_statement_not_utf8_caught(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_expirystatement SET note = CAST(X'FF' AS TEXT)"
        )
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index is None
    assert result.reason.template == EXPIRY_STATEMENTS_UNREADABLE


def test_statement_covers_only_its_range(log: Organisation) -> None:
    # Expiry vouched for entries 0-3; entry 4, recent, emptied with its time
    # moved back, is not in the statement.
    expire_entries(log, NOW, actor=None)
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=4).update(
            **EMPTIED_CONTENT,
            expired_at=NOW,
            time=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC),
        )
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 4
    assert result.reason.template == EXPIRY_NOT_VOUCHED


def test_proof_rejects_unvouched_expiry(log: Organisation) -> None:
    empty_as_expired(log, range(2), vouched=False)
    with (
        translation.override("en"),
        pytest.raises(LogDamagedProofUnavailable) as raised,
    ):
        proof_document(log, 3)
    assert str(raised.value) == (
        "entry 0 was emptied as expired, but no expiry statement covers it, so "
        "its content was removed outside expiry. Run 'vigil accesslog verify "
        "--org centre-a' to check the whole log"
    )


def test_proof_of_vouched_expiry(log: Organisation) -> None:
    expire_entries(log, NOW, actor=None)
    document = proof_document(log, 3)
    assert document["leaf"] is None


def test_expiry_refuses_entry_unlike_its_leaf(log: Organisation) -> None:
    # A recent entry's time moved back makes it due, but its leaf contains the
    # real time, so expiry refuses to vouch for it and empties nothing.
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=4).update(
            time=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
        )
    with pytest.raises(LogDamaged) as raised:
        expire_entries(log, NOW, actor=None)
    assert raised.value.index == 4
    assert not ExpiryStatement.objects.filter(organisation=log).exists()
    assert not AccessEntry.objects.filter(
        organisation=log, expired_at__isnull=False
    ).exists()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "vigil.accesslog/expiry/v3\n{o}\n0 4\n2016-12-03T12:00:00.000Z\n{d}\n",
            "first",
        ),
        ("vigil.accesslog/expiry/v1\nother\n0 4\n2016-12-03T12:00:00.000Z\n", "log"),
        ("vigil.accesslog/expiry/v1\n{o}\n4 4\n2016-12-03T12:00:00.000Z\n", "range"),
        ("vigil.accesslog/expiry/v1\n{o}\n00 4\n2016-12-03T12:00:00.000Z\n", "range"),
        ("vigil.accesslog/expiry/v1\n{o}\n0 4 5\n2016-12-03T12:00:00.000Z\n", "range"),
        ("vigil.accesslog/expiry/v1\n{o}\n0 4\n2016-12-03 12:00:00\n", "cut-off"),
        ("vigil.accesslog/expiry/v1\n{o}\n0 4\n", "lines"),
        ("vigil.accesslog/expiry/v1\n{o}\n0 4\n2016-12-03T12:00:00.000Z\nx\n", "lines"),
        ("vigil.accesslog/expiry/v2\n{o}\n0 4\n2016-12-03T12:00:00.000Z\n", "lines"),
        (
            "vigil.accesslog/expiry/v2\n{o}\n0 4\n2016-12-03T12:00:00.000Z\nx\n",
            "digest",
        ),
        (
            "vigil.accesslog/expiry/v2\n{o}\n0 4\n2016-12-03T12:00:00.000Z\n{d}=\n",
            "digest",
        ),
        (
            "vigil.accesslog/expiry/v2\nother\n0 4\n2016-12-03T12:00:00.000Z\n{d}\n",
            "log",
        ),
        ("\n", "first"),
    ],
)
def test_malformed_statement_rejected(body: str, problem: str) -> None:
    signer = Ed25519Signer.generate(ORIGIN)
    note = sign_note(body.format(o=ORIGIN, d=DIGEST), signer)
    with pytest.raises(ValueError, match=problem):
        open_statement(note, signer.verifier(), ORIGIN)


def test_statement_body_rejects_empty_range() -> None:
    with pytest.raises(ValueError, match=r"\[4, 4\)"):
        statement_body(ORIGIN, 4, 4, CUTOFF, DIGEST)


def test_statement_body_rejects_other_digest() -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        statement_body(ORIGIN, 0, 4, CUTOFF, DIGEST[:-2] + "B=")


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ([], 0),
        ([(0, 4)], 4),
        ([(4, 6), (0, 4)], 6),
        ([(0, 4), (5, 6)], 4),
        ([(1, 4)], 0),
        ([(0, 5), (2, 4), (5, 9)], 9),
    ],
)
def test_covered_prefix(ranges: list[tuple[int, int]], expected: int) -> None:
    assert covered_prefix(ranges) == expected


def test_expiry_refuses_leaf_hash_outside_tree(log: Organisation) -> None:
    # Entry 4, recent, gets an old time and the leaf hash of its changed
    # columns. Unless expiry checks that leaf hash against the signed tree,
    # it empties the entry and vouches for it, and the old leaf hash put
    # back afterwards passes the verification.
    origin = ensure_log_keys(log).origin
    entry = AccessEntry.objects.get(organisation=log, index=4)
    entry.time = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    changed = entry_leaf(origin, entry)
    assert changed is not None
    with tampering():
        AccessEntry.objects.filter(pk=entry.pk).update(
            time=entry.time, leaf_hash=leaf_hash(changed)
        )
    with (
        translation.override("en"),
        pytest.raises(LogDamaged, match="signed checkpoint of size 6") as raised,
    ):
        expire_entries(log, NOW, actor=None)
    assert raised.value.index == 0
    assert not ExpiryStatement.objects.filter(organisation=log).exists()
    assert not AccessEntry.objects.filter(
        organisation=log, expired_at__isnull=False
    ).exists()


def test_expiry_refuses_unsigned_checkpoint(log: Organisation) -> None:
    with tampering():
        LogCheckpoint.objects.filter(organisation=log).update(note="forged")
    with (
        translation.override("en"),
        pytest.raises(LogDamaged, match="does not verify with the log key") as raised,
    ):
        expire_entries(log, NOW, actor=None)
    assert raised.value.index == 0
    assert not ExpiryStatement.objects.filter(organisation=log).exists()


def test_expiry_waits_for_checkpoint(log: Organisation, settings: LazySettings) -> None:
    # Entries after the latest checkpoint are not in a signed tree yet.
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    records = [(n, event(n, time=OLD)) for n in range(6, 8)]
    ingest_events(log, records, source="test")
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 1
    later = datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC)
    assert due_for_expiry(log, later).end == 6
    result = expire_entries(log, later, actor=None)
    assert (result.start, result.end, result.expired) == (0, 6, 6)
    assert [(item.start, item.end) for item in statements(log)] == [(0, 6)]
    verified = verify_log(log)
    assert verified.ok, verified.message


def test_expiry_during_verification_passes(
    centre_a: Organisation, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 4 entries. Entries 0-3 expired before the run. An expiry
    # run between the two chunks empties 4 and 5, and the verification has
    # read the statements before that run signed its own.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    times = ["2010-03-02T10:15:30Z"] * 4 + [OLD] * 2 + [RECENT_TIME] * 2
    records = [(n, event(n, time=time)) for n, time in enumerate(times)]
    ingest_events(centre_a, records, source="test")
    earlier = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    expire_entries(centre_a, earlier, actor=None)
    monkeypatch.setattr(verification, "CHUNK_LEVEL", 2)
    monkeypatch.setattr(verification, "CHUNK", 4)
    apply_chunk = verification._LogCheck._apply_chunk

    def apply_then_expire(check: Any, chunk: Any) -> None:
        apply_chunk(check, chunk)
        if chunk.start == 0:
            expire_entries(centre_a, NOW, actor=None)

    monkeypatch.setattr(verification._LogCheck, "_apply_chunk", apply_then_expire)
    result = verify_log(centre_a, workers=1)
    assert result.ok, result.message
    assert result.expired_entries == 6
