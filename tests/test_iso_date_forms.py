"""Date fields outside the registers take ISO 8601 dates only, as the rest of Vigil."""

from collections.abc import Callable

import pytest
from django import forms

from vigil.plans.security.forms import ApprovalForm
from vigil.registers.authorisations.forms import StartReviewForm
from vigil.registers.backups.views import MediaForm

DAY_FIRST = "02/03/2026"
MESSAGE = (
    "“02/03/2026” is geen datum; schrijf hem als JJJJ-MM-DD, bijvoorbeeld 2026-03-12."
)


def approval(date: str) -> forms.Form:
    return ApprovalForm({"body": "council", "date": date, "reference": "RMW 12"})


def review(date: str) -> forms.Form:
    return StartReviewForm({"name": "Review 2026", "started_on": date, "due_by": date})


def media(date: str) -> forms.Form:
    return MediaForm({"scheme": "GFS", "date": date}, names=["GFS"])


@pytest.mark.parametrize(
    ("build", "field"),
    [(approval, "date"), (review, "started_on"), (media, "date")],
)
def test_day_first_date_rejected(
    build: Callable[[str], forms.Form], field: str
) -> None:
    form = build(DAY_FIRST)

    assert not form.is_valid()
    assert form.errors[field] == [MESSAGE]


@pytest.mark.parametrize("build", [approval, review, media])
def test_iso_date_accepted(build: Callable[[str], forms.Form]) -> None:
    form = build("2026-03-02")

    assert form.is_valid(), form.errors
