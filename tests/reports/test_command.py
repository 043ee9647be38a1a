"""``vigil assessment export`` and ``vigil assessment import``."""

import datetime
import io
import os
import pwd
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.models import AnswerChange, Assessment
from vigil.assessments.services import AnswerInput, save_answer
from vigil.audit.models import AuditEntry
from vigil.commands import CommandActor, command_actor

LOGIN = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture(autouse=True)
def _without_sudo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a SUDO_USER of the test run out of the recorded actor."""
    monkeypatch.delenv("SUDO_USER", raising=False)


def run(*args: str) -> str:
    output = io.StringIO()
    call_command("assessment", *args, stdout=output)
    return output.getvalue()


def export_to(path: Path, fmt: str = "xlsx", language: str = "nl") -> str:
    return run(
        "export",
        "--org",
        "centre-a",
        "--year",
        "2026",
        "--format",
        fmt,
        "--output",
        str(path),
        "--language",
        language,
    )


@pytest.mark.parametrize("fmt", ["pdf", "odt", "docx", "xlsx"])
def test_export_writes_file(submitted: Assessment, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"

    output = export_to(path, fmt)

    assert path.stat().st_size > 0
    assert str(path) in output


def test_export_pdf_in_french(submitted: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "out.pdf"

    export_to(path, "pdf", "fr")

    text = PdfReader(path).pages[0].extract_text()
    assert "CPAS centre-a" in text


def test_export_unknown_centre(submitted: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No questionnaire 2026"):
        run(
            "export",
            "--org",
            "nowhere",
            "--year",
            "2026",
            "--format",
            "pdf",
            "--output",
            str(tmp_path / "x.pdf"),
        )


def test_export_unwritable_path(submitted: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot write"):
        export_to(tmp_path / "missing" / "out.xlsx")


def test_import_round_trip(filled: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)

    output = run("import", "--org", "centre-a", "--year", "2026", str(path))

    assert "28 rows, 0 answers changed" in output
    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.actor_label == f"OS user {LOGIN}, vigil command"


def test_import_as_user(filled: Assessment, consultant_a: User, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[tabular.SHEET_TITLE]
    sheet.cell(
        tabular.FIRST_DATA_ROW, tabular.column_number(tabular.OWNER)
    ).value = "Directie"
    workbook.save(path)

    output = run(
        "import",
        "--org",
        "centre-a",
        "--year",
        "2026",
        str(path),
        "--as",
        "Consultant@A.test",
    )

    assert "28 rows, 1 answer changed" in output
    answer = filled.answers.get(norm__code="4.1")
    assert answer.owner == "Directie"
    assert answer.updated_by == consultant_a


def test_import_prints_every_bad_row(filled: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[tabular.SHEET_TITLE]
    answer = tabular.column_number(tabular.ANSWER)
    sheet.cell(tabular.FIRST_DATA_ROW, answer).value = "yes"
    sheet.cell(tabular.FIRST_DATA_ROW + 2, answer).value = "no"
    workbook.save(path)

    with pytest.raises(CommandError) as caught:
        run("import", "--org", "centre-a", "--year", "2026", str(path))

    message = str(caught.value)
    assert "nothing changed" in message
    assert f"Row {tabular.FIRST_DATA_ROW}," in message
    assert f"Row {tabular.FIRST_DATA_ROW + 2}," in message


def test_import_as_outsider_rejected(
    filled: Assessment, consultant_b: User, tmp_path: Path
) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)

    with pytest.raises(CommandError, match="no role"):
        run(
            "import",
            "--org",
            "centre-a",
            "--year",
            "2026",
            str(path),
            "--as",
            consultant_b.email,
        )


def test_import_unknown_user(filled: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)

    with pytest.raises(CommandError, match="No active user"):
        run(
            "import",
            "--org",
            "centre-a",
            "--year",
            "2026",
            str(path),
            "--as",
            "nobody@a.test",
        )


def test_import_missing_file(filled: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", "--org", "centre-a", "--year", "2026", str(tmp_path / "x.xlsx"))


def test_import_into_submitted(submitted: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)

    with pytest.raises(CommandError, match="submitted and frozen"):
        run("import", "--org", "centre-a", "--year", "2026", str(path))


def test_import_audits_file_name(filled: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    export_to(path)

    run("import", "--org", "centre-a", "--year", "2026", str(path))

    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.new_values["file"] == "in.xlsx"


def edit_on_page(assessment: Assessment, code: str, actor: User) -> None:
    answer = assessment.answers.get(norm__code=code)
    partial = assessment.catalog.answer_options.get(code="partial")
    data = AnswerInput(
        option=partial, planned_date=datetime.date(2027, 6, 30), comment="Budget."
    )
    assert save_answer(answer, data, actor=actor)


def import_args(path: Path, *extra: str) -> list[str]:
    return ["import", "--org", "centre-a", "--year", "2026", str(path), *extra]


def test_import_rejects_stale_file(
    filled: Assessment, deputy_a: User, tmp_path: Path
) -> None:
    path = tmp_path / "q.xlsx"
    export_to(path)
    edit_on_page(filled, "4.1", deputy_a)
    changes = AnswerChange.objects.count()

    with pytest.raises(CommandError) as caught:
        run(*import_args(path))

    message = str(caught.value)
    assert "was not imported, nothing changed" in message
    assert f"Row {tabular.FIRST_DATA_ROW}, column K (revision):" in message
    assert "Norm 4.1 changed after this file was exported" in message
    assert "by deputy (deputy@a.test)" in message
    assert "--force" in message
    assert AnswerChange.objects.count() == changes
    assert filled.answers.get(norm__code="4.1").comment == "Budget."


def test_import_force_names_os_user(
    filled: Assessment, deputy_a: User, tmp_path: Path
) -> None:
    path = tmp_path / "q.xlsx"
    export_to(path)
    edit_on_page(filled, "4.1", deputy_a)

    output = run(*import_args(path, "--force"))

    assert "28 rows, 1 answer changed, 1 newer answer overwritten" in output
    change = AnswerChange.objects.filter(answer__norm__code="4.1").first()
    assert change is not None
    assert change.changed_by is None
    assert change.actor_label == f"OS user {LOGIN}, vigil command"
    assert change.import_file == "q.xlsx"
    assert change.overwrote_newer
    changed = AuditEntry.objects.filter(action="assessment.answer_changed").first()
    assert changed is not None
    assert changed.actor_label == f"OS user {LOGIN}, vigil command"


def test_import_messages_in_dutch(
    filled: Assessment, deputy_a: User, tmp_path: Path
) -> None:
    path = tmp_path / "q.xlsx"
    export_to(path)
    edit_on_page(filled, "4.1", deputy_a)

    with translation.override("nl"):
        with pytest.raises(CommandError) as caught:
            run(*import_args(path))
        output = run(*import_args(path, "--force"))

    rejected = str(caught.value).splitlines()[0]
    assert rejected == f"{path} is niet geïmporteerd, er is niets gewijzigd:"
    assert output.strip() == (
        f"{path} geïmporteerd: 28 rijen, 1 antwoord gewijzigd, "
        "1 nieuwer antwoord overschreven"
    )


def test_import_summary_in_french(filled: Assessment, tmp_path: Path) -> None:
    path = tmp_path / "q.xlsx"
    export_to(path)

    with translation.override("fr"):
        output = run(*import_args(path))

    assert output.strip() == f"{path} importé\u00a0: 28 lignes, 0 réponse modifiée"


def test_import_force_as_user(
    filled: Assessment, consultant_a: User, deputy_a: User, tmp_path: Path
) -> None:
    path = tmp_path / "q.xlsx"
    export_to(path)
    edit_on_page(filled, "4.1", deputy_a)

    run(*import_args(path, "--force", "--as", "consultant@a.test"))

    change = AnswerChange.objects.filter(answer__norm__code="4.1").first()
    assert change is not None
    assert change.changed_by == consultant_a
    assert change.overwrote_newer


def test_command_actor_sudo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUDO_USER", "an")

    actor = command_actor()

    assert actor == CommandActor(login=LOGIN, sudo_user="an")
    assert actor.audit_label == f"OS user {LOGIN} (sudo from an), vigil command"
