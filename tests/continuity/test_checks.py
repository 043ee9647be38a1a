"""Warnings and due items of the continuity plan."""

import datetime

import pytest
from django.utils import timezone

from vigil.organisations.models import Organisation
from vigil.plans.continuity.checks import add_months, continuity_warnings
from vigil.plans.continuity.due import due_items
from vigil.plans.continuity.models import FallbackSite
from vigil.plans.continuity.specs import CRITICAL_PROCESSES, EXERCISES, FALLBACK_SITES
from vigil.registers import services

from .conftest import make_process

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def exercise(organisation: Organisation, day: str) -> None:
    values = {**EXERCISES.example(organisation), "date": day}
    services.create_record(EXERCISES, organisation, values, actor=None)


def site(organisation: Organisation, review: str) -> FallbackSite:
    values = {**FALLBACK_SITES.example(organisation), "review_date": review}
    record = services.create_record(FALLBACK_SITES, organisation, values, actor=None)
    assert isinstance(record, FallbackSite)
    return record


def test_add_months() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 3, 15), 12) == datetime.date(2026, 3, 15)
    assert add_months(datetime.date(2026, 3, 15), -14) == datetime.date(2025, 1, 15)


def test_complete_plan_has_no_warning(centre_a: Organisation) -> None:
    make_process(centre_a)
    site(centre_a, "2027-01-15")
    exercise(centre_a, "2025-06-01")

    assert continuity_warnings(centre_a, TODAY) == []


def test_warns_when_last_exercise_older_than_a_year(centre_a: Organisation) -> None:
    make_process(centre_a)
    site(centre_a, "2027-01-15")
    exercise(centre_a, "2025-05-31")

    assert continuity_warnings(centre_a, TODAY) == [
        "The last exercise of the continuity plan was on 2025-05-31, more than "
        "twelve months ago; plan and record a new exercise."
    ]


def test_warns_without_anything(centre_a: Organisation) -> None:
    warnings = continuity_warnings(centre_a, TODAY)

    assert len(warnings) == 3
    assert warnings[0].startswith("No exercise of the continuity plan")
    assert warnings[1].startswith("No fallback site is recorded")
    assert warnings[2].startswith("No critical process is recorded")


def test_warns_when_fallback_review_past(centre_a: Organisation) -> None:
    make_process(centre_a)
    site(centre_a, "2026-05-31")
    exercise(centre_a, "2026-01-10")

    assert continuity_warnings(centre_a, TODAY) == [
        "The fallback agreement with Gemeente Voorbeeld, administratief centrum "
        "was due for review on 2026-05-31; review it with the partner and "
        "record the new date."
    ]


def test_due_items(centre_a: Organisation) -> None:
    fallback = site(centre_a, "2026-05-31")
    exercise(centre_a, "2025-09-30")
    exercise(centre_a, "2024-01-10")

    items = due_items(centre_a, TODAY)

    base = f"/c/{centre_a.slug}/registers/"
    assert items == [
        (
            datetime.date(2026, 5, 31),
            "Review of the fallback agreement with Gemeente Voorbeeld, "
            "administratief centrum",
            f"{base}fallback-sites/{fallback.pk}/",
        ),
        (
            datetime.date(2026, 9, 30),
            "Next exercise of the continuity plan",
            f"{base}exercises/",
        ),
    ]


def test_first_exercise_due_today(centre_a: Organisation) -> None:
    assert due_items(centre_a, TODAY) == [
        (
            TODAY,
            "First exercise of the continuity plan",
            f"/c/{centre_a.slug}/registers/exercises/",
        )
    ]


def test_exercise_summary_without_exercises(centre_a: Organisation) -> None:
    make_process(centre_a)

    assert EXERCISES.summary is not None
    assert EXERCISES.summary(centre_a) == ["0 exercises recorded."]


def test_exercise_summary_counts_and_due(centre_a: Organisation) -> None:
    today = timezone.localdate()
    last = add_months(today, -2)
    make_process(centre_a)
    exercise(centre_a, add_months(today, -8).isoformat())
    exercise(centre_a, last.isoformat())

    assert EXERCISES.summary is not None
    assert EXERCISES.summary(centre_a) == [
        "2 exercises recorded.",
        f"Last exercise: {last.isoformat()}, loss of the server room, "
        "partly successful.",
        f"The next exercise is due by {add_months(last, 12).isoformat()}, "
        "twelve months after the last.",
    ]


def test_exercise_summary_overdue_warns(centre_a: Organisation) -> None:
    last = add_months(timezone.localdate(), -14)
    exercise(centre_a, last.isoformat())

    assert EXERCISES.summary is not None
    assert EXERCISES.warnings is not None
    summary = EXERCISES.summary(centre_a)
    assert summary[0] == "1 exercise recorded."
    assert not any("critical process" in line for line in summary)
    assert not any("next exercise is due" in line for line in summary)
    assert EXERCISES.warnings(centre_a) == [
        f"The last exercise of the continuity plan was on {last.isoformat()}, "
        "more than twelve months ago; plan and record a new exercise."
    ]


def test_process_summary_unchanged(centre_a: Organisation) -> None:
    make_process(centre_a)

    assert CRITICAL_PROCESSES.summary is not None
    assert CRITICAL_PROCESSES.summary(centre_a) == [
        "1 critical process in recovery order."
    ]


def test_overdue_exercise_text_has_no_tag(centre_a: Organisation) -> None:
    # The lists of what falls due mark a past date as overdue themselves.
    exercise(centre_a, "2025-01-10")

    items = due_items(centre_a, TODAY)

    assert items == [
        (
            datetime.date(2026, 1, 10),
            "Next exercise of the continuity plan",
            f"/c/{centre_a.slug}/registers/exercises/",
        )
    ]
