"""When the next audit is due: at most four years after the last completed one.

The minimum security norms (norm 4.10) ask each centre to have its logical
and physical security audited at least once every four years. Vigil warns a
year before the due date and once it has passed.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit

INTERVAL_YEARS = 4
WARNING_YEARS = 1


class DueState(StrEnum):
    NEVER = "never"
    OVERDUE = "overdue"
    SOON = "soon"
    SCHEDULED = "scheduled"


@dataclass(frozen=True)
class AuditDue:
    """The next audit of a centre: its due date, state and text to show."""

    state: DueState
    # None when the centre has never completed an audit.
    due: datetime.date | None
    last: Audit | None
    text: str

    @property
    def is_warning(self) -> bool:
        return self.state != DueState.SCHEDULED


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Return ``day`` moved ``years`` years on; 29 February becomes 28 February
    in a year without it, so the interval is never longer than the norm allows."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_completed_audit(organisation: Organisation) -> Audit | None:
    return (
        Audit.objects.filter(organisation=organisation, status=Audit.Status.COMPLETED)
        .order_by("-date", "-id")
        .first()
    )


def next_audit_due(organisation: Organisation) -> datetime.date | None:
    """Return the date the next audit is due, or None if none was ever completed."""
    last = last_completed_audit(organisation)
    return add_years(last.date, INTERVAL_YEARS) if last is not None else None


def audit_due(organisation: Organisation, today: datetime.date) -> AuditDue:
    """Return the state of the next audit of ``organisation`` on ``today``."""
    last = last_completed_audit(organisation)
    if last is None:
        return AuditDue(DueState.NEVER, None, None, _("No audit recorded: due now."))
    due = add_years(last.date, INTERVAL_YEARS)
    shown = {"date": due.isoformat()}
    if due < today:
        text = _("The next audit was due on %(date)s: it is overdue.") % shown
        return AuditDue(DueState.OVERDUE, due, last, text)
    if add_years(today, WARNING_YEARS) >= due:
        text = _("Next audit due on %(date)s, within 12 months.") % shown
        return AuditDue(DueState.SOON, due, last, text)
    text = _("Next audit due on %(date)s.") % shown
    return AuditDue(DueState.SCHEDULED, due, last, text)


def schedule_url(organisation: Organisation) -> str:
    return reverse("audits:schedule", kwargs={"org": organisation.slug})


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return the dated items of the audit schedule as (date, text, URL).

    There is one item, the next audit, dated today when none was ever
    completed. It is returned however far away its date is, so a caller
    that shows reminders chooses its own horizon.
    """
    state = audit_due(organisation, today)
    return [(state.due or today, state.text, schedule_url(organisation))]


def planned_audits(organisation: Organisation, today: datetime.date) -> list[Audit]:
    """Return the audits planned or in progress, dated today or later."""
    return list(
        Audit.objects.filter(
            organisation=organisation,
            status__in=(Audit.Status.PLANNED, Audit.Status.IN_PROGRESS),
            date__gte=today,
        ).order_by("date", "id")
    )
