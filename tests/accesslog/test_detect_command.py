"""``vigil accesslog detect``: misuse detection from the command line."""

import datetime
import io
from collections.abc import Iterator
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone, translation

from tests.accesslog.factories import national_number
from vigil.accesslog.detection import services
from vigil.accesslog.detection.lists import change_open_cases
from vigil.accesslog.detection.models import Finding, Rule
from vigil.accesslog.detection.services import triage_finding, update_settings
from vigil.accesslog.ingestion import ingest_events
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)
SUNDAY = MONDAY + datetime.timedelta(days=6)
WEEK = ("--from", MONDAY.isoformat(), "--to", SUNDAY.isoformat())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def ingest_at(organisation: Organisation, *moments: datetime.datetime) -> None:
    records = [
        (
            line,
            {
                "event_id": f"e-{moment.isoformat()}",
                "time": moment.isoformat(),
                "user_id": "U1",
                "application": "social-file",
                "action": "consult",
                "subject": national_number(1),
                "service": "IdentifyPerson",
            },
        )
        for line, moment in enumerate(moments, start=1)
    ]
    ingest_events(organisation, records, source="test")


def detect(*arguments: str) -> str:
    output = io.StringIO()
    call_command("accesslog", "detect", *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def detect_failing(*arguments: str) -> tuple[str, str]:
    errors = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "accesslog", "detect", *arguments, stdout=io.StringIO(), stderr=errors
        )
    return str(raised.value), errors.getvalue()


@pytest.fixture
def night(centre_a: Organisation) -> Organisation:
    """Two consultations at night on Monday, found by the office-hours rule."""
    ingest_at(centre_a, at(MONDAY, 3), at(MONDAY, 4))
    return centre_a


def test_detect_creates_findings(night: Organisation) -> None:
    output = detect("--org", night.slug, *WEEK)
    finding = Finding.objects.get(organisation=night)
    assert finding.rule == Rule.OUTSIDE_HOURS
    assert finding.entry_links.count() == 2
    lines = output.splitlines()
    assert lines[0] == (
        "centre-a: 2 entries from 2026-03-02 to 2026-03-08 (days included, in "
        "Europe/Brussels): 1 finding, 1 new, 0 updated, 0 reopened"
    )
    assert (
        "  Consultation outside office hours: 1 finding, 1 new, 0 updated, "
        "0 reopened" in lines
    )
    assert "  Unusual daily volume: 0 findings, 0 new, 0 updated, 0 reopened" in lines


def test_detect_lists_off_and_skipped_rules(night: Organisation) -> None:
    update_settings(
        night, {"check_open_cases": True, "check_watch_list": False}, actor=None
    )
    lines = detect("--org", night.slug, *WEEK).splitlines()
    assert (
        "  Consultation without an open case file: skipped, because the list "
        "of open case files is empty" in lines
    )
    assert (
        "  Consultation of a watched data subject: off in the detection settings"
        in lines
    )


def test_detect_counts_open_case_rule(night: Organisation) -> None:
    update_settings(night, {"check_open_cases": True}, actor=None)
    change_open_cases(
        night, case_refs=["D-1"], national_numbers=[], replace=False, actor=None
    )
    lines = detect("--org", night.slug, *WEEK).splitlines()
    assert (
        "  Consultation without an open case file: 1 finding, 1 new, 0 updated, "
        "0 reopened" in lines
    )


def test_detect_rerun_keeps_dismissed(night: Organisation, consultant_a: User) -> None:
    detect("--org", night.slug, *WEEK)
    finding = Finding.objects.get(organisation=night)
    triage_finding(
        finding, status=Finding.Status.DISMISSED, note="on call", actor=consultant_a
    )
    output = detect("--org", night.slug, *WEEK)
    assert Finding.objects.count() == 1
    assert Finding.objects.get().status == Finding.Status.DISMISSED
    assert "1 finding, 0 new, 0 updated, 0 reopened" in output.splitlines()[0]


