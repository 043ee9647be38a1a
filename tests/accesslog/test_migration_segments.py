"""The migrations to entry segments and binary pseudonyms, applied and reversed."""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import (
    ALIAS,
    database,
    entry_columns,
    migrate,
    rejected,
)

__all__ = ["database"]

BEFORE = ("accesslog", "0006_drop_lower_tree_levels")
SEGMENTS = ("accesslog", "0007_entry_segments")
TIME = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)
INDICES = (0, 1, 4095, 4096, 9000)


def create_centre(apps: Any, slug: str) -> Any:
    """Create a centre in the migration state ``apps``."""
    return (
        apps.get_model("organisations", "Organisation")
        .objects.using(ALIAS)
        .create(
            slug=slug,
            kind="centre",
            name_nl=f"OCMW {slug}",
            name_fr=f"CPAS {slug}",
            enterprise_number="0999999922",
        )
    )


def fill_old_log(apps: Any) -> Any:
    organisation = create_centre(apps, "segments")
    entry_model = apps.get_model("accesslog", "AccessEntry")
    for index in INDICES:
        entry_model.objects.using(ALIAS).create(
            organisation=organisation,
            index=index,
            event_id=f"e-{index}",
            time=TIME,
            user_id="U1",
            application="social-file",
            action="consult",
            subject_pseudonym="ab" * 32,
            service="IdentifyPerson",
            leaf=b"leaf",
            leaf_hash=bytes(32),
        )
    return organisation


def stored_segments(database: BaseDatabaseWrapper) -> dict[int, int]:
    with database.cursor() as cursor:
        cursor.execute('SELECT "index", segment FROM accesslog_accessentry')
        return {int(index): int(segment) for index, segment in cursor.fetchall()}


def test_segment_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    organisation = fill_old_log(migrate(database, BEFORE))

    apps = migrate(database, SEGMENTS)
    assert stored_segments(database) == {index: index // 4096 for index in INDICES}
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")

    entry_model = apps.get_model("accesslog", "AccessEntry")
    values: dict[str, Any] = {
        "organisation_id": organisation.pk,
        "segment": 2,
        "user_id": "U1",
        "application": "social-file",
        "action": "consult",
        "subject_pseudonym": "ab" * 32,
        "service": "IdentifyPerson",
        "leaf": b"leaf",
        "leaf_hash": bytes(32),
    }
    entries = entry_model.objects.using(ALIAS)
    with pytest.raises(IntegrityError), transaction.atomic(using=ALIAS):
        entries.create(index=9001, event_id="e-0", time=TIME, **values)

    migrate(database, BEFORE)
    assert "segment" not in entry_columns(database)
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")


LEAF_DROPPED = ("accesslog", "0008_drop_entry_leaf")
BINARY = ("accesslog", "0009_binary_pseudonyms")
PSEUDONYM = "0123456789abcdef" * 4


def stored_pseudonyms(database: BaseDatabaseWrapper) -> dict[int, Any]:
    with database.cursor() as cursor:
        cursor.execute('SELECT "index", subject_pseudonym FROM accesslog_accessentry')
        return {
            int(index): bytes(value) if isinstance(value, memoryview) else value
            for index, value in cursor.fetchall()
        }


def expire(database: BaseDatabaseWrapper, index: int, empty: str | bytes) -> None:
    with transaction.atomic(using=ALIAS), database.cursor() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = '', application = '', "
            "action = '', subject_pseudonym = %s, service = '', case_ref = '', "
            "source_ip = NULL, outcome = '', expired_at = \"time\" "
            'WHERE "index" = %s',
            [empty, index],
        )


def test_pseudonym_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, LEAF_DROPPED)
    organisation = create_centre(apps, "pseudonyms")
    entries = apps.get_model("accesslog", "AccessEntry").objects.using(ALIAS)
    for index in range(3):
        entries.create(
            organisation=organisation,
            index=index,
            segment=0,
            event_id=f"e-{index}",
            time=TIME,
            user_id="U1",
            application="social-file",
            action="consult",
            subject_pseudonym=PSEUDONYM,
            service="IdentifyPerson",
            leaf_hash=bytes(32),
        )
    expire(database, 0, "")

    migrate(database, BINARY)
    assert stored_pseudonyms(database) == {
        0: b"",
        1: bytes.fromhex(PSEUDONYM),
        2: bytes.fromhex(PSEUDONYM),
    }
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 1, b"")

    migrate(database, LEAF_DROPPED)
    assert stored_pseudonyms(database) == {0: "", 1: "", 2: PSEUDONYM}
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 2, "")


ROWID = ("accesslog", "0010_entry_rowid")


def entry_table_sql(database: BaseDatabaseWrapper) -> str:
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'accesslog_accessentry'"
        )
        (sql,) = cursor.fetchone()
    return str(sql)


def stored_ids(database: BaseDatabaseWrapper) -> dict[int, int]:
    with database.cursor() as cursor:
        cursor.execute('SELECT "index", id FROM accesslog_accessentry')
        return {int(index): int(key) for index, key in cursor.fetchall()}


def create_entry(apps: Any, organisation: Any, index: int) -> Any:
    return (
        apps.get_model("accesslog", "AccessEntry")
        .objects.using(ALIAS)
        .create(
            organisation_id=organisation.pk,
            index=index,
            segment=0,
            event_id=f"e-{index}",
            time=TIME,
            user_id="U1",
            application="social-file",
            action="consult",
            subject_pseudonym=bytes.fromhex(PSEUDONYM),
            service="IdentifyPerson",
            leaf_hash=bytes(32),
        )
    )


def test_rowid_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, BINARY)
    organisation = create_centre(apps, "rowids")
    entries = [create_entry(apps, organisation, index) for index in range(3)]
    finding = (
        apps.get_model("accesslog", "Finding")
        .objects.using(ALIAS)
        .create(
            organisation=organisation,
            rule="volume",
            key="U1",
            severity="low",
            user_id="U1",
            period_start=TIME,
            period_end=TIME,
        )
    )
    finding.entries.add(entries[1])
    expire(database, 0, b"")
    ids = stored_ids(database)

    apps = migrate(database, ROWID)
    sqlite = database.vendor == "sqlite"
    if sqlite:
        assert "AUTOINCREMENT" not in entry_table_sql(database)
    assert stored_ids(database) == ids
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 1, b"")
    added = create_entry(apps, organisation, 3)
    assert added.pk == max(ids.values()) + 1
    linked = apps.get_model("accesslog", "Finding").objects.using(ALIAS).get()
    assert [entry.index for entry in linked.entries.all()] == [1]

    migrate(database, BINARY)
    if sqlite:
        assert "AUTOINCREMENT" in entry_table_sql(database)
    assert stored_ids(database) == {**ids, 3: added.pk}
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 2, b"")
