"""The notification to the supervisor: the document, its recording and warnings."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.consultants.conftest import appointment
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services as register_services
from vigil.registers.consultants import services
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.consultants.notification import build_notification
from vigil.registers.consultants.specs import consultant_warnings
from vigil.reports.document import Document, Facts, Paragraph, Signature, Table

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

TODAY = datetime.date(2026, 6, 15)


def text_of(document: Document) -> str:
    parts = [document.title, document.subtitle, document.organisation]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, (Facts, Signature)):
            parts.extend(f"{label}: {value}" for label, value in block.rows)
        elif isinstance(block, Table):
            parts.append(" | ".join(block.header))
            parts.extend(" | ".join(row) for row in block.rows)
        else:
            parts.append(block.text)
    return "\n".join(parts)


@pytest.fixture
def team(centre_a: Organisation) -> Consultant:
    consultant = appointment(
        centre_a, hours_per_week="19.5", decision_reference="RMW 2025/142"
    )
    appointment(
        centre_a,
        name="An Wouters",
        role="deputy",
        hours_per_week="4",
        decision_body="secretary_general",
        decision_reference="BA 2025/9",
    )
    return consultant


def test_document_in_dutch(team: Consultant) -> None:
    text = text_of(build_notification(team, "nl", TODAY))

    assert "Kennisgeving van de veiligheidsconsulent" in text
    assert "OCMW centre-a" in text
    assert "0999.999.922" in text
    assert "Els Vermeulen" in text
    assert "Officieel toegekende uren per week: 19,5" in text
    assert "Referentie van de beslissing: RMW 2025/142" in text
    assert "raad voor maatschappelijk welzijn" in text
    assert "An Wouters | an" not in text
    assert "An Wouters" in text
    assert "BA 2025/9" in text
    assert "2026-06-15" in text


def test_document_in_french(team: Consultant) -> None:
    document = build_notification(team, "fr", TODAY)
    text = text_of(document)

    assert document.language == "fr"
    assert "Notification du conseiller en sécurité" in text
    assert "CPAS centre-a" in text
    assert "Els Vermeulen" in text
    assert "Heures par semaine officiellement accordées: 19,5" in text
    assert "Référence de la décision: RMW 2025/142" in text
    assert "conseil de l'action sociale" in text
    assert "An Wouters" in text


def test_document_without_deputies(centre_a: Organisation) -> None:
    consultant = appointment(centre_a)

    text = text_of(build_notification(consultant, "nl", TODAY))

    assert "geen adjunct-veiligheidsconsulent" in text


def test_document_rejects_deputy_and_language(team: Consultant) -> None:
    deputy = Consultant.objects.get(role="deputy")

    with pytest.raises(ValueError, match="deputy"):
        build_notification(deputy, "nl", TODAY)
    with pytest.raises(ValueError, match="'de'"):
        build_notification(team, "de", TODAY)


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("odt", b"PK")])
def test_document_download(
    consultant_a: User, team: Consultant, fmt: str, magic: bytes
) -> None:
    client = Client()
    client.force_login(consultant_a)
    url = f"/c/{team.organisation.slug}/consultants/{team.pk}/notification.{fmt}"

    response = client.get(url, {"language": "fr"})

    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "-fr." in response["Content-Disposition"]


def test_document_download_bad_language(consultant_a: User, team: Consultant) -> None:
    client = Client()
    client.force_login(consultant_a)
    url = f"/c/{team.organisation.slug}/consultants/{team.pk}/notification.pdf"

    response = client.get(url, {"language": "de"})

    assert response.status_code == 400
    assert "language=nl" in response.content.decode()


def test_record_sent_and_acknowledged(team: Consultant) -> None:
    notification = services.record_sent(
        team,
        {"sent_on": "2026-01-10", "channel": "ebox", "reference": "IV/2026/1"},
        actor=None,
    )
    services.record_acknowledged(
        notification, {"acknowledged_on": "2026-02-01"}, actor=None
    )

    notification.refresh_from_db()
    assert notification.acknowledged_on == datetime.date(2026, 2, 1)
    actions = [entry.action for entry in register_services.history(team)]
    assert actions[:2] == [
        "consultant.notification_acknowledged",
        "consultant.notification_sent",
    ]


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"sent_on": "", "channel": "ebox"}, "sent_on", "required"),
        ({"sent_on": "2026-01-10", "channel": "fax"}, "channel", "fax"),
        (
            {
                "sent_on": "2026-01-10",
                "channel": "ebox",
                "acknowledged_on": "2026-01-01",
            },
            "acknowledged_on",
            "before the notification was sent on 2026-01-10",
        ),
    ],
)
def test_record_sent_rejects(
    team: Consultant, data: dict[str, str], field: str, fragment: str
) -> None:
    with pytest.raises(register_services.RecordInvalid) as caught:
        services.record_sent(team, data, actor=None)

    assert fragment in " ".join(caught.value.errors[field])
    assert Notification.objects.count() == 0


def test_sent_in_future_rejected(team: Consultant) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {"sent_on": tomorrow.isoformat(), "channel": "letter"}

    with pytest.raises(register_services.RecordInvalid) as caught:
        services.record_sent(team, data, actor=None)

    assert "in the future" in " ".join(caught.value.errors["sent_on"])


def test_pages_record_notification(consultant_a: User, team: Consultant) -> None:
    client = Client()
    client.force_login(consultant_a)
    base = f"/c/{team.organisation.slug}/consultants"

    added = client.post(
        f"{base}/{team.pk}/notifications/",
        {"sent_on": "2026-01-10", "channel": "registered_letter", "reference": "R1"},
    )
    notification = Notification.objects.get()
    acknowledged = client.post(
        f"{base}/notifications/{notification.pk}/acknowledge/",
        {"acknowledged_on": "2026-01-05"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert added.status_code == 302
    assert notification.reference == "R1"
    assert acknowledged.status_code == 400
    assert "before the notification was sent" in acknowledged.content.decode()
    notification.refresh_from_db()
    assert notification.acknowledged_on is None


def test_warning_no_consultant(centre_a: Organisation) -> None:
    with translation.override("nl"):
        warnings = consultant_warnings(centre_a, TODAY)

    assert warnings == [
        "Er is geen veiligheidsconsulent in functie geregistreerd; voeg de "
        "aanstelling toe (norm 4.2.1.1)."
    ]


def test_warning_ended_appointment(centre_a: Organisation) -> None:
    appointment(centre_a, start_date="2020-01-01", end_date="2026-03-31")

    (warning,) = consultant_warnings(centre_a, TODAY)

    assert "Els Vermeulen" in warning
    assert "2026-03-31" in warning


def test_warning_not_notified(team: Consultant) -> None:
    (warning,) = consultant_warnings(team.organisation, TODAY)

    assert "Els Vermeulen" in warning
    assert "4.2.1.2" in warning


def test_warning_unacknowledged_after_60_days(team: Consultant) -> None:
    Notification.objects.create(
        organisation=team.organisation,
        consultant=team,
        sent_on=TODAY - datetime.timedelta(days=61),
        channel="letter",
    )
    Notification.objects.create(
        organisation=team.organisation,
        consultant=team,
        sent_on=TODAY - datetime.timedelta(days=59),
        channel="letter",
    )

    (warning,) = consultant_warnings(team.organisation, TODAY)

    assert "2026-04-15" in warning
    assert "60" in warning


def test_no_warnings_when_complete(team: Consultant) -> None:
    Notification.objects.create(
        organisation=team.organisation,
        consultant=team,
        sent_on=TODAY - datetime.timedelta(days=100),
        channel="letter",
        acknowledged_on=TODAY - datetime.timedelta(days=80),
    )

    assert consultant_warnings(team.organisation, TODAY) == []
