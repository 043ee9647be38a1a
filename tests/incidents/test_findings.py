"""Turning a misuse finding of the access log into an incident."""

import html
from collections.abc import Iterator

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from tests.incidents.factories import brussels, make_finding
from vigil.accesslog.detection.models import Finding
from vigil.accounts.models import Membership, User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.organisations.tenancy import Tenant
from vigil.registers.incidents import services
from vigil.registers.incidents.models import Incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(organisation: Organisation, finding: Finding) -> str:
    return f"/c/{organisation.slug}/incidents/from-finding/{finding.pk}/"


def test_incident_prefilled_from_finding(
    centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    before = timezone.now().replace(microsecond=0)

    incident = services.create_from_finding(finding, actor=consultant_a)

    assert incident.finding == finding
    assert incident.category == Incident.Category.ACCESS_MISUSE
    # Written in the centre's language (Dutch), whatever the interface's.
    assert incident.title == "Raadpleging buiten de kantooruren: U123456"
    assert incident.detected_at == finding.created_at
    assert incident.reported_at is not None
    assert incident.reported_at >= before
    assert "Toegangen van 2026-03-02 03:00 tot 2026-03-02 03:20." in (
        incident.affected_data
    )
    assert incident.personal_data is True
    assert incident.impact_confidentiality == Incident.Impact.HIGH
    assert "4 toegangen buiten de kantooruren op 2026-03-02." in incident.affected_data
    link = f"/c/{centre_a.slug}/accesslog/findings/{finding.pk}/"
    assert link in incident.affected_data


def test_confirmed_finding_reported_when_confirmed(
    centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    raised_at = brussels(2026, 3, 8, 7, 0)
    confirmed_at = brussels(2026, 3, 9, 10, 30)
    Finding.objects.filter(pk=finding.pk).update(
        created_at=raised_at,
        status=Finding.Status.CONFIRMED,
        note="Not in any case file.",
        triaged_at=confirmed_at,
    )
    finding.refresh_from_db()

    incident = services.create_from_finding(finding, actor=consultant_a)

    assert incident.detected_at == raised_at
    assert incident.reported_at == confirmed_at


def test_incident_title_in_french(centre_a: Organisation, consultant_a: User) -> None:
    finding = make_finding(centre_a)

    with translation.override("fr"):
        values = services.finding_values(finding)

    assert values["title"].endswith("\u00a0: U123456")


def test_incident_in_language_of_french_centre(
    centre_a: Organisation, consultant_a: User
) -> None:
    Organisation.objects.filter(pk=centre_a.pk).update(language="fr")
    centre_a.refresh_from_db()
    finding = make_finding(centre_a)

    incident = services.create_from_finding(finding, actor=consultant_a)

    finding.refresh_from_db()
    assert (
        incident.title == "Consultation en dehors des heures de bureau\u00a0: U123456"
    )
    assert finding.note.endswith(f"{incident.pk}.")
    assert "Recorded as incident" not in finding.note


def test_finding_triaged_as_incident(
    centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    Finding.objects.filter(pk=finding.pk).update(note="Checked with the team lead.")
    finding.refresh_from_db()

    incident = services.create_from_finding(finding, actor=consultant_a)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.INCIDENT
    assert finding.note == (
        f"Checked with the team lead.\nGeregistreerd als incident nr. {incident.pk}."
    )
    actions = set(
        AuditEntry.objects.filter(organisation=centre_a).values_list(
            "action", flat=True
        )
    )
    assert {
        "register.record_created",
        "incident.created_from_finding",
        "accesslog.finding_triaged",
    } <= actions


def test_post_creates_and_redirects(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    client.force_login(consultant_a)

    response = client.post(url(centre_a, finding))

    incident = Incident.objects.get(finding=finding)
    assert response.status_code == 302
    assert response["Location"] == (
        f"/c/{centre_a.slug}/registers/incidents/{incident.pk}/"
    )


def test_second_incident_refused(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    client.force_login(consultant_a)
    client.post(url(centre_a, finding))
    existing = Incident.objects.get(finding=finding)

    response = client.post(url(centre_a, finding))

    detail = f"/c/{centre_a.slug}/registers/incidents/{existing.pk}/"
    assert response.status_code == 302
    assert response["Location"] == detail
    assert Incident.objects.count() == 1
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "Deze bevinding is al geregistreerd als incident" in message
    assert f'<a href="{detail}">' in message


def test_second_incident_refused_in_service(
    centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    first = services.create_from_finding(finding, actor=consultant_a)

    with pytest.raises(services.FindingHasIncident) as caught:
        services.create_from_finding(finding, actor=consultant_a)

    assert caught.value.existing == first


def test_other_centre_finding_is_404(
    client: Client,
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
) -> None:
    finding = make_finding(centre_b)
    client.force_login(consultant_a)

    response = client.post(url(centre_a, finding))

    assert response.status_code == 404
    assert Incident.objects.count() == 0
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def test_viewer_cannot_create(
    client: Client, centre_a: Organisation, viewer_a: User
) -> None:
    finding = make_finding(centre_a)
    client.force_login(viewer_a)

    assert client.post(url(centre_a, finding)).status_code == 403
    assert client.get(url(centre_a, finding)).status_code == 405
    assert Incident.objects.count() == 0


def test_incident_page_shows_finding(
    client: Client, centre_a: Organisation, consultant_a: User, viewer_a: User
) -> None:
    finding = make_finding(centre_a)
    incident = services.create_from_finding(finding, actor=consultant_a)
    page = f"/c/{centre_a.slug}/registers/incidents/{incident.pk}/"
    link = f'href="/c/{centre_a.slug}/accesslog/findings/{finding.pk}/"'
    client.force_login(consultant_a)

    text = client.get(page).content.decode()

    assert 'data-testid="incident-finding"' in text
    assert link in text
    assert "2026-03-02 03:00" in text

    client.force_login(viewer_a)
    for_viewer = client.get(page).content.decode()
    assert 'data-testid="incident-finding"' in for_viewer
    assert link not in for_viewer


@pytest.mark.parametrize(
    ("language", "rule"),
    [
        ("nl", "Raadpleging buiten de kantooruren:"),
        ("fr", "Consultation en dehors des heures de bureau\N{NO-BREAK SPACE}:"),
    ],
)
@pytest.mark.parametrize("role", ["consultant", "viewer"])
def test_incident_finding_rule_colon(
    client: Client,
    centre_a: Organisation,
    consultant_a: User,
    viewer_a: User,
    language: str,
    rule: str,
    role: str,
) -> None:
    finding = make_finding(centre_a)
    incident = services.create_from_finding(finding, actor=consultant_a)
    client.force_login(consultant_a if role == "consultant" else viewer_a)

    response = client.get(
        f"/c/{centre_a.slug}/registers/incidents/{incident.pk}/",
        headers={"Accept-Language": language},
    )
    section = html.unescape(response.content.decode()).split(
        'data-testid="incident-finding"'
    )[1]

    assert rule in section


def render_button(finding: Finding, user: User) -> str:
    membership = Membership.objects.get(user=user, organisation=finding.organisation)
    tenant = Tenant(finding.organisation, membership)
    template = Template('{% include "incidents/_finding_button.html" %}')
    return template.render(Context({"finding": finding, "tenant": tenant}))


def test_finding_page_button(
    centre_a: Organisation, consultant_a: User, viewer_a: User
) -> None:
    finding = make_finding(centre_a)
    action = f'action="/c/{centre_a.slug}/incidents/from-finding/{finding.pk}/"'

    for_consultant = render_button(finding, consultant_a)
    for_viewer = render_button(finding, viewer_a)

    assert action in for_consultant
    assert action not in for_viewer
    assert 'data-testid="finding-to-incident"' not in for_viewer


def test_finding_page_links_incident(
    centre_a: Organisation, consultant_a: User, viewer_a: User
) -> None:
    finding = make_finding(centre_a)
    incident = services.create_from_finding(finding, actor=consultant_a)
    link = f'href="/c/{centre_a.slug}/registers/incidents/{incident.pk}/"'

    html = render_button(finding, viewer_a)

    assert link in html
    assert 'data-testid="finding-to-incident"' not in html


def test_incident_status_offered_once_recorded(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    # "Record as a security incident" is the way to the status, so the triage
    # form offers it only once the finding has its incident. New entries set
    # a finding back to open, also one that became an incident, and the form
    # then offers the status again without a second incident.
    finding = make_finding(centre_a)
    client.force_login(consultant_a)
    page = f"/c/{centre_a.slug}/accesslog/findings/{finding.pk}/"
    before = client.get(page).context["form"]
    services.create_from_finding(finding, actor=consultant_a)
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.OPEN)

    after = client.get(page).context["form"]
    response = client.post(
        f"{page}triage/", {"status": "incident", "note": "Same incident."}
    )

    assert "incident" not in [
        value for value, _label in before.fields["status"].widget.choices
    ]
    assert "incident" in [
        value for value, _label in after.fields["status"].widget.choices
    ]
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.INCIDENT
    assert Incident.objects.filter(finding=finding).count() == 1
