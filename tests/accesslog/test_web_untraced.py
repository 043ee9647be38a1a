"""The list of untraced user ids on the identity register's page."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accesslog.factories import event
from tests.conftest import login
from vigil.accesslog import untraced
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.untraced import UntracedUserId
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = {"since": "2026-03-01", "until": "2026-03-31"}


def page_url(organisation: Organisation) -> str:
    return reverse("accesslog:identities", kwargs={"org": organisation.slug})


def local(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=BRUSSELS)


def ingest(organisation: Organisation, *entries: tuple[str, datetime.datetime]) -> None:
    records = [
        (number, event(number, user_id=user_id, time=time.isoformat()))
        for number, (user_id, time) in enumerate(entries, start=1)
    ]
    ingest_events(organisation, records, source="test")


def rows(response: Any) -> list[UntracedUserId]:
    report = response.context["untraced"]
    assert report is not None
    return list(report.rows)


@pytest.fixture
def consultant(consultant_a: User) -> Client:
    return login(consultant_a)


def test_untraced_ids_listed_with_links(
    consultant: Client, centre_a: Organisation
) -> None:
    ingest(centre_a, ("U1", local(2, 10)), ("U1", local(3, 10)), ("P 7", local(4, 9)))
    add_identity_period(centre_a, "U2", "An Peeters", local(1, 0), None, actor=None)
    ingest(centre_a, ("U2", local(5, 10)))
    response = consultant.get(page_url(centre_a), MARCH)
    assert response.status_code == 200
    assert rows(response) == [
        UntracedUserId("U1", 2, local(2, 10), local(3, 10)),
        UntracedUserId("P 7", 1, local(4, 9), local(4, 9)),
    ]
    content = response.content.decode()
    assert "Gebruikers-id's zonder persoon" in content
    assert "<td>2026-03-02 10:00:00</td><td>2026-03-03 10:00:00</td>" in content
    assert 'href="?user_id=U1#add-period"' in content
    assert 'href="?user_id=P%207#add-period"' in content


def test_add_link_prefills_user_id(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(page_url(centre_a), {"user_id": "P 7"})
    assert response.status_code == 200
    assert response.context["form"]["user_id"].value() == "P 7"
    assert 'name="user_id" value="P 7"' in response.content.decode()


def test_default_period_is_last_thirty_days(
    consultant: Client, centre_a: Organisation
) -> None:
    now = timezone.now().replace(microsecond=0)
    ingest(
        centre_a,
        ("recent", now - datetime.timedelta(days=2)),
        ("old", now - datetime.timedelta(days=40)),
    )
    response = consultant.get(page_url(centre_a))
    assert response.status_code == 200
    today = timezone.localdate()
    form = response.context["untraced_form"]
    first_day = today - datetime.timedelta(days=29)
    assert form["since"].value() == first_day
    assert form["until"].value() == today
    # The list is read only when the form is submitted.
    assert response.context["untraced"] is None
    shown = consultant.get(
        page_url(centre_a), {"since": first_day.isoformat(), "until": today.isoformat()}
    )
    assert [row.user_id for row in rows(shown)] == ["recent"]


def test_everything_traced_message(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(page_url(centre_a), MARCH)
    assert rows(response) == []
    content = response.content.decode()
    assert "Elke logregel van deze dagen is tot een persoon te herleiden." in content


def test_rows_beyond_limit_counted(
    consultant: Client, centre_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(untraced, "MAX_ROWS", 1)
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(2, 11)),
        ("U2", local(2, 12)),
        ("U3", local(2, 13)),
    )
    response = consultant.get(page_url(centre_a), MARCH)
    assert [row.user_id for row in rows(response)] == ["U1"]
    assert (
        "Nog 2 gebruikers-id's met 2 niet-herleide logregels worden niet getoond."
        in response.content.decode()
    )


def test_auditor_sees_list_without_links(
    auditor_a: User, centre_a: Organisation
) -> None:
    ingest(centre_a, ("U1", local(2, 10)))
    response = login(auditor_a).get(page_url(centre_a), MARCH)
    assert response.status_code == 200
    assert [row.user_id for row in rows(response)] == ["U1"]
    assert "#add-period" not in response.content.decode()
    assert response.context["form"] is None


def test_viewer_gets_403(viewer_a: User, centre_a: Organisation) -> None:
    assert login(viewer_a).get(page_url(centre_a), MARCH).status_code == 403


def test_other_centre_is_404(consultant: Client, centre_b: Organisation) -> None:
    assert consultant.get(page_url(centre_b), MARCH).status_code == 404


def test_other_centre_entries_not_listed(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    ingest(centre_a, ("U1", local(2, 10)))
    # A user id that no random token of the page can contain, as "B1" could.
    ingest(centre_b, ("user of centre B", local(2, 10)))
    response = consultant.get(page_url(centre_a), MARCH)
    assert [row.user_id for row in rows(response)] == ["U1"]
    assert "user of centre B" not in response.content.decode()


def test_end_before_start_rejected(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(
        page_url(centre_a), {"since": "2026-03-02", "until": "2026-03-01"}
    )
    assert response.status_code == 400
    assert response.context["untraced"] is None
    assert response.context["untraced_form"].errors == {
        "until": [
            "De laatste dag 2026-03-01 ligt vóór de eerste dag 2026-03-02. Vul "
            "een laatste dag in die op of na de eerste dag valt."
        ]
    }


def test_long_period_rejected(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(
        page_url(centre_a), {"since": "2025-01-01", "until": "2026-03-31"}
    )
    assert response.status_code == 400
    errors = response.context["untraced_form"].errors
    assert list(errors) == ["until"]
    assert errors["until"][0].startswith(
        "De periode van 2025-01-01 tot 2026-03-31 telt 455 dagen"
    )


def test_invalid_date_rejected(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(
        page_url(centre_a), {"since": "2026-13-01", "until": "2026-03-31"}
    )
    assert response.status_code == 400
    errors = response.context["untraced_form"].errors
    assert list(errors) == ["since"]
    assert "2026-13-01" in errors["since"][0]
    assert "2026-13-01" in response.content.decode()


def test_missing_day_rejected(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(page_url(centre_a), {"since": "2026-03-01"})
    assert response.status_code == 400
    assert list(response.context["untraced_form"].errors) == ["until"]


def test_register_filter_and_days_kept(
    consultant: Client, centre_a: Organisation
) -> None:
    for number in range(51):
        add_identity_period(
            centre_a,
            f"U{number:03d}",
            f"Person {number}",
            datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            actor=None,
        )
    # 51 periods make two pages of the register, whose links keep the days.
    response = consultant.get(page_url(centre_a), MARCH)
    content = response.content.decode()
    assert "&amp;since=2026-03-01&amp;until=2026-03-31" in content
    filtered = consultant.get(page_url(centre_a), {"q": "U001"}).content.decode()
    assert '<input type="hidden" name="q" value="U001">' in filtered
