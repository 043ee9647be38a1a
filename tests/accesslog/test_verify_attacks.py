"""Stored-row changes that the verification must fail, although they keep leaf bytes."""

import datetime
from collections.abc import Sequence

import pytest
from django.conf import LazySettings
from django.db import connection

from tests.accesslog.factories import (
    empty_as_expired,
    entry_id,
    event,
    ingest_batches,
    tampering,
)
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.search import Criteria, matching_entries
from vigil.accesslog.verification import verify_log
from vigil.organisations.models import Organisation

BATCHES = 2
BATCH_SIZE = 10
SIZE = BATCHES * BATCH_SIZE
# The day of every factory event, 2026-03-02 in UTC.
DAY = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, BATCHES, BATCH_SIZE)
    return centre_a


def assert_fails_at(organisation: Organisation, index: int) -> None:
    result = verify_log(organisation)
    assert not result.ok, "verification passed"
    assert result.first_divergent_index == index, result.message


def found_on_day(organisation: Organisation, index: int) -> bool:
    """Tell whether a search between two times of DAY returns entry ``index``."""
    criteria = Criteria(since=DAY, until=DAY + datetime.timedelta(days=1))
    return matching_entries(organisation, criteria).filter(index=index).exists()


def change_with_shadowed_sql(
    organisation: Organisation, index: int, shadowing: Sequence[str], change: str
) -> None:
    """Run the ``shadowing`` statements, then change entry ``index`` by ``change``.

    The statements create functions or operators in the public schema that
    the verification's SQL could resolve to in place of those of pg_catalog,
    written to hide the change. ``change`` is the SET clause of an UPDATE of
    the entry. The test's transaction rolls everything back.
    """
    with tampering() as cursor:
        for statement in shadowing:
            cursor.execute(statement)
        cursor.execute(
            f"UPDATE accesslog_accessentry SET {change} WHERE id = %s",  # noqa: S608
            [entry_id(organisation, index)],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL to_char()")
def test_time_before_common_era_caught(log: Organisation) -> None:
    # to_char()'s YYYY writes the year without its era, so the same date and
    # time of day in 2026 BC gives the leaf's time text. Every search between
    # two times of that day then misses the entry.
    assert found_on_day(log, 5)
    with tampering() as cursor:
        cursor.execute(
            'UPDATE accesslog_accessentry SET "time" = (to_char("time" '
            "AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' BC')::timestamp "
            "AT TIME ZONE 'UTC' WHERE id = %s",
            [entry_id(log, 5)],
        )
    assert not found_on_day(log, 5)
    assert_fails_at(log, 5)


def test_emptied_entry_with_time_moved_back_caught(
    log: Organisation, settings: LazySettings
) -> None:
    # The retention period keeps every entry of 2026 until 2036, so
    # emptying entries 0 to 2 must fail. Someone who can also change the
    # time, which only the triggers keep, sets it to a date that the period
    # no longer keeps. Without the log key they cannot sign the expiry
    # statement that expiry would have signed.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    empty_as_expired(log, range(3), vouched=False)
    with tampering():
        AccessEntry.objects.filter(organisation=log, index__lt=3).update(
            time=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
    assert_fails_at(log, 0)


def ingest_with_address(organisation: Organisation, address: str) -> int:
    """Ingest one event from ``address`` after the log and return its index."""
    ingest_events(organisation, [(1, event(SIZE, source_ip=address))], source="test")
    return SIZE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL inet")
def test_address_with_netmask_caught(log: Organisation) -> None:
    # host() drops the netmask, so the SQL-built leaf stays the same, but the
    # column contains a network now, which the pages and exports show.
    index = ingest_with_address(log, "10.1.2.3")
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET source_ip = '10.1.2.3/8'::inet "
            "WHERE id = %s",
            [entry_id(log, index)],
        )
    stored = AccessEntry.objects.get(organisation=log, index=index).source_ip
    assert stored == "10.1.2.3/8"
    assert_fails_at(log, index)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite address text")
def test_address_in_other_text_caught(log: Organisation) -> None:
    # Ingestion writes the RFC 5952 form. The reference check reads any
    # other text of the same address as that form, so the stored text can
    # change without the verification noticing.
    index = ingest_with_address(log, "2001:db8::1")
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET source_ip = '2001:0DB8:0:0::1' "
            "WHERE id = %s",
            [entry_id(log, index)],
        )
    assert_fails_at(log, index)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL timestamptz")
