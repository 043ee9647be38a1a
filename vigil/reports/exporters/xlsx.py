"""The questionnaire as an Excel workbook (XLSX), in the layout the import reads.

The layout (sheet names, rows, column keys) is defined once in
:mod:`vigil.assessments.tabular`, so an exported file can be filled in and
imported again.
"""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vigil.assessments import tabular
from vigil.reports.exporters.base import ExportedFile, Exporter
from vigil.reports.questionnaire import (
    Labels,
    NormEntry,
    QuestionnaireDocument,
)

COLUMN_WIDTHS: dict[str, int] = {
    tabular.NORM: 10,
    tabular.CHAPTER: 9,
    tabular.TITLE: 40,
    tabular.ANSWER: 18,
    tabular.ANSWER_LABEL: 28,
    tabular.PLANNED_DATE: 13,
    tabular.OWNER: 20,
    tabular.JUSTIFICATION: 45,
    tabular.COMMENT: 45,
    tabular.EVIDENCE_COUNT: 10,
    tabular.REVISION: 12,
}
WRAPPED_COLUMNS = {tabular.TITLE, tabular.JUSTIFICATION, tabular.COMMENT}
HEADER_FILL = PatternFill("solid", start_color="E8E8E8")
KEY_FONT = Font(color="808080", size=8)


class XlsxExporter(Exporter):
    identifier = "xlsx"
    label = "XLSX (Excel)"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, document: QuestionnaireDocument) -> ExportedFile:
        return self.exported_file(document, write_workbook(document))


def write_workbook(document: QuestionnaireDocument) -> bytes:
    """Return the XLSX bytes of ``document``: the questionnaire and the scale."""
    workbook = Workbook()
    workbook.properties.title = document.labels.document_title
    workbook.properties.language = document.language
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("a new openpyxl workbook starts with one worksheet")
    sheet.title = tabular.SHEET_TITLE

    _write_facts(sheet, document)
    _write_column_headers(sheet, document.labels)
    for offset, norm in enumerate(document.norms):
        _write_norm(sheet, tabular.FIRST_DATA_ROW + offset, norm)
    _add_answer_validation(sheet, document)
    _guard_revisions(sheet, document)
    _set_column_layout(sheet)
    _write_scale(workbook.create_sheet(tabular.SCALE_SHEET_TITLE), document)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _set_text(sheet: Worksheet, row: int, column: int, value: str) -> Any:
    """Write ``value`` as a text cell, even when it starts with ``=``.

    openpyxl stores a string starting with ``=`` as a formula. User text must
    never become one, so the cell type is forced to string.
    """
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"
    return cell


def _write_facts(sheet: Worksheet, document: QuestionnaireDocument) -> None:
    labels = document.labels
    title = _set_text(sheet, tabular.TITLE_ROW, 1, labels.document_title)
    title.font = Font(bold=True, size=14)
    facts: dict[str, tuple[str, str | int]] = {
        "centre": (labels.centre, document.centre_name),
        "enterprise_number": (labels.enterprise_number, document.enterprise_number),
        "year": (labels.year, document.year),
        "catalog": (labels.catalog, document.catalog_code),
        "status": (labels.status, document.status_label),
        "digest": (labels.digest, document.digest or labels.not_submitted),
    }
    for key, row in tabular.FACT_ROWS.items():
        label, value = facts[key]
        _set_text(sheet, row, tabular.FACT_LABEL_COLUMN, label).font = Font(bold=True)
        if isinstance(value, int):
            sheet.cell(row=row, column=tabular.FACT_VALUE_COLUMN, value=value)
        else:
            _set_text(sheet, row, tabular.FACT_VALUE_COLUMN, value)


def _column_labels(labels: Labels) -> dict[str, str]:
    return {
        tabular.NORM: labels.norm,
        tabular.CHAPTER: labels.chapter,
        tabular.TITLE: labels.title,
        tabular.ANSWER: labels.answer_code,
        tabular.ANSWER_LABEL: labels.answer,
        tabular.PLANNED_DATE: labels.planned_date,
        tabular.OWNER: labels.owner,
        tabular.JUSTIFICATION: labels.justification,
        tabular.COMMENT: labels.comment,
        tabular.EVIDENCE_COUNT: labels.evidence_count,
        tabular.REVISION: labels.revision,
    }


def _write_column_headers(sheet: Worksheet, labels: Labels) -> None:
    texts = _column_labels(labels)
    for key in tabular.COLUMNS:
        column = tabular.column_number(key)
        label = _set_text(sheet, tabular.LABEL_ROW, column, texts[key])
        label.font = Font(bold=True)
        label.fill = HEADER_FILL
        label.alignment = Alignment(wrap_text=True, vertical="top")
        _set_text(sheet, tabular.HEADER_ROW, column, key).font = KEY_FONT
    revision_label = sheet.cell(
        row=tabular.LABEL_ROW, column=tabular.column_number(tabular.REVISION)
    )
    revision_label.comment = Comment(labels.revision_note, "Vigil")


