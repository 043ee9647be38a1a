"""Deleting a register record: the confirmation page, then the deletion."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from tests.conftest import login
from tests.consultants.conftest import appointment
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES
from vigil.registers.consultants import services as consultant_services
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.spec import get_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

PAGES = "/c/centre-a/registers/"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def add_activity(organisation: Organisation) -> Activity:
    values = {"kind": "training", "date": "2026-03-12", "subject": "Phishing"}
    record = services.create_record(ACTIVITIES, organisation, values, actor=None)
    assert isinstance(record, Activity)
    return record


def login_in(user: User, language: str = "en") -> Client:
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def delete_url(register: str, pk: int) -> str:
    return f"{PAGES}{register}/{pk}/delete/"


def test_confirm_then_delete(consultant_a: User, centre_a: Organisation) -> None:
    record = add_activity(centre_a)
    client = login_in(consultant_a)

    page = client.get(delete_url("activities", record.pk))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Delete “2026-03-12 Phishing”?" in body
    assert "A deletion cannot be undone." in body
    assert 'data-testid="delete-form"' in body
    assert Activity.objects.filter(pk=record.pk).exists()

    response = client.post(delete_url("activities", record.pk))

    assert response.status_code == 302
    assert response["Location"] == f"{PAGES}activities/"
    assert not Activity.objects.filter(pk=record.pk).exists()


def test_detail_links_to_confirmation(
    consultant_a: User, centre_a: Organisation
) -> None:
    record = add_activity(centre_a)
    url = delete_url("activities", record.pk)

    body = (
        login_in(consultant_a).get(f"{PAGES}activities/{record.pk}/").content.decode()
    )

    assert f'href="{url}"' in body
    assert f'action="{url}"' not in body


def test_confirmation_counts_attachments(
    consultant_a: User, centre_a: Organisation
) -> None:
    record = add_activity(centre_a)
    for name in ("verslag.pdf", "lijst.pdf"):
        upload = SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())
        services.add_attachment(record, upload, actor=None)

    body = login_in(consultant_a).get(delete_url("activities", record.pk)).content
    assert "Attachments removed with it: 2." in body.decode()


def test_confirmation_lists_cascaded_records(
    consultant_a: User, centre_a: Organisation
) -> None:
    team = appointment(centre_a)
    for day in ("2026-01-10", "2026-02-10"):
        data = {"sent_on": day, "channel": "ebox"}
        consultant_services.record_sent(team, data, actor=None)

    body = login_in(consultant_a).get(delete_url("consultants", team.pk)).content
    assert "Deleted with it: Notifications to the supervisor (2)." in body.decode()
    assert Notification.objects.filter(consultant=team).count() == 2
    assert Consultant.objects.filter(pk=team.pk).exists()


def test_confirmation_of_referenced_record(
    consultant_a: User, centre_a: Organisation
) -> None:
    audits = get_spec("audits")
    findings = get_spec("audit-findings")
    assert audits is not None and findings is not None
    audit = services.create_record(
        audits, centre_a, audits.example(centre_a), actor=None
    )
    finding = services.create_record(
        findings, centre_a, findings.example(centre_a), actor=None
    )

    body = login_in(consultant_a).get(delete_url("audits", audit.pk)).content.decode()

    assert "This record cannot be deleted: 1 other record still refers to it." in body
    assert str(finding) in body
    assert 'data-testid="delete-form"' not in body


def test_confirmation_hidden_from_viewer(
    viewer_a: User, consultant_b: User, centre_a: Organisation
) -> None:
    record = add_activity(centre_a)
    url = delete_url("activities", record.pk)

    assert login_in(viewer_a).get(url).status_code == 403
    assert login_in(consultant_b).get(url).status_code == 404


@pytest.mark.parametrize(
    ("language", "question", "effect"),
    [
        (
            "nl",
            "“2026-03-12 Phishing” verwijderen?",
            "Een verwijdering kan niet ongedaan worden gemaakt.",
        ),
        (
            "fr",
            "Supprimer «\u00a02026-03-12 Phishing\u00a0»\u00a0?",
            "Une suppression ne peut pas être annulée.",
        ),
    ],
)
def test_confirmation_translated(
    consultant_a: User,
    centre_a: Organisation,
    language: str,
    question: str,
    effect: str,
) -> None:
    record = add_activity(centre_a)

    page = login_in(consultant_a, language).get(delete_url("activities", record.pk))

    body = page.content.decode()
    assert question in body
    assert effect in body
