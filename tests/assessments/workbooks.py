"""Questionnaire workbooks for the import tests: export, edit, upload, reject."""

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.importing import ImportInvalid, RowError, import_assessment_xlsx
from vigil.assessments.models import Answer, AnswerChange, Assessment
from vigil.audit.models import AuditEntry
from vigil.reports.exporters.xlsx import write_workbook
from vigil.reports.questionnaire import build_document

# The rows of a questionnaire filled by tests.assessments.filling.fill_assessment.
FIRST = tabular.FIRST_DATA_ROW  # the row of norm 4.1
SECOND = FIRST + 1  # the row of norm 4.2.1.1, answered "partial"
FOURTH = FIRST + 3  # the row of norm 4.2.1.3, answered "not_applicable"


def export(assessment: Assessment, language: str = "nl") -> bytes:
    return write_workbook(build_document(assessment, language))


def edited(content: bytes, edit: Callable[[Worksheet], Any]) -> bytes:
    """Return ``content`` after ``edit`` changed its questionnaire sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook[tabular.SHEET_TITLE]
    edit(sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def set_cell(sheet: Worksheet, row: int, key: str, value: Any) -> None:
    # sheet.cell(..., value=None) leaves the cell as it is, so assign directly.
    cell = sheet.cell(row=row, column=tabular.column_number(key))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def upload(content: bytes, name: str = "questionnaire.xlsx") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def snapshot(assessment: Assessment) -> tuple[int, int, list[tuple[Any, ...]]]:
    """Count history and audit rows and list every answer's values."""
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .order_by("norm__position")
        .values_list(
            "norm__code", "option__code", "justification", "planned_date", "owner"
        )
    )
    changes = AnswerChange.objects.filter(answer__assessment=assessment).count()
    return changes, AuditEntry.objects.count(), answers


def rejected(assessment: Assessment, content: bytes, actor: User) -> list[RowError]:
    """Return the errors of importing ``content``, checking that nothing changed."""
    before = snapshot(assessment)
    with pytest.raises(ImportInvalid) as caught:
        import_assessment_xlsx(assessment, upload(content), actor=actor)
    assert snapshot(assessment) == before
    return caught.value.errors
