"""Recording the notifications of a consultant appointment to the supervisor.

Each change writes an audit entry whose target is the consultant record, so
the notifications show in that record's history.
"""

from typing import Any

from django import forms
from django.db import transaction

from vigil.audit.services import record as audit
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.services import RecordInvalid


class NotificationForm(forms.ModelForm):  # type: ignore[type-arg]
    """The sending of a notification: date, channel and reference."""

    class Meta:
        model = Notification
        fields = ("sent_on", "channel", "reference", "acknowledged_on")
        widgets = {
            "sent_on": forms.DateInput(attrs={"type": "date"}),
            "acknowledged_on": forms.DateInput(attrs={"type": "date"}),
        }


class AcknowledgementForm(forms.ModelForm):  # type: ignore[type-arg]
    """The date the supervisor acknowledged a notification."""

    class Meta:
        model = Notification
        fields = ("acknowledged_on",)
        widgets = {"acknowledged_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acknowledged_on"].required = True


def _errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _values(notification: Notification) -> dict[str, Any]:
    return {
        "notification": notification.pk,
        "sent_on": notification.sent_on.isoformat(),
        "channel": notification.channel,
        "reference": notification.reference,
        "acknowledged_on": (
            notification.acknowledged_on.isoformat()
            if notification.acknowledged_on
            else None
        ),
    }


def record_sent(
    consultant: Consultant, data: dict[str, Any], *, actor: Any
) -> Notification:
    """Record that a notification was sent; raise RecordInvalid on bad data."""
    instance = Notification(organisation=consultant.organisation, consultant=consultant)
    form = NotificationForm(data, instance=instance)
    if not form.is_valid():
        raise RecordInvalid(_errors(form))
    with transaction.atomic():
        notification: Notification = form.save()
        audit(
            "consultant.notification_sent",
            actor=actor,
            target=consultant,
            organisation=consultant.organisation,
            new=_values(notification),
        )
    return notification


def record_acknowledged(
    notification: Notification, data: dict[str, Any], *, actor: Any
) -> Notification:
    """Record the supervisor's acknowledgement; raise RecordInvalid on bad data."""
    old = _values(notification)
    form = AcknowledgementForm(data, instance=notification)
    if not form.is_valid():
        raise RecordInvalid(_errors(form))
    with transaction.atomic():
        form.save()
        audit(
            "consultant.notification_acknowledged",
            actor=actor,
            target=notification.consultant,
            organisation=notification.organisation,
            old={"acknowledged_on": old["acknowledged_on"]},
            new={"acknowledged_on": _values(notification)["acknowledged_on"]},
        )
    return notification
