"""An XLSX import must not silently undo answers changed after the export."""

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation
from openpyxl.worksheet.worksheet import Worksheet

from tests.assessments.workbooks import (
    FIRST,
    FOURTH,
    SECOND,
    edited,
    export,
    rejected,
    set_cell,
    upload,
)
from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.importing import (
    ImportInvalid,
    import_assessment_xlsx,
)
from vigil.assessments.models import Answer, AnswerChange, Assessment
from vigil.assessments.services import AnswerInput, create_assessment, save_answer
from vigil.audit.models import AuditEntry
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation

LATER = datetime.date(2027, 6, 30)

pytestmark = pytest.mark.usefixtures("english")


def answer(assessment: Assessment, code: str) -> Answer:
    return assessment.answers.select_related("norm", "option").get(norm__code=code)


def edit_on_page(assessment: Assessment, code: str, actor: User, comment: str) -> None:
    """Save norm ``code`` as partially implemented, as the questionnaire page does."""
    partial = assessment.catalog.answer_options.get(code="partial")
    data = AnswerInput(option=partial, planned_date=LATER, comment=comment)
    assert save_answer(answer(assessment, code), data, actor=actor)


def without_revision_column(content: bytes) -> bytes:
    """Return ``content`` as a file exported before the revision column existed."""

    def drop(sheet: Worksheet) -> None:
        sheet.delete_cols(tabular.column_number(tabular.REVISION))

    return edited(content, drop)


# Revision numbers


def test_save_counts_revisions(filled: Assessment, deputy_a: User) -> None:
    stored = answer(filled, "4.1")
    same = AnswerInput(option=stored.option, comment=stored.comment, owner=stored.owner)

    assert stored.revision == 1
    assert not save_answer(stored, same, actor=deputy_a)
    assert answer(filled, "4.1").revision == 1
    edit_on_page(filled, "4.1", deputy_a, "Budget approved.")
    assert answer(filled, "4.1").revision == 2


def test_new_answers_start_at_zero(filled: Assessment, consultant_a: User) -> None:
    next_year = create_assessment(
        filled.organisation, 2027, actor=consultant_a, copy_from=filled
    )

    assert set(next_year.answers.values_list("revision", flat=True)) == {0}


# A stale file is rejected as a whole


def test_stale_row_rejected(filled: Assessment, deputy_a: User) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Budget approved in May.")

    errors = rejected(filled, content, deputy_a)

    assert [(e.row, e.column, e.stale) for e in errors] == [
        (FIRST, tabular.REVISION, True)
    ]
    message = errors[0].message
    assert "Norm 4.1 changed after this file was exported" in message
    assert "the file has revision 1, the stored answer revision 2" in message
    assert "by deputy (deputy@a.test)" in message
    assert "Answer: “Partially implemented”" in message
    assert "Planned date: 2027-06-30" in message
    assert "Comment: “Budget approved in May.”" in message
    assert "Answer: “Implemented”" in message
    assert "Planned date: —" in message
    assert ImportInvalid(errors).has_stale_rows


def test_stale_row_names_change_time(filled: Assessment, deputy_a: User) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Budget approved in May.")
    change = AnswerChange.objects.filter(answer__norm__code="4.1").first()
    assert change is not None

    errors = rejected(filled, content, deputy_a)

    shown = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M")
    assert f"last changed on {shown} by deputy" in errors[0].message


def test_every_stale_row_listed(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "First.")
    edit_on_page(filled, "4.2.1.3", deputy_a, "Second.")

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, SECOND, tabular.OWNER, "A change of the spreadsheet")
        set_cell(sheet, FIRST + 2, tabular.ANSWER, "maybe")

    errors = rejected(filled, edited(content, edit), consultant_a)

    assert [(e.row, e.stale) for e in errors] == [
        (FIRST, True),
        (FIRST + 2, False),
        (FOURTH, True),
    ]
    assert answer(filled, "4.2.1.1").owner == "ICT-dienst"


