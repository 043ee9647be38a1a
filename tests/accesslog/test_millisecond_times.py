"""Entry times as SQLite stores them, and lookups on them."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.models.functions import TruncDate

from tests.accesslog.factories import event, ingest_range
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry, millisecond_text
from vigil.accesslog.verification import verify_log
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# The time of factories.event(): 10:15:30.250 in Brussels, 09:15:30.250 UTC.
STORED = datetime.datetime(2026, 3, 2, 9, 15, 30, 250000, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02 09:15:30", "2026-03-02 09:15:30.000"),
        ("2026-03-02 09:15:30.250000", "2026-03-02 09:15:30.250"),
        ("2026-03-02 09:15:30.250400", "2026-03-02 09:15:30.250400"),
        ("0001-01-01 00:00:00", "0001-01-01 00:00:00.000"),
    ],
)
def test_millisecond_text(text: str, expected: str) -> None:
    assert millisecond_text(text) == expected


def test_texts_sort_as_their_times() -> None:
    base = STORED.replace(microsecond=0, tzinfo=None)
    moments = [
        base + datetime.timedelta(microseconds=offset)
        for offset in (0, 1, 999, 1000, 249_999, 250_000, 250_400, 251_000, 999_999)
    ]
    texts = [millisecond_text(str(moment)) for moment in moments]
    assert sorted(texts) == texts
    assert len(set(texts)) == len(texts)


def stored_texts(organisation: Organisation) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT CAST("time" AS TEXT) FROM accesslog_accessentry '
            "WHERE organisation_id = %s "
            'ORDER BY "index"',
            [organisation.pk],
        )
        return [text for (text,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite time text")
def test_ingestion_stores_three_digits(centre_a: Organisation) -> None:
    records = [
        (1, event(1)),
        (2, event(2, time="2026-03-02T10:15:30.000+01:00")),
        (3, event(3, time="2026-03-02T10:15:30.001+01:00")),
    ]
    ingest_events(centre_a, records, source="test")
    assert stored_texts(centre_a) == [
        "2026-03-02 09:15:30.250",
        "2026-03-02 09:15:30.000",
        "2026-03-02 09:15:30.001",
    ]
    assert verify_log(centre_a).ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite time text")
def test_saved_entry_stores_three_digits(centre_a: Organisation) -> None:
    ingest_range(centre_a, 0, 1)
    entry = AccessEntry.objects.get(organisation=centre_a)
    AccessEntry.objects.create(
        organisation=centre_a,
        index=1,
        segment=0,
        event_id="copy",
        time=STORED.replace(microsecond=0),
        user_id=entry.user_id,
        application=entry.application,
        action=entry.action,
        subject_pseudonym=entry.subject_pseudonym,
        service=entry.service,
        leaf_hash=entry.leaf_hash,
    )
    assert stored_texts(centre_a)[1] == "2026-03-02 09:15:30.000"


@pytest.mark.parametrize(
    ("lookup", "microseconds", "found"),
    [
        ("time", 250_000, True),
        ("time", 250_400, False),
        ("time__lt", 250_400, True),
        ("time__lte", 250_000, True),
        ("time__lte", 249_999, False),
        ("time__gt", 249_999, True),
        ("time__gt", 250_000, False),
        ("time__gte", 250_400, False),
        ("time__gte", 250_000, True),
    ],
)
def test_lookup_by_finer_time(
    centre_a: Organisation, lookup: str, microseconds: int, found: bool
) -> None:
    # A time with digits below the millisecond, such as the cut-off of the
    # retention period, compares as its instant with the stored times.
    ingest_range(centre_a, 0, 1)
    moment = STORED.replace(microsecond=microseconds)
    entries = AccessEntry.objects.filter(organisation=centre_a, **{lookup: moment})
    assert entries.exists() is found


def test_read_back_and_truncated_to_a_local_day(centre_a: Organisation) -> None:
    ingest_range(centre_a, 0, 1, time="2026-03-02T23:30:00.500Z")
    entry = (
        AccessEntry.objects.filter(organisation=centre_a)
        .annotate(day=TruncDate("time", tzinfo=BRUSSELS))
        .get()
    )
    assert entry.time == datetime.datetime(
        2026, 3, 2, 23, 30, 0, 500000, tzinfo=datetime.UTC
    )
    assert entry.day == datetime.date(2026, 3, 3)
