"""The rules an incident must meet, checked on the page, in imports and the API.

:func:`check_incident` takes the incident's values as a mapping, so the full
form and the notification form apply the same rules to the same values.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from vigil.registers.incidents.models import Incident

type Errors = dict[str, list[str]]


def check_incident(values: Mapping[str, Any]) -> Errors:
    """Return the messages of every rule the values break, by field name."""
    errors: Errors = {}
    _check_times(values, errors)
    _check_closing(values, errors)
    _check_notification(values, errors)
    return errors


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _time(values: Mapping[str, Any], name: str) -> datetime.datetime | None:
    value = values.get(name)
    return value if isinstance(value, datetime.datetime) else None


def _check_times(values: Mapping[str, Any], errors: Errors) -> None:
    detected = _time(values, "detected_at")
    if detected is None:
        return
    reported = _time(values, "reported_at")
    if reported is not None and reported < detected:
        _add(
            errors,
            "reported_at",
            _(
                "The incident cannot be reported before it was detected; "
                "give a time on or after the detection time."
            ),
        )
    closed = _time(values, "closed_at")
    if closed is not None and closed < detected:
        _add(
            errors,
            "closed_at",
            _(
                "The incident cannot be closed before it was detected; "
                "give a time on or after the detection time."
            ),
        )
    notified = _time(values, "notified_at")
    if notified is not None and notified < detected:
        _add(
            errors,
            "notified_at",
            _(
                "The notification cannot precede the detection; "
                "give a time on or after the detection time."
            ),
        )


def _check_closing(values: Mapping[str, Any], errors: Errors) -> None:
    closed = values.get("status") == Incident.Status.CLOSED
    if not closed:
        if _time(values, "closed_at") is not None:
            _add(
                errors,
                "closed_at",
                _(
                    "Only a closed incident has a closing time; set the status "
                    "to closed or clear the closing time."
                ),
            )
        return
    if _time(values, "closed_at") is None:
        _add(errors, "closed_at", _("Give the closing time to close the incident."))
    if not str(values.get("root_cause") or "").strip():
        _add(errors, "root_cause", _("Describe the root cause to close the incident."))
    if not str(values.get("lessons_learned") or "").strip():
        _add(
            errors,
            "lessons_learned",
            _("Write the lessons learned to close the incident."),
        )
    pending = values.get("notification") == Incident.Notification.PENDING
    if values.get("personal_data") and pending:
        _add(
            errors,
            "notification",
            _(
                "Personal data are involved: record the notification to the "
                "GBA/APD or the decision not to notify before closing."
            ),
        )


def _check_notification(values: Mapping[str, Any], errors: Errors) -> None:
    choice = values.get("notification") or Incident.Notification.PENDING
    notified = _time(values, "notified_at")
    reference = str(values.get("notification_reference") or "").strip()
    reason = str(values.get("no_notification_reason") or "").strip()
    if choice != Incident.Notification.PENDING and not values.get("personal_data"):
        _add(
            errors,
            "notification",
            _(
                "Only an incident with personal data is notified to the GBA/APD; "
                "tick “personal data involved” or choose “not decided yet”."
            ),
        )
    if choice == Incident.Notification.NOTIFIED and notified is None:
        _add(errors, "notified_at", _("Give the time the GBA/APD was notified."))
    if choice != Incident.Notification.NOTIFIED and (notified or reference):
        name = "notified_at" if notified else "notification_reference"
        _add(
            errors,
            name,
            _(
                "A notification time or reference needs the choice “notified "
                "to the GBA/APD”; choose it or clear the time and reference."
            ),
        )
    if choice == Incident.Notification.NOT_NOTIFIED and not reason:
        _add(
            errors,
            "no_notification_reason",
            _("Document why the breach is not notified to the GBA/APD."),
        )
    if choice != Incident.Notification.NOT_NOTIFIED and reason:
        _add(
            errors,
            "no_notification_reason",
            _(
                "A reason not to notify needs the choice “decided not to "
                "notify”; choose it or clear the reason."
            ),
        )
