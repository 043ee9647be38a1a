"""Verification in worker processes gives the result of verification in one.

Workers open connections of their own, so they see only committed rows. These
tests therefore run outside the test transaction, on a database of their own
(an SQLite file, or a new PostgreSQL database on the test server) that takes
the place of the default one for this module. Its append-only triggers are
disabled once, so that the tests can tamper with committed rows.
"""

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tests.accesslog.factories import (
    SQLITE_TRIGGERS,
    TABLES,
    cut_back,
    ingest_batches,
    vouch_for_expiry,
)
from tests.conftest import make_centre
from vigil.accesslog import store, verification, verification_pool
from vigil.accesslog.verification import VerificationResult, verify_log
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("one_day_retention")

BATCHES = 4
BATCH_SIZE = 10
SIZE = BATCHES * BATCH_SIZE
# Chunks of 4 entries, 3 chunks per part: the parts are [0, 12), [12, 24),
# [24, 36) and [36, 40).
CHUNK_LEVEL = 2
PART_CHUNKS = 3
ENTRY_TABLE = "accesslog_accessentry"
_numbers = itertools.count(1)


def _run_on_server(statement: str) -> None:
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(statement)


@pytest.fixture(scope="module")
def own_database(
    django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Make a new, migrated database the default connection for this module."""
    with django_db_blocker.unblock():
        original = connections["default"]
        original_settings = connections.settings["default"]
        settings = {**original_settings}
        if original.vendor == "sqlite":
            path: Path = tmp_path_factory.mktemp("parallel") / "log.sqlite3"
            settings["NAME"] = str(path)
        else:
            settings["NAME"] = f"{original.settings_dict['NAME']}_parallel"
            _run_on_server(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            _run_on_server(f'CREATE DATABASE "{settings["NAME"]}"')
        connections.settings["default"] = settings
        connections["default"] = connections.create_connection("default")
        try:
            call_command("migrate", verbosity=0, interactive=False)
            _disable_triggers()
            yield
        finally:
            connections["default"].close()
            connections["default"] = original
            connections.settings["default"] = original_settings
            if original.vendor != "sqlite":
                _run_on_server(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


def _disable_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verify in parts of 3 chunks of 4, store the tree from level 2."""
    monkeypatch.setattr(verification, "CHUNK_LEVEL", CHUNK_LEVEL)
    monkeypatch.setattr(verification, "CHUNK", 1 << CHUNK_LEVEL)
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 2)
    monkeypatch.setattr(verification_pool, "PART_CHUNKS", PART_CHUNKS)


@pytest.fixture
def log(own_database: None) -> Organisation:
    number = next(_numbers)
    base = 9_000_000 + number
    centre = make_centre(f"parallel-{number}", f"0{base:07d}{97 - base % 97:02d}")
    ingest_batches(centre, BATCHES, BATCH_SIZE)
    return centre


def verify_both_ways(organisation: Organisation) -> VerificationResult:
    """Verify in one process and in two workers, check they agree, return it."""
    alone = verify_log(organisation, workers=1)
    spy = mock.patch.object(
        verification_pool,
        "scan_in_workers",
        wraps=verification_pool.scan_in_workers,
    )
    with spy as scan_in_workers:
        parallel = verify_log(organisation, workers=2)
    scan_in_workers.assert_called_once()
    assert parallel == alone
    return parallel


def execute(statement: str, parameters: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)


def change_user_id(organisation: Organisation, index: int) -> None:
    execute(
        f"UPDATE {ENTRY_TABLE} SET user_id = 'U999' "  # noqa: S608
        'WHERE organisation_id = %s AND "index" = %s',
        [organisation.pk, index],
    )


def expire(organisation: Organisation, start: int, end: int) -> None:
    """Empty entries ``[start, end)`` as expiry does."""
    execute(
        f"UPDATE {ENTRY_TABLE} SET user_id = '', application = '', "  # noqa: S608
        "action = '', subject_pseudonym = '', service = '', case_ref = '', "
        "source_ip = NULL, outcome = '', expired_at = \"time\" "
        'WHERE organisation_id = %s AND "index" >= %s AND "index" < %s',
        [organisation.pk, start, end],
    )
    vouch_for_expiry(organisation, start, end)


def test_parts_of_small_log() -> None:
    parts = verification_pool.split_parts(SIZE, CHUNK_LEVEL)
    assert parts == [(0, 12), (12, 24), (24, 36), (36, 40)]


def test_clean_log_verifies_in_workers(log: Organisation) -> None:
    result = verify_both_ways(log)
    assert result.ok, result.message
    assert result.size == SIZE
    assert result.checkpoints_checked == BATCHES


