"""Full verification: a clean log passes and every kind of tampering is caught."""

import datetime
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from tests.accesslog.factories import (
    cut_back,
    empty_as_expired,
    entry_id,
    event,
    ingest_batches,
    key_label,
    tampering,
)
from vigil.accesslog import store, verification, verification_scan
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.leaves import entry_leaf
from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    AccessEntry,
    LogCheckpoint,
    LogKeys,
    TreeNode,
    VerificationRun,
)
from vigil.accesslog.verification import verify_log
from vigil.accesslog.verification_keys import KeyOfAnotherLog
from vigil.audit.models import AuditEntry
from vigil.ledger import (
    Checkpoint,
    Ed25519Signer,
    Ed25519Verifier,
    InvalidKeyError,
    leaf_hash,
    sign_checkpoint,
)
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("one_day_retention")

BATCHES = 4
BATCH_SIZE = 10
SIZE = BATCHES * BATCH_SIZE


@pytest.fixture(
    autouse=True, params=[2, verification.CHUNK_LEVEL], ids=["chunk4", "chunk"]
)
def chunk_level(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Verify with chunks of 4 entries too, so that 40 entries span 10 chunks."""
    level: int = request.param
    monkeypatch.setattr(verification, "CHUNK_LEVEL", level)
    monkeypatch.setattr(verification, "CHUNK", 1 << level)
    return level


@pytest.fixture(autouse=True)
def stored_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store the tree from level 2, so that 40 entries have nodes to tamper with."""
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 2)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, BATCHES, BATCH_SIZE)
    return centre_a


def assert_diverges_at(organisation: Organisation, index: int, text: str) -> None:
    result = verify_log(organisation)
    assert not result.ok
    assert result.first_divergent_index == index, result.message
    assert text in result.message


def test_clean_log_verifies(log: Organisation) -> None:
    result = verify_log(log)
    assert result.ok, result.message
    assert result.size == SIZE
    assert result.checkpoints_checked == BATCHES
    assert result.first_divergent_index is None


def test_empty_log_verifies(centre_a: Organisation) -> None:
    result = verify_log(centre_a)
    assert result.ok
    assert result.size == 0


def test_run_stored_and_audited(log: Organisation, consultant_a: Any) -> None:
    verify_log(log, actor=consultant_a)
    run = VerificationRun.objects.get(organisation=log)
    assert run.ok
    assert run.size == SIZE
    assert run.checkpoints_checked == BATCHES
    audit = AuditEntry.objects.get(action="accesslog.verified")
    assert audit.actor == consultant_a
    assert audit.new_values["ok"] is True


def test_failed_run_stored(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = 'U999' WHERE id = %s",
            [entry_id(log, 17)],
        )
    verify_log(log)
    run = VerificationRun.objects.get(organisation=log)
    assert not run.ok
    assert run.first_divergent_index == 17


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("user_id", "U999"),
        ("subject_pseudonym", "ab" * 32),
        ("action", "print"),
        ("case_ref", "other"),
        ("event_id", "forged"),
    ],
)
def test_changed_column_caught(log: Organisation, column: str, value: str) -> None:
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE accesslog_accessentry SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, entry_id(log, 23)],
        )
    assert_diverges_at(log, 23, "do not match its stored leaf hash")


def test_changed_time_caught(log: Organisation) -> None:
    entry = AccessEntry.objects.get(organisation=log, index=5)
    with tampering():
        AccessEntry.objects.filter(pk=entry.pk).update(time=entry.time.replace(hour=3))
    assert_diverges_at(log, 5, "do not match")


def test_sub_millisecond_time_caught(log: Organisation) -> None:
    # Leaves keep milliseconds, and ingestion stores no finer digits.
    entry = AccessEntry.objects.get(organisation=log, index=5)
    moved = entry.time + datetime.timedelta(microseconds=456)
    with tampering():
        AccessEntry.objects.filter(pk=entry.pk).update(time=moved)
    assert_diverges_at(log, 5, "do not match its stored leaf hash")


