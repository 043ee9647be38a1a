"""The security budget per year against what the plan's actions need.

An action needs its one-off cost in its planned year. It is active from its
planned year to the last year of the plan, unless it is cancelled, and needs
its yearly cost in every year it is active. Spending is what the centre
entered for the year, whether or not it names an action.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.plans.security.models import BudgetYear, Expense, PlanAction, SecurityPlan

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

ACTIVE_RULE = gettext_lazy(
    "An action needs its one-off cost in its planned year. It is active from "
    "its planned year to the last year of the plan, unless it is cancelled, "
    "and needs its yearly cost in every year it is active. Cancelled actions "
    "need nothing."
)


@dataclass
class YearBudget:
    """The figures of one year: approved, needed by the plan, spent."""

    year: int
    approved: Decimal | None
    one_off: Decimal = ZERO
    yearly: Decimal = ZERO
    effort_days: Decimal = Decimal("0.0")
    spent: Decimal = ZERO
    warnings: list[str] = field(default_factory=list)

    @property
    def needed(self) -> Decimal:
        return self.one_off + self.yearly

    @property
    def shortfall(self) -> Decimal:
        """What the plan needs beyond the approved amount; zero when it fits."""
        return max(self.needed - (self.approved or ZERO), ZERO)

    @property
    def remaining(self) -> Decimal | None:
        if self.approved is None:
            return None
        return self.approved - self.spent


def is_active(action: PlanAction, plan: SecurityPlan, year: int) -> bool:
    """Whether the action needs its yearly cost in ``year`` (see ACTIVE_RULE)."""
    if action.status == PlanAction.Status.CANCELLED:
        return False
    return action.planned_year <= year <= plan.last_year


def needs_of(
    plan: SecurityPlan, actions: Iterable[PlanAction], year: int
) -> tuple[Decimal, Decimal, Decimal]:
    """Return the one-off cost, yearly cost and effort the actions need in ``year``."""
    one_off = yearly = ZERO
    effort = Decimal("0.0")
    for action in actions:
        if action.status == PlanAction.Status.CANCELLED:
            continue
        if action.planned_year == year:
            one_off += action.cost_one_off
            effort += action.effort_days
        if is_active(action, plan, year):
            yearly += action.cost_yearly
    return one_off, yearly, effort


def plan_budget(plan: SecurityPlan, years: Iterable[int] = ()) -> list[YearBudget]:
    """Return the budget of every year of the plan, plus ``years`` before it."""
    actions = list(plan.actions.all())
    wanted = sorted({*years, *plan.year_range})
    approved = dict(
        BudgetYear.objects.filter(
            organisation=plan.organisation, year__in=wanted
        ).values_list("year", "approved_amount")
    )
    spent = dict(
        Expense.objects.filter(organisation=plan.organisation, year__in=wanted)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    result = []
    for year in wanted:
        one_off, yearly, effort = needs_of(plan, actions, year)
        row = YearBudget(
            year=year,
            approved=approved.get(year),
            one_off=one_off,
            yearly=yearly,
            effort_days=effort,
            spent=cents(spent.get(year)),
        )
        row.warnings = _warnings(row)
        result.append(row)
    return result


def _warnings(row: YearBudget) -> list[str]:
    found = []
    if row.approved is None and row.needed > 0:
        found.append(
            _(
                "The plan needs %(needed)s EUR in %(year)d but no budget is "
                "approved for that year."
            )
            % {"needed": euros(row.needed), "year": row.year}
        )
    elif row.shortfall > 0:
        found.append(
            _(
                "The plan needs %(needed)s EUR in %(year)d, %(shortfall)s EUR more "
                "than the approved %(approved)s EUR."
            )
            % {
                "needed": euros(row.needed),
                "year": row.year,
                "shortfall": euros(row.shortfall),
                "approved": euros(row.approved or ZERO),
            }
        )
    if row.approved is not None and row.spent > row.approved:
        found.append(
            _(
                "%(spent)s EUR spent in %(year)d, more than the approved "
                "%(approved)s EUR."
            )
            % {
                "spent": euros(row.spent),
                "year": row.year,
                "approved": euros(row.approved),
            }
        )
    return found


def spent_by_action(actions: Iterable[PlanAction]) -> dict[int, Decimal]:
    """Return the spending entered against each action, by action id."""
    ids = [action.pk for action in actions]
    totals = (
        Expense.objects.filter(action_id__in=ids)
        .values("action_id")
        .annotate(total=Sum("amount"))
        .values_list("action_id", "total")
    )
    return {action_id: cents(total) for action_id, total in totals}


def cents(amount: Decimal | None) -> Decimal:
    """Return ``amount`` with exactly two decimals, zero for None.

    SQLite returns a sum of decimals without its scale (5030 for 5030.00),
    PostgreSQL with it.
    """
    return (amount if amount is not None else ZERO).quantize(CENT)


def euros(amount: Decimal) -> str:
    """Format an amount with two decimals and the active language's separators:
    12.345,67 in Dutch, 12 345,67 in French (a no-break space), 12,345.67 in
    English."""
    return number_format(amount.quantize(CENT), decimal_pos=2, force_grouping=True)
