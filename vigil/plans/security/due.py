"""Plan actions and the budget year for the list of what falls due."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.security import lifecycle
from vigil.plans.security.models import BudgetYear, PlanAction, SecurityPlan

# The day by which next year's security budget should be approved, since
# the centre's budget for a year is voted before that year begins.
BUDGET_DUE = (12, 31)

_FINISHED = (PlanAction.Status.DONE, PlanAction.Status.CANCELLED)


def _plan_that_counts(organisation: Organisation) -> SecurityPlan | None:
    """Return the plan whose actions count: the draft of a new version while
    there is one (it copies the approved plan's actions), else the approved
    plan. A plan that is only submitted, or superseded, has none that count."""
    return lifecycle.draft_plan(organisation) or lifecycle.approved_plan(organisation)


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return the open actions of the current plans with a due date, and the
    approval of next year's budget when it is not recorded."""
    plan = _plan_that_counts(organisation)
    actions = (
        PlanAction.objects.filter(
            organisation=organisation, plan=plan, due_date__isnull=False
        )
        .exclude(status__in=_FINISHED)
        .order_by("due_date", "id")
    )
    items = [
        (
            action.due_date,
            _("Plan action: %(title)s") % {"title": action.title},
            reverse(
                "registers:detail",
                kwargs={
                    "org": organisation.slug,
                    "register": "plan-actions",
                    "pk": action.pk,
                },
            ),
        )
        for action in actions
        if action.due_date is not None
    ]
    next_year = today.year + 1
    if not BudgetYear.objects.filter(
        organisation=organisation, year=next_year
    ).exists():
        items.append(
            (
                datetime.date(today.year, *BUDGET_DUE),
                _("Record the approved security budget for %(year)d")
                % {"year": next_year},
                reverse(
                    "registers:list",
                    kwargs={"org": organisation.slug, "register": "security-budget"},
                ),
            )
        )
    return items
