"""Forms of the plan pages and the action form the register pages use."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.isodate import IsoDateField
from vigil.plans.security import rules
from vigil.plans.security.models import (
    PlanAction,
    PlanFrozen,
    SecurityPlan,
    ensure_editable,
)
from vigil.registers.forms import DateInput, RegisterForm

# Words accepted for a priority in files and the API, besides 1 to 4.
PRIORITY_WORDS = {
    "critical": 1,
    "kritiek": 1,
    "critique": 1,
    "high": 2,
    "hoog": 2,
    "haute": 2,
    "élevée": 2,
    "medium": 3,
    "gemiddeld": 3,
    "moyenne": 3,
    "low": 4,
    "laag": 4,
    "basse": 4,
    "faible": 4,
}


class ActionForm(RegisterForm):
    """An action of a draft plan, with its norms and year checked against both."""

    class Meta:
        model = PlanAction
        fields = [
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
        ]
        widgets = {
            "due_date": DateInput,
            "progress_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            word = str(data.get("priority", "")).strip().lower()
            if word in PRIORITY_WORDS:
                data = data.copy()
                data["priority"] = str(PRIORITY_WORDS[word])
        super().__init__(data, *args, **kwargs)

    def clean_norms(self) -> str:
        return rules.clean_norms(self.organisation, self.cleaned_data.get("norms", ""))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        stored = self._stored_plan()
        plan = cleaned.get("plan")
        for checked in dict.fromkeys(p for p in (stored, plan) if p is not None):
            try:
                ensure_editable(checked)
            except PlanFrozen as error:
                raise ValidationError({"plan": error.messages}) from None
        if isinstance(plan, SecurityPlan):
            try:
                rules.check_planned_year(plan, cleaned.get("planned_year"))
            except ValidationError as error:
                self.add_error("planned_year", error)
        return cleaned

    def _stored_plan(self) -> SecurityPlan | None:
        if self.instance.pk is None:
            return None
        stored = PlanAction.objects.select_related("plan").get(pk=self.instance.pk)
        return stored.plan


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    """The period, title and introduction of a draft plan."""

    class Meta:
        model = SecurityPlan
        fields = ["title", "first_year", "years", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


class ApprovalForm(forms.Form):
    body = forms.ChoiceField(label=_("approved by"), choices=SecurityPlan.Body.choices)
    date = IsoDateField(label=_("date of approval"), widget=DateInput)
    reference = forms.CharField(
        label=_("decision reference"),
        max_length=120,
        help_text=_("The number or reference of the decision in the minutes."),
    )
