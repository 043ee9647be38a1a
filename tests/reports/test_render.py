"""The generic document renderer: every block type as PDF/A-2b and as ODT."""

import datetime
import io
import re
from dataclasses import astuple, dataclass
from typing import Any

import pytest
from odf import teletype
from odf.namespaces import DCNS
from odf.opendocument import load as load_odt
from odf.style import Footer, PageLayoutProperties
from odf.table import TableHeaderRows
from odf.text import H
from pypdf import PdfReader

from vigil.reports.document import (
    Document,
    Facts,
    Heading,
    Paragraph,
    Signature,
    Table,
)
from vigil.reports.render import MEDIA_TYPES, document_response, render_document

GENERATED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SampleTexts:
    """The texts of the sample document in one language."""

    title: str
    subtitle: str
    organisation: str
    heading: str
    subheading: str
    paragraph: str
    fact_label: str
    fact_value: str
    header: tuple[str, str, str]
    row: tuple[str, str, str]
    total: tuple[str, str, str]
    signature_label: str
    signature_value: str
    footer: str

    def all_texts(self) -> list[str]:
        """Return every non-empty text, the cells of the table one by one."""
        texts: list[str] = []
        for value in astuple(self):
            if isinstance(value, tuple):
                texts.extend(cell for cell in value if cell)
            else:
                texts.append(value)
        return texts


TEXTS = {
    "nl": SampleTexts(
        title="Veiligheidsplan “2026–2028”",
        subtitle="Goedgekeurd door het vast bureau",
        organisation="OCMW Sint-Niklaas",
        heading="Doelstellingen van de informatieveiligheid",
        subheading="Financiële middelen",
        paragraph="Het budget bedraagt € 12.500 voor de coördinatie; *niet* #vet.",
        fact_label="Consulent",
        fact_value="Anaïs Van Poucke",
        header=("Norm", "Actie", "Kostprijs"),
        row=("4.10", "Externe audit laten uitvoeren “Ë-test”", "€ 4.000"),
        total=("Totaal", "", "€ 4.000"),
        signature_label="Voorzitter",
        signature_value="Noël De Brouwer",
        footer="Vigil · OCMW Sint-Niklaas · 2026-03-02",
    ),
    "fr": SampleTexts(
        title="Plan de sécurité « 2026–2028 »",
        subtitle="Approuvé par le bureau permanent",
        organisation="CPAS de Liège",
        heading="Objectifs de la sécurité de l’information",
        subheading="Moyens financiers",
        paragraph="Le budget s’élève à 12 500 € pour la coordination ; “prévu”.",
        fact_label="Conseiller en sécurité",
        fact_value="Hélène Lefèvre",
        header=("Norme", "Action", "Coût"),
        row=("4.10", "Faire réaliser un audit externe", "4 000 €"),
        total=("Total", "", "4 000 €"),
        signature_label="Président",
        signature_value="Zoë Maréchal",
        footer="Vigil · CPAS de Liège · 2026-03-02",
    ),
}


def sample_document(language: str) -> Document:
    texts = TEXTS[language]
    return Document(
        title=texts.title,
        language=language,
        organisation=texts.organisation,
        generated_at=GENERATED_AT,
        subtitle=texts.subtitle,
        footer=texts.footer,
        blocks=(
            Heading(texts.heading),
            Paragraph(texts.paragraph),
            Facts(((texts.fact_label, texts.fact_value),)),
            Heading(texts.subheading, level=2),
            Table(
                header=texts.header,
                rows=(texts.row,),
                widths=(1, 4, 2),
                footer=(texts.total,),
            ),
            Signature(((texts.signature_label, texts.signature_value),)),
        ),
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def odt_text(content: bytes) -> str:
    document = load_odt(io.BytesIO(content))
    parts = [teletype.extractText(document.text)]
    parts.extend(
        teletype.extractText(footer) for footer in document.getElementsByType(Footer)
    )
    return "\n".join(parts)


def long_document(pages_of_rows: int = 120) -> Document:
    rows = tuple((str(number), f"Actie {number}") for number in range(pages_of_rows))
    return Document(
        title="Lang document",
        language="nl",
        organisation="OCMW Gent",
        generated_at=GENERATED_AT,
        footer="Vigil · OCMW Gent",
        blocks=(Table(header=("Nr", "Actie"), rows=rows),),
    )


# PDF


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_contains_every_text(language: str) -> None:
    text = pdf_text(render_document(sample_document(language), "pdf"))

    missing = [value for value in TEXTS[language].all_texts() if value not in text]
    assert missing == []


def test_pdf_generation_time_is_local() -> None:
    text = pdf_text(render_document(sample_document("nl"), "pdf"))

    # 09:30 UTC is 10:30 in Brussels in March.
    assert "2026-03-02 10:30" in text


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_is_pdf_a_2b(language: str) -> None:
    reader = PdfReader(io.BytesIO(render_document(sample_document(language), "pdf")))

    metadata = reader.xmp_metadata
    assert metadata is not None
    xml = metadata.rdf_root.toxml()
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xml)
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", xml)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_language_and_title(language: str) -> None:
    reader = PdfReader(io.BytesIO(render_document(sample_document(language), "pdf")))

    root: Any = reader.trailer["/Root"]
    assert str(root["/Lang"]).lower().startswith(language)
    assert reader.metadata is not None
    assert reader.metadata.title == TEXTS[language].title


