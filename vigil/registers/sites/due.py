"""Inspections of alarm and fire measures for the list of what falls due."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.sites.models import SafetyMeasure


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return the next inspection of every measure that has one planned."""
    measures = SafetyMeasure.objects.filter(
        organisation=organisation, next_inspection__isnull=False
    ).order_by("next_inspection", "id")
    return [
        (
            measure.next_inspection,
            _("Inspect the %(kind)s: %(location)s")
            % {"kind": measure.get_kind_display(), "location": measure.location},
            reverse(
                "registers:detail",
                kwargs={
                    "org": organisation.slug,
                    "register": "safety-measures",
                    "pk": measure.pk,
                },
            ),
        )
        for measure in measures
        if measure.next_inspection is not None
    ]
