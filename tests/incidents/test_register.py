"""Incident pages, notification recording, warnings, import and export."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from tests.incidents.factories import brussels, make_incident
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import queries, services, tabular
from vigil.registers.incidents import checks, demo
from vigil.registers.incidents import services as incident_services
from vigil.registers.incidents.deadlines import BRUSSELS
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

NOW = brussels(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def notification_url(organisation: Organisation, incident: Incident) -> str:
    return f"/c/{organisation.slug}/incidents/{incident.pk}/notification/"


def test_record_notification(centre_a: Organisation, consultant_a: User) -> None:
    incident = make_incident(centre_a, personal_data="true")
    form = incident_services.notification_form(
        incident,
        {
            "notification": "notified",
            "notified_at": "2026-03-03T14:20",
            "notification_reference": "DOS-2026-01842",
        },
    )

    incident_services.record_notification(form, actor=consultant_a)

    incident.refresh_from_db()
    assert incident.notification == Incident.Notification.NOTIFIED
    assert incident.notified_at == brussels(2026, 3, 3, 14, 20)
    assert incident.notification_reference == "DOS-2026-01842"
    (entry,) = services.history(incident).filter(action="register.record_changed")
    assert entry.new_values["notification_reference"] == "DOS-2026-01842"


def test_notification_page_saves_decision(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    incident = make_incident(centre_a, personal_data="true")
    client.force_login(consultant_a)
    reason = "Encrypted disk; the key was not lost with the laptop."

    page = client.get(notification_url(centre_a, incident))
    response = client.post(
        notification_url(centre_a, incident),
        {"notification": "not_notified", "no_notification_reason": reason},
    )

    assert page.status_code == 200
    assert 'data-testid="notification-form"' in page.content.decode()
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.notification == Incident.Notification.NOT_NOTIFIED
    assert incident.no_notification_reason == reason


def test_notification_page_shows_errors(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    incident = make_incident(centre_a)
    client.force_login(consultant_a)

    response = client.post(
        notification_url(centre_a, incident),
        {"notification": "notified", "notified_at": "2026-03-03T14:20"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Only an incident with personal data is notified" in text
    incident.refresh_from_db()
    assert incident.notification == Incident.Notification.PENDING


def test_detail_shows_deadline(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    detected = timezone.now() - datetime.timedelta(hours=70)
    incident = make_incident(
        centre_a, personal_data="true", detected_at=detected.isoformat()
    )
    client.force_login(consultant_a)

    response = client.get(f"/c/{centre_a.slug}/registers/incidents/{incident.pk}/")

    text = response.content.decode()
    deadline = (detected + datetime.timedelta(hours=72)).astimezone(BRUSSELS)
    assert f"{deadline:%Y-%m-%d %H:%M}" in text
    # The page is in the default language, Dutch.
    assert "Nog 1 u 59 min." in text or "Nog 2 u 00 min." in text
    assert notification_url(centre_a, incident) in text


def test_detail_without_personal_data_hides_deadline(
    client: Client, centre_a: Organisation, viewer_a: User
) -> None:
    incident = make_incident(centre_a)
    client.force_login(viewer_a)

    text = client.get(
        f"/c/{centre_a.slug}/registers/incidents/{incident.pk}/"
    ).content.decode()

    assert 'data-testid="incident-times"' in text
    assert 'data-testid="incident-notification"' not in text


def test_warning_overdue_notification(centre_a: Organisation) -> None:
    make_incident(centre_a, title="Lost laptop", personal_data="true")
    make_incident(
        centre_a,
        title="Stolen phone",
        personal_data="true",
        detected_at="2026-03-08T09:00:00+01:00",
    )

    found = checks.warnings(centre_a, NOW)

    assert found == [
        "“Lost laptop”: personal data are involved and the 72-hour deadline to "
        "notify the GBA/APD passed on 2026-03-05 09:15; record the notification "
        "or the decision not to notify."
    ]


def test_no_warning_once_notified(centre_a: Organisation) -> None:
    make_incident(
        centre_a,
        personal_data="true",
        notification="notified",
        notified_at="2026-03-06T10:00:00+01:00",
    )
    make_incident(
        centre_a,
        personal_data="true",
        notification="not_notified",
        no_notification_reason="Only public data.",
    )

    assert checks.warnings(centre_a, NOW) == []


def test_warning_incidents_not_closed(centre_a: Organisation) -> None:
    make_incident(centre_a, title="Old", detected_at="2026-01-20T10:00:00+01:00")
    make_incident(
        centre_a,
        title="Old but contained",
        status="contained",
        detected_at="2026-02-01T10:00:00+01:00",
    )
    make_incident(centre_a, title="Recent", detected_at="2026-03-01T10:00:00+01:00")
    make_incident(
        centre_a,
        title="Old and closed",
        detected_at="2026-01-10T10:00:00+01:00",
        status="closed",
        closed_at="2026-01-12T10:00:00+01:00",
        root_cause="x",
        lessons_learned="y",
    )

    found = checks.warnings(centre_a, NOW)

    assert found == [
        "2 incidents detected more than 30 days ago are not closed: "
        "“Old” (2026-01-20), “Old but contained” (2026-02-01)."
    ]


def test_warnings_stay_in_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    make_incident(centre_b, personal_data="true")

    assert checks.warnings(centre_a, NOW) == []
    assert len(checks.warnings(centre_b, NOW)) == 1


def test_summary_counts(centre_a: Organisation) -> None:
    make_incident(centre_a, personal_data="true")
    make_incident(centre_a, detected_at="2025-12-30T10:00:00+01:00")

    assert checks.summary(centre_a, NOW) == [
        "1 incident detected in 2026, 1 with personal data.",
        "2 incidents not closed.",
    ]


def test_export_and_import_round_trip(centre_a: Organisation) -> None:
    make_incident(
        centre_a,
        personal_data="true",
        notification="notified",
        notified_at="2026-03-03T14:20:00+01:00",
        notification_reference="DOS-1",
    )
    exported = services.render_export(
        INCIDENTS, queries.records(INCIDENTS, centre_a), "csv"
    )
    Incident.objects.all().delete()

    rows = [
        (line, {k: v for k, v in row.items() if k != "id"})
        for line, row in tabular.read_table(exported)
    ]
    result = services.import_rows(INCIDENTS, centre_a, rows, actor=None)

    assert result.created == 1
    incident = Incident.objects.get()
    assert incident.detected_at == brussels(2026, 3, 2, 9, 15)
    assert incident.notified_at == brussels(2026, 3, 3, 14, 20)
    assert incident.notification_reference == "DOS-1"


IMPORT = (
    "title,detected_at,reported_at,category,personal_data,status,closed_at\r\n"
    "Ransomware on the file server,2026-03-02 08:00,2026-03-02 08:30,"
    "malware,no,open,\r\n"
    "Lost USB stick,2026-03-04 10:00,2026-03-04 09:00,loss_theft,yes,open,\r\n"
    "Printer outage,2026-03-05 10:00,,availability,no,closed,\r\n"
)


def test_import_rejects_all_with_lines(centre_a: Organisation) -> None:
    rows = tabular.read_table(IMPORT.encode())

    with pytest.raises(services.ImportRejected) as caught:
        services.import_rows(INCIDENTS, centre_a, rows, actor=None)

    found = [(e.line, e.field, e.value) for e in caught.value.errors]
    assert (3, "reported_at", "2026-03-04 09:00") in found
    assert (4, "closed_at", "") in found
    assert (4, "root_cause", "") in found
    assert all(line != 2 for line, _field, _value in found)
    assert Incident.objects.count() == 0


def test_import_page_reads_local_time(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    client.force_login(consultant_a)
    content = IMPORT.split("\r\n")[:2]
    upload = SimpleUploadedFile("incidents.csv", "\r\n".join(content).encode())

    response = client.post(
        f"/c/{centre_a.slug}/registers/incidents/import/", {"file": upload}
    )

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.detected_at == brussels(2026, 3, 2, 8, 0)
    assert incident.category == Incident.Category.MALWARE


def test_demo_data(centre_a: Organisation) -> None:
    demo.populate(centre_a, None, datetime.date(2026, 12, 4))
    demo.populate(centre_a, None, datetime.date(2026, 12, 4))

    incidents = {i.category: i for i in Incident.objects.filter(organisation=centre_a)}
    assert len(incidents) == 3
    laptop = incidents[Incident.Category.LOSS_THEFT]
    assert laptop.personal_data
    assert laptop.notification == Incident.Notification.NOTIFIED
    assert laptop.notified_at is not None
    assert laptop.notified_at - laptop.detected_at < datetime.timedelta(hours=72)
    assert incidents[Incident.Category.INTRUSION].status == "contained"
    assert incidents[Incident.Category.AVAILABILITY].status == "closed"
    now = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
    assert checks.warnings(centre_a, now) == []


def test_register_serves_catalog_keys() -> None:
    assert INCIDENTS.catalog_keys == ("incidents", "antivirus")