def test_detect_rerun_reopens_with_new_entries(
    night: Organisation, consultant_a: User
) -> None:
    detect("--org", night.slug, *WEEK)
    finding = Finding.objects.get(organisation=night)
    triage_finding(
        finding, status=Finding.Status.DISMISSED, note="on call", actor=consultant_a
    )
    ingest_at(night, at(MONDAY, 22))
    output = detect("--org", night.slug, *WEEK)
    assert Finding.objects.get().status == Finding.Status.OPEN
    assert Finding.objects.get().entry_links.count() == 3
    assert "1 finding, 0 new, 1 updated, 1 reopened" in output.splitlines()[0]


def test_detect_overlapping_periods_share_findings(night: Organisation) -> None:
    detect("--org", night.slug, "--from", "2026-02-27", "--to", "2026-03-02")
    output = detect("--org", night.slug, *WEEK)
    assert Finding.objects.count() == 1
    assert "1 finding, 0 new, 0 updated" in output.splitlines()[0]


def test_detect_is_audited_as_system(night: Organisation) -> None:
    detect("--org", night.slug, *WEEK)
    audit = AuditEntry.objects.get(action="accesslog.detection_run")
    assert audit.organisation == night
    assert audit.actor is None
    assert audit.new_values["entries"] == 2
    assert audit.new_values["created"] == 1


def test_detect_default_period_ends_today(night: Organisation) -> None:
    today = timezone.localdate()
    output = detect("--org", night.slug)
    first = today - datetime.timedelta(days=services.DEFAULT_RUN_DAYS - 1)
    assert f"from {first.isoformat()} to {today.isoformat()}" in output


def test_detect_default_from_is_week_before_to(night: Organisation) -> None:
    output = detect("--org", night.slug, "--to", SUNDAY.isoformat())
    assert "2 entries from 2026-03-02 to 2026-03-08" in output


def test_detect_all_runs_every_centre(
    night: Organisation, centre_b: Organisation, supervisor_org: Organisation
) -> None:
    ingest_at(centre_b, at(MONDAY, 5))
    lines = detect("--all", *WEEK).splitlines()
    headers = [line.split(":")[0] for line in lines if not line.startswith(" ")]
    assert headers == ["centre-a", "centre-b"]
    assert Finding.objects.filter(organisation=centre_b).count() == 1
    assert AuditEntry.objects.filter(action="accesslog.detection_run").count() == 2


def test_detect_all_goes_on_after_failure(
    night: Organisation, centre_b: Organisation
) -> None:
    real_detect = services.detect

    def failing(organisation: Organisation, **options: Any) -> services.DetectionRun:
        if organisation == night:
            raise OperationalError("database is locked")
        return real_detect(organisation, **options)

    with mock.patch.object(services, "detect", side_effect=failing):
        message, errors = detect_failing("--all", *WEEK)
    assert message == "misuse detection failed for 1 organisation: centre-a"
    assert "centre-a: misuse detection failed and stored nothing" in errors
    assert "database is locked" in errors
    assert AuditEntry.objects.filter(
        action="accesslog.detection_run", organisation=centre_b
    ).exists()


def test_detect_unknown_organisation(db: Any) -> None:
    message, _errors = detect_failing("--org", "nowhere")
    assert (
        message == "no organisation 'nowhere'. 'vigil org list' shows the short names"
    )


def test_detect_needs_org_or_all(centre_a: Organisation) -> None:
    with pytest.raises(CommandError, match="one of the arguments --org --all"):
        detect()
    with pytest.raises(CommandError, match="not allowed with argument"):
        detect("--org", centre_a.slug, "--all")


def test_detect_rejects_inverted_days(centre_a: Organisation) -> None:
    message, _errors = detect_failing(
        "--org", centre_a.slug, "--from", "2026-03-08", "--to", "2026-03-02"
    )
    assert message == (
        "--to 2026-03-02: The last day 2026-03-02 comes before the first day "
        "2026-03-08. Enter a last day on or after the first day."
    )
    assert not AuditEntry.objects.filter(action="accesslog.detection_run").exists()


