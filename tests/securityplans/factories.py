"""Plans and actions for the security plan tests."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.security import lifecycle, services
from vigil.plans.security.models import PlanAction, SecurityPlan


def make_plan(
    organisation: Organisation, first_year: int = 2026, years: int = 3
) -> SecurityPlan:
    return lifecycle.create_plan(
        organisation, first_year=first_year, years=years, actor=None
    )


def add_action(
    plan: SecurityPlan, title: str = "Restore test", **values: Any
) -> PlanAction:
    year = values.pop("planned_year", plan.first_year)
    return services.create_action(
        plan,
        title=title,
        origin=values.pop("origin", PlanAction.Origin.OTHER),
        norms=values.pop("norms", ""),
        planned_year=year,
        values=values,
        actor=None,
    )


def approve(plan: SecurityPlan, reference: str = "Raad 2025/187") -> SecurityPlan:
    services.submit_plan(plan, actor=None)
    return services.approve_plan(
        plan,
        body=SecurityPlan.Body.COUNCIL,
        date=datetime.date(2025, 12, 12),
        reference=reference,
        actor=None,
    )