def rewrite_time_text(organisation: Organisation, index: int, expression: str) -> None:
    """Set the time column of an entry to an SQL ``expression`` of its text."""
    with tampering() as cursor:
        cursor.execute(
            f'UPDATE accesslog_accessentry SET "time" = {expression} '  # noqa: S608
            "WHERE id = %s",
            [entry_id(organisation, index)],
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite time text")
@pytest.mark.parametrize(
    "expression",
    [
        "\"time\" || '+05:00'",
        "\"time\" || '-01:30'",
        "\"time\" || '+05'",
        "\"time\" || 'xyz'",
        "\"time\" || '+00:00'",
        "\"time\" || '000'",
        'substr("time", 1, 21)',
        'substr("time", 1, 10) || \'T\' || substr("time", 12)',
        'CAST("time" AS BLOB)',
        "\"time\" || char(0) || 'x'",
        "replace(\"time\", ':', ' ')",
    ],
    ids=[
        "offset",
        "negative-offset",
        "offset-in-hours",
        "text",
        "utc-offset",
        "six-digits",
        "one-digit",
        "t-separator",
        "blob",
        "nul",
        "spaces",
    ],
)
def test_time_text_rewritten_caught(log: Organisation, expression: str) -> None:
    # Django reads "...30.250+05:00" and "...30.250+05" as an instant five
    # hours earlier, and text it cannot parse as no time at all. The others
    # are the same instant in another text, such as Django's own with six
    # digits, which SQLite compares as text, so that a search between two
    # times of that day no longer finds it.
    rewrite_time_text(log, 5, expression)
    assert_diverges_at(log, 5, "entry 5 do not match its stored leaf hash")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite time text")
@pytest.mark.parametrize(
    ("expression", "verifies"),
    [
        ('"time"', True),
        ("\"time\" || '000'", False),
        ('substr("time", 1, 19)', False),
        ('substr("time", 1, 20)', False),
        ('substr("time", 1, 10) || \'T\' || substr("time", 12)', False),
        ("\"time\" || char(0) || 'x'", False),
    ],
    ids=["unchanged", "six-zeros", "no-fraction", "dot", "t-separator", "nul"],
)
def test_whole_second_time_text(
    log: Organisation, expression: str, verifies: bool
) -> None:
    # Entries store a whole second with three zeros, where Django writes no
    # fraction.
    ingest_events(
        log, [(1, event(SIZE, time="2026-03-02T10:15:30.000+01:00"))], source="test"
    )
    rewrite_time_text(log, SIZE, expression)
    result = verify_log(log)
    assert result.ok is verifies, result.message
    if not verifies:
        assert result.first_divergent_index == SIZE


def test_changed_source_ip_caught(log: Organisation) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=8).update(
            source_ip="10.9.9.9"
        )
    assert_diverges_at(log, 8, "do not match")


def rewrite_user_id(organisation: Organisation, index: int) -> None:
    """Change an entry's user id in its column and its leaf hash alike."""
    entry = AccessEntry.objects.get(organisation=organisation, index=index)
    entry.user_id = "U999999"
    leaf = entry_leaf(ensure_log_keys(organisation).origin, entry)
    assert leaf is not None
    with tampering():
        AccessEntry.objects.filter(pk=entry.pk).update(
            user_id="U999999", leaf_hash=leaf_hash(leaf)
        )


def test_rewritten_leaf_and_hash_caught(log: Organisation) -> None:
    """Changing a column and the leaf hash to match still breaks the tree."""
    rewrite_user_id(log, 12)
    assert_diverges_at(log, 12, "tree node (2, 3) is ")
    message = verify_log(log).message
    assert ", but entries 12 to 15 give " in message
    assert message.endswith(
        ", so one of entries 12 to 15 was rewritten together with its leaf hash, "
        "or the stored node was changed"
    )


def test_changed_leaf_hash_caught(log: Organisation) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=3).update(
            leaf_hash=b"\x00" * 32
        )
    assert_diverges_at(log, 3, "stored leaf hash")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite column types")
