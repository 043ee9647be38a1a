"""Due dates of the continuity plan: the next exercise and fallback reviews."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.continuity.checks import next_exercise_due
from vigil.plans.continuity.models import FallbackSite

type DueItem = tuple[datetime.date, str, str]


def due_items(organisation: Organisation, today: datetime.date) -> list[DueItem]:
    """Return (date, text, url) for the next exercise and each fallback review.

    Dates already past are included, because they are still to be done; the
    lists mark them overdue from the date. Without any exercise the first one
    is due ``today``.
    """
    items: list[DueItem] = []
    exercises = reverse(
        "registers:list", kwargs={"org": organisation.slug, "register": "exercises"}
    )
    due = next_exercise_due(organisation)
    if due is None:
        items.append((today, _("First exercise of the continuity plan"), exercises))
    else:
        items.append((due, _("Next exercise of the continuity plan"), exercises))
    for site in FallbackSite.objects.filter(organisation=organisation).order_by("id"):
        url = reverse(
            "registers:detail",
            kwargs={
                "org": organisation.slug,
                "register": "fallback-sites",
                "pk": site.pk,
            },
        )
        text = _("Review of the fallback agreement with %(partner)s") % {
            "partner": site.partner
        }
        items.append((site.review_date, text, url))
    return sorted(items, key=lambda item: (item[0], item[1]))
