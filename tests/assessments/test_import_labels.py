"""The answer-label column of an XLSX import must agree with the answer code."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl.worksheet.worksheet import Worksheet

from tests.assessments.workbooks import (
    FIRST,
    SECOND,
    edited,
    export,
    rejected,
    set_cell,
    upload,
)
from tests.conftest import login
from vigil.accounts.models import User
from vigil.assessments import stale, tabular
from vigil.assessments.importing import import_assessment_xlsx
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.services import AnswerInput, save_answer

LATER = datetime.date(2027, 6, 30)
IMPORT_PAGE = "/c/centre-a/questionnaires/2026/import/"

pytestmark = pytest.mark.usefixtures("english")


def option_of(assessment: Assessment, norm: str) -> str | None:
    answer = assessment.answers.select_related("option").get(norm__code=norm)
    return answer.option.code if answer.option else None


def save_option(assessment: Assessment, norm: str, code: str | None) -> None:
    """Save norm ``norm`` with the answer ``code``, as the questionnaire page does."""
    answer = assessment.answers.select_related("norm", "option").get(norm__code=norm)
    option = assessment.catalog.answer_options.get(code=code) if code else None
    needs_date = option is not None and option.requires_planned_date
    data = AnswerInput(
        option=option,
        justification="No such system." if code == "not_applicable" else "",
        planned_date=LATER if needs_date else None,
        comment=answer.comment,
        owner=answer.owner,
    )
    assert save_answer(answer, data, actor=None)


def test_changed_label_alone_rejected(filled: Assessment, consultant_a: User) -> None:
    # Norm 4.1 is implemented. Only its label is changed, as a person would.
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Gedeeltelijk geïmplementeerd")
        set_cell(sheet, SECOND, tabular.OWNER, "Jan Peeters")

    errors = rejected(filled, edited(export(filled, "nl"), edit), consultant_a)

    assert len(errors) == 1
    assert errors[0].row == FIRST
    assert errors[0].column == tabular.ANSWER_LABEL
    assert str(errors[0]) == (
        f"Row {FIRST}, column E (answer_label): The answer “Gedeeltelijk "
        "geïmplementeerd” does not match the answer code “implemented” "
        "(“Implemented”) in column D, and the import reads only the code. To "
        "answer “Gedeeltelijk geïmplementeerd”, enter the code partial in "
        "column D. To keep “Implemented”, write that in column E or empty the "
        "cell."
    )
    assert option_of(filled, "4.1") == "implemented"


def test_label_of_no_answer_rejected(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Bijna klaar")

    errors = rejected(filled, edited(export(filled, "nl"), edit), consultant_a)

    assert [error.column for error in errors] == [tabular.ANSWER_LABEL]
    assert "“Bijna klaar” is not on the answer scale" in errors[0].message
    assert "Write “Implemented” in column E or empty the cell" in errors[0].message


def test_label_without_code_rejected(filled: Assessment, consultant_a: User) -> None:
    save_option(filled, "4.1", None)

    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Implemented")

    errors = rejected(filled, edited(export(filled, "en"), edit), consultant_a)

    assert [error.column for error in errors] == [tabular.ANSWER_LABEL]
    assert "has no answer code in column D" in errors[0].message
    assert "enter the code implemented in column D" in errors[0].message


def test_label_and_rule_errors_both_listed(
    filled: Assessment, consultant_a: User
) -> None:
    # Norm 4.2.1.1 is partial: without its planned date it breaks the rule.
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, SECOND, tabular.ANSWER_LABEL, "Niet van toepassing")
        set_cell(sheet, SECOND, tabular.PLANNED_DATE, None)

    errors = rejected(filled, edited(export(filled, "nl"), edit), consultant_a)

    columns = [error.column for error in errors]
    assert columns == [tabular.PLANNED_DATE, tabular.ANSWER_LABEL]


def test_leftover_label_accepted_changed_rejected(
    filled: Assessment, consultant_a: User
) -> None:
    # A code picked from the list leaves the exported label behind: accepted.
    def pick_code(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "not_applicable")
        set_cell(sheet, FIRST, tabular.JUSTIFICATION, "No servers of our own.")

    def relabel(sheet: Worksheet) -> None:
        pick_code(sheet)
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Niet geïmplementeerd")

    content = export(filled, "nl")
    errors = rejected(filled, edited(content, relabel), consultant_a)
    result = import_assessment_xlsx(
        filled, upload(edited(content, pick_code)), actor=consultant_a
    )

    assert [error.column for error in errors] == [tabular.ANSWER_LABEL]
    assert result.changed_norms == ("4.1",)
    assert option_of(filled, "4.1") == "not_applicable"


def test_label_in_any_language_and_case(filled: Assessment, consultant_a: User) -> None:
    def matching(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "partial")
        set_cell(sheet, FIRST, tabular.PLANNED_DATE, LATER)
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "  partiellement  MIS en œuvre ")

    def other(sheet: Worksheet) -> None:
        matching(sheet)
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "NON APPLICABLE")

    content = export(filled, "nl")
    errors = rejected(filled, edited(content, other), consultant_a)
    result = import_assessment_xlsx(
        filled, upload(edited(content, matching)), actor=consultant_a
    )

    assert "enter the code not_applicable in column D" in errors[0].message
    assert result.changed_norms == ("4.1",)


def test_label_of_exported_answer_after_page_edit(
    filled: Assessment, consultant_a: User
) -> None:
    # Exported as implemented, then saved as partial on the page. The file
    # still shows the exported label; the stored label is another answer's.
    content = export(filled, "nl")
    save_option(filled, "4.1", "partial")

    def leftover(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER, "not_applicable")
        set_cell(sheet, FIRST, tabular.JUSTIFICATION, "No servers of our own.")

    def stored_label(sheet: Worksheet) -> None:
        leftover(sheet)
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Gedeeltelijk geïmplementeerd")

    errors = rejected(filled, edited(content, stored_label), consultant_a)
    result = import_assessment_xlsx(
        filled,
        upload(edited(content, leftover)),
        actor=consultant_a,
        overwrite_newer=True,
    )

    assert [error.column for error in errors] == [tabular.ANSWER_LABEL]
    assert result.overwritten_norms == ("4.1",)
    assert option_of(filled, "4.1") == "not_applicable"


def test_label_error_in_dutch(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Gedeeltelijk geïmplementeerd")

    with translation.override("nl"):
        errors = rejected(filled, edited(export(filled, "nl"), edit), consultant_a)
        text = str(errors[0])

    assert text.startswith(f"Rij {FIRST}, kolom E (answer_label): ")
    assert "komt niet overeen met de antwoordcode “implemented”" in text
    assert "vul dan in kolom D de code partial in" in text
    assert "“Geïmplementeerd”" in text


def test_label_error_on_page_in_french(filled: Assessment, consultant_a: User) -> None:
    def edit(sheet: Worksheet) -> None:
        set_cell(sheet, FIRST, tabular.ANSWER_LABEL, "Non applicable")

    content = edited(export(filled, "fr"), edit)
    client = login(consultant_a)
    upload_file = SimpleUploadedFile("q.xlsx", content)

    response = client.post(
        IMPORT_PAGE, {"file": upload_file}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    text = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f"Ligne {FIRST}, colonne E (answer_label)\u00a0: " in text
    assert "ne correspond pas au code de réponse «\u00a0implemented\u00a0»" in text
    assert "saisissez le code not_applicable dans la colonne D" in text
    assert "Une ligne dont la colonne answer_label indique une autre" in text
    assert option_of(filled, "4.1") == "implemented"


def test_option_at_export_walks_history(filled: Assessment) -> None:
    answer = Answer.objects.select_related("option").get(
        assessment=filled, norm__code="4.1"
    )
    first_revision = answer.revision
    save_option(filled, "4.1", "partial")
    save_option(filled, "4.1", None)
    answer.refresh_from_db()

    assert stale.option_at_export(answer, first_revision) == "implemented"
    assert stale.option_at_export(answer, first_revision + 1) == "partial"
    assert stale.option_at_export(answer, first_revision + 2) is None
    assert stale.option_at_export(answer, None) is None
    assert stale.option_at_export(answer, first_revision + 9) is None
