"""The audit and finding forms, with the rules the model alone cannot hold."""

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.norms import clean_norm_code
from vigil.registers.forms import DateInput, RegisterForm

AUDIT_FIELDS = (
    "reference",
    "date",
    "status",
    "auditor_kind",
    "auditor_name",
    "auditor_organisation",
    "scope",
    "scope_description",
    "conclusion",
)

FINDING_FIELDS = (
    "audit",
    "severity",
    "norm_code",
    "description",
    "recommendation",
    "response",
    "status",
    "action_ref",
)


def _widgets(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    widgets: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField):
            widgets[name] = DateInput
        elif isinstance(field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    return widgets


class AuditForm(RegisterForm):
    """An audit; a completed audit cannot be dated in the future."""

    class Meta:
        model = Audit
        fields = AUDIT_FIELDS
        widgets = _widgets(Audit, AUDIT_FIELDS)

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        date = cleaned.get("date")
        completed = cleaned.get("status") == Audit.Status.COMPLETED
        if completed and date is not None and date > timezone.localdate():
            self.add_error(
                "date",
                _(
                    "A completed audit cannot be dated %(date)s, in the future; "
                    "give the date of its report or mark it as planned."
                )
                % {"date": date.isoformat()},
            )
        return cleaned


class FindingForm(RegisterForm):
    """A finding; its norm code must be a norm of a loaded catalog."""

    class Meta:
        model = Finding
        fields = FINDING_FIELDS
        widgets = _widgets(Finding, FINDING_FIELDS)

    def clean_norm_code(self) -> str:
        return clean_norm_code(str(self.cleaned_data["norm_code"]))
