"""Deleting an incident: the confirmation page, and the finding afterwards."""

import datetime
import html
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from tests.conftest import login
from tests.incidents.factories import make_finding, make_incident
from vigil.accesslog.detection import services as detection
from vigil.accesslog.detection.models import Finding
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers import services as register_services
from vigil.registers.incidents import services
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def page_text(client: Client, url: str) -> str:
    """Return the page with entities decoded, so "register's" matches as typed."""
    return html.unescape(client.get(url).content.decode())


def client_in(user: User, language: str = "en") -> Client:
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def delete_url(incident: Incident) -> str:
    return f"/c/{incident.organisation.slug}/registers/incidents/{incident.pk}/delete/"


def finding_url(finding: Finding) -> str:
    return f"/c/{finding.organisation.slug}/accesslog/findings/{finding.pk}/"


@pytest.fixture
def recorded(centre_a: Organisation, consultant_a: User) -> Incident:
    """An incident recorded from a finding, as the finding page's button does."""
    return services.create_from_finding(make_finding(centre_a), actor=consultant_a)


def test_confirmation_names_the_finding(recorded: Incident, consultant_a: User) -> None:
    body = page_text(client_in(consultant_a), delete_url(recorded))

    assert f"Delete “{recorded.title}”?" in body
    assert (
        "It was recorded from the misuse finding “Consultation outside office "
        "hours U123456 2026-03-02”, whose status is “security incident”."
    ) in body
    assert "sets that finding back to open" in body
    assert Incident.objects.filter(pk=recorded.pk).exists()


def test_confirmation_names_open_deadline(
    centre_a: Organisation, consultant_a: User
) -> None:
    detected = timezone.now() - datetime.timedelta(hours=10)
    incident = make_incident(
        centre_a, detected_at=detected.isoformat(), personal_data="true"
    )

    body = page_text(client_in(consultant_a), delete_url(incident))

    assert "the 72-hour deadline is" in body
    assert re.search(r"6[12] h \d\d min left\.", body)
    assert "removes this deadline from the register's warnings" in body


def test_confirmation_names_recorded_notification(
    centre_a: Organisation, consultant_a: User
) -> None:
    incident = make_incident(
        centre_a,
        personal_data="true",
        notification="notified",
        notified_at="2026-03-03T11:00:00+01:00",
        notification_reference="DOS-2026-00001",
    )

    body = page_text(client_in(consultant_a), delete_url(incident))

    assert (
        "The record of its notification to the GBA/APD on 2026-03-03 11:00 "
        "(Brussels time) is deleted with it."
    ) in body


def test_deletion_reopens_the_finding(recorded: Incident, consultant_a: User) -> None:
    finding = recorded.finding
    assert finding is not None

    response = client_in(consultant_a).post(delete_url(recorded))

    finding.refresh_from_db()
    assert response.status_code == 302
    assert not Incident.objects.filter(pk=recorded.pk).exists()
    assert finding.status == Finding.Status.OPEN
    # Both notes are in the centre's language (Dutch).
    assert finding.note == (
        f"Geregistreerd als incident nr. {recorded.pk}.\n"
        f"Incident nr. {recorded.pk} “{recorded.title}” is verwijderd. "
        "De bevinding is opnieuw open."
    )
    assert finding.triaged_by == consultant_a

    again = services.create_from_finding(finding, actor=consultant_a)

    finding.refresh_from_db()
    assert again.finding == finding
    assert finding.status == Finding.Status.INCIDENT


def test_finding_page_after_deletion(recorded: Incident, consultant_a: User) -> None:
    finding = recorded.finding
    assert finding is not None
    client = client_in(consultant_a)
    client.post(delete_url(recorded))

    page = client.get(finding_url(finding))

    body = page.content.decode()
    assert page.context["finding"].status == Finding.Status.OPEN
    assert 'data-testid="finding-to-incident"' in body
    assert "This finding is recorded as an incident" not in body
    assert "is verwijderd. De bevinding is opnieuw open." in body


def test_retriaged_finding_keeps_status(recorded: Incident, consultant_a: User) -> None:
    finding = recorded.finding
    assert finding is not None
    detection.triage_finding(
        finding, status=Finding.Status.DISMISSED, note="Test account.", actor=None
    )
    number = recorded.pk

    register_services.delete_record(INCIDENTS, recorded, actor=consultant_a)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISMISSED
    assert finding.note == (
        f"Test account.\nIncident nr. {number} “{recorded.title}” is verwijderd."
    )


def test_deletion_is_audited(recorded: Incident, consultant_a: User) -> None:
    register_services.delete_record(INCIDENTS, recorded, actor=consultant_a)

    actions = list(
        AuditEntry.objects.order_by("-id").values_list("action", flat=True)[:2]
    )
    assert actions == ["accesslog.finding_triaged", "register.record_deleted"]


def test_api_deletion_reopens_finding(
    recorded: Incident, client: Client, centre_a: Organisation
) -> None:
    finding = recorded.finding
    assert finding is not None
    _token, secret = create_token(
        centre_a, "sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )

    response = client.delete(
        f"/api/v1/centres/centre-a/registers/incidents/{recorded.pk}",
        headers={"Authorization": f"Bearer {secret}"},
    )

    finding.refresh_from_db()
    assert response.status_code == 204
    assert finding.status == Finding.Status.OPEN


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "zet die bevinding terug op open"),
        ("fr", "remet ce constat à l'état ouvert"),
    ],
)
def test_confirmation_translated(
    recorded: Incident, consultant_a: User, language: str, text: str
) -> None:
    client = client_in(consultant_a, language)
    assert text in page_text(client, delete_url(recorded))
