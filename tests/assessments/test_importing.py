"""Import of answers from an XLSX workbook in the layout of the export."""

import datetime
import io
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests.assessments.filling import PLANNED, TRICKY_TEXT
from tests.assessments.workbooks import (
    FIRST,
    FOURTH,
    SECOND,
    edited,
    export,
    rejected,
    set_cell,
    snapshot,
    upload,
)
from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.importing import (
    MAX_FILE_BYTES,
    ImportInvalid,
    RowError,
    import_assessment_xlsx,
)
from vigil.assessments.models import AnswerChange, Assessment
from vigil.assessments.services import (
    AssessmentLocked,
    create_assessment,
    submit_assessment,
)
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.reports.exporters.odt import OdtExporter
from vigil.reports.questionnaire import build_document

pytestmark = pytest.mark.usefixtures("english")


# Round trip and changes


def test_round_trip_changes_nothing(filled: Assessment, consultant_a: User) -> None:
    changes_before = AnswerChange.objects.count()

    result = import_assessment_xlsx(filled, upload(export(filled)), actor=consultant_a)

    assert result.changed == 0
    assert result.rows == 28
    assert AnswerChange.objects.count() == changes_before


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_round_trip_in_every_language(
    filled: Assessment, consultant_a: User, language: str
) -> None:
    content = export(filled, language)

    result = import_assessment_xlsx(filled, upload(content), actor=consultant_a)

    assert result.changed == 0


def test_round_trip_records_import(filled: Assessment, consultant_a: User) -> None:
    import_assessment_xlsx(filled, upload(export(filled)), actor=consultant_a)

    entry = AuditEntry.objects.filter(action="assessment.imported").get()
    assert entry.new_values["rows"] == 28
    assert entry.new_values["changed"] == 0
    assert entry.new_values["file"] == "questionnaire.xlsx"
    assert entry.actor == consultant_a
    assert entry.organisation == filled.organisation


def test_changed_answer_applied(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "not_applicable")
        set_cell(sheet, FIRST, tabular.JUSTIFICATION, "No servers of our own.")

    changes_before = AnswerChange.objects.count()

    result = import_assessment_xlsx(
        filled, upload(edited(export(filled), edit)), actor=consultant_a
    )

    answer = filled.answers.select_related("option").get(norm__code="4.1")
    assert result.changed_norms == ("4.1",)
    assert answer.option is not None
    assert answer.option.code == "not_applicable"
    assert answer.justification == "No servers of our own."
    assert answer.updated_by == consultant_a
    assert AnswerChange.objects.count() == changes_before + 1
    change = AnswerChange.objects.filter(answer=answer).first()
    assert change is not None
    assert change.new_values["option"] == "not_applicable"


def test_import_audits_each_change(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, SECOND, tabular.OWNER, "Jan Peeters")
        set_cell(sheet, FOURTH, tabular.COMMENT, "Checked again.")

    import_assessment_xlsx(
        filled, upload(edited(export(filled), edit)), actor=consultant_a
    )

    changed = AuditEntry.objects.filter(action="assessment.answer_changed")
    assert changed.filter(new_values__owner="Jan Peeters").count() == 1
    assert changed.filter(new_values__comment="Checked again.").count() == 1
    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.new_values["changed"] == 2
    assert entry.new_values["norms"] == ["4.2.1.1", "4.2.1.3"]


def test_date_as_iso_text_accepted(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, SECOND, tabular.PLANNED_DATE, "2028-01-15")

    import_assessment_xlsx(
        filled, upload(edited(export(filled), edit)), actor=consultant_a
    )

    answer = filled.answers.get(norm__code="4.2.1.1")
    assert answer.planned_date == datetime.date(2028, 1, 15)


def test_empty_answer_clears_it(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, None)

    import_assessment_xlsx(
        filled, upload(edited(export(filled), edit)), actor=consultant_a
    )

    assert filled.answers.get(norm__code="4.1").option is None


