"""The questionnaire as an OpenDocument text (ODT), written with odfpy."""

import io
from typing import Any

from odf import teletype
from odf.dc import Language, Title
from odf.opendocument import OpenDocumentText
from odf.style import (
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from vigil.reports.exporters.base import ExportedFile, Exporter
from vigil.reports.exporters.rows import fact_rows, norm_rows, scale_rows
from vigil.reports.questionnaire import ChapterSection, NormEntry, QuestionnaireDocument

TEXT_WIDTH_CM = 17.0
LABEL_COLUMN_CM = 4.0


class OdtExporter(Exporter):
    identifier = "odt"
    label = "ODT (OpenDocument)"
    media_type = "application/vnd.oasis.opendocument.text"
    extension = "odt"

    def render(self, document: QuestionnaireDocument) -> ExportedFile:
        return self.exported_file(document, OdtWriter(document).write())


class OdtWriter:
    """Build one ODT file from a questionnaire document."""

    def __init__(self, document: QuestionnaireDocument) -> None:
        self.document = document
        self.odt = OpenDocumentText()
        self.styles = _add_styles(self.odt)

    def write(self) -> bytes:
        labels = self.document.labels
        self.odt.meta.addElement(Title(text=labels.document_title))
        self.odt.meta.addElement(Language(text=self.document.language))

        self._heading(1, labels.document_title)
        self._table("facts", fact_rows(self.document))
        self._heading(2, labels.scale)
        self._table("scale", scale_rows(self.document))
        for chapter in self.document.chapters:
            self._chapter(chapter)

        output = io.BytesIO()
        self.odt.write(output)
        return output.getvalue()

    def _chapter(self, chapter: ChapterSection) -> None:
        labels = self.document.labels
        self._heading(2, f"{chapter.code} {chapter.title}")
        self._paragraph(
            f"{labels.score} {chapter.score.score_text} · "
            f"{labels.progress} {chapter.score.progress_text}"
        )
        table = self._new_table(f"chapter-{chapter.code}")
        for norm in chapter.norms:
            self._norm(table, norm)
        self.odt.text.addElement(table)

    def _norm(self, table: Table, norm: NormEntry) -> None:
        row = TableRow()
        cell = TableCell(
            numbercolumnsspanned=2,
            stylename=self.styles["norm_cell"],
            valuetype="string",
        )
        cell.addElement(self._text_paragraph(f"{norm.code} {norm.title}", "strong"))
        row.addElement(cell)
        row.addElement(CoveredTableCell())
        table.addElement(row)
        for label, value in norm_rows(self.document, norm):
            table.addElement(self._row(label, value))

    def _table(self, name: str, rows: list[tuple[str, str]]) -> None:
        table = self._new_table(name)
        for label, value in rows:
            table.addElement(self._row(label, value))
        self.odt.text.addElement(table)

    def _new_table(self, name: str) -> Table:
        table = Table(name=name, stylename=self.styles["table"])
        table.addElement(TableColumn(stylename=self.styles["label_column"]))
        table.addElement(TableColumn(stylename=self.styles["value_column"]))
        return table

    def _row(self, label: str, value: str) -> TableRow:
        row = TableRow()
        for text, style in ((label, "strong"), (value, "body")):
            cell = TableCell(stylename=self.styles["cell"], valuetype="string")
            cell.addElement(self._text_paragraph(text, style))
            row.addElement(cell)
        return row

    def _heading(self, level: int, text: str) -> None:
        heading = H(outlinelevel=level, stylename=self.styles[f"heading{level}"])
        teletype.addTextToElement(heading, text)
        self.odt.text.addElement(heading)

    def _paragraph(self, text: str) -> None:
        self.odt.text.addElement(self._text_paragraph(text, "body"))

    def _text_paragraph(self, text: str, style: str) -> Any:
        paragraph = P(stylename=self.styles[style])
        # addTextToElement turns line breaks, tabs and runs of spaces into
        # their ODF elements, which plain text nodes would collapse.
        teletype.addTextToElement(paragraph, text)
        return paragraph


def _add_styles(odt: Any) -> dict[str, Any]:
    """Add an A4 page and the paragraph and table styles, and return them by role."""
    layout = PageLayout(name="A4")
    layout.addElement(
        PageLayoutProperties(
            pagewidth="21cm",
            pageheight="29.7cm",
            printorientation="portrait",
            margin="2cm",
        )
    )
    odt.automaticstyles.addElement(layout)
    odt.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))

    styles = {
        "heading1": _paragraph_style("Heading_20_1", "Heading 1", "18pt", bold=True),
        "heading2": _paragraph_style("Heading_20_2", "Heading 2", "14pt", bold=True),
        "body": _paragraph_style("Text_20_body", "Text body", "10pt"),
        "strong": _paragraph_style("Vigil_20_label", "Vigil label", "10pt", bold=True),
    }
    for style in styles.values():
        odt.styles.addElement(style)
    table_styles = _table_styles()
    for style in table_styles.values():
        odt.automaticstyles.addElement(style)
    return styles | table_styles


def _paragraph_style(
    name: str, display_name: str, size: str, *, bold: bool = False
) -> Any:
    style = Style(name=name, displayname=display_name, family="paragraph")
    style.addElement(
        TextProperties(fontsize=size, fontweight="bold" if bold else "normal")
    )
    style.addElement(ParagraphProperties(margintop="0.1cm", marginbottom="0.1cm"))
    return style


def _table_styles() -> dict[str, Any]:
    table = Style(name="VigilTable", family="table")
    table.addElement(
        TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="left", marginbottom="0.4cm")
    )
    label_column = Style(name="VigilLabelColumn", family="table-column")
    label_column.addElement(TableColumnProperties(columnwidth=f"{LABEL_COLUMN_CM}cm"))
    value_column = Style(name="VigilValueColumn", family="table-column")
    value_column.addElement(
        TableColumnProperties(columnwidth=f"{TEXT_WIDTH_CM - LABEL_COLUMN_CM}cm")
    )
    cell = Style(name="VigilCell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #aaaaaa", padding="0.1cm"))
    norm_cell = Style(name="VigilNormCell", family="table-cell")
    norm_cell.addElement(
        TableCellProperties(
            border="0.5pt solid #aaaaaa", padding="0.1cm", backgroundcolor="#e8e8e8"
        )
    )
    return {
        "table": table,
        "label_column": label_column,
        "value_column": value_column,
        "cell": cell,
        "norm_cell": norm_cell,
    }
