"""The migration that stores entry times with three fraction digits on SQLite."""

import datetime
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import ALIAS, database, migrate
from tests.accesslog.test_migration_segments import create_centre
from vigil.accesslog.verification_sql import _SQLITE_TIME

__all__ = ["database"]

BEFORE = ("accesslog", "0019_expiry_statements")
AFTER = ("accesslog", "0020_millisecond_times")
# Django's texts as ingestion wrote them, then texts that the verification
# failed: finer digits, six zeros, "T" between date and time, a NUL.
OLD_TEXTS = (
    "2026-03-02 09:15:30.250000",
    "2026-03-02 09:15:30",
    "2026-03-02 09:15:30.250400",
    "2026-03-02 09:15:30.000000",
    "2026-03-02T09:15:30.250000",
    "2026-03-02 09:15:30.250000\x00x",
)
NEW_TEXTS = (
    "2026-03-02 09:15:30.250",
    "2026-03-02 09:15:30.000",
    *OLD_TEXTS[2:],
)


def fill_log(apps: Any, database: BaseDatabaseWrapper) -> None:
    """Store one entry per text of ``OLD_TEXTS``, at the index of its position."""
    organisation = create_centre(apps, "times")
    entry_model = apps.get_model("accesslog", "AccessEntry")
    for index in range(len(OLD_TEXTS)):
        entry_model.objects.using(ALIAS).create(
            organisation=organisation,
            index=index,
            segment=0,
            event_id=f"e-{index}",
            time=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
            + datetime.timedelta(seconds=index),
            user_id="U1",
            application="social-file",
            action="consult",
            subject_pseudonym=bytes(32),
            service="IdentifyPerson",
            leaf_hash=bytes([index]) * 32,
        )
    if database.vendor == "sqlite":
        _without_trigger(database, OLD_TEXTS)


def _without_trigger(database: BaseDatabaseWrapper, texts: tuple[str, ...]) -> None:
    # Sets the texts as a tampering administrator would.
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'accesslog_entry_only_expiry'"
        )
        (trigger,) = cursor.fetchone()
        cursor.execute("DROP TRIGGER accesslog_entry_only_expiry")
        for index, text in enumerate(texts):
            cursor.execute(
                'UPDATE accesslog_accessentry SET "time" = %s WHERE "index" = %s',
                [text, index],
            )
        cursor.execute(trigger)


def time_texts(database: BaseDatabaseWrapper) -> list[Any]:
    column = 'CAST("time" AS TEXT)' if database.vendor == "sqlite" else '"time"'
    with database.cursor() as cursor:
        cursor.execute(
            f'SELECT {column} FROM accesslog_accessentry ORDER BY "index"'  # noqa: S608
        )
        return [value for (value,) in cursor.fetchall()]


def leaf_times(database: BaseDatabaseWrapper) -> list[str | None]:
    with database.cursor() as cursor:
        cursor.execute(
            f'SELECT {_SQLITE_TIME} FROM accesslog_accessentry ORDER BY "index"'  # noqa: S608
        )
        return [value for (value,) in cursor.fetchall()]


def test_times_rewritten_and_restored(database: BaseDatabaseWrapper) -> None:
    fill_log(migrate(database, BEFORE), database)
    before = time_texts(database)

    migrate(database, AFTER)
    if database.vendor != "sqlite":
        assert time_texts(database) == before
        return
    assert time_texts(database) == list(NEW_TEXTS)
    # The leaf's text of the two accepted forms, and none that a leaf holds
    # for the others.
    assert leaf_times(database)[:2] == [
        "2026-03-02T09:15:30.250Z",
        "2026-03-02T09:15:30.000Z",
    ]
    assert all(value is None or len(value) != 24 for value in leaf_times(database)[2:])

    migrate(database, BEFORE)
    assert time_texts(database) == list(OLD_TEXTS)


def test_trigger_kept(database: BaseDatabaseWrapper) -> None:
    fill_log(migrate(database, BEFORE), database)
    migrate(database, AFTER)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(using=ALIAS),
        database.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE accesslog_accessentry SET user_id = 'U2' WHERE \"index\" = 0"
        )


PERIODS_BEFORE = ("accesslog", "0020_millisecond_times")
PERIODS_AFTER = ("accesslog", "0021_period_millisecond_times")
PERIOD_TEXTS = (
    ("2026-03-02 09:15:30.250000", "2026-03-02 09:15:30"),
    ("2026-03-02 09:15:30.250400", None),
)
NEW_PERIOD_TEXTS = (
    ("2026-03-02 09:15:30.250", "2026-03-02 09:15:30.000"),
    ("2026-03-02 09:15:30.250400", None),
)


def period_texts(database: BaseDatabaseWrapper) -> list[tuple[Any, Any]]:
    with database.cursor() as cursor:
        if database.vendor == "sqlite":
            cursor.execute(
                "SELECT CAST(valid_from AS TEXT), CAST(valid_until AS TEXT) "
                "FROM accesslog_identityperiod ORDER BY id"
            )
        else:
            cursor.execute(
                "SELECT valid_from, valid_until FROM accesslog_identityperiod "
                "ORDER BY id"
            )
        return [tuple(row) for row in cursor.fetchall()]


def test_period_bounds_rewritten_and_restored(database: BaseDatabaseWrapper) -> None:
    apps = migrate(database, PERIODS_BEFORE)
    organisation = create_centre(apps, "periods")
    period_model = apps.get_model("accesslog", "IdentityPeriod")
    for number, (start, end) in enumerate(PERIOD_TEXTS):
        period = period_model.objects.using(ALIAS).create(
            organisation=organisation,
            user_id=f"U{number}",
            person_name="An Peeters",
            valid_from=datetime.datetime.fromisoformat(start).replace(
                tzinfo=datetime.UTC
            ),
            valid_until=None
            if end is None
            else datetime.datetime.fromisoformat(end).replace(tzinfo=datetime.UTC),
        )
        assert period.pk
    before = period_texts(database)
    if database.vendor == "sqlite":
        assert before == list(PERIOD_TEXTS)

    migrate(database, PERIODS_AFTER)
    expected = list(NEW_PERIOD_TEXTS) if database.vendor == "sqlite" else before
    assert period_texts(database) == expected

    migrate(database, PERIODS_BEFORE)
    assert period_texts(database) == before
