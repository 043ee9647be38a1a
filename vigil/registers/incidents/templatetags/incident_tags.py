"""Template tags of the incident page and of the finding page's incident button."""

import datetime

from django import template
from django.utils import timezone

from vigil.accesslog.detection.models import Finding
from vigil.registers.incidents.deadlines import (
    BRUSSELS,
    NotificationState,
    notification_state,
)
from vigil.registers.incidents.models import Incident

register = template.Library()


@register.simple_tag
def incident_notification(incident: Incident) -> NotificationState | None:
    """Return the incident's state against the 72-hour deadline at this moment."""
    return notification_state(incident, timezone.now())


@register.simple_tag
def incident_for_finding(finding: Finding) -> Incident | None:
    """Return the incident made from a misuse finding, if there is one."""
    return Incident.objects.filter(
        organisation_id=finding.organisation_id, finding=finding
    ).first()


@register.filter
def brussels(value: datetime.datetime | None) -> str:
    """Show a time in Brussels time as ``YYYY-MM-DD HH:MM``, a dash for none."""
    if value is None:
        return "—"
    return f"{value.astimezone(BRUSSELS):%Y-%m-%d %H:%M}"
