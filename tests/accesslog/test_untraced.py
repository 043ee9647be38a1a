"""User ids of the access log that no identity period covers."""

import datetime
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from tests.accesslog.factories import empty_as_expired, event
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.untraced import (
    MAX_DAYS,
    UntracedReport,
    UntracedUserId,
    _untraced_entries,
    day_period,
    default_days,
    untraced_user_ids,
)
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def local(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Return a moment of March 2026 in Brussels time."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BRUSSELS)


def ingest(organisation: Organisation, *entries: tuple[str, datetime.datetime]) -> None:
    """Ingest one event per ``(user_id, time)`` pair, as one batch."""
    records = [
        (number, event(number, user_id=user_id, time=time.isoformat()))
        for number, (user_id, time) in enumerate(entries, start=1)
    ]
    ingest_events(organisation, records, source="test")


def add_period(
    organisation: Organisation,
    user_id: str,
    start: datetime.datetime,
    end: datetime.datetime | None,
) -> None:
    add_identity_period(organisation, user_id, "An Peeters", start, end, actor=None)


def report(
    organisation: Organisation, first: int = 1, last: int = 31
) -> UntracedReport:
    since, until = day_period(
        datetime.date(2026, 3, first), datetime.date(2026, 3, last)
    )
    return untraced_user_ids(organisation, since, until)


def test_ids_without_period_listed(centre_a: Organisation) -> None:
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U2", local(3, 9)),
        ("U1", local(4, 11)),
        ("U1", local(2, 8)),
    )
    assert report(centre_a).rows == [
        UntracedUserId("U1", 3, local(2, 8), local(4, 11)),
        UntracedUserId("U2", 1, local(3, 9), local(3, 9)),
    ]


def test_equal_counts_sorted_by_user_id(centre_a: Organisation) -> None:
    ingest(centre_a, ("U2", local(2, 10)), ("U1", local(2, 11)))
    assert [row.user_id for row in report(centre_a).rows] == ["U1", "U2"]


def test_covered_id_not_listed(centre_a: Organisation) -> None:
    add_period(centre_a, "U1", local(1, 0), local(5, 0))
    ingest(centre_a, ("U1", local(2, 10)), ("U1", local(4, 23)))
    assert report(centre_a).rows == []


def test_id_covered_for_part_of_period(centre_a: Organisation) -> None:
    add_period(centre_a, "U1", local(2, 12), local(2, 14))
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(2, 12)),
        ("U1", local(2, 13)),
        ("U1", local(2, 14)),
        ("U1", local(2, 15)),
    )
    # A period covers its start but not its end.
    assert report(centre_a).rows == [
        UntracedUserId("U1", 3, local(2, 10), local(2, 15))
    ]


def test_period_bounds_within_a_second(centre_a: Organisation) -> None:
    millisecond = datetime.timedelta(milliseconds=1)
    start = local(2, 12) + 250 * millisecond
    end = local(2, 14) + 750 * millisecond
    add_period(centre_a, "U1", start, end)
    ingest(
        centre_a,
        ("U1", start - millisecond),
        ("U1", start),
        ("U1", end - millisecond),
        ("U1", end),
    )
    assert report(centre_a).rows == [UntracedUserId("U1", 2, start - millisecond, end)]


def test_gap_between_two_periods(centre_a: Organisation) -> None:
    add_period(centre_a, "U1", local(1, 0), local(3, 0))
    add_period(centre_a, "U1", local(4, 0), None)
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(3, 10)),
        ("U1", local(3, 11)),
        ("U1", local(5, 10)),
    )
    assert report(centre_a).rows == [
        UntracedUserId("U1", 2, local(3, 10), local(3, 11))
    ]


def test_open_ended_period_covers_later_entries(centre_a: Organisation) -> None:
    add_period(centre_a, "U1", local(3, 0), None)
    ingest(
        centre_a,
        ("U1", local(2, 23, 59)),
        ("U1", local(3, 0)),
        ("U1", local(30, 10)),
    )
    assert report(centre_a).rows == [
        UntracedUserId("U1", 1, local(2, 23, 59), local(2, 23, 59))
    ]


def test_period_of_other_user_id_does_not_cover(centre_a: Organisation) -> None:
    add_period(centre_a, "U2", local(1, 0), None)
    ingest(centre_a, ("U1", local(2, 10)))
    assert [row.user_id for row in report(centre_a).rows] == ["U1"]


def test_boundaries_of_days(centre_a: Organisation) -> None:
    ingest(
        centre_a,
        ("before", local(9, 23, 59)),
        ("first", local(10, 0)),
        ("last", datetime.datetime(2026, 3, 12, 23, 59, 59, 999000, BRUSSELS)),
        ("after", local(13, 0)),
    )
    rows = report(centre_a, 10, 12).rows
    assert sorted(row.user_id for row in rows) == ["first", "last"]


