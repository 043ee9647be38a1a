"""Changing a centre's risk matrix and turning a risk into a security plan action.

Each change is audited in the same transaction. Risk records themselves are
changed through :mod:`vigil.registers.services` like every register.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Risk, RiskMatrix, matrix_for
from vigil.plans.risks.scoring import Level
from vigil.registers.services import RecordInvalid

RATING_FIELDS = ("likelihood", "impact", "residual_likelihood", "residual_impact")

# The priority of the plan action that treats a risk of each level.
PRIORITY_OF_LEVEL = {Level.CRITICAL: 1, Level.HIGH: 2, Level.MEDIUM: 3, Level.LOW: 4}


class MatrixForm(forms.ModelForm):  # type: ignore[type-arg]
    """The size of a centre's matrix and its three level thresholds."""

    class Meta:
        model = RiskMatrix
        fields = ("size", "medium_from", "high_from", "critical_from")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        size = data.get("size")
        medium, high, critical = (
            data.get("medium_from"),
            data.get("high_from"),
            data.get("critical_from"),
        )
        if size is None or medium is None or high is None or critical is None:
            return data
        if not 1 < medium < high < critical <= size * size:
            raise ValidationError(
                _(
                    "The thresholds %(medium)d, %(high)d and %(critical)d must "
                    "rise and stay within the scores 2 to %(top)d of a %(size)d × "
                    "%(size)d matrix, for example %(a)d, %(b)d and %(c)d."
                )
                % {
                    "medium": medium,
                    "high": high,
                    "critical": critical,
                    "top": size * size,
                    "size": size,
                    "a": size,
                    "b": 2 * size,
                    "c": 3 * size,
                }
            )
        return data


def _too_large(organisation: Organisation, size: int) -> int:
    found = Risk.objects.filter(organisation=organisation)
    return sum(
        1 for risk in found if any(getattr(risk, name) > size for name in RATING_FIELDS)
    )


def _matrix_values(matrix: RiskMatrix | None) -> dict[str, Any]:
    shown = matrix.matrix if matrix is not None else None
    if shown is None:
        return {}
    return {
        "size": shown.size,
        "medium_from": shown.medium_from,
        "high_from": shown.high_from,
        "critical_from": shown.critical_from,
    }


def set_matrix(
    organisation: Organisation, data: Mapping[str, Any], *, actor: Any
) -> RiskMatrix:
    """Save the centre's matrix; raise RecordInvalid with the field errors.

    A smaller matrix is refused while risks are rated beyond it, because
    their scores would no longer fit a cell.
    """
    stored = RiskMatrix.objects.filter(organisation=organisation).first()
    old = _matrix_values(stored)
    instance = stored or RiskMatrix(organisation=organisation)
    form = MatrixForm(data, instance=instance)
    if not form.is_valid():
        errors = {name: [str(m) for m in items] for name, items in form.errors.items()}
        raise RecordInvalid(errors)
    size = form.cleaned_data["size"]
    beyond = _too_large(organisation, size)
    if beyond:
        message = ngettext(
            "%(count)d risk is rated above %(size)d; lower its rating first, "
            "or keep a larger matrix.",
            "%(count)d risks are rated above %(size)d; lower their ratings "
            "first, or keep a larger matrix.",
            beyond,
        ) % {"count": beyond, "size": size}
        raise RecordInvalid({"size": [message]})
    with transaction.atomic():
        saved: RiskMatrix = form.save()
        audit(
            "risks.matrix_changed",
            actor=actor,
            target=saved,
            organisation=organisation,
            old=old or None,
            new=_matrix_values(saved),
        )
    return saved


def plan_action_title(risk: Risk) -> str:
    return _("Treat the risk: %(threat)s") % {"threat": risk.threat}


def create_plan_action(risk: Risk, *, actor: Any) -> Any:
    """Add an action that treats ``risk`` to the centre's draft security plan.

    A draft is started from the approved plan when there is none. Raise
    ValidationError when the centre has no plan or the plan is frozen, and
    RecordInvalid when the action is invalid.
    """
    from vigil.plans.security import services as plans

    level = risk.level(matrix_for(risk.organisation))
    with transaction.atomic():
        plan = plans.editable_plan(risk.organisation, actor=actor)
        action = plans.create_action(
            plan,
            title=plan_action_title(risk),
            origin="risk",
            reference=_("risk %(id)d: %(risk)s") % {"id": risk.pk, "risk": str(risk)},
            norms="4.7.1",
            values={"priority": PRIORITY_OF_LEVEL[level]},
            actor=actor,
        )
        audit(
            "risks.plan_action_created",
            actor=actor,
            target=risk,
            organisation=risk.organisation,
            new={"action": action.pk, "title": action.title},
        )
    return action
