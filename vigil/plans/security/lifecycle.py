"""The lookup of a centre's security plans, and the start of a draft plan.

Both :mod:`vigil.plans.security.services` and :mod:`vigil.plans.security.specs`
import this module and it imports neither, so that the example action of
the actions register can start a draft plan.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.plans.security.models import SecurityPlan

Status = SecurityPlan.Status


def draft_plan(organisation: Organisation) -> SecurityPlan | None:
    """Return the centre's draft plan; there is at most one."""
    return (
        SecurityPlan.objects.filter(organisation=organisation, status=Status.DRAFT)
        .order_by("-first_year", "-version")
        .first()
    )


def approved_plan(organisation: Organisation) -> SecurityPlan | None:
    return (
        SecurityPlan.objects.filter(organisation=organisation, status=Status.APPROVED)
        .order_by("-first_year", "-version")
        .first()
    )


def current_plan(organisation: Organisation) -> SecurityPlan | None:
    """Return the draft plan, else the approved one, else the latest version."""
    return (
        draft_plan(organisation)
        or approved_plan(organisation)
        or SecurityPlan.objects.filter(organisation=organisation)
        .order_by("-first_year", "-version")
        .first()
    )


def ensure_no_draft(organisation: Organisation) -> None:
    """Raise ValidationError if the centre has a draft plan."""
    existing = draft_plan(organisation)
    if existing is not None:
        raise ValidationError(
            _(
                "The centre already has a draft plan (%(plan)s): change that "
                "draft, or submit it first."
            )
            % {"plan": existing},
            code="draft_exists",
        )


@transaction.atomic
def create_plan(
    organisation: Organisation,
    *,
    first_year: int,
    years: int = 3,
    title: str = "",
    introduction: str = "",
    actor: Any,
) -> SecurityPlan:
    """Start a new plan as a draft, version 1 of its period (or the next free one)."""
    ensure_no_draft(organisation)
    taken = SecurityPlan.objects.filter(
        organisation=organisation, first_year=first_year
    )
    version = max((plan.version for plan in taken), default=0) + 1
    plan = SecurityPlan(
        organisation=organisation,
        first_year=first_year,
        years=years,
        title=title,
        introduction=introduction,
        version=version,
    )
    plan.full_clean()
    plan.save()
    audit(
        "securityplan.created",
        actor=actor,
        target=plan,
        organisation=organisation,
        new=plan_values(plan),
    )
    return plan


def plan_values(plan: SecurityPlan) -> dict[str, Any]:
    """Return the plan fields that the plan's audit records contain."""
    return {
        "title": plan.title,
        "first_year": plan.first_year,
        "years": plan.years,
        "version": plan.version,
        "status": plan.status,
        "introduction": plan.introduction,
    }
