"""The 72-hour deadline to notify a personal data breach to the GBA/APD.

The GDPR (art. 33.1) requires the controller to notify the supervisory authority,
in Belgium the Gegevensbeschermingsautoriteit / Autorité de protection des
données, within 72 hours of becoming aware of the breach. The deadline is an
instant 72 hours after detection; only its display uses Brussels time, so a
change to or from summer time moves the local clock time by an hour.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.registers.incidents.models import Incident

NOTIFICATION_DELAY = datetime.timedelta(hours=72)
BRUSSELS = ZoneInfo("Europe/Brussels")


def notification_deadline(detected_at: datetime.datetime) -> datetime.datetime:
    """Return the deadline in Brussels time for a breach detected at ``detected_at``."""
    if detected_at.tzinfo is None:
        raise ValueError("detected_at must carry a time zone")
    # Adding to a time with a Brussels tzinfo would add wall-clock hours, so
    # the addition happens in UTC.
    instant = detected_at.astimezone(datetime.UTC) + NOTIFICATION_DELAY
    return instant.astimezone(BRUSSELS)


def _between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    # Subtracting two times with the same tzinfo ignores a change of offset.
    return end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)


def format_duration(delta: datetime.timedelta) -> str:
    """Format a duration as ``51 h 05 min``, or as days and hours from 72 hours."""
    minutes = int(abs(delta).total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    if hours >= 72:
        days, hours = divmod(hours, 24)
        return ngettext(
            "%(days)d day %(hours)d h", "%(days)d days %(hours)d h", days
        ) % {"days": days, "hours": hours}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


@dataclass(frozen=True)
class NotificationState:
    """The state of an incident with personal data against the 72-hour deadline."""

    deadline: datetime.datetime
    remaining: datetime.timedelta
    notification: str
    notified_at: datetime.datetime | None

    @property
    def deadline_shown(self) -> str:
        return f"{self.deadline:%Y-%m-%d %H:%M}"

    @property
    def notified_shown(self) -> str:
        return f"{self.notified_at:%Y-%m-%d %H:%M}" if self.notified_at else ""

    @property
    def decided(self) -> bool:
        return self.notification != Incident.Notification.PENDING

    @property
    def overdue(self) -> bool:
        """True when nothing was decided and the deadline has passed."""
        return not self.decided and self.remaining < datetime.timedelta(0)

    @property
    def notified_late(self) -> bool:
        if self.notified_at is None:
            return False
        return _between(self.deadline, self.notified_at) > datetime.timedelta(0)

    @property
    def text(self) -> str:
        """The state in one sentence, for the incident page and warnings."""
        if self.notified_at is not None:
            late = _between(self.deadline, self.notified_at)
            if late > datetime.timedelta(0):
                return _("Notified %(duration)s after the deadline.") % {
                    "duration": format_duration(late)
                }
            return _("Notified within the deadline.")
        if self.notification == Incident.Notification.NOT_NOTIFIED:
            return _("Decided not to notify.")
        if self.overdue:
            return _("Overdue by %(duration)s.") % {
                "duration": format_duration(self.remaining)
            }
        return _("%(duration)s left.") % {"duration": format_duration(self.remaining)}


def notification_state(
    incident: Incident, now: datetime.datetime
) -> NotificationState | None:
    """Return the state against the deadline; None without personal data."""
    if not incident.personal_data:
        return None
    deadline = notification_deadline(incident.detected_at)
    notified_at = incident.notified_at
    if incident.notification != Incident.Notification.NOTIFIED:
        notified_at = None
    return NotificationState(
        deadline=deadline,
        remaining=_between(now, deadline),
        notification=incident.notification,
        notified_at=notified_at.astimezone(BRUSSELS) if notified_at else None,
    )
