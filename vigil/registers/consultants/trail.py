"""Audit-trail display of the notifications to the supervisor.

A notification is recorded on the consultant with the notification's own
values, such as ``{"channel": "registered_letter"}``. The trail labels them
as the notification's fields and shows its channel's label.
"""

from vigil.audit.display import record_text, register_action_keys
from vigil.registers.consultants.models import Notification

ACTIONS = ("consultant.notification_sent", "consultant.notification_acknowledged")


def connect() -> None:
    """Register the labels and texts of the notifications' audit entries."""
    notification = Notification._meta
    for action in ACTIONS:
        register_action_keys(
            action,
            labels={"notification": notification.verbose_name},
            fields={
                name: notification.get_field(name)
                for name in ("sent_on", "channel", "reference", "acknowledged_on")
            },
            texts={"notification": record_text(Notification)},
        )