def test_rows_left_out_keep_answers(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        sheet.delete_rows(SECOND, 27)

    before = snapshot(filled)[2]

    result = import_assessment_xlsx(
        filled, upload(edited(export(filled), edit)), actor=consultant_a
    )

    assert result.rows == 1
    assert snapshot(filled)[2] == before


def test_formula_like_text_stays_text(filled: Assessment, consultant_a: User) -> None:
    import_assessment_xlsx(filled, upload(export(filled)), actor=consultant_a)

    answer = filled.answers.get(norm__code="4.1")
    assert answer.comment == f"Comment on 4.1: {TRICKY_TEXT}"


def test_system_import_without_actor(filled: Assessment) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.OWNER, "Secretariaat")

    import_assessment_xlsx(filled, upload(edited(export(filled), edit)), actor=None)

    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.actor is None
    assert entry.actor_label == "system"


# Rejected rows: every case names its row, and nothing is saved


def test_unknown_norm_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(
        export(filled), lambda s: set_cell(s, FIRST, tabular.NORM, "9.9.9")
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FIRST, tabular.NORM)]
    assert "9.9.9" in str(errors[0])
    assert f"Row {FIRST}" in str(errors[0])


def test_norm_listed_twice_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(export(filled), lambda s: set_cell(s, SECOND, tabular.NORM, "4.1"))

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(SECOND, tabular.NORM)]
    assert f"row {FIRST}" in errors[0].message


def test_norm_as_number_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(export(filled), lambda s: set_cell(s, FIRST, tabular.NORM, 4.1))

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FIRST, tabular.NORM)]
    assert "text" in errors[0].message


def test_missing_norm_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(export(filled), lambda s: set_cell(s, FIRST, tabular.NORM, None))

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FIRST, tabular.NORM)]


def test_unknown_answer_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(
        export(filled), lambda s: set_cell(s, FIRST, tabular.ANSWER, "done")
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FIRST, tabular.ANSWER)]
    assert "“done”" in errors[0].message
    assert "not_applicable" in errors[0].message


def test_not_applicable_needs_justification(
    filled: Assessment, consultant_a: User
) -> None:
    content = edited(
        export(filled), lambda s: set_cell(s, FOURTH, tabular.JUSTIFICATION, None)
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FOURTH, tabular.JUSTIFICATION)]


def test_partial_needs_planned_date(filled: Assessment, consultant_a: User) -> None:
    content = edited(
        export(filled), lambda s: set_cell(s, SECOND, tabular.PLANNED_DATE, None)
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(SECOND, tabular.PLANNED_DATE)]


@pytest.mark.parametrize("value", ["30/06/2027", "2027-02-30", "soon", 46568])
def test_bad_date_rejected(filled: Assessment, consultant_a: User, value: Any) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, SECOND, tabular.PLANNED_DATE, value)
        cell = sheet.cell(SECOND, tabular.column_number(tabular.PLANNED_DATE))
        cell.number_format = "General"

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert [(e.row, e.column) for e in errors] == [(SECOND, tabular.PLANNED_DATE)]
    assert str(value) in errors[0].message
    assert "YYYY-MM-DD" in errors[0].message


def test_owner_too_long_rejected(filled: Assessment, consultant_a: User) -> None:
    content = edited(
        export(filled), lambda s: set_cell(s, FIRST, tabular.OWNER, "x" * 201)
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column) for e in errors] == [(FIRST, tabular.OWNER)]


def test_every_bad_row_listed(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.OWNER, "A valid change")
        set_cell(sheet, SECOND, tabular.ANSWER, "maybe")
        set_cell(sheet, FOURTH, tabular.JUSTIFICATION, "")
        set_cell(sheet, FIRST + 10, tabular.NORM, "0.0")

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert [e.row for e in errors] == [SECOND, FOURTH, FIRST + 10]
    assert filled.answers.get(norm__code="4.1").owner == ""


