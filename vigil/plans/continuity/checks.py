"""The state of a centre's continuity plan: when the next exercise is due and
what is missing or out of date."""

import calendar
import datetime

from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.continuity.models import (
    CriticalProcess,
    Exercise,
    FallbackSite,
)
from vigil.registers.dates import iso_date

# Norm 4.7.2 requires the centre to test its continuity plan. Vigil expects
# an exercise at least every twelve months.
EXERCISE_INTERVAL_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day ``months`` later, or the month's last day if shorter."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def last_exercise(organisation: Organisation) -> Exercise | None:
    return (
        Exercise.objects.filter(organisation=organisation)
        .order_by("-date", "-id")
        .first()
    )


def next_exercise_due(organisation: Organisation) -> datetime.date | None:
    """Return twelve months after the last exercise, or None without exercises."""
    last = last_exercise(organisation)
    if last is None:
        return None
    return add_months(last.date, EXERCISE_INTERVAL_MONTHS)


def exercise_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Return the warning when no exercise is recorded or the last one is more
    than twelve months before ``today``."""
    last = last_exercise(organisation)
    if last is None:
        return [
            _(
                "No exercise of the continuity plan is recorded; test the plan "
                "at least once every twelve months (norm 4.7.2)."
            )
        ]
    if add_months(last.date, EXERCISE_INTERVAL_MONTHS) < today:
        return [
            _(
                "The last exercise of the continuity plan was on %(date)s, more "
                "than twelve months ago; plan and record a new exercise."
            )
            % {"date": iso_date(last.date)}
        ]
    return []


def continuity_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Return what needs attention in the continuity plan on ``today``."""
    warnings = exercise_warnings(organisation, today)
    sites = FallbackSite.objects.filter(organisation=organisation).order_by("id")
    if not sites:
        warnings.append(
            _(
                "No fallback site is recorded; make an agreement, for example "
                "with the municipality, and record it."
            )
        )
    for site in sites.filter(review_date__lt=today):
        warnings.append(
            _(
                "The fallback agreement with %(partner)s was due for review on "
                "%(date)s; review it with the partner and record the new date."
            )
            % {"partner": site.partner, "date": iso_date(site.review_date)}
        )
    if not CriticalProcess.objects.filter(organisation=organisation).exists():
        warnings.append(
            _("No critical process is recorded; list them in their recovery order.")
        )
    return warnings
