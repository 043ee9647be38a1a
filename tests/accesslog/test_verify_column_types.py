"""Full verification of stored values of the wrong type or outside the tree.

SQLite columns accept a value of any type, and someone who controls the
database can drop PostgreSQL's check constraints. Verification must report
such a value as a failure that names the row and column, never crash.
"""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from tests.accesslog.factories import (
    empty_as_expired,
    entry_id,
    ingest_batches,
    tampering,
)
from vigil.accesslog import store, verification
from vigil.accesslog.models import AccessEntry, LogCheckpoint, VerificationRun
from vigil.accesslog.verification import VerificationResult, verify_log
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("one_day_retention")

BATCHES = 4
BATCH_SIZE = 10

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite column types"
)


@pytest.fixture(
    autouse=True, params=[2, verification.CHUNK_LEVEL], ids=["chunk4", "chunk"]
)
def chunk_level(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Verify with chunks of 4 entries too, so that nodes above level 2 lie above
    the chunks and are read by the main process."""
    level: int = request.param
    monkeypatch.setattr(verification, "CHUNK_LEVEL", level)
    monkeypatch.setattr(verification, "CHUNK", 1 << level)
    return level


@pytest.fixture(autouse=True)
def stored_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 2)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, BATCHES, BATCH_SIZE)
    return centre_a


def checkpoint_id(organisation: Organisation, size: int) -> int:
    return LogCheckpoint.objects.get(organisation=organisation, size=size).pk


def set_column(table: str, column: str, literal: str, row_id: int) -> None:
    """Set ``column`` of row ``row_id`` to the SQL expression ``literal``."""
    with tampering() as cursor:
        update_column(cursor, table, column, literal, row_id)


def update_column(
    cursor: Any, table: str, column: str, literal: str, row_id: int
) -> None:
    cursor.execute(
        f'UPDATE {table} SET "{column}" = {literal} WHERE id = %s',  # noqa: S608
        [row_id],
    )


def insert_node(organisation: Organisation, level: str, index: str) -> None:
    """Store a copy of node (2, 0) at the SQL values ``level`` and ``index``."""
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO accesslog_treenode "  # noqa: S608
            '(organisation_id, level, "index", tile, hash) '
            f"SELECT organisation_id, {level}, {index}, tile, hash "
            "FROM accesslog_treenode "
            'WHERE organisation_id = %s AND level = 2 AND "index" = 0',
            [organisation.pk],
        )


def node_id(organisation: Organisation, level: int, index: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM accesslog_treenode WHERE organisation_id = %s "
            'AND level = %s AND "index" = %s',
            [organisation.pk, level, index],
        )
        (row_id,) = cursor.fetchone()
    return int(row_id)


@pytest.fixture
def without_level_check() -> Iterator[None]:
    """Let tree nodes have a level below 0, as a dropped check constraint does."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # As in ``tampering``: ALTER TABLE waits for no deferred checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname FROM pg_constraint "
                "WHERE conrelid = 'accesslog_treenode'::regclass AND contype = 'c'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(
                    f'ALTER TABLE accesslog_treenode DROP CONSTRAINT "{name}"'
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


def assert_fails(
    organisation: Organisation, index: int | None, message: str
) -> VerificationResult:
    result = verify_log(organisation)
    assert not result.ok
    assert result.message == message
    assert result.first_divergent_index == index
    run = VerificationRun.objects.get(organisation=organisation)
    assert not run.ok
    assert run.message == message
    return result


# Checkpoints


@sqlite_only
@pytest.mark.parametrize(
    ("literal", "found"),
    [
        ("'big'", "the text 'big'"),
        ("19.5", "the real number 19.5"),
        ("x'14'", "the 1-byte blob 14"),
        ("CAST(x'ff' AS TEXT)", "text that is not valid UTF-8 (bytes ff)"),
    ],
    ids=["text", "real", "blob", "not-utf8"],
)
def test_checkpoint_size_of_other_type(
    log: Organisation, literal: str, found: str
) -> None:
    row_id = checkpoint_id(log, 20)
    set_column("accesslog_logcheckpoint", "size", literal, row_id)
    assert_fails(
        log,
        None,
        f"the checkpoint with id {row_id} has size {found}, expected a tree size "
        "(an integer of 0 or more), so the checkpoint cannot be checked: its row "
        "was changed",
    )


def test_checkpoint_size_below_zero(log: Organisation) -> None:
    row_id = checkpoint_id(log, 20)
    set_column("accesslog_logcheckpoint", "size", "-3", row_id)
    result = assert_fails(
        log,
        None,
        f"the checkpoint with id {row_id} has size -3, expected a tree size "
        "(an integer of 0 or more), so the checkpoint cannot be checked: its row "
        "was changed",
    )
    assert result.checkpoints_checked == 0


@sqlite_only
@pytest.mark.parametrize("column", ["note", "created_at"])
def test_checkpoint_text_not_utf8(log: Organisation, column: str) -> None:
    row_id = checkpoint_id(log, 20)
    set_column("accesslog_logcheckpoint", column, "CAST(x'ff41' AS TEXT)", row_id)
    assert_fails(
        log,
        None,
        f"the checkpoint with id {row_id} has {column} text that is not valid "
        "UTF-8 (bytes ff41), expected text in UTF-8, so the checkpoint cannot be "
        "checked: its row was changed",
    )


@sqlite_only
@pytest.mark.parametrize(
    ("column", "literal", "found", "expected"),
    [
        ("root_hash", "'abc'", "the text 'abc'", "bytes"),
        ("root_hash", "7", "the integer 7", "bytes"),
        ("note", "x'6e6f7465'", "the 4-byte blob 6e6f7465", "text"),
    ],
    ids=["root-text", "root-integer", "note-blob"],
)
def test_checkpoint_column_of_other_type(
    log: Organisation, column: str, literal: str, found: str, expected: str
) -> None:
    row_id = checkpoint_id(log, 30)
    set_column("accesslog_logcheckpoint", column, literal, row_id)
    assert_fails(
        log,
        None,
        f"the checkpoint with id {row_id} has {column} {found}, expected "
        f"{expected}, so the checkpoint cannot be checked: its row was changed",
    )


# Entries


@sqlite_only
@pytest.mark.parametrize(
    ("literal", "found"),
    [
        ("'abc'", "the text 'abc'"),
        ("CAST(x'ff00' AS TEXT)", "text that is not valid UTF-8 (bytes ff00)"),
        ("CAST(leaf_hash AS TEXT)", "text that is not valid UTF-8"),
        ("19.5", "the real number 19.5"),
        ("5", "the integer 5"),
    ],
    ids=["text", "not-utf8", "hash-as-text", "real", "integer"],
)
def test_leaf_hash_of_other_type(log: Organisation, literal: str, found: str) -> None:
    set_column("accesslog_accessentry", "leaf_hash", literal, entry_id(log, 9))
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 9
    assert result.message.startswith(f"entry 9 has leaf_hash {found}")
    assert result.message.endswith(", expected 32 bytes: its leaf hash was changed")
    assert not VerificationRun.objects.get(organisation=log).ok


@sqlite_only
@pytest.mark.parametrize("column", ["user_id", "time", "source_ip"])
def test_entry_text_not_utf8(log: Organisation, column: str) -> None:
    set_column(
        "accesslog_accessentry", column, "CAST(x'ff41' AS TEXT)", entry_id(log, 9)
    )
    assert_fails(
        log,
        9,
        f"entry 9 has {column} text that is not valid UTF-8 (bytes ff41), "
        "expected text in UTF-8: a column was changed",
    )


@sqlite_only
def test_leaf_hash_of_other_type_after_earlier_failure(log: Organisation) -> None:
    with tampering() as cursor:
        AccessEntry.objects.filter(organisation=log, index=6).update(user_id="U999")
        update_column(
            cursor, "accesslog_accessentry", "leaf_hash", "'abc'", entry_id(log, 7)
        )
    result = verify_log(log)
    assert result.first_divergent_index == 6
    assert "the columns of entry 6 do not match" in result.message


@sqlite_only
def test_leaf_hash_of_expired_entry_of_other_type(log: Organisation) -> None:
    with tampering() as cursor:
        empty_as_expired(log, range(3))
        update_column(
            cursor, "accesslog_accessentry", "leaf_hash", "'abc'", entry_id(log, 1)
        )
    result = verify_log(log)
    assert result.first_divergent_index == 1
    assert result.message.startswith("entry 1 has leaf_hash the text 'abc'")


# Tree nodes


@sqlite_only
@pytest.mark.parametrize(
    ("literal", "found"),
    [
        ("'abc'", "the text 'abc'"),
        ("CAST(x'ff' AS TEXT)", "text that is not valid UTF-8 (bytes ff)"),
        ("5", "the integer 5"),
    ],
    ids=["text", "not-utf8", "integer"],
)
@pytest.mark.parametrize(("level", "index"), [(2, 3), (3, 1)], ids=["low", "upper"])
def test_node_hash_of_other_type(
    log: Organisation, literal: str, found: str, level: int, index: int
) -> None:
    set_column("accesslog_treenode", "hash", literal, node_id(log, level, index))
    first_leaf = index << level
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == first_leaf
    assert result.message == (
        f"tree node ({level}, {index}) has hash {found}, expected 32 bytes: "
        "the stored node was changed"
    )


@sqlite_only
@pytest.mark.parametrize(
    ("level", "index", "message"),
    [
        (
            "'x'",
            "9",
            "a tree node has level the text 'x', expected an integer from 0 to "
            "63, so it lies outside the tree: nodes were added",
        ),
        (
            "2.5",
            "9",
            "a tree node has level the real number 2.5, expected an integer from "
            "0 to 63, so it lies outside the tree: nodes were added",
        ),
        (
            "70000",
            "0",
            "a tree node has level 70000, expected an integer from 0 to 63, so it "
            "lies outside the tree: nodes were added",
        ),
        (
            "2",
            "'x'",
            "a tree node at level 2 has index the text 'x', expected an integer "
            "of 0 or more, so it lies outside the tree: nodes were added",
        ),
        (
            "2",
            "CAST(x'ff' AS TEXT)",
            "a tree node at level 2 has index text that is not valid UTF-8 "
            "(bytes ff), expected an integer of 0 or more, so it lies outside the "
            "tree: nodes were added",
        ),
    ],
    ids=["level-text", "level-real", "level-70000", "index-text", "index-not-utf8"],
)
def test_extra_node_of_other_type(
    log: Organisation, level: str, index: str, message: str
) -> None:
    insert_node(log, level, index)
    assert_fails(log, None, message)


@sqlite_only
@pytest.mark.parametrize(("level", "index"), [(2, 2.5), (3, 1.5)], ids=["low", "upper"])
def test_node_index_of_real_number(log: Organisation, level: int, index: float) -> None:
    insert_node(log, str(level), str(index))
    assert_fails(
        log,
        None,
        f"a tree node at level {level} has index the real number {index}, "
        "expected an integer of 0 or more, so it lies outside the tree: nodes "
        "were added",
    )


def test_extra_node_at_high_level(log: Organisation) -> None:
    # The highest level that PostgreSQL's smallint column stores.
    insert_node(log, "32767", "0")
    assert_fails(
        log,
        None,
        "a tree node has level 32767, expected an integer from 0 to 63, so it "
        "lies outside the tree: nodes were added",
    )


def test_extra_node_at_negative_index(log: Organisation) -> None:
    insert_node(log, "2", "-5")
    assert_fails(
        log,
        None,
        "a tree node at level 2 has index -5, expected an integer of 0 or more, "
        "so it lies outside the tree: nodes were added",
    )


def test_extra_node_at_negative_level(
    log: Organisation, without_level_check: None
) -> None:
    insert_node(log, "-1", "0")
    assert_fails(
        log,
        None,
        "a tree node has level -1, expected an integer from 0 to 63, so it lies "
        "outside the tree: nodes were added",
    )


@sqlite_only
def test_moved_node_of_text_index_caught(log: Organisation) -> None:
    set_column("accesslog_treenode", "index", "'x'", node_id(log, 2, 3))
    assert_fails(log, 12, "tree node (2, 3) over entries 12 to 15 is missing")


@sqlite_only
@pytest.mark.parametrize(
    ("literal", "shown"), [("'0'", "0"), ("'x'", "'x'"), ("0.5", "0.5")]
)
def test_node_tile_of_other_type(log: Organisation, literal: str, shown: str) -> None:
    """Text of the right tile is stored as its integer; other values lose the node."""
    set_column("accesslog_treenode", "tile", literal, node_id(log, 3, 1))
    if shown == "0":
        assert verify_log(log).ok
        return
    assert_fails(
        log,
        8,
        f"tree node (3, 1) is stored under tile {shown}, expected 0, so proofs "
        "cannot find it: the stored node was changed",
    )


# The command


def run_verify_failing(*arguments: str) -> str:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "accesslog",
            "verify",
            *arguments,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    return str(raised.value)


def test_command_fails_on_negative_checkpoint_size(log: Organisation) -> None:
    row_id = checkpoint_id(log, 10)
    set_column("accesslog_logcheckpoint", "size", "-3", row_id)
    message = run_verify_failing("--org", "centre-a")
    assert message.startswith("verification FAILED")
    assert f"the checkpoint with id {row_id} has size -3" in message


@sqlite_only
def test_command_fails_on_text_leaf_hash(log: Organisation) -> None:
    set_column("accesslog_accessentry", "leaf_hash", "'abc'", entry_id(log, 5))
    message = run_verify_failing("--org", "centre-a")
    assert "first divergent index 5" in message
    assert "entry 5 has leaf_hash the text 'abc'" in message


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL format()")
@pytest.mark.parametrize("column", ["case_ref", "outcome"])
def test_null_in_text_column_caught(log: Organisation, column: str) -> None:
    # format() writes NULL as empty text, the value of an empty case
    # reference or outcome. A NULL there needs the constraint dropped.
    with tampering() as cursor:
        cursor.execute(
            f"ALTER TABLE accesslog_accessentry ALTER COLUMN {column} DROP NOT NULL"
        )
        cursor.execute(
            f"UPDATE accesslog_accessentry SET {column} = NULL WHERE id = %s",  # noqa: S608
            [entry_id(log, 6)],
        )
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 6, result.message
    assert "do not match its stored leaf hash" in result.message
