"""The migration that links findings to entry indexes, applied and reversed."""

import datetime
from typing import Any

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import (
    ALIAS,
    database,
    migrate,
    rejected,
)
from tests.accesslog.test_migration_segments import create_entry, stored_ids

__all__ = ["database"]

KEYS_TRIGGERS = ("accesslog", "0016_log_keys_triggers")
ENTRY_INDEXES = ("accesslog", "0017_finding_entry_indexes")
TIME = datetime.datetime(2026, 3, 2, 3, 0, tzinfo=datetime.UTC)
OLD_TABLE = "accesslog_finding_entries"
NEW_TABLE = "accesslog_findingentry"


def create_centre(apps: Any, slug: str, enterprise_number: str) -> Any:
    return (
        apps.get_model("organisations", "Organisation")
        .objects.using(ALIAS)
        .create(
            slug=slug,
            kind="centre",
            name_nl=f"OCMW {slug}",
            name_fr=f"CPAS {slug}",
            enterprise_number=enterprise_number,
        )
    )


def create_finding(apps: Any, organisation: Any, key: str) -> Any:
    return (
        apps.get_model("accesslog", "Finding")
        .objects.using(ALIAS)
        .create(
            organisation=organisation,
            rule="outside_hours",
            key=key,
            severity="medium",
            user_id="U1",
            period_start=TIME,
            period_end=TIME,
        )
    )


def tables(database: BaseDatabaseWrapper) -> set[str]:
    with database.cursor() as cursor:
        return set(database.introspection.table_names(cursor))


def old_links(database: BaseDatabaseWrapper) -> set[tuple[int, int]]:
    with database.cursor() as cursor:
        cursor.execute(f"SELECT finding_id, accessentry_id FROM {OLD_TABLE}")  # noqa: S608
        return {(int(finding), int(entry)) for finding, entry in cursor.fetchall()}


def new_links(database: BaseDatabaseWrapper) -> set[tuple[int, int]]:
    with database.cursor() as cursor:
        cursor.execute(f'SELECT finding_id, "index" FROM {NEW_TABLE}')  # noqa: S608
        return {(int(finding), int(index)) for finding, index in cursor.fetchall()}


def two_centres(apps: Any) -> tuple[Any, Any, dict[str, dict[int, int]]]:
    """Create two centres whose logs share indexes but not row ids.

    Returns the centres and each one's row ids by index. Centre B's entries
    are created between centre A's, so that index and row id differ.
    """
    first = create_centre(apps, "first", "0999999922")
    second = create_centre(apps, "second", "0999999823")
    ids: dict[str, dict[int, int]] = {"first": {}, "second": {}}
    for index in range(3):
        ids["second"][index] = create_entry(apps, second, index).pk
        ids["first"][index] = create_entry(apps, first, index).pk
    return first, second, ids


def test_finding_links_migrate_both_ways(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, KEYS_TRIGGERS)
    first, second, ids = two_centres(apps)
    night = create_finding(apps, first, "U1|2026-03-02")
    night.entries.add(ids["first"][1], ids["first"][2])
    other = create_finding(apps, second, "U1|2026-03-02")
    other.entries.add(ids["second"][0])
    create_finding(apps, first, "U1|2026-03-03")
    before = old_links(database)
    entry_ids = stored_ids(database)

    migrate(database, ENTRY_INDEXES)
    assert OLD_TABLE not in tables(database)
    assert new_links(database) == {(night.pk, 1), (night.pk, 2), (other.pk, 0)}
    assert stored_ids(database) == entry_ids
    assert rejected(database, "DELETE FROM accesslog_accessentry")

    migrate(database, KEYS_TRIGGERS)
    assert NEW_TABLE not in tables(database)
    assert old_links(database) == before


def test_link_to_other_centre_stops_migration(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, KEYS_TRIGGERS)
    first, _second, ids = two_centres(apps)
    finding = create_finding(apps, first, "U1|2026-03-02")
    finding.entries.add(ids["first"][0], ids["second"][1])

    with pytest.raises(RuntimeError) as caught:
        migrate(database, ENTRY_INDEXES)
    assert str(caught.value).startswith(
        f"finding {finding.pk} links entry {ids['second'][1]}, which belongs to "
        "another organisation's log."
    )
    assert NEW_TABLE not in tables(database)
    assert old_links(database) == {
        (finding.pk, ids["first"][0]),
        (finding.pk, ids["second"][1]),
    }


def test_index_without_entry_stops_reverse(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, KEYS_TRIGGERS)
    first, _second, ids = two_centres(apps)
    finding = create_finding(apps, first, "U1|2026-03-02")
    finding.entries.add(ids["first"][0])
    apps = migrate(database, ENTRY_INDEXES)
    links = apps.get_model("accesslog", "FindingEntry").objects.using(ALIAS)
    links.create(finding_id=finding.pk, index=7)

    with pytest.raises(RuntimeError) as caught:
        migrate(database, KEYS_TRIGGERS)
    assert str(caught.value).startswith(
        f"finding {finding.pk} links index 7, where its organisation's log has no entry"
    )
    assert OLD_TABLE not in tables(database)
    assert new_links(database) == {(finding.pk, 0), (finding.pk, 7)}


def test_links_copied_past_one_batch(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, KEYS_TRIGGERS)
    first, _second, _ids = two_centres(apps)
    entries = apps.get_model("accesslog", "AccessEntry").objects.using(ALIAS)
    entries.bulk_create(
        entries.model(
            organisation=first,
            index=index,
            segment=0,
            event_id=f"e-{index}",
            time=TIME,
            user_id="U1",
            application="social-file",
            action="consult",
            subject_pseudonym=bytes(32),
            service="IdentifyPerson",
            leaf_hash=bytes(32),
        )
        for index in range(3, 1003)
    )
    finding = create_finding(apps, first, "U1|2026-03-02")
    finding.entries.add(
        *entries.filter(organisation=first).values_list("pk", flat=True)
    )
    before = old_links(database)
    assert len(before) == 1003

    migrate(database, ENTRY_INDEXES)
    assert new_links(database) == {(finding.pk, index) for index in range(1003)}

    migrate(database, KEYS_TRIGGERS)
    assert old_links(database) == before
