"""What falls due: collection, the calendar feed and the weekly digest."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings

from vigil.accounts.models import User
from vigil.assessments.due import questionnaire_due
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.deadlines import DueItem, collect
from vigil.organisations.models import Organisation
from vigil.reminders import ical, services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

TODAY = datetime.date(2026, 12, 4)


def test_questionnaire_due_follows_the_setting() -> None:
    assert questionnaire_due(2025) == datetime.date(2026, 3, 31)
    with override_settings(VIGIL_QUESTIONNAIRE_DUE="06-30"):
        assert questionnaire_due(2025) == datetime.date(2026, 6, 30)
    with (
        override_settings(VIGIL_QUESTIONNAIRE_DUE="30/06"),
        pytest.raises(ValueError, match="MM-DD"),
    ):
        questionnaire_due(2025)


def test_unsubmitted_questionnaires_fall_due(
    centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None)

    items = [item for item in collect(centre_a, TODAY) if item.source == "assessments"]

    assert [(item.date, item.is_overdue(TODAY)) for item in items] == [
        (datetime.date(2026, 3, 31), True),
        (datetime.date(2027, 3, 31), False),
    ]
    assert items[0].url == "/c/centre-a/"
    assert items[1].url == "/c/centre-a/questionnaires/2026/"


def test_items_are_sorted_by_date(centre_a: Organisation) -> None:
    dates = [item.date for item in collect(centre_a, TODAY)]

    assert dates == sorted(dates)


def test_ical_escapes_and_folds(centre_a: Organisation) -> None:
    item = DueItem(datetime.date(2027, 3, 31), "Plan; budget, review\\" + "é" * 60)
    now = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)

    text = ical.calendar([(centre_a, item)], name="Vigil", base_url="", now=now)

    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "DTSTART;VALUE=DATE:20270331" in lines
    assert "DTEND;VALUE=DATE:20270401" in lines
    assert "DTSTAMP:20261204T100000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "Plan\\; budget\\, review\\\\" in unfolded
    assert unfolded.count("é") == 60


def test_uid_is_stable(centre_a: Organisation) -> None:
    item = DueItem(datetime.date(2027, 3, 31), "Audit due", source="audits")

    assert item.uid(centre_a) == DueItem(item.date, item.text, "", "audits").uid(
        centre_a
    )
    assert item.uid(centre_a) != DueItem(item.date, "Other", "", "audits").uid(centre_a)


def test_feed_serves_the_user_s_centres(
    client: Client, consultant_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None)
    _feed, secret = services.create_feed(consultant_a)

    response = client.get(f"/calendar/{secret}.ics")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.count("BEGIN:VEVENT") >= 2
    assert "URL:http://testserver/c/centre-a/questionnaires/2026/" in body


def test_new_address_revokes_the_old_one(client: Client, consultant_a: User) -> None:
    _first, old = services.create_feed(consultant_a)
    _second, new = services.create_feed(consultant_a)

    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    services.revoke_feed(consultant_a)
    assert client.get(f"/calendar/{new}.ics").status_code == 404
    assert client.get("/calendar/vgc_guess.ics").status_code == 404


def test_calendar_page_shows_the_secret_once(
    client: Client, consultant_a: User
) -> None:
    client.force_login(consultant_a)

    client.post("/calendar/new/")
    first = client.get("/calendar/").content.decode()
    second = client.get("/calendar/").content.decode()

    assert 'data-testid="feed-url"' in first
    assert "/calendar/vgc_" in first
    assert "/calendar/vgc_" not in second


def test_digest_goes_to_consultants_only(
    consultant_a: User,
    deputy_a: User,
    viewer_a: User,
    centre_a: Organisation,
    catalog: CatalogVersion,
) -> None:
    create_assessment(centre_a, 2026, actor=None)
    output, log = io.StringIO(), io.StringIO()

    call_command("reminders", "send", "--org", "centre-a", stdout=output, stderr=log)

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([consultant_a.email, deputy_a.email])
    assert "2025" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/c/centre-a/due/" in mail.outbox[0].body
    assert "sent 2 digest(s)" in log.getvalue()


@pytest.mark.parametrize(
    ("language", "expected", "link"),
    [
        ("fr", "Soumettre le questionnaire 2025", "La liste complète\u00a0: http"),
        ("nl", "De vragenlijst 2025 indienen", "De volledige lijst: http"),
    ],
)
def test_digest_deadlines_in_language_of_mail(
    consultant_a: User,
    centre_a: Organisation,
    catalog: CatalogVersion,
    language: str,
    expected: str,
    link: str,
) -> None:
    create_assessment(centre_a, 2026, actor=None)

    call_command(
        "reminders",
        "send",
        "--org",
        "centre-a",
        "--language",
        language,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert expected in mail.outbox[0].body
    assert link in mail.outbox[0].body


def test_dry_run_sends_nothing(
    consultant_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    output, log = io.StringIO(), io.StringIO()

    call_command("reminders", "send", "--dry-run", stdout=output, stderr=log)

    assert mail.outbox == []
    assert "would send" in log.getvalue()


def test_unknown_centre_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="not found"):
        call_command("reminders", "send", "--org", "nowhere")
