"""The 72-hour notification deadlines for the list of what falls due."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.incidents.deadlines import notification_deadline
from vigil.registers.incidents.models import Incident


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return each incident with personal data whose notification is undecided,
    due on the day (in the centre's time zone) its 72 hours end."""
    pending = Incident.objects.filter(
        organisation=organisation,
        personal_data=True,
        notification=Incident.Notification.PENDING,
    ).order_by("detected_at", "id")
    items = []
    for incident in pending:
        deadline = timezone.localtime(notification_deadline(incident.detected_at))
        text = _(
            "Notify the data protection authority of “%(title)s” by %(time)s, "
            "or record why not"
        ) % {"title": incident.title, "time": deadline.strftime("%H:%M")}
        url = reverse(
            "registers:detail",
            kwargs={
                "org": organisation.slug,
                "register": "incidents",
                "pk": incident.pk,
            },
        )
        items.append((deadline.date(), text, url))
    return items