@pytest.mark.parametrize("value", ["9x", "9.5", "x'09'"])
def test_index_of_other_type_caught(log: Organisation, value: str) -> None:
    # SQLite keeps text, a real or a blob in the integer column. printf's
    # %d turns each into a number, so only the check of the index column
    # itself can catch them.
    literal = value if value.startswith("x'") else f"'{value}'"
    with tampering() as cursor:
        cursor.execute(
            f'UPDATE accesslog_accessentry SET "index" = {literal} '  # noqa: S608
            "WHERE id = %s",
            [entry_id(log, 9)],
        )
    assert_diverges_at(log, 9, "")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite column types")
@pytest.mark.parametrize(
    "assignment",
    [
        "user_id = user_id || char(0) || 'x'",
        "service = service || char(0)",
        "user_id = CAST(user_id AS BLOB)",
        "application = CAST(application AS BLOB)",
        '"time" = CAST("time" AS BLOB)',
        "subject_pseudonym = CAST(subject_pseudonym AS TEXT)",
        "source_ip = CAST('10.1.2.3' AS BLOB)",
    ],
    ids=[
        "nul-and-more",
        "nul",
        "blob",
        "blob-2",
        "blob-time",
        "text-pseudonym",
        "blob-address",
    ],
)
def test_value_hidden_from_search_caught(log: Organisation, assignment: str) -> None:
    # printf() writes each value as the value before, so the leaf bytes are
    # unchanged, but searches compare values and no longer find the entry.
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE accesslog_accessentry SET {assignment} WHERE id = %s",  # noqa: S608
            [entry_id(log, 11)],
        )
    assert_diverges_at(log, 11, "entry 11 do not match its stored leaf hash")


def test_deleted_row_caught(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_accessentry WHERE id = %s", [entry_id(log, 14)]
        )
    assert_diverges_at(log, 14, "entry 14 is missing")


def test_deleted_last_row_caught(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_accessentry WHERE id = %s", [entry_id(log, SIZE - 1)]
        )
    assert_diverges_at(log, SIZE - 1, "entries were removed")


def test_swapped_rows_caught(log: Organisation) -> None:
    first, second = entry_id(log, 6), entry_id(log, 31)
    with tampering() as cursor:
        table = "accesslog_accessentry"
        cursor.execute(f'UPDATE {table} SET "index" = -1 WHERE id = %s', [first])  # noqa: S608
        cursor.execute(f'UPDATE {table} SET "index" = 6 WHERE id = %s', [second])  # noqa: S608
        cursor.execute(f'UPDATE {table} SET "index" = 31 WHERE id = %s', [first])  # noqa: S608
    assert_diverges_at(log, 6, "do not match")


def insert_copy(organisation: Organisation, index: int, new_index: str) -> None:
    """Store a copy of entry ``index`` as a row with the SQL value ``new_index``."""
    columns = (
        'organisation_id, segment, "time", user_id, application, action, '
        "subject_pseudonym, service, case_ref, source_ip, outcome, leaf_hash, "
        "received_at"
    )
    with tampering() as cursor:
        cursor.execute(
            f'INSERT INTO accesslog_accessentry ("index", event_id, {columns}) '  # noqa: S608
            f"SELECT {new_index}, 'forged', {columns} FROM accesslog_accessentry "
            "WHERE id = %s",
            [entry_id(organisation, index)],
        )


