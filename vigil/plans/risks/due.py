"""Due dates of the risk analysis: risk reviews and the ends of acceptances."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Risk

type DueItem = tuple[datetime.date, str, str]


def _risk_url(organisation: Organisation, risk: Risk) -> str:
    return reverse(
        "registers:detail",
        kwargs={"org": organisation.slug, "register": "risks", "pk": risk.pk},
    )


def due_items(organisation: Organisation, today: datetime.date) -> list[DueItem]:
    """Return (date, text, url) for every risk review and acceptance end, by date.

    Past dates are included, because an overdue review is still due; the
    lists mark them overdue from the date. ``today`` is only used to word the
    end of an acceptance that has passed.
    """
    items: list[DueItem] = []
    risks = Risk.objects.filter(organisation=organisation).order_by("id")
    for risk in risks.exclude(review_date=None):
        if risk.review_date is None:
            continue
        text = _("Review of risk “%(risk)s”") % {"risk": risk.threat}
        items.append((risk.review_date, text, _risk_url(organisation, risk)))
    accepted = risks.filter(decision=Risk.Decision.ACCEPT).exclude(accepted_until=None)
    for risk in accepted:
        if risk.accepted_until is None:
            continue
        text = _("Acceptance of risk “%(risk)s” by %(person)s ends") % {
            "risk": risk.threat,
            "person": risk.accepted_by,
        }
        if risk.accepted_until < today:
            text += " " + _("(expired)")
        items.append((risk.accepted_until, text, _risk_url(organisation, risk)))
    return sorted(items, key=lambda item: (item[0], item[1]))
