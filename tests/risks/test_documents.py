"""The risk analysis document in Dutch and French, and its download."""

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.risks.documents import risks_document
from vigil.reports.document import Document, Facts, Heading, Paragraph, Table

from ..conftest import login
from .conftest import make_asset, make_risk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def text_of(document: Document) -> str:
    parts = [document.title, document.subtitle]
    for block in document.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts.append(" | ".join(block.header))
            parts.extend(" | ".join(row) for row in block.rows)
        elif isinstance(block, Facts):
            parts.extend(f"{label}: {value}" for label, value in block.rows)
    return "\n".join(parts)


def analysis(organisation: Organisation) -> None:
    make_asset(organisation, name="Betaalbestanden", confidentiality="3")
    make_risk(
        organisation,
        threat="Brand",
        likelihood="1",
        impact="4",
        residual_likelihood="1",
        residual_impact="3",
    )
    make_risk(
        organisation,
        threat="Uitval KSZ-verbinding",
        likelihood="2",
        impact="2",
        residual_likelihood="2",
        residual_impact="2",
        decision="accept",
        accepted_by="Algemeen directeur",
        accepted_until="2027-06-30",
    )
    make_risk(organisation, threat="Ransomware", likelihood="3", impact="4")


def tables(document: Document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def test_dutch_document_figures(centre_a: Organisation) -> None:
    analysis(centre_a)

    document = risks_document(centre_a, 2026, "nl")
    text = text_of(document)

    assert document.title == "Risicoanalyse 2026"
    assert document.language == "nl"
    assert "Proces | Eigenaar | V | I | B" in text
    assert "Sociale dienst | Hoofd sociale dienst | 4 | 3 | 2" in text
    assert "Betaalbestanden" in text
    assert "3 × 4 = 12" in text
    assert "Algemeen directeur | 2027-06-30" in text


def test_risks_sorted_by_current_score(centre_a: Organisation) -> None:
    analysis(centre_a)

    risk_table = tables(risks_document(centre_a, 2026, "nl"))[2]

    assert [row[0] for row in risk_table.rows] == [
        "Ransomware",
        "Uitval KSZ-verbinding",
        "Brand",
    ]


def test_heat_maps_as_tables(centre_a: Organisation) -> None:
    analysis(centre_a)

    current, residual = tables(risks_document(centre_a, 2026, "nl"))[3:5]

    assert current.header[1:] == ("1", "2", "3", "4")
    assert [row[0] for row in current.rows] == ["4", "3", "2", "1"]
    # Row likelihood 3, column impact 4 contains the ransomware risk.
    assert current.rows[1][4] == "1 (kritiek)"
    assert residual.rows[2][3] == "1 (gemiddeld)"
    assert residual.rows[3][3] == "1 (laag)"


def test_french_document(centre_a: Organisation) -> None:
    analysis(centre_a)

    document = risks_document(centre_a, 2026, "fr")
    text = text_of(document)

    assert document.title == "Analyse de risques 2026"
    assert "C est le besoin de confidentialité, I d'intégrité et D de" in text
    assert "Processus | Propriétaire | C | I | D" in text
    assert "accepter" in text
    assert "2027-06-30" in text


def test_empty_analysis(centre_a: Organisation) -> None:
    text = text_of(risks_document(centre_a, 2026, "nl"))

    assert "Er is geen proces geregistreerd." in text


def test_unknown_language(centre_a: Organisation) -> None:
    with pytest.raises(ValueError, match="use nl or fr"):
        risks_document(centre_a, 2026, "de")


def test_download_pdf_and_odt(centre_a: Organisation, viewer_a: User) -> None:
    analysis(centre_a)
    client = login(viewer_a)
    base = f"/c/{centre_a.slug}/risks/document"

    pdf = client.get(f"{base}.pdf?language=fr&year=2026")
    odt = client.get(f"{base}.odt?language=nl")

    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "risk-analysis-centre-a-2026-fr.pdf" in pdf["Content-Disposition"]
    assert odt.status_code == 200
    assert odt.content.startswith(b"PK")
    year = timezone.localdate().year
    assert f"risk-analysis-centre-a-{year}-nl.odt" in odt["Content-Disposition"]


def test_download_rejects_bad_language_and_year(
    centre_a: Organisation, viewer_a: User
) -> None:
    client = login(viewer_a)
    base = f"/c/{centre_a.slug}/risks/document.pdf"

    language = client.get(f"{base}?language=de")
    year = client.get(f"{base}?year=26")

    assert language.status_code == 400
    assert "gebruik language=nl of language=fr" in language.content.decode()
    assert year.status_code == 400
    assert "'26'" in year.content.decode()
    assert client.get(f"/c/{centre_a.slug}/risks/document.doc").status_code == 404


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "9" * 5000])
def test_download_rejects_year_not_ascii_digits(
    centre_a: Organisation, viewer_a: User, year: str
) -> None:
    response = login(viewer_a).get(
        f"/c/{centre_a.slug}/risks/document.pdf", {"year": year}
    )

    assert response.status_code == 400
    assert "Ongeldig jaar" in response.content.decode()
