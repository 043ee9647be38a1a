"""The rules an incident must meet before it is saved."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tests.incidents.factories import make_incident
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS

pytestmark = pytest.mark.django_db

CLOSED = {
    "status": "closed",
    "closed_at": "2026-03-05T17:00:00+01:00",
    "root_cause": "Password reused on a private site.",
    "lessons_learned": "Awareness session on password reuse.",
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def errors_of(organisation: Organisation, **values: Any) -> dict[str, list[str]]:
    with pytest.raises(services.RecordInvalid) as caught:
        make_incident(organisation, **values)
    assert Incident.objects.count() == 0
    return caught.value.errors


def test_valid_incident_is_saved(centre_a: Organisation) -> None:
    incident = make_incident(centre_a, reported_at="2026-03-02T09:15:00+01:00")

    assert incident.status == Incident.Status.OPEN
    assert incident.impact_integrity == Incident.Impact.NONE
    assert incident.notification == Incident.Notification.PENDING


def test_report_before_detection_rejected(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, reported_at="2026-03-02T09:14:00+01:00")

    assert list(errors) == ["reported_at"]
    assert "cannot be reported before it was detected" in errors["reported_at"][0]


def test_closed_without_closing_time_rejected(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, **{**CLOSED, "closed_at": ""})

    assert errors == {"closed_at": ["Give the closing time to close the incident."]}


def test_closing_before_detection_rejected(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, **{**CLOSED, "closed_at": "2026-03-01T12:00:00"})

    assert "cannot be closed before it was detected" in errors["closed_at"][0]


def test_closing_needs_root_cause_and_lessons(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, **{**CLOSED, "root_cause": "", "lessons_learned": " "})

    assert errors["root_cause"] == ["Describe the root cause to close the incident."]
    assert errors["lessons_learned"] == [
        "Write the lessons learned to close the incident."
    ]


def test_closing_time_needs_closed_status(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, closed_at="2026-03-05T17:00:00+01:00")

    assert "set the status to closed" in errors["closed_at"][0]


def test_closed_incident_is_saved(centre_a: Organisation) -> None:
    incident = make_incident(centre_a, **CLOSED)

    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_at is not None


def test_closing_with_personal_data_needs_decision(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, personal_data="true", **CLOSED)

    assert list(errors) == ["notification"]
    assert "before closing" in errors["notification"][0]


def test_notification_needs_personal_data(centre_a: Organisation) -> None:
    errors = errors_of(
        centre_a, notification="notified", notified_at="2026-03-03T10:00:00+01:00"
    )

    assert "Only an incident with personal data" in errors["notification"][0]


def test_notified_needs_time(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, personal_data="true", notification="notified")

    assert errors == {"notified_at": ["Give the time the GBA/APD was notified."]}


def test_notified_before_detection_rejected(centre_a: Organisation) -> None:
    errors = errors_of(
        centre_a,
        personal_data="true",
        notification="notified",
        notified_at="2026-03-01T10:00:00+01:00",
    )

    assert "cannot precede the detection" in errors["notified_at"][0]


def test_decision_not_to_notify_needs_reason(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, personal_data="true", notification="not_notified")

    assert errors == {
        "no_notification_reason": [
            "Document why the breach is not notified to the GBA/APD."
        ]
    }


def test_reference_without_notification_rejected(centre_a: Organisation) -> None:
    errors = errors_of(
        centre_a, personal_data="true", notification_reference="DOS-2026-1"
    )

    assert (
        "choose it or clear the time and reference"
        in (errors["notification_reference"][0])
    )


def test_reason_without_decision_rejected(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, personal_data="true", no_notification_reason="x")

    assert "decided not to notify" in errors["no_notification_reason"][0]


def test_update_keeps_rules(centre_a: Organisation) -> None:
    incident = make_incident(centre_a)

    with pytest.raises(services.RecordInvalid) as caught:
        services.update_record(INCIDENTS, incident, {"status": "closed"}, actor=None)

    assert set(caught.value.errors) == {"closed_at", "root_cause", "lessons_learned"}
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_dutch_message(centre_a: Organisation) -> None:
    with translation.override("nl"):
        errors = errors_of(centre_a, **{**CLOSED, "root_cause": ""})

    assert errors["root_cause"] == [
        "Beschrijf de oorzaak om het incident af te sluiten."
    ]