def test_time_after_year_9999_caught(log: Organisation) -> None:
    # PostgreSQL keeps times up to the year 294276. The verification must
    # report the entry, not stop without a result or a recorded run.
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry "
            'SET "time" = "time" + interval \'10000 years\' WHERE id = %s',
            [entry_id(log, 5)],
        )
    assert_fails_at(log, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search_path")
def test_time_with_shadowed_to_char_caught(log: Organisation) -> None:
    # Of Vigil's SQL, only the verification calls to_char(). A database
    # administrator who puts a schema of their own before pg_catalog in the
    # role's search_path (ALTER ROLE ... SET search_path) can make it write a
    # moved time as the old one, while the searches compare the column itself.
    change_with_shadowed_sql(
        log,
        5,
        [
            "CREATE FUNCTION public.to_char(timestamp, text) RETURNS text "
            "LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.to_char("
            "CASE WHEN $1 >= '2026-03-03' AND $1 < '2026-03-04' "
            "THEN $1 - interval '1 day' ELSE $1 END, $2) $$",
            "SET LOCAL search_path TO public, pg_catalog",
        ],
        '"time" = "time" + interval \'1 day\'',
    )
    assert not found_on_day(log, 5)
    assert_fails_at(log, 5)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite column types")
def test_early_expiry_with_unreadable_event_id_caught(
    log: Organisation, settings: LazySettings
) -> None:
    # The report of an entry emptied too early reads only the entry's time,
    # so another kept column that is not UTF-8 text does not stop the run.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 3650
    empty_as_expired(log, range(1))
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET event_id = CAST(X'FF' AS TEXT) "
            "WHERE id = %s",
            [entry_id(log, 0)],
        )
    result = verify_log(log)
    assert not result.ok
    assert result.first_divergent_index == 0
    assert "its time 2026-03-02T09:15:30.250Z lies within" in result.message


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL functions")
def test_changed_columns_with_overloaded_format_caught(log: Organisation) -> None:
    # pg_catalog.format(text, VARIADIC "any") loses to a function of any
    # schema in the search path whose argument types are exactly those of
    # the leaf's columns, even with pg_catalog first in the path. This one
    # writes the old user id for the changed one.
    original = AccessEntry.objects.get(organisation=log, index=5).user_id
    change_with_shadowed_sql(
        log,
        5,
        [
            "CREATE FUNCTION public.format(text, varchar, varchar, varchar, "
            "varchar, bigint, text, varchar, varchar, text, text, text, varchar) "
            "RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.format("
            "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
            f"CASE WHEN $13 = 'CHANGED' THEN '{original}' ELSE $13 END) $$"
        ],
        "user_id = 'CHANGED'",
    )
    assert_fails_at(log, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL operators")
def test_expired_content_with_overloaded_equality_caught(
    log: Organisation, settings: LazySettings
) -> None:
    # An operator = (varchar, varchar) matches "case_ref = ''" better than
    # the built-in one for text, so it could pass an expired entry whose
    # content is still there.
    settings.VIGIL_ACCESSLOG_RETENTION_DAYS = 30
    empty_as_expired(log, range(2))
    change_with_shadowed_sql(
        log,
        1,
        [
            "CREATE FUNCTION public.always_equal(varchar, varchar) RETURNS boolean "
            "LANGUAGE sql IMMUTABLE AS $$ SELECT true $$",
            "CREATE OPERATOR public.= (LEFTARG = varchar, RIGHTARG = varchar, "
            "FUNCTION = public.always_equal)",
        ],
        "case_ref = 'D-1'",
    )
    assert_fails_at(log, 1)


def test_entry_in_other_segment_caught(log: Organisation) -> None:
    # The leaf does not cover the segment, but the searches by subject, user
    # and person look entries up by it, so they miss a moved entry.
    entry = AccessEntry.objects.get(organisation=log, index=5)
    criteria = Criteria(user_id=entry.user_id)
    assert matching_entries(log, criteria).filter(index=5).exists()
    with tampering() as cursor:
        cursor.execute(
            "UPDATE accesslog_accessentry SET segment = 7 WHERE id = %s",
            [entry.pk],
        )
    assert not matching_entries(log, criteria).filter(index=5).exists()

    result = verify_log(log)

    assert not result.ok
    assert result.first_divergent_index == 5
    assert "segment 7 instead of 0" in result.message
