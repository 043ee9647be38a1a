"""A fixture centre with records of 2025 whose figures the tests compute by hand.

Centre A gets questionnaires of 2024 and 2025 and activities of every kind.
It also gets, for 2025, an audit with three findings, three incidents, backup
runs and restore tests, two access-log verifications and three detection
findings, and a budget with two expenses and a plan with actions. Records of
2024, of 2026 beyond the planned trainings, cancelled activities and centre
B's records must not count.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.conftest import answer_everything
from vigil.accesslog.detection.models import Finding as DetectionFinding
from vigil.accesslog.detection.models import Rule, Severity
from vigil.accounts.models import User
from vigil.assessments.services import create_assessment
from vigil.audit.services import record
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.security.models import BudgetYear, Expense, PlanAction, SecurityPlan
from vigil.registers.activities.models import Activity
from vigil.registers.backups.models import BackupRun, RestoreTest, Result
from vigil.registers.incidents.models import Incident

YEAR = 2025
BRUSSELS = ZoneInfo("Europe/Brussels")
Kind = Activity.Kind
Status = Activity.Status


def at(month: int, day: int, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 30, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Run in English, so that texts compare with the source texts."""
    with translation.override("en"):
        yield


def _activities(centre: Organisation, other: Organisation) -> None:
    rows: list[
        tuple[Organisation, str, datetime.date, str, str, str, str, str | None]
    ] = [
        (
            centre,
            Kind.ADVICE,
            datetime.date(2025, 2, 10),
            "Password policy advice",
            "Director",
            "Followed: new policy since March.",
            Status.DONE,
            "2.0",
        ),
        (
            centre,
            Kind.ADVICE,
            datetime.date(2025, 6, 1),
            "Cloud storage advice",
            "ICT",
            "",
            Status.DONE,
            "1.5",
        ),
        (
            centre,
            Kind.ADVICE,
            datetime.date(2024, 12, 31),
            "Old advice",
            "",
            "",
            Status.DONE,
            None,
        ),
        (
            centre,
            Kind.ADVICE,
            datetime.date(2025, 7, 1),
            "Cancelled advice",
            "",
            "",
            Status.CANCELLED,
            "9.0",
        ),
        (
            centre,
            Kind.CONTROL,
            datetime.date(2025, 3, 15),
            "Access control review",
            "ICT",
            "Three accounts closed.",
            Status.DONE,
            "4.0",
        ),
        (
            centre,
            Kind.AWARENESS,
            datetime.date(2025, 5, 5),
            "Lock your screen posters",
            "All staff",
            "Posters in every building.",
            Status.DONE,
            None,
        ),
        (
            centre,
            Kind.TRAINING,
            datetime.date(2025, 4, 20),
            "GDPR training",
            "Social workers",
            "",
            Status.DONE,
            "7.0",
        ),
        (
            centre,
            Kind.TRAINING,
            datetime.date(2025, 11, 10),
            "Phishing training",
            "Reception",
            "",
            Status.PLANNED,
            "3.0",
        ),
        (
            centre,
            Kind.TRAINING,
            datetime.date(2026, 2, 1),
            "Backup training",
            "ICT",
            "",
            Status.PLANNED,
            "2.0",
        ),
        (
            centre,
            Kind.MEETING,
            datetime.date(2025, 9, 9),
            "Security meeting",
            "Management",
            "Minutes approved.",
            Status.DONE,
            "1.5",
        ),
        (
            centre,
            Kind.ACTIVITY,
            datetime.date(2025, 10, 10),
            "Policy review",
            "",
            "",
            Status.DONE,
            "3.0",
        ),
        (
            other,
            Kind.ADVICE,
            datetime.date(2025, 3, 1),
            "Other centre's advice",
            "",
            "",
            Status.DONE,
            "5.0",
        ),
    ]
    for organisation, kind, date, subject, participants, result, status, hours in rows:
        Activity.objects.create(
            organisation=organisation,
            kind=kind,
            date=date,
            subject=subject,
            participants=participants,
            result=result,
            status=status,
            hours=Decimal(hours) if hours else None,
        )


def _questionnaires(centre: Organisation, actor: User) -> None:
    before = create_assessment(centre, YEAR - 1, actor=actor)
    answer_everything(before, "partial")
    now = create_assessment(centre, YEAR, actor=actor)
    answer_everything(now, "implemented")
    options = {o.code: o for o in now.catalog.answer_options.all()}
    for code, answer in (
        ("4.4.2", "partial"),
        ("4.4.4", "not_implemented"),
        ("4.7.1", "not_applicable"),
    ):
        now.answers.filter(norm__code=code).update(option=options[answer])


def _audits(centre: Organisation) -> None:
    audit = Audit.objects.create(
        organisation=centre,
        reference="AUD-2025-01",
        date=datetime.date(2025, 8, 1),
        status=Audit.Status.COMPLETED,
        auditor_kind=Audit.AuditorKind.EXTERNAL,
        auditor_name="Marie Dupont",
    )
    for severity, status in (
        (Finding.Severity.HIGH, Finding.Status.OPEN),
        (Finding.Severity.MEDIUM, Finding.Status.RESOLVED),
        (Finding.Severity.LOW, Finding.Status.IN_PROGRESS),
    ):
        Finding.objects.create(
            organisation=centre,
            audit=audit,
            severity=severity,
            status=status,
            norm_code="4.4.2",
            description="Finding",
        )
    Audit.objects.create(
        organisation=centre,
        reference="AUD-2024-01",
        date=datetime.date(2024, 5, 1),
        auditor_kind=Audit.AuditorKind.INTERNAL,
        auditor_name="Old auditor",
    )


