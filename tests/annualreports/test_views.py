"""The annual report pages: who can do what, and the messages they show."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import login as login_client
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.annual import services
from vigil.plans.annual.forms import NoteForm
from vigil.plans.annual.models import AnnualReport, SectionDefinition

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

YEAR = 2025


def login(user: User) -> Client:
    """Log in ``user`` with English pages, so texts compare with the source."""
    client = login_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name: str, **kwargs: object) -> str:
    return reverse(f"annualreports:{name}", kwargs={"org": "centre-a", **kwargs})


@pytest.fixture
def report(centre_a: Organisation, consultant_a: User) -> AnnualReport:
    return services.create_report(centre_a, YEAR, actor=consultant_a)


def finalise(report: AnnualReport, client: Client) -> None:
    for section in report.sections.all():
        if not section.text_in("nl"):
            client.post(
                url("section_text", pk=section.pk), {"text": "Geen opmerkingen."}
            )
        client.post(url("section_final", pk=section.pk))


@pytest.mark.parametrize(
    "member", ["consultant_a", "deputy_a", "management_a", "viewer_a", "auditor_a"]
)
def test_header_links_reports(
    centre_a: Organisation, member: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(member)

    page = login(user).get("/c/centre-a/").content.decode()

    assert f'<a href="{url("index")}">Annual report</a>' in page


@pytest.mark.parametrize(
    ("language", "label"), [("nl", "Jaarverslag"), ("fr", "Rapport annuel")]
)
def test_header_link_translated(
    centre_a: Organisation, viewer_a: User, language: str, label: str
) -> None:
    client = login(viewer_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    page = client.get("/c/centre-a/").content.decode()

    assert f'<a href="{url("index")}">{label}</a>' in page


def test_create_from_page(centre_a: Organisation, consultant_a: User) -> None:
    response = login(consultant_a).post(url("create"), {"year": "2025"})

    report = AnnualReport.objects.get(organisation=centre_a, year=2025)
    assert response.status_code == 302
    assert response["Location"] == url("detail", pk=report.pk)


def test_create_rejects_bad_year(centre_a: Organisation, consultant_a: User) -> None:
    response = login(consultant_a).post(url("create"), {"year": "1850"}, follow=True)

    assert not AnnualReport.objects.exists()
    assert "2000" in response.content.decode()


def test_report_page_shows_sections(report: AnnualReport, viewer_a: User) -> None:
    response = login(viewer_a).get(url("detail", pk=report.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="section-incidents"' in content
    assert "No incidents were recorded in 2025." in content
    assert "Mark final" not in content


def test_text_saved_and_kept(report: AnnualReport, consultant_a: User) -> None:
    section = report.sections.get(key="advices")
    client = login(consultant_a)

    client.post(url("section_text", pk=section.pk), {"text": "Own words."})
    client.post(url("regenerate", pk=report.pk), {})

    section.refresh_from_db()
    assert section.edited_text == "Own words."


def test_unchanged_draft_is_not_an_edit(
    report: AnnualReport, consultant_a: User
) -> None:
    section = report.sections.get(key="advices")

    login(consultant_a).post(
        url("section_text", pk=section.pk), {"text": section.drafted_text_in("en")}
    )

    section.refresh_from_db()
    assert section.edited_text == ""


def test_regenerate_with_replace(report: AnnualReport, consultant_a: User) -> None:
    section = report.sections.get(key="advices")
    client = login(consultant_a)
    client.post(url("section_text", pk=section.pk), {"text": "Own words."})

    client.post(url("section_regenerate", pk=section.pk), {"replace_edited": "on"})

    section.refresh_from_db()
    assert section.edited_text == ""


def test_management_cannot_edit(report: AnnualReport, management_a: User) -> None:
    section = report.sections.get(key="advices")

    response = login(management_a).post(
        url("section_text", pk=section.pk), {"text": "x"}
    )

    assert response.status_code == 403


def test_note_rejected_until_final(
    report: AnnualReport, management_a: User, consultant_a: User
) -> None:
    response = login(management_a).post(
        url("note", pk=report.pk),
        {"body": "council", "date": "2026-03-12", "reference": "RMW 12"},
        follow=True,
    )

    report.refresh_from_db()
    assert report.noted_at is None
    assert "The report is not final" in response.content.decode()


def test_note_by_management(
    report: AnnualReport, management_a: User, consultant_a: User
) -> None:
    finalise(report, login(consultant_a))

    login(management_a).post(
        url("note", pk=report.pk),
        {"body": "director", "date": "2026-03-12", "reference": "SG 7"},
    )

    report.refresh_from_db()
    assert report.noted_at == datetime.date(2026, 3, 12)
    assert report.noted_by_body == "director"


def test_note_form_error_names_field(report: AnnualReport, management_a: User) -> None:
    response = login(management_a).post(
        url("note", pk=report.pk),
        {"body": "council", "date": "12/03/2026"},
        follow=True,
    )

    assert "date of the meeting" in response.content.decode()


def test_note_form_error_french_colon(report: AnnualReport, management_a: User) -> None:
    response = login(management_a).post(
        url("note", pk=report.pk),
        {"body": "council", "date": "not a date"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    with translation.override("fr"):
        label = str(NoteForm.base_fields["date"].label)
    message_texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(message_texts) == 1
    assert message_texts[0].startswith(f"{label}\u00a0: ")


@pytest.mark.parametrize("fmt", ["pdf", "odt"])
def test_document_download(report: AnnualReport, viewer_a: User, fmt: str) -> None:
    response = login(viewer_a).get(
        url("document", pk=report.pk, fmt=fmt), {"language": "fr"}
    )

    assert response.status_code == 200
    assert f"annual-report-2025-fr.{fmt}" in response["Content-Disposition"]


def test_document_unknown_format(report: AnnualReport, viewer_a: User) -> None:
    response = login(viewer_a).get(url("document", pk=report.pk, fmt="docx"))

    assert response.status_code == 404


def test_template_add_from_page(centre_a: Organisation, consultant_a: User) -> None:
    values = {
        "key": "risks",
        "title_nl": "Risico's",
        "title_fr": "Risques",
        "title_en": "Risks",
        "source": "",
    }

    response = login(consultant_a).post(url("template_add"), values)

    assert response.status_code == 302
    assert (
        SectionDefinition.objects.get(organisation=centre_a, key="risks").position == 13
    )


def test_template_add_rejects_duplicate_key(
    centre_a: Organisation, consultant_a: User
) -> None:
    values = {"key": "budget", "title_nl": "B", "title_fr": "B", "source": ""}

    response = login(consultant_a).post(url("template_add"), values)

    assert response.status_code == 400
    assert "already has a section with key “budget”" in response.content.decode()


def test_template_add_rejects_taken_item(
    centre_a: Organisation, consultant_a: User
) -> None:
    values = {
        "key": "other",
        "title_nl": "B",
        "title_fr": "B",
        "decree_item": "on",
        "item_number": "5",
        "source": "",
    }

    response = login(consultant_a).post(url("template_add"), values)

    assert response.status_code == 400
    assert "Item 5° is already the section “5°”" in response.content.decode()


def test_template_item_needs_number(centre_a: Organisation, consultant_a: User) -> None:
    values = {"key": "x", "title_nl": "B", "title_fr": "B", "decree_item": "on"}

    response = login(consultant_a).post(url("template_add"), values)

    assert "An item of the decree needs its number" in response.content.decode()


def test_template_rename_and_move(centre_a: Organisation, consultant_a: User) -> None:
    client = login(consultant_a)
    client.get(url("template"))
    item_6 = SectionDefinition.objects.get(organisation=centre_a, key="item-6")
    values = {
        "key": "item-6",
        "title_nl": "Contacten met de KSZ",
        "title_fr": "Contacts avec la BCSS",
        "title_en": "Contacts with the CBSS",
        "decree_item": "on",
        "item_number": "6",
        "source": "",
    }

    client.post(url("template_edit", pk=item_6.pk), values)
    client.post(url("template_move", pk=item_6.pk), {"direction": "up"})

    item_6.refresh_from_db()
    assert item_6.title_fr == "Contacts avec la BCSS"
    assert item_6.position == 5


def test_template_remove(centre_a: Organisation, consultant_a: User) -> None:
    client = login(consultant_a)
    client.get(url("template"))
    budget = SectionDefinition.objects.get(organisation=centre_a, key="budget")

    client.post(url("template_remove", pk=budget.pk))

    assert not SectionDefinition.objects.filter(pk=budget.pk).exists()


def test_viewer_cannot_edit_template(centre_a: Organisation, viewer_a: User) -> None:
    response = login(viewer_a).post(url("template_add"), {"key": "x"})

    assert response.status_code == 403