def test_other_catalog_rejected(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        row = tabular.FACT_ROWS["catalog"]
        sheet.cell(row, tabular.FACT_VALUE_COLUMN, "ksz-mn-2030")

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert [e.row for e in errors] == [tabular.FACT_ROWS["catalog"]]
    assert "ksz-mn-2030" in errors[0].message


def test_missing_sheet_rejected(filled: Assessment, consultant_a: User) -> None:
    workbook = openpyxl.Workbook()
    output = io.BytesIO()
    workbook.save(output)

    errors = rejected(filled, output.getvalue(), consultant_a)

    assert len(errors) == 1
    assert errors[0].row is None
    assert tabular.SHEET_TITLE in errors[0].message


def test_missing_header_rejected(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        sheet.cell(tabular.HEADER_ROW, tabular.column_number(tabular.ANSWER), "code")

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert len(errors) == 1
    assert "answer_label" in errors[0].message


@pytest.mark.parametrize(
    "content",
    [b"", b"norm;answer\n4.1;implemented\n", b"PK\x03\x04 broken zip"],
    ids=["empty", "csv", "broken-zip"],
)
def test_not_xlsx_rejected(
    filled: Assessment, consultant_a: User, content: bytes
) -> None:
    errors = rejected(filled, content, consultant_a)

    assert len(errors) == 1
    assert "not an XLSX workbook" in errors[0].message


def test_odt_file_rejected(filled: Assessment, consultant_a: User) -> None:
    content = OdtExporter().render(build_document(filled, "nl")).content

    errors = rejected(filled, content, consultant_a)

    assert "not an XLSX workbook" in errors[0].message


def test_oversized_file_rejected(filled: Assessment, consultant_a: User) -> None:
    errors = rejected(filled, b"x" * (MAX_FILE_BYTES + 1), consultant_a)

    assert str(MAX_FILE_BYTES) in errors[0].message


def test_submitted_assessment_locked(filled: Assessment, consultant_a: User) -> None:
    content = export(filled)
    submit_assessment(filled, actor=consultant_a)
    filled.refresh_from_db()
    before = snapshot(filled)

    with pytest.raises(AssessmentLocked):
        import_assessment_xlsx(filled, upload(content), actor=consultant_a)

    assert snapshot(filled) == before


def test_row_error_text_names_column() -> None:
    error = RowError(14, "The planned date is wrong.", tabular.PLANNED_DATE)

    assert str(error) == "Row 14, column F (planned_date): The planned date is wrong."


def test_planned_date_kept_as_date(filled: Assessment, consultant_a: User) -> None:
    import_assessment_xlsx(filled, upload(export(filled)), actor=consultant_a)

    assert filled.answers.get(norm__code="4.2.1.1").planned_date == PLANNED


def test_workbook_of_another_centre_is_rejected(
    filled: Assessment, centre_b: Organisation, consultant_a: User
) -> None:
    other = create_assessment(centre_b, 2026, actor=consultant_a)
    changes_before = AnswerChange.objects.count()

    with pytest.raises(ImportInvalid) as caught:
        import_assessment_xlsx(other, upload(export(filled)), actor=consultant_a)

    rows = [error.row for error in caught.value.errors]
    assert rows == [tabular.FACT_ROWS["enterprise_number"]]
    assert "0999.999.922" in caught.value.errors[0].message
    assert AnswerChange.objects.count() == changes_before


def test_workbook_of_another_year_is_rejected(
    filled: Assessment, centre_a: Organisation, consultant_a: User
) -> None:
    next_year = create_assessment(centre_a, 2027, actor=consultant_a, copy_from=filled)

    with pytest.raises(ImportInvalid) as caught:
        import_assessment_xlsx(next_year, upload(export(filled)), actor=consultant_a)

    rows = [error.row for error in caught.value.errors]
    assert rows == [tabular.FACT_ROWS["year"]]
    assert "2026" in caught.value.errors[0].message
