"""The questionnaire's deadline for the list of what falls due."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.assessments.models import Assessment
from vigil.organisations.deadlines import DueItem
from vigil.organisations.models import Organisation


def questionnaire_due(year: int) -> datetime.date:
    """Return the day by which the questionnaire about ``year`` is due.

    The setting ``VIGIL_QUESTIONNAIRE_DUE`` gives it as MM-DD of the next year.
    """
    text = settings.VIGIL_QUESTIONNAIRE_DUE
    try:
        month, day = (int(part) for part in text.split("-"))
        return datetime.date(year + 1, month, day)
    except ValueError:
        raise ValueError(
            f"VIGIL_QUESTIONNAIRE_DUE={text!r} is not a day; write MM-DD, e.g. 03-31"
        ) from None


def due_items(organisation: Organisation, today: datetime.date) -> list[DueItem]:
    """Return the questionnaires about last year and this year not yet submitted."""
    found = Assessment.objects.filter(
        organisation=organisation, year__in=(today.year - 1, today.year)
    )
    by_year = {assessment.year: assessment for assessment in found}
    return [
        _item(organisation, year, by_year.get(year))
        for year in (today.year - 1, today.year)
        if year not in by_year or by_year[year].is_draft
    ]


def _item(
    organisation: Organisation, year: int, assessment: Assessment | None
) -> DueItem:
    if assessment is None:
        url = reverse("assessments:dashboard", kwargs={"org": organisation.slug})
    else:
        url = reverse(
            "assessments:questionnaire", kwargs={"org": organisation.slug, "year": year}
        )
    text = _("Submit the questionnaire %(year)d") % {"year": year}
    return DueItem(questionnaire_due(year), text, url)