def test_divergence_in_second_part(log: Organisation) -> None:
    change_user_id(log, 17)
    result = verify_both_ways(log)
    assert not result.ok
    assert result.first_divergent_index == 17
    assert "do not match its stored leaf hash" in result.message
    assert result.size == 16


def test_divergences_in_two_parts_report_first(log: Organisation) -> None:
    change_user_id(log, 30)
    change_user_id(log, 5)
    result = verify_both_ways(log)
    assert result.first_divergent_index == 5
    assert "entry 5" in result.message


def test_expired_prefix_across_parts(log: Organisation) -> None:
    expire(log, 0, 14)
    result = verify_both_ways(log)
    assert result.ok, result.message
    assert result.expired_entries == 14


def test_expired_after_kept_in_later_part(log: Organisation) -> None:
    expire(log, 0, 3)
    expire(log, 12, 14)
    result = verify_both_ways(log)
    assert result.first_divergent_index == 12
    assert "entry 3 before it was not" in result.message


def test_expired_after_kept_inside_part(log: Organisation) -> None:
    expire(log, 0, 13)
    expire(log, 14, 15)
    result = verify_both_ways(log)
    assert result.first_divergent_index == 14
    assert "entry 13 before it was not" in result.message


def delete_entry(organisation: Organisation) -> None:
    execute(
        f'DELETE FROM {ENTRY_TABLE} WHERE organisation_id = %s AND "index" = 26',  # noqa: S608
        [organisation.pk],
    )


def change_node(organisation: Organisation) -> None:
    execute(
        "UPDATE accesslog_treenode SET hash = %s WHERE organisation_id = %s "
        'AND level = 3 AND "index" = 2',
        [b"\x01" * 32, organisation.pk],
    )


def roll_back(organisation: Organisation) -> None:
    with connection.cursor() as cursor:
        cut_back(cursor, organisation, 25)


def move_entry(organisation: Organisation) -> None:
    table = ENTRY_TABLE
    for old, new in ((6, -1), (31, 6), (-1, 31)):
        execute(
            f'UPDATE {table} SET "index" = %s '  # noqa: S608
            'WHERE organisation_id = %s AND "index" = %s',
            [new, organisation.pk, old],
        )


@pytest.mark.parametrize(
    ("tamper", "index", "text"),
    [
        (delete_entry, 26, "entry 26 is missing"),
        (change_node, 16, "tree node (3, 2)"),
        (roll_back, 25, "checkpoint of size 40 exists"),
        (move_entry, 6, "do not match"),
    ],
    ids=["deleted", "node", "rolled-back", "moved"],
)
def test_tampering_caught_in_workers(
    log: Organisation, tamper: Callable[[Organisation], None], index: int, text: str
) -> None:
    tamper(log)
    result = verify_both_ways(log)
    assert result.first_divergent_index == index, result.message
    assert text in result.message


def text_leaf_hash(organisation: Organisation) -> None:
    execute(
        f"UPDATE {ENTRY_TABLE} SET leaf_hash = CAST(leaf_hash AS TEXT) "  # noqa: S608
        'WHERE organisation_id = %s AND "index" = 27',
        [organisation.pk],
    )


def text_node_hash(organisation: Organisation) -> None:
    """Give a node above the chunks, which the main process reads, a text hash."""
    execute(
        "UPDATE accesslog_treenode SET hash = 'abc' WHERE organisation_id = %s "
        'AND level = 3 AND "index" = 2',
        [organisation.pk],
    )


def text_low_node_hash(organisation: Organisation) -> None:
    """Give a node of a chunk, which a worker reads, a text hash."""
    execute(
        "UPDATE accesslog_treenode SET hash = 'abc' WHERE organisation_id = %s "
        'AND level = 2 AND "index" = 2',
        [organisation.pk],
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite column types")
@pytest.mark.parametrize(
    ("tamper", "index", "text"),
    [
        (text_leaf_hash, 27, "entry 27 has leaf_hash text that is not valid UTF-8"),
        (text_node_hash, 16, "tree node (3, 2) has hash the text 'abc'"),
        (text_low_node_hash, 8, "tree node (2, 2) has hash the text 'abc'"),
    ],
    ids=["leaf-hash", "node-hash", "low-node-hash"],
)
def test_value_of_other_type_caught_in_workers(
    log: Organisation, tamper: Callable[[Organisation], None], index: int, text: str
) -> None:
    tamper(log)
    result = verify_both_ways(log)
    assert result.first_divergent_index == index, result.message
    assert text in result.message


def test_transaction_keeps_scan_in_process(log: Organisation) -> None:
    """Workers cannot see the rows of an open transaction, so they are not used."""
    assert verification_pool.workers_possible()
    with transaction.atomic():
        assert not verification_pool.workers_possible()