def test_row_with_negative_index_caught(log: Organisation) -> None:
    # Such a row is no leaf of the tree, but the search and detection see it.
    insert_copy(log, 3, "-1")
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index is None
    assert result.message == (
        "an entry has index -1, which lies outside the log's indices 0 to 39, "
        "so it is no leaf of the tree: entries were added outside the log"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite column types")
def test_row_with_text_index_caught(log: Organisation) -> None:
    insert_copy(log, 3, "'x'")
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index is None
    assert "an entry has index 'x', which lies outside" in result.message


def test_rolled_back_tree_caught(log: Organisation) -> None:
    """Entries and nodes cut back to size 25 while the checkpoint of 40 stays."""
    keep = 25
    with tampering() as cursor:
        cut_back(cursor, log, keep)
    assert_diverges_at(log, keep, "checkpoint of size 40 exists")


def test_deleted_tree_node_caught(log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_treenode WHERE organisation_id = %s "
            'AND level = 2 AND "index" = 3',
            [log.pk],
        )
    assert_diverges_at(log, 12, "tree node (2, 3) over entries 12 to 15 is missing")


def test_changed_tree_node_caught(log: Organisation) -> None:
    with tampering():
        TreeNode.objects.filter(organisation=log, level=3, index=1).update(
            hash=b"\x01" * 32
        )
    assert_diverges_at(log, 8, "tree node (3, 1)")


def test_tree_node_under_another_tile_caught(log: Organisation) -> None:
    """Proofs look nodes up by tile, so a node moved to another tile is lost."""
    with tampering():
        TreeNode.objects.filter(organisation=log, level=3, index=1).update(tile=5)
    assert_diverges_at(
        log, 8, "tree node (3, 1) is stored under tile 5, expected 0, so proofs"
    )


MOVE_NODE = (
    "UPDATE accesslog_treenode SET tile = {tile} WHERE organisation_id = %s "
    'AND level = {level} AND "index" = {index}'
)


@pytest.mark.parametrize(
    ("level", "index", "tile", "expected"),
    [
        # The tile of node (2, 0), so that two nodes share one tile.
        (2, 4, 0, 1),
        (2, 9, -1, 2),
        (3, 4, 2**62, 2),
        (4, 1, 3, 0),
        (5, 0, 1, 0),
    ],
)
def test_tree_node_under_wrong_tile_caught(
    log: Organisation, level: int, index: int, tile: int, expected: int
) -> None:
    """A node under a wrong tile fails the run at its first entry, at every level."""
    with tampering() as cursor:
        cursor.execute(MOVE_NODE.format(tile=tile, level=level, index=index), [log.pk])
    assert_diverges_at(
        log,
        index << level,
        f"tree node ({level}, {index}) is stored under tile {tile}, "
        f"expected {expected}, so proofs cannot find it",
    )


def test_first_node_under_wrong_tile_caught(log: Organisation) -> None:
    """Of two nodes under a wrong tile, the one over the earlier entries is named."""
    with tampering() as cursor:
        cursor.execute(MOVE_NODE.format(tile=0, level=2, index=7), [log.pk])
        cursor.execute(MOVE_NODE.format(tile=5, level=3, index=1), [log.pk])
    assert_diverges_at(log, 8, "tree node (3, 1) is stored under tile 5")


def test_entry_before_node_under_wrong_tile_caught(log: Organisation) -> None:
    """A changed entry before the node's entries is the first divergence."""
    with tampering() as cursor:
        cursor.execute(MOVE_NODE.format(tile=5, level=3, index=1), [log.pk])
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = 'U999' WHERE id = %s",
            [entry_id(log, 2)],
        )
    assert_diverges_at(log, 2, "do not match its stored leaf hash")


def test_forged_checkpoint_caught(log: Organisation) -> None:
    """A checkpoint signed by another key with the log's name is rejected."""
    keys = ensure_log_keys(log)
    forger = Ed25519Signer.generate(keys.origin)
    root = b"\x07" * 32
    note = sign_checkpoint(Checkpoint(keys.origin, 15, root), forger)
    LogCheckpoint.objects.create(organisation=log, size=15, root_hash=root, note=note)
    assert_diverges_at(log, 10, "checkpoint of size 15 is not valid")


def test_edited_checkpoint_note_caught(log: Organisation) -> None:
    checkpoint = LogCheckpoint.objects.get(organisation=log, size=20)
    lines = checkpoint.note.split("\n")
    lines[1] = "19"
    with tampering():
        LogCheckpoint.objects.filter(pk=checkpoint.pk).update(note="\n".join(lines))
    assert_diverges_at(log, 10, "checkpoint of size 20 is not valid")


def test_checkpoint_of_rewritten_log_caught(log: Organisation) -> None:
    """A validly signed checkpoint whose root the stored tree does not give."""
    keys = ensure_log_keys(log)
    signer = Ed25519Signer.from_signer_key(keys.signer_key)
    root = b"\x09" * 32
    note = sign_checkpoint(Checkpoint(keys.origin, 35, root), signer)
    LogCheckpoint.objects.create(organisation=log, size=35, root_hash=root, note=note)
    assert_diverges_at(log, 30, "entries from index 30 on are not the ones")


