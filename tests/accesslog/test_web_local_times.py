"""Local times of entries and findings in the hour that summer time repeats."""

import datetime
from typing import Any
from unittest import mock

from django.urls import reverse

from tests.accesslog.factories import national_number
from tests.conftest import login
from vigil.accesslog.detection.models import Rule
from vigil.accesslog.detection.services import run_detection
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import LogCheckpoint
from vigil.accesslog.templatetags.local_times import local_moment, zone_abbreviation
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

# Summer time ends on 2026-10-25 at 03:00 CEST, so Brussels reads 02:30
# twice: at 00:30 UTC (CEST) and at 01:30 UTC (CET).
FIRST_0230 = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)
SECOND_0230 = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


def ingest_repeated_hour(organisation: Organisation) -> None:
    records = [
        (
            line,
            {
                "event_id": f"fall-back-{line}",
                "time": moment.isoformat(),
                "user_id": "U1",
                "application": "social-file",
                "action": "consult",
                "subject": national_number(1),
                "service": "IdentifyPerson",
            },
        )
        for line, moment in enumerate((FIRST_0230, SECOND_0230), start=1)
    ]
    ingest_events(organisation, records, source="test")


def test_abbreviation_in_repeated_hour() -> None:
    assert zone_abbreviation(FIRST_0230) == "CEST"
    assert zone_abbreviation(SECOND_0230) == "CET"


def test_abbreviation_of_other_values() -> None:
    assert zone_abbreviation(None) == ""
    assert zone_abbreviation(datetime.date(2026, 10, 25)) == ""
    assert zone_abbreviation(FIRST_0230.replace(tzinfo=None)) == ""


def test_search_page_distinguishes_repeated_hour(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_repeated_hour(centre_a)
    page = login(consultant_a).get(url("search", centre_a), {"user_id": "U1"})
    assert page.status_code == 200
    assert b"2026-10-25 02:30:00.000 CEST" in page.content
    assert b"2026-10-25 02:30:00.000 CET<" in page.content


def test_finding_page_distinguishes_repeated_hour(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_repeated_hour(centre_a)
    day_start = datetime.datetime(2026, 10, 24, 22, 0, tzinfo=datetime.UTC)
    findings = run_detection(
        centre_a,
        since=day_start,
        until=day_start + datetime.timedelta(hours=25),
        actor=consultant_a,
    )
    finding = next(f for f in findings if f.rule == Rule.OUTSIDE_HOURS)
    page = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    assert page.status_code == 200
    period = "2026-10-25 02:30:00 CEST – 2026-10-25 02:30:00 CET"
    assert period.encode() in page.content
    assert b"2026-10-25 02:30:00.000 CEST" in page.content
    assert b"2026-10-25 02:30:00.000 CET<" in page.content


def test_local_moment_in_repeated_hour() -> None:
    assert local_moment(FIRST_0230) == "2026-10-25 02:30:00 CEST"
    assert local_moment(SECOND_0230) == "2026-10-25 02:30:00 CET"
    assert local_moment(SECOND_0230, "minutes") == "2026-10-25 02:30 CET"
    assert local_moment(None) == ""


def test_status_page_names_zone_of_checkpoint(
    consultant_a: User, centre_a: Organisation
) -> None:
    signed = SECOND_0230 + datetime.timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", return_value=signed):
        ingest_repeated_hour(centre_a)
    page = login(consultant_a).get(url("status", centre_a)).content.decode()

    assert LogCheckpoint.objects.get(organisation=centre_a).created_at == signed
    assert "2026-10-25 02:35:00 CET" in page