def _write_norm(sheet: Worksheet, row: int, norm: NormEntry) -> None:
    texts = {
        tabular.NORM: norm.code,
        tabular.CHAPTER: norm.chapter_code,
        tabular.TITLE: norm.title,
        tabular.ANSWER: norm.answer_code or "",
        tabular.ANSWER_LABEL: norm.answer_label if norm.answer_code else "",
        tabular.OWNER: norm.owner,
        tabular.JUSTIFICATION: norm.justification,
        tabular.COMMENT: norm.comment,
    }
    for key, value in texts.items():
        column = tabular.column_number(key)
        if value:
            cell = _set_text(sheet, row, column, value)
        else:
            cell = sheet.cell(row=row, column=column)
        if key in WRAPPED_COLUMNS:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(
        row=row, column=tabular.column_number(tabular.NORM)
    ).number_format = tabular.TEXT_NUMBER_FORMAT

    planned = sheet.cell(row=row, column=tabular.column_number(tabular.PLANNED_DATE))
    planned.value = norm.planned_date
    planned.number_format = tabular.DATE_NUMBER_FORMAT
    sheet.cell(
        row=row,
        column=tabular.column_number(tabular.EVIDENCE_COUNT),
        value=len(norm.evidence),
    )
    revision = sheet.cell(
        row=row, column=tabular.column_number(tabular.REVISION), value=norm.revision
    )
    revision.font = KEY_FONT


def _add_answer_validation(sheet: Worksheet, document: QuestionnaireDocument) -> None:
    """Let spreadsheet programs offer the answer codes of the Scale sheet only."""
    last_scale_row = 1 + len(document.scale)
    source = f"'{tabular.SCALE_SHEET_TITLE}'!$A$2:$A${last_scale_row}"
    validation = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=document.labels.answer_code,
        error=", ".join(option.code for option in document.scale),
    )
    letter = get_column_letter(tabular.column_number(tabular.ANSWER))
    last_row = tabular.FIRST_DATA_ROW + max(len(document.norms), 1) - 1
    validation.add(f"{letter}{tabular.FIRST_DATA_ROW}:{letter}{last_row}")
    sheet.add_data_validation(validation)


def _guard_revisions(sheet: Worksheet, document: QuestionnaireDocument) -> None:
    """Make spreadsheet programs reject a value typed into a revision cell.

    A validation rule whose formula is always false rejects every entry, but
    it still lets rows be deleted and sorted, which sheet protection would
    forbid. Pasting and clearing bypass it, so the import checks the cells
    again.
    """
    # NOTE: the tests read the rule back with openpyxl only. No test opens
    # the file in Excel or LibreOffice to see the rejection.
    labels = document.labels
    validation = DataValidation(
        type="custom",
        formula1="FALSE",
        showErrorMessage=True,
        # Excel's validation dialog takes at most 32 characters of title and
        # 255 of message.
        errorTitle=labels.revision[:32],
        error=labels.revision_note[:255],
    )
    letter = get_column_letter(tabular.column_number(tabular.REVISION))
    last_row = tabular.FIRST_DATA_ROW + max(len(document.norms), 1) - 1
    validation.add(f"{letter}{tabular.FIRST_DATA_ROW}:{letter}{last_row}")
    sheet.add_data_validation(validation)


def _set_column_layout(sheet: Worksheet) -> None:
    for key, width in COLUMN_WIDTHS.items():
        letter = get_column_letter(tabular.column_number(key))
        sheet.column_dimensions[letter].width = width
    # Keep the column headers and the norm ids in view while scrolling.
    sheet.freeze_panes = f"B{tabular.FIRST_DATA_ROW}"


def _write_scale(sheet: Worksheet, document: QuestionnaireDocument) -> None:
    labels = document.labels
    headers = (
        labels.answer_code,
        labels.answer,
        labels.requires_justification,
        labels.requires_planned_date,
    )
    for column, header in enumerate(headers, start=1):
        _set_text(sheet, 1, column, header).font = Font(bold=True)
    for row, option in enumerate(document.scale, start=2):
        _set_text(sheet, row, 1, option.code)
        _set_text(sheet, row, 2, option.label)
        sheet.cell(row=row, column=3, value=option.requires_justification)
        sheet.cell(row=row, column=4, value=option.requires_planned_date)
    for letter, width in (("A", 18), ("B", 32), ("C", 22), ("D", 22)):
        sheet.column_dimensions[letter].width = width
