"""The incident form and the form that records the notification to the GBA/APD."""

from typing import Any

from django import forms
from django.db import models

from vigil.registers.forms import RegisterForm
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.validation import check_incident

FIELDS = (
    "title",
    "detected_at",
    "reported_at",
    "reported_by",
    "category",
    "affected_systems",
    "affected_data",
    "impact_confidentiality",
    "impact_integrity",
    "impact_availability",
    "personal_data",
    "status",
    "actions_taken",
    "follow_up",
    "root_cause",
    "lessons_learned",
    "closed_at",
    "notification",
    "notified_at",
    "notification_reference",
    "no_notification_reason",
)

NOTIFICATION_FIELDS = (
    "notification",
    "notified_at",
    "notification_reference",
    "no_notification_reason",
)


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; the time is read in Brussels time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _widgets(names: tuple[str, ...]) -> dict[str, forms.Widget]:
    widgets: dict[str, forms.Widget] = {}
    for name in names:
        field = Incident._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            widgets[name] = DateTimeInput()
        elif isinstance(field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    return widgets


class IncidentForm(RegisterForm):
    """Every field of an incident, with the rules of :func:`check_incident`."""

    class Meta:
        model = Incident
        fields = FIELDS
        widgets = _widgets(FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name, messages in check_incident(cleaned).items():
            if name not in self.errors:
                self.add_error(name, messages)
        return cleaned


class NotificationForm(RegisterForm):
    """The notification fields; the other values come from the stored incident."""

    class Meta:
        model = Incident
        fields = NOTIFICATION_FIELDS
        widgets = _widgets(NOTIFICATION_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        values = {name: getattr(self.instance, name) for name in FIELDS}
        values.update(cleaned)
        for name, messages in check_incident(values).items():
            if name in self.fields:
                if name not in self.errors:
                    self.add_error(name, messages)
            else:
                self.add_error(None, messages)
        return cleaned
