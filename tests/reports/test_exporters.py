"""Every export format of an answered questionnaire of the shipped catalog."""

import datetime
import io
import re
import zipfile
from dataclasses import replace
from typing import Any

import docx
import openpyxl
import pytest
from docx.shared import Mm
from odf import teletype
from odf.opendocument import load as load_odt
from odf.style import PageLayoutProperties
from odf.text import H
from pypdf import PdfReader

from tests.assessments.filling import EVIDENCE_NAME, PLANNED, TRICKY_TEXT
from vigil.assessments import tabular
from vigil.assessments.models import Assessment
from vigil.catalog.models import CatalogVersion, Chapter
from vigil.reports.exporters import EXPORTERS, get_exporter
from vigil.reports.exporters.pdf import compile_pdf
from vigil.reports.questionnaire import build_document

LANGUAGES = ["nl", "fr", "en"]


def norm_codes(assessment: Assessment) -> list[str]:
    return list(
        assessment.catalog.norms.order_by("position").values_list("code", flat=True)
    )


def chapter_title(catalog: CatalogVersion, language: str) -> str:
    return str(Chapter.objects.get(catalog=catalog, code="4.4").title[language])


def render(assessment: Assessment, identifier: str, language: str = "en") -> bytes:
    exporter = get_exporter(identifier)
    assert exporter is not None
    return exporter.render(build_document(assessment, language)).content


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def contains_code(text: str, code: str) -> bool:
    """Whether ``code`` occurs as a whole norm id, not inside e.g. 4.10."""
    return re.search(rf"(?<![\d.]){re.escape(code)}(?![\d.]*\d)", text) is not None


def odt_text(content: bytes) -> str:
    document = load_odt(io.BytesIO(content))
    return str(teletype.extractText(document.text))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_registry_has_four_formats() -> None:
    assert sorted(EXPORTERS) == ["docx", "odt", "pdf", "xlsx"]
    assert get_exporter("csv") is None


@pytest.mark.parametrize("identifier", ["pdf", "odt", "docx", "xlsx"])
def test_exported_file_name_and_type(submitted: Assessment, identifier: str) -> None:
    exporter = EXPORTERS[identifier]
    exported = exporter.render(build_document(submitted, "nl"))

    assert exported.filename == f"vigil-centre-a-2026-questionnaire-nl.{identifier}"
    assert exported.media_type == exporter.media_type
    assert exported.content


# PDF


def test_pdf_lists_every_norm(submitted: Assessment) -> None:
    text = pdf_text(render(submitted, "pdf"))

    missing = [code for code in norm_codes(submitted) if not contains_code(text, code)]
    assert missing == []


def test_pdf_header_facts(submitted: Assessment) -> None:
    text = pdf_text(render(submitted, "pdf", "nl"))

    last = submitted.last_submission
    assert last is not None
    assert "OCMW centre-a" in text
    assert "0999.999.922" in text
    assert "ksz-mn-2005" in text
    assert last.digest in text


def test_pdf_running_header_names_status_and_digest(submitted: Assessment) -> None:
    reader = PdfReader(io.BytesIO(render(submitted, "pdf", "nl")))
    last = submitted.last_submission
    assert last is not None
    assert len(reader.pages) > 2

    for number in (2, len(reader.pages)):
        header = reader.pages[number - 1].extract_text().splitlines()[0]

        assert "OCMW centre-a · 2026 · ksz-mn-2005" in header, number
        assert "Ingediend" in header, number
        assert f"SHA-256 {last.digest[:16]}" in header, number


def test_pdf_running_header_of_draft_has_no_digest(filled: Assessment) -> None:
    reader = PdfReader(io.BytesIO(render(filled, "pdf", "nl")))
    header = reader.pages[1].extract_text().splitlines()[0]

    assert "OCMW centre-a · 2026 · ksz-mn-2005" in header
    assert "In bewerking" in header
    assert "SHA-256" not in header


def test_pdf_shows_answers_and_evidence(submitted: Assessment) -> None:
    text = pdf_text(render(submitted, "pdf", "en"))

    assert "Partially implemented" in text
    assert PLANNED.isoformat() in text
    assert EVIDENCE_NAME in text
    assert "*bold* _it_ <tag>" in text


def test_pdf_is_pdf_a_2b(submitted: Assessment) -> None:
    reader = PdfReader(io.BytesIO(render(submitted, "pdf")))

    metadata = reader.xmp_metadata
    assert metadata is not None
    xml = metadata.rdf_root.toxml()
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xml)
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>", xml)


