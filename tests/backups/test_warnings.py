"""The backup warnings: missing backup, media out of turn, old checks and tests."""

import datetime

import pytest
from django.utils import translation

from tests.backups.factories import check, restore_test, run, scheme
from vigil.organisations.models import Organisation
from vigil.registers.backups import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MONDAY = datetime.date(2026, 11, 30)  # ISO week 49, odd
FRIDAY = datetime.date(2026, 11, 27)  # ISO week 48, even


@pytest.fixture
def english() -> object:
    with translation.override("en"):
        yield


def test_no_backup_at_all(centre_a: Organisation) -> None:
    assert services.run_warnings(centre_a, MONDAY) == [
        "No successful backup has been recorded (norm 4.4.2)."
    ]


def test_friday_backup_covers_monday(centre_a: Organisation) -> None:
    run(centre_a, FRIDAY, "full", "11")

    assert services.run_warnings(centre_a, MONDAY) == []


def test_missing_working_day_backup(centre_a: Organisation) -> None:
    run(centre_a, FRIDAY, "full", "11")
    tuesday = MONDAY + datetime.timedelta(days=1)

    assert services.run_warnings(centre_a, tuesday) == [
        "No successful backup since 2026-11-27; the scheme ksz-2005 expects one "
        "every working day (norm 4.4.2)."
    ]


def test_failed_backup_does_not_count(centre_a: Organisation) -> None:
    run(centre_a, FRIDAY - datetime.timedelta(days=1), "incremental", "10")
    run(centre_a, FRIDAY, "full", "11", result="failed")

    [warning] = services.run_warnings(centre_a, MONDAY)
    assert "since 2026-11-26" in warning


def test_medium_out_of_turn(centre_a: Organisation) -> None:
    run(centre_a, MONDAY, "incremental", "7")
    run(centre_a, MONDAY + datetime.timedelta(days=1), "incremental", "2")

    warnings = services.run_warnings(centre_a, MONDAY + datetime.timedelta(days=2))

    assert warnings == [
        "The incremental backup of 2026-11-30 went on medium 7; the scheme gives "
        "medium 1."
    ]


def test_kind_not_planned_that_day(centre_a: Organisation) -> None:
    run(centre_a, MONDAY, "weekly", "I")

    warnings = services.run_warnings(centre_a, MONDAY + datetime.timedelta(days=1))

    assert warnings == [
        "The weekly backup of 2026-11-30 went on medium I, but the scheme plans "
        "no weekly backup that day."
    ]


def test_run_without_medium_is_not_checked(centre_a: Organisation) -> None:
    run(centre_a, MONDAY, "incremental", "")

    assert services.run_warnings(centre_a, MONDAY) == []


def test_out_of_turn_uses_scheme_in_use(centre_a: Organisation) -> None:
    scheme(
        centre_a,
        name="GFS",
        kind="gfs",
        daily_media="4",
        weekly_media="4",
        monthly_media="12",
        weekday="friday",
        in_use="true",
    )
    run(centre_a, MONDAY, "incremental", "1")

    [warning] = services.run_warnings(centre_a, MONDAY)

    assert "went on medium 1; the scheme gives medium D1" in warning


def test_out_of_turn_lists_five(centre_a: Organisation) -> None:
    for offset in range(7):
        run(centre_a, MONDAY - datetime.timedelta(days=offset), "full", "X")

    warnings = services.run_warnings(centre_a, MONDAY)

    assert len(warnings) == 6
    assert warnings[-1] == "2 more runs used a medium out of turn."


def test_restore_test_default_period(centre_a: Organisation) -> None:
    restore_test(centre_a, MONDAY - datetime.timedelta(days=90))
    in_time = services.restore_test_warnings(centre_a, MONDAY)
    late = services.restore_test_warnings(centre_a, MONDAY + datetime.timedelta(1))

    assert in_time == []
    assert late == ["No restore test in the last 90 days (norm 4.4.2)."]


def test_failed_restore_test_does_not_count(centre_a: Organisation) -> None:
    restore_test(centre_a, MONDAY, result="failed")

    assert services.restore_test_warnings(centre_a, MONDAY) == [
        "No restore test in the last 90 days (norm 4.4.2)."
    ]


def test_restore_test_period_from_scheme(centre_a: Organisation) -> None:
    scheme(centre_a, in_use="true", restore_test_days="30")
    restore_test(centre_a, MONDAY - datetime.timedelta(days=40))

    assert services.restore_test_warnings(centre_a, MONDAY) == [
        "No restore test in the last 30 days (norm 4.4.2)."
    ]


def test_check_never_recorded(centre_a: Organisation) -> None:
    assert services.check_warnings(centre_a, MONDAY) == [
        "No check of the backups has been recorded (norm 4.4.2)."
    ]


def test_check_too_old(centre_a: Organisation) -> None:
    check(centre_a, MONDAY - datetime.timedelta(days=31))

    assert services.check_warnings(centre_a, MONDAY) == [
        "The last check of the backups was on 2026-10-30, more than 30 days ago "
        "(norm 4.4.2)."
    ]


def test_recent_restore_test_counts_as_check(centre_a: Organisation) -> None:
    check(centre_a, MONDAY - datetime.timedelta(days=60))
    restore_test(centre_a, MONDAY - datetime.timedelta(days=3))

    assert services.check_warnings(centre_a, MONDAY) == []


def test_check_period_from_scheme(centre_a: Organisation) -> None:
    scheme(centre_a, in_use="true", check_days="7")
    check(centre_a, MONDAY - datetime.timedelta(days=8), kind="full_data")

    [warning] = services.check_warnings(centre_a, MONDAY)
    assert "more than 7 days ago" in warning


def test_other_centre_records_do_not_count(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    check(centre_b, MONDAY)
    run(centre_b, MONDAY, "incremental", "1")

    assert services.check_warnings(centre_a, MONDAY) != []
    assert services.run_warnings(centre_a, MONDAY) != []
