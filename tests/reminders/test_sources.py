"""Deadlines that registers and plans add to the list of what falls due."""

import datetime

import pytest

from vigil.organisations.deadlines import collect
from vigil.organisations.models import Organisation
from vigil.plans.audits.specs import AUDITS
from vigil.registers import services
from vigil.registers.backups.specs import RESTORE_TESTS
from vigil.registers.consultants.specs import CONSULTANTS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


def items_of(organisation: Organisation, source: str) -> list[tuple[str, str]]:
    return [
        (item.date.isoformat(), item.text)
        for item in collect(organisation, TODAY)
        if item.source == source
    ]


def test_missing_notification_is_due(centre_a: Organisation) -> None:
    example = CONSULTANTS.example(centre_a)
    services.create_record(CONSULTANTS, centre_a, example, actor=None)

    (item,) = items_of(centre_a, "consultants")

    assert item[0] == example["start_date"]


def test_restore_test_is_due_after_the_period(centre_a: Organisation) -> None:
    assert items_of(centre_a, "backups")[0][0] == TODAY.isoformat()

    example = RESTORE_TESTS.example(centre_a)
    services.create_record(RESTORE_TESTS, centre_a, example, actor=None)

    tested = datetime.date.fromisoformat(example["date"])
    (item,) = items_of(centre_a, "backups")
    assert item[0] == (tested + datetime.timedelta(days=90)).isoformat()


def test_audit_is_due_four_years_after_the_last(centre_a: Organisation) -> None:
    example = AUDITS.example(centre_a)
    services.create_record(AUDITS, centre_a, example, actor=None)

    dates = [date for date, _text in items_of(centre_a, "audits")]

    done = datetime.date.fromisoformat(example["date"])
    assert done.replace(year=done.year + 4).isoformat() in dates


def test_budget_of_next_year_is_due(centre_a: Organisation) -> None:
    (item,) = items_of(centre_a, "securityplans")

    assert item[0] == "2026-12-31"
    assert "2027" in item[1]


def test_undecided_notification_is_due_after_72_hours(centre_a: Organisation) -> None:
    from vigil.registers.incidents.specs import INCIDENTS

    example = {**INCIDENTS.example(centre_a), "personal_data": "true"}
    services.create_record(INCIDENTS, centre_a, example, actor=None)

    (item,) = items_of(centre_a, "incidents")

    detected = datetime.datetime.fromisoformat(example["detected_at"])
    assert item[0] == (detected + datetime.timedelta(hours=72)).date().isoformat()


def plan_actions(organisation: Organisation) -> list[tuple[str, str]]:
    """Return the date and title of each plan action on the list."""
    prefix = "Actie van het plan: "
    return [
        (date, text.removeprefix(prefix))
        for date, text in items_of(organisation, "securityplans")
        if text.startswith(prefix)
    ]


def test_draft_plan_actions_listed_once(centre_a: Organisation) -> None:
    from tests.securityplans.factories import add_action, approve, make_plan
    from vigil.plans.security import services as plan_services

    plan = make_plan(centre_a)
    add_action(plan, "Restore test", due_date=datetime.date(2027, 3, 1))
    assert plan_actions(centre_a) == [("2027-03-01", "Restore test")]

    approve(plan)
    draft = plan_services.new_version(plan, actor=None)
    add_action(draft, "Firewall review", due_date=datetime.date(2027, 4, 1))

    # The draft copies the approved plan's action, which is listed once.
    assert plan_actions(centre_a) == [
        ("2027-03-01", "Restore test"),
        ("2027-04-01", "Firewall review"),
    ]