def _incidents(centre: Organisation) -> None:
    Notification = Incident.Notification
    for title, when, category, status, personal, notification in (
        (
            "Malware on a laptop",
            at(2, 3),
            Incident.Category.MALWARE,
            Incident.Status.CLOSED,
            False,
            Notification.PENDING,
        ),
        (
            "Stolen laptop",
            at(6, 14),
            Incident.Category.LOSS_THEFT,
            Incident.Status.OPEN,
            True,
            Notification.NOTIFIED,
        ),
        (
            "Ransomware attempt",
            at(9, 30),
            Incident.Category.MALWARE,
            Incident.Status.RESOLVED,
            True,
            Notification.NOT_NOTIFIED,
        ),
        (
            "Old incident",
            at(12, 1, 2024),
            Incident.Category.OTHER,
            Incident.Status.OPEN,
            True,
            Notification.NOTIFIED,
        ),
    ):
        Incident.objects.create(
            organisation=centre,
            title=title,
            detected_at=when,
            category=category,
            status=status,
            personal_data=personal,
            notification=notification,
        )


def _backups(centre: Organisation) -> None:
    results = [Result.SUCCESS] * 4 + [Result.WARNING, Result.FAILED]
    for day, result in enumerate(results, start=1):
        BackupRun.objects.create(
            organisation=centre,
            started_at=at(3, day),
            kind=BackupRun.Kind.FULL,
            result=result,
        )
    BackupRun.objects.create(
        organisation=centre,
        started_at=at(3, 1, 2024),
        kind=BackupRun.Kind.FULL,
        result=Result.FAILED,
    )
    for date, result in (
        (datetime.date(2025, 4, 2), Result.SUCCESS),
        (datetime.date(2025, 10, 2), Result.FAILED),
    ):
        RestoreTest.objects.create(
            organisation=centre,
            date=date,
            restored="Social files database",
            target="Test server",
            result=result,
            checked_by="ICT",
        )


def _access_log(centre: Organisation) -> None:
    for when, ok, size in ((at(1, 31), True, 120), (at(7, 31), False, 130)):
        with mock.patch("django.utils.timezone.now", return_value=when):
            record(
                "accesslog.verified",
                actor=None,
                organisation=centre,
                object_type="accesslog.verificationrun",
                object_label="verification",
                new={"ok": ok, "size": size, "message": f"checked {size}"},
            )
    for key, rule, status, start in (
        ("a", Rule.OUTSIDE_HOURS, DetectionFinding.Status.OPEN, at(2, 1)),
        ("b", Rule.OUTSIDE_HOURS, DetectionFinding.Status.DISMISSED, at(3, 1)),
        ("c", Rule.WATCH_LIST, DetectionFinding.Status.CONFIRMED, at(4, 1)),
        ("d", Rule.WATCH_LIST, DetectionFinding.Status.OPEN, at(4, 1, 2024)),
    ):
        DetectionFinding.objects.create(
            organisation=centre,
            rule=rule,
            key=key,
            severity=Severity.MEDIUM,
            status=status,
            user_id="u1",
            period_start=start,
            period_end=start,
        )


def _budget(centre: Organisation) -> None:
    BudgetYear.objects.create(
        organisation=centre, year=YEAR, approved_amount=Decimal("10000.00")
    )
    for amount in ("2500.50", "1200.00"):
        Expense.objects.create(
            organisation=centre, year=YEAR, amount=Decimal(amount), description="Spent"
        )
    Expense.objects.create(
        organisation=centre, year=YEAR - 1, amount=Decimal("999.00"), description="Old"
    )
    plan = SecurityPlan.objects.create(
        organisation=centre,
        first_year=YEAR,
        years=3,
        status=SecurityPlan.Status.APPROVED,
    )
    for title, year, one_off, yearly, status in (
        ("Fire detection", YEAR, "3000.00", "500.00", PlanAction.Status.DONE),
        ("Restore test", YEAR, "1000.00", "0", PlanAction.Status.PLANNED),
        ("External audit", YEAR + 1, "2000.00", "0", PlanAction.Status.PLANNED),
    ):
        PlanAction.objects.create(
            organisation=centre,
            plan=plan,
            title=title,
            planned_year=year,
            cost_one_off=Decimal(one_off),
            cost_yearly=Decimal(yearly),
            status=status,
        )


@pytest.fixture
def records(
    catalog: CatalogVersion,
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
) -> Organisation:
    """Centre A with the records of 2025 described in the module docstring."""
    _activities(centre_a, centre_b)
    _questionnaires(centre_a, consultant_a)
    _audits(centre_a)
    _incidents(centre_a)
    _backups(centre_a)
    _access_log(centre_a)
    _budget(centre_a)
    return centre_a


def texts(paragraphs: list[str]) -> str:
    return " ".join(paragraphs)