def test_detect_rejects_more_than_a_year(centre_a: Organisation) -> None:
    message, _errors = detect_failing(
        "--org", centre_a.slug, "--from", "2025-01-01", "--to", "2026-03-02"
    )
    assert message == (
        "--to 2026-03-02: The period from 2025-01-01 to 2026-03-02 has 426 "
        "days, but detection covers at most 366 days at a time. Enter a "
        "shorter period."
    )
    assert not AuditEntry.objects.filter(action="accesslog.detection_run").exists()


def test_detect_period_limit_counts_both_days() -> None:
    first = datetime.date(2028, 1, 1)
    last = first + datetime.timedelta(days=services.MAX_RUN_DAYS - 1)

    since, until = services.day_period(first, last)

    assert since == datetime.datetime(2028, 1, 1, tzinfo=BRUSSELS)
    assert until == datetime.datetime(2029, 1, 1, tzinfo=BRUSSELS)
    with pytest.raises(ValidationError) as raised:
        services.day_period(first, last + datetime.timedelta(days=1))
    assert raised.value.message_dict == {
        "until": [
            "The period from 2028-01-01 to 2029-01-01 has 367 days, but "
            "detection covers at most 366 days at a time. Enter a shorter period."
        ]
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13-01", "“2026-13-01” is not a date: there is no month 13;"),
        ("2026-02-30", "“2026-02-30” is not a date: February 2026 has 28 days;"),
        ("02/03/2026", "“02/03/2026” is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_detect_rejects_invalid_date(
    centre_a: Organisation, text: str, reason: str
) -> None:
    message, _errors = detect_failing("--org", centre_a.slug, "--to", text)

    assert message.startswith(f"Error: argument --to: {reason}")
    assert not AuditEntry.objects.filter(action="accesslog.detection_run").exists()


def test_detect_report_in_dutch(night: Organisation) -> None:
    with translation.override("nl"):
        output = detect("--org", night.slug, *WEEK)
    lines = output.splitlines()
    assert lines[0] == (
        "centre-a: 2 logregels van 2026-03-02 tot en met 2026-03-08 (in "
        "Europe/Brussels): 1 bevinding, 1 nieuw, 0 bijgewerkt, 0 heropend"
    )


def test_detect_report_in_french(night: Organisation) -> None:
    with translation.override("fr"):
        output = detect("--org", night.slug, *WEEK)
    assert output.splitlines()[0] == (
        "centre-a\u00a0: 2 entrées du 2026-03-02 au 2026-03-08 inclus (fuseau "
        "Europe/Brussels)\u00a0: 1 constat (nouveaux\u00a0: 1, mis à jour\u00a0: 0, "
        "rouverts\u00a0: 0)"
    )


def detect_with_errors(*arguments: str) -> tuple[str, str]:
    output, errors = io.StringIO(), io.StringIO()
    call_command("accesslog", "detect", *arguments, stdout=output, stderr=errors)
    return output.getvalue(), errors.getvalue()


def test_detect_notes_days_after_today(night: Organisation) -> None:
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    output, errors = detect_with_errors(
        "--org", night.slug, "--to", tomorrow.isoformat()
    )
    assert errors == (
        f"note: --to {tomorrow.isoformat()} is after today, {today.isoformat()}. "
        "The log has no entries of those days yet, unless a sender's clock runs "
        "ahead, so run detection again once they are over.\n"
    )
    assert f"to {tomorrow.isoformat()} (days included" in output


def test_detect_no_note_up_to_today(night: Organisation) -> None:
    today = timezone.localdate()
    _output, errors = detect_with_errors("--org", night.slug, "--to", today.isoformat())
    assert errors == ""
    _output, errors = detect_with_errors("--org", night.slug)
    assert errors == ""


def test_detect_note_in_french(night: Organisation) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("fr"):
        _output, errors = detect_with_errors(
            "--org", night.slug, "--to", tomorrow.isoformat()
        )
    assert errors.startswith(f"remarque\u00a0: --to {tomorrow.isoformat()} est")