def test_other_verifier_key_rejects_checkpoints(log: Organisation) -> None:
    keys = ensure_log_keys(log)
    other = Ed25519Signer.generate(keys.origin).verifier()
    stored = Ed25519Verifier.from_verifier_key(keys.verifier_key)
    result = verify_log(log, verifier_key=other.verifier_key())
    assert not result.ok
    assert result.first_divergent_index is None
    assert result.message == (
        "checkpoint of size 10 has no signature by the given verifier key "
        f"{keys.origin}+{other.key_id:08x}, so the checkpoint signatures do not "
        f"verify with that key: it is signed by {keys.origin}+{stored.key_id:08x}, "
        "a key with the log's name but another key id"
    )
    assert VerificationRun.objects.get(organisation=log).ok is False


def test_key_of_other_log_rejected(log: Organisation, centre_b: Organisation) -> None:
    other = ensure_log_keys(centre_b).verifier_key
    with pytest.raises(KeyOfAnotherLog) as raised:
        verify_log(log, verifier_key=other)

    assert raised.value.key == key_label(other)
    assert raised.value.log_key == key_label(ensure_log_keys(log).verifier_key)
    assert not VerificationRun.objects.filter(organisation=log).exists()
    assert not AuditEntry.objects.filter(action="accesslog.verified").exists()


def test_key_replaced_after_checkpoints_diverges(log: Organisation) -> None:
    """Checkpoints that verified with the given key bound the divergence."""
    keys = ensure_log_keys(log)
    forger = Ed25519Signer.generate(keys.origin)
    with tampering():
        LogKeys.objects.filter(pk=keys.pk).update(
            signer_key=forger.signer_key(),
            verifier_key=forger.verifier().verifier_key(),
        )
    ingest_events(log, [(1, event(SIZE))], source="test")
    result = verify_log(log, verifier_key=keys.verifier_key)
    assert not result.ok
    assert result.first_divergent_index == SIZE
    assert "has no signature by the given verifier key" in result.message


def test_key_and_origin_replaced_fails_run(log: Organisation) -> None:
    """A log whose keys and origin were replaced fails with the kept key."""
    keys = ensure_log_keys(log)
    forger = Ed25519Signer.generate("vigil.accesslog/forged")
    with tampering():
        LogKeys.objects.filter(pk=keys.pk).update(
            origin=forger.name,
            signer_key=forger.signer_key(),
            verifier_key=forger.verifier().verifier_key(),
        )

    result = verify_log(log, verifier_key=keys.verifier_key)

    assert not result.ok
    assert VerificationRun.objects.get(organisation=log).ok is False


def test_given_verifier_key_accepted(log: Organisation) -> None:
    keys = ensure_log_keys(log)
    assert verify_log(log, verifier_key=keys.verifier_key).ok


@pytest.mark.parametrize("key", ["not a key", "", "name+0000000z+AQ=="])
def test_malformed_verifier_key_not_recorded(log: Organisation, key: str) -> None:
    with pytest.raises(InvalidKeyError):
        verify_log(log, verifier_key=key)
    assert not VerificationRun.objects.filter(organisation=log).exists()
    assert not AuditEntry.objects.filter(action="accesslog.verified").exists()


def test_expired_entry_within_retention_caught(
    log: Organisation, settings: LazySettings
) -> None:
    # The triggers let anyone who can write to the table empty entries as
    # expiry does. Entries of March 2026 are years from expiring.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    empty_as_expired(log, range(3))
    retained_from = timezone.now() - datetime.timedelta(days=3650)
    assert_diverges_at(
        log,
        0,
        "entry 0 was emptied as expired, but its time 2026-03-02T09:15:30.250Z "
        "lies within the retention period of 3650 days, which keeps entries "
        f"from {retained_from:%Y-%m-%d}T",
    )
    assert "its content was removed before it was due" in verify_log(log).message


