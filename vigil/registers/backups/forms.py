"""The form of a backup run: a date and time widget and no run imported twice."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from vigil.registers.backups.models import BackupRun
from vigil.registers.forms import RegisterForm

RUN_FIELDS = (
    "started_at",
    "scope",
    "kind",
    "medium",
    "result",
    "size",
    "tool",
    "reference",
    "notes",
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return str(value.strftime("%Y-%m-%dT%H:%M"))
        return super().format_value(value)


class BackupRunForm(RegisterForm):
    class Meta:
        model = BackupRun
        fields = RUN_FIELDS
        widgets = {
            "started_at": DateTimeInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_reference(self) -> str:
        reference: str = self.cleaned_data.get("reference", "")
        if not reference:
            return reference
        same = BackupRun.objects.filter(
            organisation=self.organisation,
            tool=self.data.get("tool", ""),
            reference=reference,
        ).exclude(pk=self.instance.pk)
        existing = same.first()
        if existing is not None:
            raise forms.ValidationError(
                _(
                    "This snapshot or archive is already in the register as run "
                    "%(id)s; leave it out of the file or delete that run."
                )
                % {"id": existing.pk}
            )
        return reference
