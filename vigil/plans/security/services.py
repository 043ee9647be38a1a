"""State changes of security plans and their actions, each audited.

Actions are register records, so they are created and changed through
:mod:`vigil.registers.services` and their history is the register's. The
plan itself moves forward only: draft, submitted, approved, superseded.
"""

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.plans.security.lifecycle import (
    approved_plan,
    current_plan,
    draft_plan,
    ensure_no_draft,
    plan_values,
)
from vigil.plans.security.models import PlanAction, SecurityPlan, ensure_editable
from vigil.plans.security.specs import ACTIONS
from vigil.registers import services as registers
from vigil.registers import wire

logger = logging.getLogger(__name__)

Status = SecurityPlan.Status


@transaction.atomic
def update_plan(
    plan: SecurityPlan, values: Mapping[str, Any], *, actor: Any
) -> SecurityPlan:
    """Change the title, period or introduction of a draft plan."""
    plan = SecurityPlan.objects.select_for_update().get(pk=plan.pk)
    ensure_editable(plan)
    old = plan_values(plan)
    for name in ("title", "first_year", "years", "introduction"):
        if name in values:
            setattr(plan, name, values[name])
    plan.full_clean()
    outside = [a for a in plan.actions.all() if a.planned_year not in plan.year_range]
    if outside:
        raise ValidationError(
            {
                "years": _(
                    "%(count)d actions are planned outside %(period)s, such as "
                    "“%(title)s” in %(year)s: move them first."
                )
                % {
                    "count": len(outside),
                    "period": plan.period,
                    "title": outside[0].title,
                    "year": outside[0].planned_year,
                }
            }
        )
    plan.save()
    new = plan_values(plan)
    changed = [name for name in new if old[name] != new[name]]
    if changed:
        audit(
            "securityplan.changed",
            actor=actor,
            target=plan,
            organisation=plan.organisation,
            old={name: old[name] for name in changed},
            new={name: new[name] for name in changed},
        )
    return plan


@transaction.atomic
def submit_plan(plan: SecurityPlan, *, actor: Any) -> SecurityPlan:
    """Send a draft plan for approval; from then on it is frozen."""
    plan = SecurityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Status.DRAFT:
        raise _transition_error(plan, Status.SUBMITTED)
    if not plan.actions.exists():
        raise ValidationError(
            _("The plan has no actions yet: add at least one before submitting it."),
            code="empty_plan",
        )
    plan.status = Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        "securityplan.submitted",
        actor=actor,
        target=plan,
        organisation=plan.organisation,
        old={"status": Status.DRAFT},
        new={"status": Status.SUBMITTED},
    )
    return plan


@transaction.atomic
def approve_plan(
    plan: SecurityPlan,
    *,
    body: str,
    date: datetime.date,
    reference: str,
    actor: Any,
) -> SecurityPlan:
    """Record the approval of a submitted plan; the approved plan before it is
    superseded."""
    plan = SecurityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Status.SUBMITTED:
        raise _transition_error(plan, Status.APPROVED)
    errors = _approval_errors(body, date, reference)
    if errors:
        raise ValidationError(errors)
    superseded = list(
        SecurityPlan.objects.select_for_update()
        .filter(organisation=plan.organisation, status=Status.APPROVED)
        .exclude(pk=plan.pk)
    )
    for old_plan in superseded:
        old_plan.status = Status.SUPERSEDED
        old_plan.save(update_fields=["status", "updated_at"])
        audit(
            "securityplan.superseded",
            actor=actor,
            target=old_plan,
            organisation=plan.organisation,
            old={"status": Status.APPROVED},
            new={"status": Status.SUPERSEDED, "by": str(plan)},
        )
    plan.status = Status.APPROVED
    plan.approval_body = body
    plan.approval_date = date
    plan.decision_reference = reference.strip()
    plan.save()
    audit(
        "securityplan.approved",
        actor=actor,
        target=plan,
        organisation=plan.organisation,
        old={"status": Status.SUBMITTED},
        new={
            "status": Status.APPROVED,
            "body": body,
            "date": date.isoformat(),
            "reference": plan.decision_reference,
        },
    )
    logger.info(
        "security plan %s approved, superseding %s",
        plan.pk,
        [old_plan.pk for old_plan in superseded],
    )
    return plan