def test_expired_entry_at_end_of_retention_verifies(
    log: Organisation, settings: LazySettings
) -> None:
    entry = AccessEntry.objects.get(organisation=log, index=0)
    age = timezone.now() - entry.time
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = age.days
    empty_as_expired(log, range(1))
    result = verify_log(log)
    assert result.ok, result.message
    assert result.expired_entries == 1


def test_expired_entry_out_of_order_caught(log: Organisation) -> None:
    with tampering():
        empty_as_expired(log, range(20, 21))
    assert_diverges_at(log, 20, "expiry empties the oldest entries first")


@pytest.mark.parametrize(
    "content",
    [{}, {**EMPTIED_CONTENT, "user_id": "FRAMED"}],
    ids=["kept-content", "invented-user-id"],
)
def test_expired_entry_with_content_caught(
    log: Organisation, content: dict[str, Any]
) -> None:
    # The leaf bytes of an expired entry are gone, so nothing but the emptied
    # columns shows that the pages and searches read no forged content.
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=0).update(
            **content,
            expired_at=AccessEntry.objects.get(organisation=log, index=0).time,
        )
    assert_diverges_at(
        log, 0, "entry 0 is marked as expired, but its content columns are not empty"
    )


def test_other_organisation_untouched(
    log: Organisation, centre_b: Organisation
) -> None:
    ingest_batches(centre_b, 1, 5)
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=1).update(user_id="X")
    assert verify_log(centre_b).ok
    assert not verify_log(log).ok


# The triggers that keep the log append-only for the application itself.


def run_rejected(statement: str, parameters: list[Any]) -> None:
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, parameters)


def test_entry_update_rejected(log: Organisation) -> None:
    run_rejected(
        "UPDATE accesslog_accessentry SET user_id = 'U9' WHERE id = %s",
        [entry_id(log, 1)],
    )
    assert verify_log(log).ok


def test_entry_delete_rejected(log: Organisation) -> None:
    run_rejected("DELETE FROM accesslog_accessentry WHERE id = %s", [entry_id(log, 1)])
    assert AccessEntry.objects.filter(organisation=log).count() == SIZE


def test_node_update_and_delete_rejected(log: Organisation) -> None:
    nodes = TreeNode.objects.filter(organisation=log).count()
    run_rejected("UPDATE accesslog_treenode SET hash = %s", [b"\x00" * 32])
    run_rejected("DELETE FROM accesslog_treenode", [])
    assert nodes > 0
    assert TreeNode.objects.filter(organisation=log).count() == nodes


def test_checkpoint_update_and_delete_rejected(log: Organisation) -> None:
    run_rejected("UPDATE accesslog_logcheckpoint SET note = ''", [])
    run_rejected("DELETE FROM accesslog_logcheckpoint", [])
    assert LogCheckpoint.objects.filter(organisation=log).count() == BATCHES


def test_expiry_update_may_not_change_identity(log: Organisation) -> None:
    run_rejected(
        "UPDATE accesslog_accessentry SET user_id = '', application = '', "
        "action = '', subject_pseudonym = '', service = '', case_ref = '', "
        "source_ip = NULL, outcome = '', expired_at = time, "
        "event_id = 'other' WHERE id = %s",
        [entry_id(log, 0)],
    )


def test_control_character_in_column_caught(log: Organisation) -> None:
    with tampering():
        AccessEntry.objects.filter(organisation=log, index=9).update(
            application="social\tfile"
        )
    assert_diverges_at(log, 9, "do not match its stored leaf hash")


# The shipped layout: no stored nodes below level 4, so 130 entries have 15
# nodes, from (4, 0) to (7, 0).

PRODUCTION_SIZE = 130


