"""When the next audit is due: four years after the last completed audit."""

import datetime

import pytest
from django.utils import timezone

from tests.audits.factories import add_audit
from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit
from vigil.plans.audits.schedule import (
    DueState,
    add_years,
    audit_due,
    due_items,
    next_audit_due,
)
from vigil.plans.audits.specs import AUDITS
from vigil.registers.evidence import overview

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def test_add_years_keeps_leap_day() -> None:
    assert add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)


def test_add_years_leap_day_to_non_leap_year() -> None:
    # 2100 is not a leap year, so the due date moves back to 28 February.
    assert add_years(datetime.date(2096, 2, 29), 4) == datetime.date(2100, 2, 28)
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_next_due_after_leap_day_audit(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2024-02-29")

    assert next_audit_due(centre_a) == datetime.date(2028, 2, 29)


def test_never_audited_is_due_now(centre_a: Organisation) -> None:
    state = audit_due(centre_a, TODAY)

    assert next_audit_due(centre_a) is None
    assert state.state == DueState.NEVER
    assert state.due is None
    assert state.text == "No audit recorded: due now."
    assert state.is_warning


def test_planned_audit_does_not_count(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2026-09-01", status=Audit.Status.PLANNED)
    add_audit(centre_a, reference="AUD-2025-02", status=Audit.Status.IN_PROGRESS)

    assert next_audit_due(centre_a) is None
    assert audit_due(centre_a, TODAY).state == DueState.NEVER


def test_latest_completed_audit_counts(centre_a: Organisation) -> None:
    add_audit(centre_a, reference="AUD-2019-01", date="2019-05-01")
    latest = add_audit(centre_a, reference="AUD-2023-01", date="2023-10-12")
    add_audit(centre_a, reference="AUD-2021-01", date="2021-01-20")

    state = audit_due(centre_a, TODAY)

    assert next_audit_due(centre_a) == datetime.date(2027, 10, 12)
    assert state.last == latest
    assert state.state == DueState.SCHEDULED
    assert state.text == "Next audit due on 2027-10-12."
    assert not state.is_warning


def test_overdue(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2022-03-01")

    state = audit_due(centre_a, TODAY)

    assert state.state == DueState.OVERDUE
    assert state.due == datetime.date(2026, 3, 1)
    assert state.text == "The next audit was due on 2026-03-01: it is overdue."


def test_due_today_is_not_overdue(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2022-03-02")

    state = audit_due(centre_a, TODAY)

    assert state.state == DueState.SOON
    assert state.text == "Next audit due on 2026-03-02, within 12 months."


@pytest.mark.parametrize(
    ("audit_date", "expected"),
    [
        ("2023-03-02", DueState.SOON),  # due 2027-03-02, exactly a year ahead
        ("2023-03-03", DueState.SCHEDULED),  # due a year and a day ahead
        ("2022-09-15", DueState.SOON),
    ],
)
def test_warning_starts_a_year_ahead(
    centre_a: Organisation, audit_date: str, expected: DueState
) -> None:
    add_audit(centre_a, date=audit_date)

    assert audit_due(centre_a, TODAY).state == expected


def test_within_a_year_text(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2022-09-15")

    assert audit_due(centre_a, TODAY).text == (
        "Next audit due on 2026-09-15, within 12 months."
    )


def test_due_items_give_date_text_url(centre_a: Organisation) -> None:
    add_audit(centre_a, date="2022-09-15")

    items = due_items(centre_a, TODAY)

    assert items == [
        (
            datetime.date(2026, 9, 15),
            "Next audit due on 2026-09-15, within 12 months.",
            "/c/centre-a/audits/",
        )
    ]


def test_due_items_never_audited_dated_today(centre_a: Organisation) -> None:
    assert due_items(centre_a, TODAY) == [
        (TODAY, "No audit recorded: due now.", "/c/centre-a/audits/")
    ]


def test_other_centre_audit_does_not_count(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add_audit(centre_b, date="2025-01-10")

    assert next_audit_due(centre_a) is None
    assert next_audit_due(centre_b) == datetime.date(2029, 1, 10)


@pytest.mark.parametrize("years_ago", [3, 5])
def test_overview_shows_due_date_once(centre_a: Organisation, years_ago: int) -> None:
    # Three years ago the next audit falls within the coming year (a warning);
    # five years ago it is overdue.
    today = timezone.localdate()
    add_audit(centre_a, date=add_years(today, -years_ago).isoformat())
    text = audit_due(centre_a, today).text

    state = overview(AUDITS, centre_a)

    shown = [*state.lines, *state.warnings]
    assert shown.count(text) == 1
    assert state.warnings == [text]


def test_overview_scheduled_audit_in_summary(centre_a: Organisation) -> None:
    today = timezone.localdate()
    add_audit(centre_a, date=add_years(today, -1).isoformat())

    state = overview(AUDITS, centre_a)

    assert state.lines == [audit_due(centre_a, today).text]
    assert state.warnings == []
