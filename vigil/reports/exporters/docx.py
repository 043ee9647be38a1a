"""The questionnaire as a Word document (DOCX), written with python-docx."""

import io
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from vigil.reports.exporters.base import ExportedFile, Exporter
from vigil.reports.exporters.rows import Row, fact_rows, norm_rows, scale_rows
from vigil.reports.questionnaire import ChapterSection, NormEntry, QuestionnaireDocument

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_MM = 20
LABEL_COLUMN_MM = 40
VALUE_COLUMN_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM - LABEL_COLUMN_MM
NORM_ROW_SHADING = "E8E8E8"


class DocxExporter(Exporter):
    identifier = "docx"
    label = "DOCX (Word)"
    media_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    extension = "docx"

    def render(self, document: QuestionnaireDocument) -> ExportedFile:
        return self.exported_file(document, DocxWriter(document).write())


class DocxWriter:
    """Build one DOCX file from a questionnaire document."""

    def __init__(self, document: QuestionnaireDocument) -> None:
        self.document = document
        self.docx: Any = Document()

    def write(self) -> bytes:
        labels = self.document.labels
        self._set_up_page()
        self.docx.core_properties.title = labels.document_title
        self.docx.core_properties.language = self.document.language
        self.docx.core_properties.author = self.document.centre_name

        self.docx.add_heading(labels.document_title, level=1)
        self._table(fact_rows(self.document))
        self.docx.add_heading(labels.scale, level=2)
        self._table(scale_rows(self.document))
        for chapter in self.document.chapters:
            self._chapter(chapter)

        output = io.BytesIO()
        self.docx.save(output)
        return output.getvalue()

    def _set_up_page(self) -> None:
        section = self.docx.sections[0]
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))
        self.docx.styles["Normal"].font.size = Pt(10)

    def _chapter(self, chapter: ChapterSection) -> None:
        labels = self.document.labels
        self.docx.add_heading(f"{chapter.code} {chapter.title}", level=2)
        summary = self.docx.add_paragraph(
            f"{labels.score} {chapter.score.score_text} · "
            f"{labels.progress} {chapter.score.progress_text}"
        )
        summary.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        table = self._new_table()
        for norm in chapter.norms:
            self._norm(table, norm)

    def _norm(self, table: Any, norm: NormEntry) -> None:
        row = table.add_row()
        cell = row.cells[0].merge(row.cells[1])
        cell.text = ""
        run = cell.paragraphs[0].add_run(f"{norm.code} {norm.title}")
        run.bold = True
        _shade(cell, NORM_ROW_SHADING)
        for label, value in norm_rows(self.document, norm):
            self._row(table, label, value)

    def _table(self, rows: list[Row]) -> None:
        table = self._new_table()
        for label, value in rows:
            self._row(table, label, value)

    def _new_table(self) -> Any:
        table = self.docx.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        return table

    def _row(self, table: Any, label: str, value: str) -> None:
        row = table.add_row()
        label_cell, value_cell = row.cells
        label_cell.width = Mm(LABEL_COLUMN_MM)
        value_cell.width = Mm(VALUE_COLUMN_MM)
        label_cell.paragraphs[0].add_run(label).bold = True
        # A run's text setter turns "\n" into line breaks and "\t" into tabs.
        value_cell.paragraphs[0].add_run(value)


def _shade(cell: Any, colour: str) -> None:
    """Give a table cell a solid background ``colour`` (hex RGB, no ``#``)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