def test_pdf_page_is_a4() -> None:
    reader = PdfReader(io.BytesIO(render_document(sample_document("nl"), "pdf")))

    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    assert round(float(box.height) / 72 * 25.4) == 297


def test_pdf_embeds_its_fonts() -> None:
    reader = PdfReader(io.BytesIO(render_document(sample_document("fr"), "pdf")))

    resources: Any = reader.pages[0]["/Resources"]
    fonts = resources["/Font"]
    assert fonts
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile2", "/FontFile3"))


def test_pdf_footer_numbers_every_page() -> None:
    reader = PdfReader(io.BytesIO(render_document(long_document(), "pdf")))

    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Vigil · OCMW Gent" in text
        assert f"{number} / {count}" in text


def test_pdf_table_header_repeats_on_next_page() -> None:
    reader = PdfReader(io.BytesIO(render_document(long_document(), "pdf")))

    assert "Nr" in reader.pages[1].extract_text()
    assert "Actie 119" in pdf_text(render_document(long_document(), "pdf"))


def test_pdf_falls_back_without_glyphs() -> None:
    document = Document(
        title="Emoji",
        language="nl",
        organisation="OCMW Gent",
        generated_at=GENERATED_AT,
        blocks=(Paragraph("klaar 😀 漢字"),),
    )

    reader = PdfReader(io.BytesIO(render_document(document, "pdf")))

    assert "klaar" in reader.pages[0].extract_text()
    metadata = reader.xmp_metadata
    assert metadata is None or "pdfaid:part>2" not in metadata.rdf_root.toxml()


def test_pdf_document_without_blocks() -> None:
    document = Document(
        title="Leeg",
        language="en",
        organisation="OCMW Gent",
        generated_at=GENERATED_AT,
    )

    text = pdf_text(render_document(document, "pdf"))

    assert "Leeg" in text
    assert "1 / 1" in text


# ODT


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_odt_contains_every_text(language: str) -> None:
    text = odt_text(render_document(sample_document(language), "odt"))

    missing = [value for value in TEXTS[language].all_texts() if value not in text]
    assert missing == []


def test_odt_headings_with_levels() -> None:
    document = load_odt(io.BytesIO(render_document(sample_document("nl"), "odt")))

    headings = [
        (h.getAttribute("outlinelevel"), teletype.extractText(h))
        for h in document.getElementsByType(H)
    ]
    assert headings == [
        ("1", TEXTS["nl"].heading),
        ("2", TEXTS["nl"].subheading),
    ]


def test_odt_table_has_header_row() -> None:
    document = load_odt(io.BytesIO(render_document(sample_document("fr"), "odt")))

    header_rows = document.getElementsByType(TableHeaderRows)
    assert len(header_rows) == 1
    assert teletype.extractText(header_rows[0]) == "NormeActionCoût"


def test_odt_page_is_a4() -> None:
    document = load_odt(io.BytesIO(render_document(sample_document("nl"), "odt")))

    layouts = document.getElementsByType(PageLayoutProperties)
    sizes = {
        (p.getAttribute("pagewidth"), p.getAttribute("pageheight")) for p in layouts
    }
    assert ("21cm", "29.7cm") in sizes


def test_odt_footer_and_language() -> None:
    content = render_document(sample_document("fr"), "odt")
    document = load_odt(io.BytesIO(content))

    footers = document.getElementsByType(Footer)
    assert len(footers) == 1
    assert TEXTS["fr"].footer in teletype.extractText(footers[0])
    languages = [
        element.firstChild.data
        for element in document.meta.childNodes
        if element.qname == (DCNS, "language")
    ]
    assert languages == ["fr"]


# Formats and responses


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError, match=r'"docx".*use one of pdf, odt'):
        render_document(sample_document("nl"), "docx")


def test_table_row_with_wrong_cell_count_is_rejected() -> None:
    document = Document(
        title="Fout",
        language="nl",
        organisation="OCMW Gent",
        generated_at=GENERATED_AT,
        blocks=(Table(header=("A", "B"), rows=(("1", "2", "3"),)),),
    )

    with pytest.raises(ValueError, match=r"has 3 cells, but the table has 2 columns"):
        render_document(document, "odt")


@pytest.mark.parametrize("fmt", ["pdf", "odt"])
def test_document_response_is_attachment(fmt: str) -> None:
    response = document_response(sample_document("nl"), fmt, "veiligheidsplan-2026")

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES[fmt]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="veiligheidsplan-2026.{fmt}"'
    )
    assert response.content.startswith(b"%PDF" if fmt == "pdf" else b"PK")


def test_document_response_keeps_given_extension() -> None:
    response = document_response(sample_document("fr"), "odt", "plan.odt")

    assert response["Content-Disposition"] == 'attachment; filename="plan.odt"'
