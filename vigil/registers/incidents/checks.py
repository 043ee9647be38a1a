"""The summary and warnings of the incident register on the questionnaire."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.organisations.models import Organisation
from vigil.registers.incidents.deadlines import (
    BRUSSELS,
    NOTIFICATION_DELAY,
    notification_deadline,
)
from vigil.registers.incidents.models import Incident

STALE_AFTER = datetime.timedelta(days=30)
NAMED = 5


def overdue_notifications(
    organisation: Organisation, now: datetime.datetime
) -> "QuerySet[Incident]":
    """Incidents with personal data past the 72-hour deadline, nothing decided."""
    return Incident.objects.filter(
        organisation=organisation,
        personal_data=True,
        notification=Incident.Notification.PENDING,
        detected_at__lt=now - NOTIFICATION_DELAY,
    ).order_by("detected_at", "id")


def stale_incidents(
    organisation: Organisation, now: datetime.datetime
) -> "QuerySet[Incident]":
    """Incidents detected more than 30 days ago that are not closed yet."""
    return (
        Incident.objects.filter(
            organisation=organisation, detected_at__lt=now - STALE_AFTER
        )
        .exclude(status=Incident.Status.CLOSED)
        .order_by("detected_at", "id")
    )


def warnings(organisation: Organisation, now: datetime.datetime) -> list[str]:
    """Return a warning per overdue notification and one for stale incidents."""
    found = [
        _(
            "“%(title)s”: personal data are involved and the 72-hour deadline to "
            "notify the GBA/APD passed on %(deadline)s; record the notification "
            "or the decision not to notify."
        )
        % {
            "title": incident.title,
            "deadline": f"{notification_deadline(incident.detected_at):%Y-%m-%d %H:%M}",
        }
        for incident in overdue_notifications(organisation, now)
    ]
    stale = list(stale_incidents(organisation, now))
    if stale:
        titles = ", ".join(
            f"“{incident.title}” ({incident.detected_at.astimezone(BRUSSELS):%Y-%m-%d})"
            for incident in stale[:NAMED]
        )
        if len(stale) > NAMED:
            titles += " " + _("and %(count)d more") % {"count": len(stale) - NAMED}
        found.append(
            ngettext(
                "%(count)d incident detected more than 30 days ago is not closed: "
                "%(titles)s.",
                "%(count)d incidents detected more than 30 days ago are not closed: "
                "%(titles)s.",
                len(stale),
            )
            % {"count": len(stale), "titles": titles}
        )
    return found


def summary(organisation: Organisation, now: datetime.datetime) -> list[str]:
    """Return the count of this year's incidents and of those not closed."""
    year = now.astimezone(BRUSSELS).year
    records = Incident.objects.filter(organisation=organisation)
    this_year = records.filter(detected_at__year=year)
    count = this_year.count()
    personal = this_year.filter(personal_data=True).count()
    not_closed = records.exclude(status=Incident.Status.CLOSED).count()
    return [
        ngettext(
            "%(count)d incident detected in %(year)d, %(personal)d with personal data.",
            "%(count)d incidents detected in %(year)d, "
            "%(personal)d with personal data.",
            count,
        )
        % {"count": count, "year": year, "personal": personal},
        ngettext(
            "%(count)d incident not closed.",
            "%(count)d incidents not closed.",
            not_closed,
        )
        % {"count": not_closed},
    ]


def current_warnings(organisation: Organisation) -> list[str]:
    return warnings(organisation, timezone.now())


def current_summary(organisation: Organisation) -> list[str]:
    return summary(organisation, timezone.now())