def _approval_errors(
    body: str, date: datetime.date, reference: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if body not in SecurityPlan.Body.values:
        names = ", ".join(SecurityPlan.Body.values)
        errors["body"] = [
            _("Unknown body %(value)r: use one of %(names)s.")
            % {"value": body, "names": names}
        ]
    if date > timezone.localdate():
        errors["date"] = [
            _("The date of approval %(date)s is in the future: give the meeting date.")
            % {"date": date.isoformat()}
        ]
    if not reference.strip():
        errors["reference"] = [_("Give the reference of the decision.")]
    return errors


def _transition_error(plan: SecurityPlan, target: str) -> ValidationError:
    return ValidationError(
        _(
            "The plan %(plan)s is %(status)s, so it cannot become %(target)s: a "
            "plan goes from draft to submitted to approved, never back."
        )
        % {
            "plan": plan,
            "status": plan.get_status_display(),
            "target": Status(target).label,
        },
        code="transition",
    )


@transaction.atomic
def new_version(plan: SecurityPlan, *, actor: Any) -> SecurityPlan:
    """Copy a submitted or approved plan and its actions into a draft, version + 1."""
    plan = SecurityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_draft:
        raise ValidationError(
            _("The plan %(plan)s is a draft: change it directly.") % {"plan": plan},
            code="is_draft",
        )
    ensure_no_draft(plan.organisation)
    taken = SecurityPlan.objects.filter(
        organisation=plan.organisation, first_year=plan.first_year
    )
    copy = SecurityPlan.objects.create(
        organisation=plan.organisation,
        first_year=plan.first_year,
        years=plan.years,
        title=plan.title,
        introduction=plan.introduction,
        version=max(p.version for p in taken) + 1,
        previous=plan,
    )
    for action in plan.actions.order_by("id"):
        values = wire.json_values(ACTIONS, action)
        values.pop(wire.ID)
        values["plan"] = copy.pk
        created = registers.create_record(
            ACTIONS, plan.organisation, values, actor=actor
        )
        PlanAction.objects.filter(pk=created.pk).update(source_action=action)
    audit(
        "securityplan.version_started",
        actor=actor,
        target=copy,
        organisation=plan.organisation,
        new={**plan_values(copy), "from": str(plan)},
    )
    return copy


def create_action(
    plan: SecurityPlan,
    *,
    title: str,
    origin: str,
    reference: str = "",
    norms: str = "",
    planned_year: int | None = None,
    values: Mapping[str, Any] | None = None,
    actor: Any,
) -> PlanAction:
    """Add an action to a draft plan; audits and other apps call this too.

    ``planned_year`` defaults to next year within the plan. ``values`` holds
    further fields by name (priority, owner, costs). Raise RecordInvalid
    with the field errors, or PlanFrozen when the plan is not a draft.
    """
    plan = SecurityPlan.objects.get(pk=plan.pk)
    ensure_editable(plan)
    year = planned_year if planned_year is not None else next_year_in(plan)
    fields: dict[str, Any] = {
        **(values or {}),
        "plan": plan.pk,
        "title": title[:200],
        "origin": origin,
        "origin_reference": reference[:200],
        "norms": norms,
        "planned_year": year,
    }
    record = registers.create_record(ACTIONS, plan.organisation, fields, actor=actor)
    if not isinstance(record, PlanAction):
        raise TypeError(f"the actions register made a {type(record).__name__}")
    return record


def next_year_in(plan: SecurityPlan, today: datetime.date | None = None) -> int:
    """Return next year, moved into the plan's period when it falls outside."""
    year = (today or timezone.localdate()).year + 1
    return min(max(year, plan.first_year), plan.last_year)


def editable_plan(organisation: Organisation, *, actor: Any) -> SecurityPlan:
    """Return the draft plan, starting one from the approved plan if needed.

    Raise ValidationError when the centre has no plan at all.
    """
    plan = draft_plan(organisation)
    if plan is not None:
        return plan
    latest = approved_plan(organisation) or current_plan(organisation)
    if latest is None:
        raise ValidationError(
            _("The centre has no security plan yet: create one on the plan page."),
            code="no_plan",
        )
    return new_version(latest, actor=actor)