def test_pdf_page_is_a4(submitted: Assessment) -> None:
    reader = PdfReader(io.BytesIO(render(submitted, "pdf")))

    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    assert round(float(box.height) / 72 * 25.4) == 297


def test_pdf_embeds_its_fonts(submitted: Assessment) -> None:
    reader = PdfReader(io.BytesIO(render(submitted, "pdf")))

    resources: Any = reader.pages[0]["/Resources"]
    fonts = resources["/Font"]
    assert fonts
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile2", "/FontFile3"))


def test_pdf_falls_back_without_glyphs(submitted: Assessment) -> None:
    document = build_document(submitted, "en")
    chapter = document.chapters[0]
    norm = replace(chapter.norms[0], comment="done 😀 漢字")
    chapters = (replace(chapter, norms=(norm,)), *document.chapters[1:])

    reader = PdfReader(io.BytesIO(compile_pdf(replace(document, chapters=chapters))))

    assert "done" in reader.pages[0].extract_text()
    metadata = reader.xmp_metadata
    assert metadata is None or "pdfaid:part>2" not in metadata.rdf_root.toxml()


# ODT


def test_odt_lists_every_norm(submitted: Assessment) -> None:
    text = odt_text(render(submitted, "odt"))

    missing = [code for code in norm_codes(submitted) if not contains_code(text, code)]
    assert missing == []
    assert "OCMW centre-a" in text
    assert TRICKY_TEXT in text


def test_odt_has_headings_per_chapter(submitted: Assessment) -> None:
    document = load_odt(io.BytesIO(render(submitted, "odt")))

    headings = [teletype.extractText(h) for h in document.getElementsByType(H)]
    chapters = [h for h in headings if re.match(r"4\.\d+ ", h)]
    assert len(chapters) == 10


def test_odt_page_is_a4(submitted: Assessment) -> None:
    document = load_odt(io.BytesIO(render(submitted, "odt")))

    layouts = document.getElementsByType(PageLayoutProperties)
    sizes = {
        (p.getAttribute("pagewidth"), p.getAttribute("pageheight")) for p in layouts
    }
    assert ("21cm", "29.7cm") in sizes


def test_odt_contains_digest(submitted: Assessment) -> None:
    text = odt_text(render(submitted, "odt"))

    last = submitted.last_submission
    assert last is not None
    assert last.digest in text


# DOCX


def test_docx_page_is_a4(submitted: Assessment) -> None:
    document = docx.Document(io.BytesIO(render(submitted, "docx")))

    section = document.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)


def test_docx_lists_every_norm(submitted: Assessment) -> None:
    text = docx_text(render(submitted, "docx"))

    missing = [code for code in norm_codes(submitted) if not contains_code(text, code)]
    assert missing == []
    assert TRICKY_TEXT in text


def test_docx_has_table_per_chapter(submitted: Assessment) -> None:
    document = docx.Document(io.BytesIO(render(submitted, "docx")))

    headings = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Heading 2"
    ]
    chapters = [h for h in headings if re.match(r"4\.\d+ ", h)]
    assert len(chapters) == 10
    # The facts, the answer scale and one table per chapter.
    assert len(document.tables) == 2 + 10


def test_docx_contains_header_facts(submitted: Assessment) -> None:
    text = docx_text(render(submitted, "docx"))

    last = submitted.last_submission
    assert last is not None
    assert "0999.999.922" in text
    assert last.digest in text


# XLSX


def open_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def data_rows(workbook: openpyxl.Workbook) -> list[dict[str, object]]:
    sheet = workbook[tabular.SHEET_TITLE]
    rows = sheet.iter_rows(
        min_row=tabular.FIRST_DATA_ROW, max_col=len(tabular.COLUMNS), values_only=True
    )
    return [dict(zip(tabular.COLUMNS, row, strict=True)) for row in rows]


def test_xlsx_has_a_row_per_norm(submitted: Assessment) -> None:
    rows = data_rows(open_xlsx(render(submitted, "xlsx")))

    assert [row[tabular.NORM] for row in rows] == norm_codes(submitted)


def test_xlsx_answer_codes(submitted: Assessment) -> None:
    rows = data_rows(open_xlsx(render(submitted, "xlsx")))

    expected = dict(submitted.answers.values_list("norm__code", "option__code"))
    assert {row[tabular.NORM]: row[tabular.ANSWER] for row in rows} == expected