def test_same_content_is_no_conflict(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Agreed.")

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "partial")
        set_cell(sheet, FIRST, tabular.PLANNED_DATE, LATER)
        set_cell(sheet, FIRST, tabular.COMMENT, "Agreed.")

    result = import_assessment_xlsx(
        filled, upload(edited(content, edit)), actor=consultant_a
    )

    assert result.changed == 0
    assert answer(filled, "4.1").revision == 2


def test_other_norms_still_import(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    """A page edit of one norm does not block the file's rows of other norms."""
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Agreed.")

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "partial")
        set_cell(sheet, FIRST, tabular.PLANNED_DATE, LATER)
        set_cell(sheet, FIRST, tabular.COMMENT, "Agreed.")
        set_cell(sheet, SECOND, tabular.OWNER, "Directie")

    result = import_assessment_xlsx(
        filled, upload(edited(content, edit)), actor=consultant_a
    )

    assert result.changed_norms == ("4.2.1.1",)
    assert result.overwritten == 0


def test_round_trip_after_page_edit(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    edit_on_page(filled, "4.1", deputy_a, "Agreed.")

    result = import_assessment_xlsx(filled, upload(export(filled)), actor=consultant_a)

    assert result.changed == 0
    assert result.rows == 28


# Overwriting on purpose


def test_overwrite_newer_replaces_answer(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Budget approved in May.")

    result = import_assessment_xlsx(
        filled, upload(content, "q.xlsx"), actor=consultant_a, overwrite_newer=True
    )

    stored = answer(filled, "4.1")
    assert result.changed_norms == ("4.1",)
    assert result.overwritten_norms == ("4.1",)
    assert stored.option is not None
    assert stored.option.code == "implemented"
    assert stored.revision == 3
    change = AnswerChange.objects.filter(answer=stored).first()
    assert change is not None
    assert change.changed_by == consultant_a
    assert change.import_file == "q.xlsx"
    assert change.overwrote_newer
    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.actor_label == "consultant@a.test"
    assert entry.new_values["overwrite_newer"] is True
    assert entry.new_values["overwritten"] == ["4.1"]


def test_plain_import_change_not_flagged(
    filled: Assessment, consultant_a: User
) -> None:
    content = edited(
        export(filled), lambda sheet: set_cell(sheet, FIRST, tabular.OWNER, "Jan")
    )

    result = import_assessment_xlsx(
        filled, upload(content, "jan.xlsx"), actor=consultant_a, overwrite_newer=True
    )

    change = AnswerChange.objects.filter(answer__norm__code="4.1").first()
    assert change is not None
    assert result.overwritten == 0
    assert change.import_file == "jan.xlsx"
    assert not change.overwrote_newer


# Files exported before the revision column


def test_old_file_round_trip(filled: Assessment, consultant_a: User) -> None:
    content = without_revision_column(export(filled))

    result = import_assessment_xlsx(filled, upload(content), actor=consultant_a)

    assert result.changed == 0
    assert result.rows == 28


def test_old_file_rejected_for_saved_answer(
    filled: Assessment, consultant_a: User
) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.OWNER, "Directie")

    content = without_revision_column(edited(export(filled), edit))

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.stale) for e in errors] == [(FIRST, True)]
    assert "The file has no revision for norm 4.1" in errors[0].message
    assert "revision 1" in errors[0].message


def test_old_file_forced(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.OWNER, "Directie")

    content = without_revision_column(edited(export(filled), edit))

    result = import_assessment_xlsx(
        filled, upload(content), actor=consultant_a, overwrite_newer=True
    )

    assert result.overwritten_norms == ("4.1",)
    assert answer(filled, "4.1").owner == "Directie"


def test_old_file_fills_new_answers(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    """An answer never saved since it was created cannot be newer than any file."""
    assessment = create_assessment(centre_a, 2026, actor=consultant_a)

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "implemented")

    content = without_revision_column(edited(export(assessment), edit))

    result = import_assessment_xlsx(assessment, upload(content), actor=consultant_a)

    assert result.changed_norms == ("4.1",)
    assert result.overwritten == 0


