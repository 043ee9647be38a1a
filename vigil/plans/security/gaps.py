"""Questionnaire gaps as the plan sees them, and the action made from one.

A gap is a norm of the centre's latest questionnaire that ``find_gaps``
reports (no answer, a missing justification or planned date), or whose
answer counts in the score with a weight below 1 (partially or not
implemented on the shipped scale).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.assessments.models import Answer, Assessment
from vigil.assessments.services import find_gaps
from vigil.organisations.models import Organisation
from vigil.plans.security import lifecycle, services
from vigil.plans.security.models import PlanAction, SecurityPlan

# An action in one of these states no longer works on its norm, so a gap
# with only such actions may get a new one.
FINISHED = (PlanAction.Status.DONE, PlanAction.Status.CANCELLED)


@dataclass
class PlanGap:
    code: str
    title: str
    reasons: list[str]
    actions: list[PlanAction] = field(default_factory=list)

    @property
    def open_actions(self) -> list[PlanAction]:
        return [action for action in self.actions if action.status not in FINISHED]


@dataclass(frozen=True)
class GapAction:
    """The plan action for a gap, and whether ``add_action_from_gap`` created it."""

    action: PlanAction
    created: bool


def latest_assessment(organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("catalog")
        .order_by("-year")
        .first()
    )


def plan_gaps(assessment: Assessment, plan: SecurityPlan | None) -> list[PlanGap]:
    """Return the gaps of ``assessment`` with the plan's actions for each norm."""
    reasons: dict[str, list[str]] = {}
    for gap in find_gaps(assessment):
        reasons.setdefault(gap.norm, []).append(gap.message)
    answers = list(
        assessment.answers.select_related("norm", "option").order_by("norm__position")
    )
    for answer in answers:
        option = answer.option
        if option is not None and option.counts_in_score and option.weight < 1:
            reasons.setdefault(answer.norm.code, []).insert(
                0, _("Answered “%(answer)s”.") % {"answer": option.label_text}
            )
    actions = list(plan.actions.all()) if plan is not None else []
    return [
        PlanGap(
            code=answer.norm.code,
            title=answer.norm.title_text,
            reasons=reasons[answer.norm.code],
            actions=[a for a in actions if answer.norm.code in a.norm_codes],
        )
        for answer in answers
        if answer.norm.code in reasons
    ]


def open_action(plan: SecurityPlan, code: str) -> PlanAction | None:
    """Return the first action of ``plan`` for norm ``code`` that is not done or
    cancelled."""
    actions = plan.actions.exclude(status__in=FINISHED).order_by("id")
    return next((a for a in actions if code in a.norm_codes), None)


def _answer(organisation: Organisation, year: int, code: str) -> Answer:
    answer = (
        Answer.objects.select_related("norm", "option")
        .filter(assessment__organisation=organisation, assessment__year=year)
        .filter(norm__code=code)
        .first()
    )
    if answer is None:
        raise ValidationError(
            _("There is no questionnaire %(year)d with norm %(code)s.")
            % {"year": year, "code": code},
            code="no_norm",
        )
    return answer


def _priority(answer: Answer) -> int:
    option = answer.option
    if option is not None and option.counts_in_score and option.weight == Decimal(0):
        return PlanAction.Priority.HIGH
    return PlanAction.Priority.MEDIUM


@transaction.atomic
def add_action_from_gap(
    organisation: Organisation, year: int, code: str, *, actor: Any
) -> GapAction:
    """Add an action for norm ``code`` of questionnaire ``year`` to the draft plan.

    When the current plan (the draft, else the approved one) already has an
    open action for the norm, nothing changes and that action is returned
    with ``created`` false; so a second click, or a draft copied from a plan
    with such an action, adds no duplicate. When the centre has only a
    submitted or approved plan, a new version is started as a draft first.
    The title (the norm's title) and the reference are written in the
    centre's language, whatever the language of the user's interface. Raise
    ValidationError when the norm or a plan is missing.
    """
    answer = _answer(organisation, year, code)
    current = lifecycle.current_plan(organisation)
    if current is not None:
        # Lock the plan so that two clicks at the same time add one action.
        current = SecurityPlan.objects.select_for_update().get(pk=current.pk)
        existing = open_action(current, code)
        if existing is not None:
            return GapAction(existing, created=False)
    plan = services.editable_plan(organisation, actor=actor)
    with translation.override(organisation.language):
        title = answer.norm.title_text
        state = _("no answer") if answer.option is None else answer.option.label_text
        reference = _("Questionnaire %(year)d, norm %(code)s: %(answer)s") % {
            "year": year,
            "code": code,
            "answer": state,
        }
    action = services.create_action(
        plan,
        title=title,
        origin=PlanAction.Origin.GAP,
        reference=reference,
        norms=code,
        values={"priority": _priority(answer), "owner": answer.owner},
        actor=actor,
    )
    return GapAction(action, created=True)
