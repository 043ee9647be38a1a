"""Risk reviews and acceptance ends that fall due, and their warnings."""

import datetime

import pytest

from vigil.organisations.models import Organisation
from vigil.plans.risks.due import due_items
from vigil.plans.risks.specs import risk_warnings

from .conftest import make_process, make_risk

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def test_due_items_sorted_by_date(centre_a: Organisation) -> None:
    review = make_risk(centre_a, threat="Brand", review_date="2026-09-30")
    accepted = make_risk(
        centre_a,
        threat="Uitval",
        decision="accept",
        accepted_by="Algemeen directeur",
        accepted_until="2026-05-31",
        review_date="2026-12-31",
    )
    make_risk(centre_a, threat="Zonder datum")

    items = due_items(centre_a, TODAY)

    url = f"/c/{centre_a.slug}/registers/risks/"
    assert items == [
        (
            datetime.date(2026, 5, 31),
            "Acceptance of risk “Uitval” by Algemeen directeur ends (expired)",
            f"{url}{accepted.pk}/",
        ),
        (datetime.date(2026, 9, 30), "Review of risk “Brand”", f"{url}{review.pk}/"),
        (
            datetime.date(2026, 12, 31),
            "Review of risk “Uitval”",
            f"{url}{accepted.pk}/",
        ),
    ]


def test_due_items_of_one_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    make_risk(centre_b, review_date="2026-09-30")

    assert due_items(centre_a, TODAY) == []


def test_warnings_for_expired_and_overdue(centre_a: Organisation) -> None:
    make_risk(
        centre_a,
        threat="Uitval",
        decision="accept",
        accepted_by="Algemeen directeur",
        accepted_until="2026-05-31",
        review_date="2026-04-30",
    )

    warnings = risk_warnings(centre_a, TODAY)

    assert warnings == [
        "The acceptance of risk “Uitval” expired on 2026-05-31; decide again "
        "and record who accepts it until when.",
        "The review of risk “Uitval” was due on 2026-04-30; review it.",
    ]


def test_warning_without_processes(centre_a: Organisation) -> None:
    assert any("No process is recorded" in w for w in risk_warnings(centre_a, TODAY))
    make_process(centre_a)
    assert risk_warnings(centre_a, TODAY) == []


def test_overdue_review_text_has_no_tag(centre_a: Organisation) -> None:
    # The lists of what falls due mark a past date as overdue themselves.
    risk = make_risk(centre_a, threat="Brand", review_date="2026-05-01")

    items = due_items(centre_a, TODAY)

    url = f"/c/{centre_a.slug}/registers/risks/{risk.pk}/"
    assert items == [(datetime.date(2026, 5, 1), "Review of risk “Brand”", url)]
