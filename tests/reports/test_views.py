"""The export download and the XLSX import pages, per persona."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import login as login_in_default_language
from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.models import AnswerChange, Assessment
from vigil.reports.exporters.xlsx import write_workbook
from vigil.reports.questionnaire import build_document

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def login(user: User) -> Client:
    """Log ``user`` in with English pages, so messages match the source texts."""
    client = login_in_default_language(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def export_url(assessment: Assessment, fmt: str) -> str:
    return reverse(
        "reports:assessment_export",
        kwargs={
            "org": assessment.organisation.slug,
            "year": assessment.year,
            "fmt": fmt,
        },
    )


def import_url(assessment: Assessment) -> str:
    return reverse(
        "assessments:import",
        kwargs={"org": assessment.organisation.slug, "year": assessment.year},
    )


def xlsx_upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("questionnaire.xlsx", content, content_type=XLSX_TYPE)


# Export


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("pdf", "application/pdf"),
        ("odt", "application/vnd.oasis.opendocument.text"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("xlsx", XLSX_TYPE),
    ],
)
def test_export_as_attachment(
    submitted: Assessment, consultant_a: User, fmt: str, media_type: str
) -> None:
    response = login(consultant_a).get(export_url(submitted, fmt), {"language": "fr"})

    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="vigil-centre-a-2026-questionnaire-fr.{fmt}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_export_defaults_to_active_language(
    submitted: Assessment, consultant_a: User
) -> None:
    client = login(consultant_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get(export_url(submitted, "xlsx"))

    assert "questionnaire-fr.xlsx" in response["Content-Disposition"]


def test_export_for_viewer(submitted: Assessment, viewer_a: User) -> None:
    response = login(viewer_a).get(export_url(submitted, "xlsx"))

    assert response.status_code == 200


def test_export_hidden_from_other_centre(
    submitted: Assessment, consultant_b: User
) -> None:
    response = login(consultant_b).get(export_url(submitted, "pdf"))

    assert response.status_code == 404


def test_export_unknown_format(submitted: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(export_url(submitted, "csv"))

    assert response.status_code == 404


def test_export_unknown_year(submitted: Assessment, consultant_a: User) -> None:
    url = export_url(submitted, "pdf").replace("/2026/", "/2019/")

    response = login(consultant_a).get(url)

    assert response.status_code == 404


def test_export_unknown_language(submitted: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(export_url(submitted, "pdf"), {"language": "de"})

    assert response.status_code == 400
    assert "de" in response.content.decode()


def test_export_needs_login(submitted: Assessment) -> None:
    response = Client().get(export_url(submitted, "pdf"))

    assert response.status_code == 302


# Import


def test_import_form_shown(filled: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(import_url(filled))

    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_import_forbidden_for_viewer(filled: Assessment, viewer_a: User) -> None:
    response = login(viewer_a).get(import_url(filled))

    assert response.status_code == 403


def test_import_hidden_from_other_centre(
    filled: Assessment, consultant_b: User
) -> None:
    response = login(consultant_b).get(import_url(filled))

    assert response.status_code == 404


def test_import_applies_and_redirects(filled: Assessment, consultant_a: User) -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(write_workbook(build_document(filled, "nl")))
    )
    sheet = workbook[tabular.SHEET_TITLE]
    owner = tabular.column_number(tabular.OWNER)
    sheet.cell(tabular.FIRST_DATA_ROW, owner).value = "Kwaliteitsdienst"
    output = io.BytesIO()
    workbook.save(output)

    response = login(consultant_a).post(
        import_url(filled), {"file": xlsx_upload(output.getvalue())}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/questionnaires/2026/")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["1 answer changed."]
    assert filled.answers.get(norm__code="4.1").owner == "Kwaliteitsdienst"


def test_import_errors_listed(filled: Assessment, consultant_a: User) -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(write_workbook(build_document(filled, "nl")))
    )
    sheet = workbook[tabular.SHEET_TITLE]
    sheet.cell(
        tabular.FIRST_DATA_ROW, tabular.column_number(tabular.ANSWER)
    ).value = "yes"
    output = io.BytesIO()
    workbook.save(output)
    changes_before = AnswerChange.objects.count()

    response = login(consultant_a).post(
        import_url(filled), {"file": xlsx_upload(output.getvalue())}
    )

    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 1
    assert errors[0].startswith(f"Row {tabular.FIRST_DATA_ROW}, column D (answer)")
    assert "yes" in response.content.decode()
    assert AnswerChange.objects.count() == changes_before


def test_import_not_xlsx_rejected(filled: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).post(
        import_url(filled), {"file": xlsx_upload(b"just text")}
    )

    assert response.status_code == 400
    assert "not an XLSX workbook" in response.content.decode()


def test_import_without_file(filled: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).post(import_url(filled), {})

    assert response.status_code == 400


def test_import_into_submitted_rejected(
    submitted: Assessment, consultant_a: User
) -> None:
    content = write_workbook(build_document(submitted, "nl"))

    response = login(consultant_a).post(
        import_url(submitted), {"file": xlsx_upload(content)}
    )

    assert response.status_code == 400
    assert "submitted and frozen" in response.content.decode()
