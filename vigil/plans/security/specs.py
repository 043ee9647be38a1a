"""The plan's actions, the budget and the spending as registers."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts.roles import Capability
from vigil.organisations.models import Organisation
from vigil.plans.security.forms import ActionForm
from vigil.plans.security.lifecycle import create_plan, draft_plan
from vigil.plans.security.models import BudgetYear, Expense, PlanAction, SecurityPlan
from vigil.registers.spec import RegisterSpec, register

GROUP = gettext_lazy("Security plan")


def _example_action(organisation: Organisation) -> dict[str, str]:
    """Return an example action of the centre's draft plan.

    The action needs a plan, so this starts a draft plan for this year when
    the centre has none.
    """
    plan = draft_plan(organisation)
    if plan is None:
        year = timezone.localdate().year
        plan = create_plan(organisation, first_year=year, actor=None)
    return {
        "plan": str(plan.pk),
        "title": "Test the restore of the social file server",
        "origin": PlanAction.Origin.RISK,
        "priority": "2",
        "owner": "ICT",
        "planned_year": str(plan.first_year),
        "cost_one_off": "1200.00",
        "cost_yearly": "0.00",
        "effort_days": "3.0",
        "status": PlanAction.Status.PLANNED,
    }


def _example_budget(_organisation: Organisation) -> dict[str, str]:
    return {
        "year": str(timezone.localdate().year),
        "approved_amount": "15000.00",
        "budget_line": "0190/123-48",
        "decision_reference": "RMW 2026/014",
    }


def _example_expense(_organisation: Organisation) -> dict[str, str]:
    return {
        "year": str(timezone.localdate().year),
        "amount": "850.00",
        "description": "Back-up tapes",
        "date": f"{timezone.localdate().year}-03-15",
    }


def _action_summary(organisation: Organisation) -> list[str]:
    plan = (
        SecurityPlan.objects.filter(organisation=organisation)
        .exclude(status=SecurityPlan.Status.SUPERSEDED)
        .order_by("-first_year", "-version")
        .first()
    )
    if plan is None:
        return [_("No security plan yet.")]
    return [
        _("Plan %(plan)s, %(status)s, %(count)d actions.")
        % {
            "plan": plan,
            "status": plan.get_status_display(),
            "count": plan.actions.count(),
        }
    ]


def _action_warnings(organisation: Organisation) -> list[str]:
    year = timezone.localdate().year
    covered = SecurityPlan.objects.filter(
        organisation=organisation,
        status=SecurityPlan.Status.APPROVED,
        first_year__lte=year,
    )
    if any(year <= plan.last_year for plan in covered):
        return []
    return [
        _("No approved security plan covers %(year)d (norm 4.2.1.3).") % {"year": year}
    ]


def _budget_warnings(organisation: Organisation) -> list[str]:
    year = timezone.localdate().year
    if BudgetYear.objects.filter(organisation=organisation, year=year).exists():
        return []
    return [
        _("No security budget approved for %(year)d (norm 4.2.1.4).") % {"year": year}
    ]


ACTIONS = RegisterSpec(
    slug="plan-actions",
    model=PlanAction,
    title=gettext_lazy("Security plan actions"),
    description=gettext_lazy(
        "The measures of the security plan with their origin, owner, year, cost "
        "and effort. Only the actions of a draft plan can change."
    ),
    group=GROUP,
    fields=(
        "plan",
        "title",
        "norms",
        "origin",
        "origin_reference",
        "priority",
        "owner",
        "planned_year",
        "due_date",
        "cost_one_off",
        "cost_yearly",
        "effort_days",
        "status",
        "progress_notes",
    ),
    columns=("plan", "planned_year", "priority", "title", "norms", "owner", "status"),
    catalog_keys=("plan",),
    example=_example_action,
    search=("title", "norms", "owner", "origin_reference", "progress_notes"),
    filters=("origin", "priority", "status"),
    ordering=("-plan__first_year", "-plan__version", "planned_year", "priority", "id"),
    form=ActionForm,
    summary=_action_summary,
    warnings=_action_warnings,
    edit_capability=Capability.EDIT_PLANS,
)

BUDGET = RegisterSpec(
    slug="security-budget",
    model=BudgetYear,
    title=gettext_lazy("Security budget"),
    description=gettext_lazy(
        "The working credits approved each year in the separate security budget."
    ),
    group=GROUP,
    fields=("year", "approved_amount", "budget_line", "decision_reference", "notes"),
    columns=("year", "approved_amount", "budget_line", "decision_reference"),
    catalog_keys=("budget",),
    example=_example_budget,
    search=("budget_line", "decision_reference", "notes"),
    ordering=("-year",),
    warnings=_budget_warnings,
    edit_capability=Capability.EDIT_PLANS,
)

SPENDING = RegisterSpec(
    slug="security-spending",
    model=Expense,
    title=gettext_lazy("Security spending"),
    description=gettext_lazy(
        "What was spent from the security budget, per year and optionally per "
        "plan action."
    ),
    group=GROUP,
    fields=("year", "amount", "description", "action", "date"),
    columns=("year", "date", "description", "amount", "action"),
    catalog_keys=("budget",),
    example=_example_expense,
    search=("description",),
    ordering=("-year", "-date", "-id"),
    edit_capability=Capability.EDIT_PLANS,
)


def connect() -> None:
    for spec in (ACTIONS, BUDGET, SPENDING):
        register(spec)
