"""The consultant register's deadlines for the list of what falls due."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.consultants.specs import CONSULTANTS, active_consultant


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return the notification of the consultant in office when it is missing.

    It falls due on the appointment's start date, so it is overdue at once.
    """
    consultant = active_consultant(organisation, today)
    if consultant is None or consultant.notifications.exists():
        return []
    url = reverse(
        "registers:detail",
        kwargs={
            "org": organisation.slug,
            "register": CONSULTANTS.slug,
            "pk": consultant.pk,
        },
    )
    text = _("Notify the appointment of %(name)s to the Social Integration service") % {
        "name": consultant.name
    }
    return [(consultant.start_date, text, url)]
