"""The audit trail page shows the active centre's entries only."""

import pytest

from tests.conftest import login
from vigil.accounts.models import User
from vigil.audit.services import record
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


def test_trail_shows_own_centre_entries(
    management_a: User, centre_a: Organisation, centre_b: Organisation
) -> None:
    record(
        "organisation.updated",
        actor=None,
        target=centre_a,
        organisation=centre_a,
        new={"street": "Marktplein 1"},
    )
    record(
        "organisation.updated",
        actor=None,
        target=centre_b,
        organisation=centre_b,
        new={"street": "Kerkstraat 5"},
    )

    response = login(management_a).get("/c/centre-a/audit/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Marktplein 1" in page
    assert "Kerkstraat 5" not in page


def test_trail_pages_by_fifty(management_a: User, centre_a: Organisation) -> None:
    for number in range(55):
        record(
            "organisation.updated",
            actor=None,
            target=centre_a,
            organisation=centre_a,
            new={"street": f"Straat {number}"},
        )
    client = login(management_a)

    first = client.get("/c/centre-a/audit/")
    second = client.get("/c/centre-a/audit/?page=2")

    assert len(first.context["page"]) == 50
    assert first.context["page"].has_next()
    assert second.context["page"].number == 2


def test_trail_labels_follow_french_typography(
    management_a: User, centre_a: Organisation
) -> None:
    record(
        "organisation.updated",
        actor=None,
        target=centre_a,
        organisation=centre_a,
        new={"street": "Marktplein 1"},
    )

    page = (
        login(management_a)
        .get("/c/centre-a/audit/", headers={"Accept-Language": "fr"})
        .content.decode()
    )

    assert "Rue et numéro\u00a0:</dt>" in page
    assert "<td>système</td>" in page
