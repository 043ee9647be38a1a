"""Incidents and misuse findings for the incident tests."""

import datetime
from typing import Any

from vigil.accesslog.detection.models import Finding, Rule, Severity
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.incidents.deadlines import BRUSSELS
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS


def brussels(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def make_finding(organisation: Organisation, user_id: str = "U123456") -> Finding:
    start = brussels(2026, 3, 2, 3, 0)
    return Finding.objects.create(
        organisation=organisation,
        rule=Rule.OUTSIDE_HOURS,
        key=f"{user_id}:2026-03-02",
        severity=Severity.HIGH,
        user_id=user_id,
        period_start=start,
        period_end=start + datetime.timedelta(minutes=20),
        details={"count": 4, "day": "2026-03-02"},
    )


def make_incident(organisation: Organisation, **values: Any) -> Incident:
    fields = {
        "title": "Phishing mail",
        "detected_at": "2026-03-02T09:15:00+01:00",
        "category": Incident.Category.INTRUSION,
    }
    fields.update(values)
    created = services.create_record(INCIDENTS, organisation, fields, actor=None)
    assert isinstance(created, Incident)
    return created