def test_xlsx_cells_keep_their_types(submitted: Assessment) -> None:
    rows = data_rows(open_xlsx(render(submitted, "xlsx")))

    partial = rows[1]
    assert partial[tabular.PLANNED_DATE] == datetime.datetime.combine(
        PLANNED, datetime.time()
    )
    assert rows[0][tabular.EVIDENCE_COUNT] == 1
    assert rows[0][tabular.COMMENT] == f"Comment on 4.1: {TRICKY_TEXT}"


def test_xlsx_text_never_becomes_formula(submitted: Assessment) -> None:
    content = render(submitted, "xlsx")

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_xlsx_header_block(submitted: Assessment) -> None:
    sheet = open_xlsx(render(submitted, "xlsx"))[tabular.SHEET_TITLE]

    def fact(key: str) -> object:
        return sheet.cell(tabular.FACT_ROWS[key], tabular.FACT_VALUE_COLUMN).value

    last = submitted.last_submission
    assert last is not None
    assert fact("centre") == "OCMW centre-a"
    assert fact("enterprise_number") == "0999.999.922"
    assert fact("year") == 2026
    assert fact("catalog") == "ksz-mn-2005"
    assert fact("digest") == last.digest
    columns = range(1, len(tabular.COLUMNS) + 1)
    header = [sheet.cell(tabular.HEADER_ROW, column).value for column in columns]
    assert tuple(header) == tabular.COLUMNS


def test_xlsx_layout_helpers(submitted: Assessment) -> None:
    workbook = open_xlsx(render(submitted, "xlsx"))
    sheet = workbook[tabular.SHEET_TITLE]

    assert sheet.freeze_panes == f"B{tabular.FIRST_DATA_ROW}"
    assert sheet.column_dimensions["C"].width == 40
    validations = sheet.data_validations.dataValidation
    assert [validation.type for validation in validations] == ["list", "custom"]
    assert str(validations[0].sqref) == f"D{tabular.FIRST_DATA_ROW}:D38"


def test_xlsx_revision_column(submitted: Assessment) -> None:
    answer = submitted.answers.get(norm__code="4.1")
    sheet = open_xlsx(render(submitted, "xlsx", "nl"))[tabular.SHEET_TITLE]
    column = tabular.column_number(tabular.REVISION)

    revision = sheet.cell(tabular.FIRST_DATA_ROW, column).value
    label = sheet.cell(tabular.LABEL_ROW, column)
    guard = sheet.data_validations.dataValidation[1]
    assert answer.revision == 1
    assert revision == 1
    assert label.value == "Revisie (niet wijzigen)"
    assert label.comment is not None
    assert "revisie" in label.comment.text
    assert guard.formula1 == "FALSE"
    assert str(guard.sqref) == f"K{tabular.FIRST_DATA_ROW}:K38"
    assert guard.error is not None
    assert len(guard.error) <= 255


def test_xlsx_scale_sheet(submitted: Assessment) -> None:
    sheet = open_xlsx(render(submitted, "xlsx"))[tabular.SCALE_SHEET_TITLE]

    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["implemented", "partial", "not_implemented", "not_applicable"]


# Languages


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_in_language(
    submitted: Assessment, catalog: CatalogVersion, language: str
) -> None:
    text = pdf_text(render(submitted, "pdf", language))

    assert chapter_title(catalog, language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_odt_in_language(
    submitted: Assessment, catalog: CatalogVersion, language: str
) -> None:
    text = odt_text(render(submitted, "odt", language))

    assert chapter_title(catalog, language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_in_language(
    submitted: Assessment, catalog: CatalogVersion, language: str
) -> None:
    text = docx_text(render(submitted, "docx", language))

    assert chapter_title(catalog, language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_in_language(
    submitted: Assessment, catalog: CatalogVersion, language: str
) -> None:
    workbook = open_xlsx(render(submitted, "xlsx", language))

    titles = {row[tabular.NORM]: row[tabular.TITLE] for row in data_rows(workbook)}
    norm = catalog.norms.get(code="4.4.1")
    assert titles["4.4.1"] == norm.title[language]
    scale = workbook[tabular.SCALE_SHEET_TITLE]
    labels = [row[1] for row in scale.iter_rows(min_row=2, values_only=True)]
    implemented = catalog.answer_options.get(code="implemented")
    assert labels[0] == implemented.label[language]
