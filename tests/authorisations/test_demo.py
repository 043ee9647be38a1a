"""The demo authorisation table and its two reviews."""

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers.authorisations import demo, reviews, specs
from vigil.registers.authorisations.models import Authorisation, ReviewCampaign


def test_demo_populates_table_and_reviews(
    centre_a: Organisation, consultant_a: User
) -> None:
    demo.populate(centre_a, consultant_a, timezone.localdate())
    demo.populate(centre_a, consultant_a, timezone.localdate())

    assert Authorisation.objects.filter(organisation=centre_a).count() == 12
    closed, opened = ReviewCampaign.objects.order_by("started_on")
    assert closed.is_closed
    assert not opened.is_closed
    outcome = reviews.result(closed)
    assert (outcome.changed, outcome.revoked, outcome.open) == (1, 1, 0)
    assert reviews.result(opened).open == 7
    warnings = specs._warnings(centre_a)
    assert not any("No review of the authorisations" in line for line in warnings)
    # U100204 has no identity period, but its authorisation was revoked.
    assert not any("U100204" in line for line in warnings)


@pytest.mark.parametrize("user_id", demo.IDENTIFIED)
def test_demo_identities_cover(centre_a: Organisation, user_id: str) -> None:
    demo.populate(centre_a, None, timezone.localdate())

    record = Authorisation.objects.filter(user_id=user_id).first()
    assert record is not None
    assert record.has_identity_now()