def test_days_run_in_local_time(centre_a: Organisation) -> None:
    # 2026-03-10 00:30 in Brussels is 2026-03-09 23:30 UTC.
    ingest(centre_a, ("U1", local(10, 0, 30)))
    assert [row.user_id for row in report(centre_a, 10, 10).rows] == ["U1"]
    assert report(centre_a, 9, 9).rows == []


def test_expired_entries_skipped(centre_a: Organisation) -> None:
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(2, 11)),
        ("U2", local(2, 12)),
    )
    empty_as_expired(centre_a, range(0, 2))
    assert report(centre_a).rows == [
        UntracedUserId("U2", 1, local(2, 12), local(2, 12))
    ]


def test_other_centre_not_mixed_in(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    ingest(centre_a, ("U1", local(2, 10)))
    ingest(centre_b, ("U1", local(2, 11)), ("U9", local(2, 12)))
    add_period(centre_b, "U1", local(1, 0), None)
    assert report(centre_a).rows == [
        UntracedUserId("U1", 1, local(2, 10), local(2, 10))
    ]
    assert report(centre_b).rows == [
        UntracedUserId("U9", 1, local(2, 12), local(2, 12))
    ]


def test_other_centre_period_does_not_cover(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add_period(centre_a, "U1", local(1, 0), None)
    ingest(centre_b, ("U1", local(2, 11)))
    assert [row.user_id for row in report(centre_b).rows] == ["U1"]


def test_rows_beyond_limit_counted(centre_a: Organisation) -> None:
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(2, 11)),
        ("U1", local(2, 12)),
        ("U2", local(2, 13)),
        ("U2", local(2, 14)),
        ("U3", local(2, 15)),
        ("U4", local(2, 16)),
    )
    since, until = day_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    result = untraced_user_ids(centre_a, since, until, limit=2)
    assert [row.user_id for row in result.rows] == ["U1", "U2"]
    assert result.more_user_ids == 2
    assert result.more_entries == 2


def test_limit_reached_exactly_counts_none_more(centre_a: Organisation) -> None:
    ingest(centre_a, ("U1", local(2, 10)), ("U2", local(2, 11)))
    since, until = day_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    result = untraced_user_ids(centre_a, since, until, limit=2)
    assert len(result.rows) == 2
    assert result.more_user_ids == 0
    assert result.more_entries == 0


def test_day_period_in_local_time() -> None:
    since, until = day_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert since == local(1, 0)
    assert until == datetime.datetime(2026, 4, 1, tzinfo=BRUSSELS)


def test_day_period_rejects_end_before_start() -> None:
    with pytest.raises(ValidationError) as raised:
        day_period(datetime.date(2026, 3, 2), datetime.date(2026, 3, 1))
    assert raised.value.message_dict == {
        "until": [
            "The last day 2026-03-01 comes before the first day 2026-03-02. "
            "Enter a last day on or after the first day."
        ]
    }


def test_day_period_rejects_long_period() -> None:
    first = datetime.date(2026, 1, 1)
    day_period(first, first + datetime.timedelta(days=MAX_DAYS - 1))
    with pytest.raises(ValidationError) as raised:
        day_period(first, first + datetime.timedelta(days=MAX_DAYS))
    assert raised.value.message_dict == {
        "until": [
            "The period from 2026-01-01 to 2027-01-02 has 367 days, but the "
            "list covers at most 366 days at a time. Enter a shorter period."
        ]
    }


def test_default_days_are_last_thirty() -> None:
    first, last = default_days(datetime.date(2026, 3, 31))
    assert first == datetime.date(2026, 3, 2)
    assert last == datetime.date(2026, 3, 31)


def sqlite_query_plan(organisation: Organisation) -> str:
    """Return SQLite's plan of the untraced query for March 2026, after ANALYZE.

    The log gets 2,000 entries over a year, so that a month is a small part
    of it, as in a real log, and 40 user ids of which 30 have a period.
    """
    start = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    for batch in range(2):
        records = []
        for number in range(batch * 1000, (batch + 1) * 1000):
            time = start + datetime.timedelta(hours=4 * number)
            wire = event(number, user_id=f"U{number % 40}", time=time.isoformat())
            records.append((number, wire))
        ingest_events(organisation, records, source="test")
    for user in range(30):
        add_period(organisation, f"U{user}", start, None)
    since, until = day_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    sql, params = _untraced_entries(organisation, since, until).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's planner chooses between an index and a sequential "
    "scan by its statistics, so its plan is not fixed",
)
def test_sqlite_query_searches_by_time(centre_a: Organisation) -> None:
    plan = sqlite_query_plan(centre_a)
    entries = re.search(
        r"SEARCH accesslog_accessentry USING INDEX \S+ "
        r"\(organisation_id=\? AND time>\? AND time<\?\)",
        plan,
    )
    assert entries is not None, plan
    assert "SEARCH U0 USING INDEX" in plan
