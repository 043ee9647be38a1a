"""The annual report as a document, and as PDF and ODT files."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from odf import teletype
from odf.opendocument import load as load_odt

from tests.annualreports.conftest import YEAR
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.annual import services
from vigil.plans.annual.documents import annual_document
from vigil.plans.annual.models import AnnualReport
from vigil.reports.document import Document, Heading, Paragraph, Signature, Table
from vigil.reports.render import render_document


def document_text(document: Document) -> str:
    parts: list[str] = [document.title]
    for block in document.blocks:
        if isinstance(block, (Heading, Paragraph)):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [cell for row in (*block.rows, *block.footer) for cell in row]
        elif isinstance(block, Signature):
            parts += [cell for row in block.rows for cell in row]
    return "\n".join(parts)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def odt_text(content: bytes) -> str:
    document = load_odt(io.BytesIO(content))
    return " ".join(teletype.extractText(document.text).split())


@pytest.fixture
def report(records: Organisation, consultant_a: User) -> AnnualReport:
    return services.create_report(records, YEAR, actor=consultant_a)


def test_document_holds_sections_and_figures(report: AnnualReport) -> None:
    document = annual_document(report.organisation, YEAR, "nl")

    text = document_text(document)
    assert document.language == "nl"
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert headings[0].startswith("1° ")
    assert headings[4] == "5° 5°"
    assert "94,4 %" in text
    assert "10.000,00" in text
    assert "AUD-2025-01" in text


def test_document_uses_edited_text(report: AnnualReport, consultant_a: User) -> None:
    advices = report.sections.get(key="advices")
    services.save_text(advices, "Eerste alinea.\n\nTweede alinea.", actor=consultant_a)

    document = annual_document(report.organisation, YEAR, "nl")

    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert "Eerste alinea." in paragraphs
    assert "Tweede alinea." in paragraphs


def test_document_without_report_is_drafted(records: Organisation) -> None:
    document = annual_document(records, YEAR, "fr")

    assert not AnnualReport.objects.exists()
    assert "94,4 %" in document_text(document)
    assert document.language == "fr"


def test_document_shows_note(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    for section in report.sections.all():
        if not section.text_in("nl"):
            services.save_text(section, "Geen opmerkingen.", actor=consultant_a)
        services.mark_final(section, actor=consultant_a)
    services.record_note(
        report,
        date=datetime.date(2026, 3, 12),
        body="council",
        reference="RMW 2026/31",
        actor=management_a,
    )

    text = document_text(annual_document(report.organisation, YEAR, "nl"))

    assert "2026-03-12" in text
    assert "RMW 2026/31" in text


@pytest.mark.parametrize("language", ["en", "de", ""])
def test_document_rejects_language(records: Organisation, language: str) -> None:
    with pytest.raises(ValidationError, match="use nl or fr"):
        annual_document(records, YEAR, language)


def test_pdf_contains_figures(report: AnnualReport, tmp_path: Path) -> None:
    content = render_document(annual_document(report.organisation, YEAR, "nl"), "pdf")

    text = pdf_text(content, tmp_path)
    assert content.startswith(b"%PDF")
    assert "94,4 %" in text
    assert "3.700,50" in text
    assert "AUD-2025-01" in text


def test_odt_contains_figures(report: AnnualReport) -> None:
    content = render_document(annual_document(report.organisation, YEAR, "fr"), "odt")

    text = odt_text(content)
    assert "94,4 %" in text
    assert "6.299,50" in text
    assert "Lock your screen posters" in text