@pytest.fixture
def long_log(centre_a: Organisation, monkeypatch: pytest.MonkeyPatch) -> Organisation:
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 4)
    ingest_batches(centre_a, 2, PRODUCTION_SIZE // 2)
    return centre_a


def test_shipped_layout_verifies(long_log: Organisation) -> None:
    levels = TreeNode.objects.filter(organisation=long_log).values_list(
        "level", "index"
    )
    expected = [(4, i) for i in range(8)] + [(5, i) for i in range(4)]
    assert sorted(levels) == [*expected, (6, 0), (6, 1), (7, 0)]
    result = verify_log(long_log)
    assert result.ok, result.message
    assert result.size == PRODUCTION_SIZE


def test_shipped_layout_rewritten_leaf_caught(long_log: Organisation) -> None:
    """Without stored leaves, the first index shown is that of the 16-entry block."""
    rewrite_user_id(long_log, 100)
    assert_diverges_at(
        long_log,
        96,
        "so one of entries 96 to 111 was rewritten together with its leaf hash",
    )


def test_shipped_layout_rewritten_tail_caught(long_log: Organisation) -> None:
    """An entry past the last stored node is covered by the signed checkpoint."""
    rewrite_user_id(long_log, 129)
    assert_diverges_at(long_log, 65, "checkpoint of size 130 signs root")


def test_shipped_layout_deleted_rows_caught(long_log: Organisation) -> None:
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_accessentry WHERE organisation_id = %s "
            'AND "index" >= 100',
            [long_log.pk],
        )
    assert_diverges_at(long_log, 100, "entries were removed")


def test_run_named_readably(log: Organisation) -> None:
    verify_log(log)
    run = VerificationRun.objects.get(organisation=log)
    date = f"{run.finished_at:%Y-%m-%d}"
    with translation.override("en"):
        assert str(run) == f"verification of {SIZE} entries on {date}: verified"
    with translation.override("nl"):
        assert str(run) == f"verificatie van {SIZE} regels op {date}: geverifieerd"


# Leaves built in SQL and by encode_leaf


SPECIAL_EVENTS = [
    {"application": 'say "hi"', "source_ip": "2001:db8::1"},
    {"application": "back\\slash", "source_ip": "::ffff:10.1.2.3"},
    {"application": "sociaal-dossier é ü", "time": "2026-03-02T10:15:30Z"},
    {"case_ref": "D-1", "time": "2026-03-02T10:15:30.001+00:00"},
]


def test_special_values_verify(centre_a: Organisation) -> None:
    """Quotes and backslashes need the reference encoder, the rest does not."""
    records = [(n, event(n, **fields)) for n, fields in enumerate(SPECIAL_EVENTS)]
    ingest_events(centre_a, records, source="test")
    reference = verification_scan._ChunkScan._reference_leaf_hash
    with mock.patch.object(
        verification_scan._ChunkScan,
        "_reference_leaf_hash",
        autospec=True,
        side_effect=reference,
    ) as spy:
        result = verify_log(centre_a)
    assert result.ok, result.message
    assert sorted(call.args[1] for call in spy.call_args_list) == [0, 1]


@pytest.mark.parametrize("index", range(len(SPECIAL_EVENTS)))
def test_special_values_changed_caught(centre_a: Organisation, index: int) -> None:
    records = [(n, event(n, **fields)) for n, fields in enumerate(SPECIAL_EVENTS)]
    ingest_events(centre_a, records, source="test")
    with tampering():
        AccessEntry.objects.filter(organisation=centre_a, index=index).update(
            application="other"
        )
    assert_diverges_at(centre_a, index, "do not match its stored leaf hash")


def without_checkpoint_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan as if every checkpoint had been signed after its chunk was read."""
    monkeypatch.setattr(
        verification_scan._ChunkScan, "checkpoint_sizes", lambda self: []
    )


def test_checkpoint_root_from_store(
    log: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_checkpoint_roots(monkeypatch)
    result = verify_log(log)
    assert result.ok, result.message
    assert result.checkpoints_checked == BATCHES


def test_checkpoint_root_from_store_checked(
    log: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_checkpoint_roots(monkeypatch)
    keys = ensure_log_keys(log)
    signer = Ed25519Signer.from_signer_key(keys.signer_key)
    root = b"\x09" * 32
    note = sign_checkpoint(Checkpoint(keys.origin, 35, root), signer)
    LogCheckpoint.objects.create(organisation=log, size=35, root_hash=root, note=note)
    assert_diverges_at(log, 30, "entries from index 30 on are not the ones")