def test_cleared_revision_treated_as_unknown(
    filled: Assessment, consultant_a: User
) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.REVISION, None)
        set_cell(sheet, FIRST, tabular.OWNER, "Directie")
        set_cell(sheet, SECOND, tabular.REVISION, None)

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert [(e.row, e.stale) for e in errors] == [(FIRST, True)]
    assert "no revision" in errors[0].message


# Revision cells that are not revision numbers


@pytest.mark.parametrize("value", ["abc", 2.5, -1, "1e3"])
def test_bad_revision_rejected(
    filled: Assessment, consultant_a: User, value: Any
) -> None:
    content = edited(
        export(filled), lambda sheet: set_cell(sheet, FIRST, tabular.REVISION, value)
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column, e.stale) for e in errors] == [
        (FIRST, tabular.REVISION, False)
    ]
    assert f"“{value}”" in errors[0].message
    assert "whole number" in errors[0].message


def test_revision_too_long_rejected(filled: Assessment, consultant_a: User) -> None:
    """More digits than int() converts, which made the import fail."""
    content = edited(
        export(filled),
        lambda sheet: set_cell(sheet, FIRST, tabular.REVISION, "9" * 5000),
    )

    errors = rejected(filled, content, consultant_a)

    assert [(e.row, e.column, e.stale) for e in errors] == [
        (FIRST, tabular.REVISION, False)
    ]
    assert "whole number" in errors[0].message


@pytest.mark.parametrize("value", [1, 1.0, "1", " 1 "])
def test_revision_as_number_or_text(
    filled: Assessment, consultant_a: User, value: Any
) -> None:
    content = edited(
        export(filled), lambda sheet: set_cell(sheet, FIRST, tabular.REVISION, value)
    )

    result = import_assessment_xlsx(filled, upload(content), actor=consultant_a)

    assert result.changed == 0


def test_revision_from_other_database(filled: Assessment, consultant_a: User) -> None:
    """A revision above the stored one means another database or a restore."""

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.REVISION, 7)
        set_cell(sheet, FIRST, tabular.OWNER, "Directie")

    errors = rejected(filled, edited(export(filled), edit), consultant_a)

    assert [(e.row, e.stale) for e in errors] == [(FIRST, True)]
    assert "the file has revision 7, the stored answer revision 1" in errors[0].message


# Messages in the user's language


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Norm 4.1 is gewijzigd nadat dit bestand geëxporteerd werd"),
        ("fr", "La norme 4.1 a changé après l'export de ce fichier\u00a0:"),
        ("en", "Norm 4.1 changed after this file was exported:"),
    ],
)
def test_stale_message_translated(
    filled: Assessment, deputy_a: User, language: str, expected: str
) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Budget approved in May.")

    with translation.override(language):
        errors = rejected(filled, content, deputy_a)
        text = str(errors[0])

    assert expected in text


def test_stale_values_quoted_in_french(filled: Assessment, deputy_a: User) -> None:
    content = export(filled)
    edit_on_page(filled, "4.1", deputy_a, "Budget approved in May.")

    with translation.override("fr"):
        errors = rejected(filled, content, deputy_a)
        text = str(errors[0])

    assert "Réponse\u00a0: «\u00a0Partiellement mis en œuvre\u00a0»" in text
    assert "Commentaire\u00a0: «\u00a0Budget approved in May.\u00a0»" in text
    assert "“" not in text


# Existing answers get revisions when the database is migrated


def test_migration_counts_earlier_saves(filled: Assessment, deputy_a: User) -> None:
    migration = importlib.import_module(
        "vigil.assessments.migrations.0002_answer_revision"
    )
    edit_on_page(filled, "4.1", deputy_a, "Second save.")
    Answer.objects.update(revision=0)
    other = create_assessment(filled.organisation, 2027, actor=deputy_a)

    migration.count_earlier_saves(django_apps, None)

    assert answer(filled, "4.1").revision == 2
    assert answer(filled, "4.2.1.1").revision == 1
    assert set(other.answers.values_list("revision", flat=True)) == {0}
