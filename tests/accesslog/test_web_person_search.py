"""Search by natural person when the name matches many identity periods."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import national_number
from tests.conftest import login
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.search import MAX_PERSON_PERIODS
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def url(name: str, organisation: Organisation) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug})


def add_periods(organisation: Organisation, actor: User, count: int) -> None:
    """Give ``count`` people named "Jan Peeters <n>" one user id each.

    Only the user id that sorts last, Z-LAST, has an entry in the log.
    """
    for number in range(count - 1):
        add_identity_period(
            organisation,
            user_id=f"A{number:04d}",
            person_name=f"Jan Peeters {number}",
            valid_from=START,
            actor=actor,
        )
    add_identity_period(
        organisation,
        user_id="Z-LAST",
        person_name="Jan Peeters last",
        valid_from=START,
        actor=actor,
    )
    record = {
        "event_id": "e-1",
        "time": (START + datetime.timedelta(days=1)).isoformat(),
        "user_id": "Z-LAST",
        "application": "social-file",
        "action": "consult",
        "subject": national_number(1),
        "service": "IdentifyPerson",
    }
    ingest_events(organisation, [(1, record)], source="test")


def person_errors(response: Any) -> list[str]:
    return list(response.context["form"].errors.get("person", []))


def test_person_within_limit_finds_entries(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_periods(centre_a, consultant_a, MAX_PERSON_PERIODS)
    page = login(consultant_a).get(url("search", centre_a), {"person": "Jan"})
    assert page.status_code == 200
    rows = page.context["page"].rows
    assert [row.entry.user_id for row in rows] == ["Z-LAST"]


def test_person_over_limit_rejected_on_page(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_periods(centre_a, consultant_a, MAX_PERSON_PERIODS + 1)
    page = login(consultant_a).get(url("search", centre_a), {"person": "Jan"})
    assert page.status_code == 400
    assert "page" not in page.context
    [error] = person_errors(page)
    assert "“Jan”" in error
    assert str(MAX_PERSON_PERIODS) in error


def test_person_over_limit_rejected_in_form(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_periods(centre_a, consultant_a, MAX_PERSON_PERIODS + 1)
    response = login(consultant_a).post(url("search", centre_a), {"person": "Jan"})
    assert response.status_code == 400
    assert len(person_errors(response)) == 1


def test_person_over_limit_exports_nothing(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_periods(centre_a, consultant_a, MAX_PERSON_PERIODS + 1)
    client: Client = login(consultant_a)
    for name in ("export", "export_excel"):
        response = client.get(url(name, centre_a), {"person": "Jan"})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert len(person_errors(response)) == 1


def test_narrower_person_still_found(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_periods(centre_a, consultant_a, MAX_PERSON_PERIODS + 1)
    page = login(consultant_a).get(
        url("search", centre_a), {"person": "Jan Peeters last"}
    )
    assert page.status_code == 200
    rows = page.context["page"].rows
    assert [row.entry.user_id for row in rows] == ["Z-LAST"]
