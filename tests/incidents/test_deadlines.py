"""The 72-hour notification deadline, shown in Brussels time."""

import datetime
from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.incidents.factories import brussels
from vigil.registers.incidents.deadlines import (
    format_duration,
    notification_deadline,
    notification_state,
)
from vigil.registers.incidents.models import Incident

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def incident(**values: object) -> Incident:
    fields: dict[str, object] = {
        "title": "Lost laptop",
        "detected_at": brussels(2026, 3, 2, 9, 15),
        "personal_data": True,
    }
    fields.update(values)
    return Incident(**fields)


def test_deadline_is_72_hours_later() -> None:
    deadline = notification_deadline(brussels(2026, 3, 2, 9, 15))

    assert deadline == brussels(2026, 3, 5, 9, 15)
    assert f"{deadline:%Y-%m-%d %H:%M %Z}" == "2026-03-05 09:15 CET"


def test_deadline_across_spring_change() -> None:
    # Summer time starts on 29 March 2026 at 02:00: 72 hours later the clock
    # shows one hour more.
    deadline = notification_deadline(brussels(2026, 3, 27, 10, 0))

    detected = brussels(2026, 3, 27, 10, 0).astimezone(UTC)
    assert deadline.astimezone(UTC) - detected == datetime.timedelta(hours=72)
    assert f"{deadline:%Y-%m-%d %H:%M %Z}" == "2026-03-30 11:00 CEST"


def test_deadline_across_autumn_change() -> None:
    # Summer time ends on 25 October 2026 at 03:00: the clock shows one hour less.
    deadline = notification_deadline(brussels(2026, 10, 23, 10, 0))

    assert f"{deadline:%Y-%m-%d %H:%M %Z}" == "2026-10-26 09:00 CET"


def test_deadline_from_utc_time() -> None:
    deadline = notification_deadline(datetime.datetime(2026, 7, 1, 22, 30, tzinfo=UTC))

    assert f"{deadline:%Y-%m-%d %H:%M}" == "2026-07-05 00:30"


def test_deadline_rejects_naive_time() -> None:
    with pytest.raises(ValueError, match="time zone"):
        notification_deadline(datetime.datetime(2026, 3, 2, 9, 15))  # noqa: DTZ001


def test_duration_format() -> None:
    assert format_duration(datetime.timedelta(hours=51, minutes=5)) == "51 h 05 min"
    assert format_duration(-datetime.timedelta(minutes=90)) == "1 h 30 min"
    assert format_duration(datetime.timedelta(hours=71, minutes=59)) == "71 h 59 min"
    assert format_duration(datetime.timedelta(hours=72)) == "3 days 0 h"
    assert format_duration(datetime.timedelta(days=274, hours=10)) == "274 days 10 h"


def test_state_without_personal_data_is_none() -> None:
    assert (
        notification_state(incident(personal_data=False), brussels(2026, 3, 2)) is None
    )


def test_state_shows_time_left() -> None:
    state = notification_state(incident(), brussels(2026, 3, 3, 9, 0))

    assert state is not None
    assert state.deadline_shown == "2026-03-05 09:15"
    assert state.remaining == datetime.timedelta(hours=48, minutes=15)
    assert not state.overdue
    assert state.text == "48 h 15 min left."


def test_state_shows_overdue() -> None:
    state = notification_state(incident(), brussels(2026, 3, 5, 12, 45))

    assert state is not None
    assert state.overdue
    assert state.text == "Overdue by 3 h 30 min."


def test_state_notified_within_deadline() -> None:
    record = incident(
        notification=Incident.Notification.NOTIFIED,
        notified_at=datetime.datetime(2026, 3, 3, 13, 0, tzinfo=UTC),
    )

    state = notification_state(record, brussels(2026, 3, 10))

    assert state is not None
    assert not state.overdue
    assert not state.notified_late
    assert state.notified_shown == "2026-03-03 14:00"
    assert state.text == "Notified within the deadline."


def test_state_left_across_spring_change() -> None:
    # From 28 March 12:00 CET to 30 March 11:00 CEST is 46 hours, not 47.
    state = notification_state(
        incident(detected_at=brussels(2026, 3, 27, 10, 0)), brussels(2026, 3, 28, 12)
    )

    assert state is not None
    assert state.text == "46 h 00 min left."


def test_state_notified_late() -> None:
    record = incident(
        notification=Incident.Notification.NOTIFIED,
        notified_at=brussels(2026, 3, 5, 10, 15),
    )

    state = notification_state(record, brussels(2026, 3, 10))

    assert state is not None
    assert state.notified_late
    assert state.text == "Notified 1 h 00 min after the deadline."


def test_state_decided_not_to_notify() -> None:
    record = incident(notification=Incident.Notification.NOT_NOTIFIED)

    state = notification_state(record, brussels(2026, 3, 10))

    assert state is not None
    assert state.decided
    assert not state.overdue
    assert state.text == "Decided not to notify."
