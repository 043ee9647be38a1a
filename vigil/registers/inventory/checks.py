"""What needs attention in a centre's inventory, as of a given day.

The register summaries and warnings, the end-of-support page and the tests
all read these queries, so each rule is written once.
"""

import datetime

from django.db import models
from django.db.models import Q

from vigil.organisations.models import Organisation
from vigil.registers.inventory.models import (
    Hardware,
    ProfessionalCard,
    Software,
    UpsUnit,
)

# Software whose end of support falls within this many days is announced.
SUPPORT_NOTICE_DAYS = 90


def a_year_before(day: datetime.date) -> datetime.date:
    """Return the same day one year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def hardware_in_use(organisation: Organisation) -> "models.QuerySet[Hardware]":
    return Hardware.objects.filter(organisation=organisation, disposal_date=None)


def software_past_support(
    organisation: Organisation, today: datetime.date
) -> "models.QuerySet[Software]":
    """Software whose end of support is before ``today``."""
    return Software.objects.filter(
        organisation=organisation, end_of_support__lt=today
    ).order_by("end_of_support", "name")


def software_ending_support(
    organisation: Organisation, today: datetime.date
) -> "models.QuerySet[Software]":
    """Software whose support ends today or in the next 90 days."""
    until = today + datetime.timedelta(days=SUPPORT_NOTICE_DAYS)
    return Software.objects.filter(
        organisation=organisation,
        end_of_support__gte=today,
        end_of_support__lte=until,
    ).order_by("end_of_support", "name")


def cards_expired(
    organisation: Organisation, today: datetime.date
) -> "models.QuerySet[ProfessionalCard]":
    return ProfessionalCard.objects.filter(
        organisation=organisation, valid_until__lt=today
    ).order_by("valid_until", "holder")


def cards_without_safe_storage(
    organisation: Organisation,
) -> "models.QuerySet[ProfessionalCard]":
    """Cards not marked as stored safely, or without a storage place."""
    return ProfessionalCard.objects.filter(
        Q(stored_safely=False) | Q(storage=""), organisation=organisation
    ).order_by("holder")


def ups_test_overdue(
    organisation: Organisation, today: datetime.date
) -> "models.QuerySet[UpsUnit]":
    """UPS units never tested, or last tested more than twelve months ago."""
    return UpsUnit.objects.filter(
        Q(last_test_on=None) | Q(last_test_on__lt=a_year_before(today)),
        organisation=organisation,
    ).order_by("identifier")


def ups_test_failed(organisation: Organisation) -> "models.QuerySet[UpsUnit]":
    return UpsUnit.objects.filter(
        organisation=organisation, last_test_result=UpsUnit.Result.FAILED
    ).order_by("identifier")


def names(records: "models.QuerySet[models.Model]", limit: int = 5) -> str:
    """Return the first ``limit`` records as a comma-separated list."""
    shown = [str(record) for record in records[: limit + 1]]
    if len(shown) > limit:
        shown[limit] = "…"
    return ", ".join(shown)
