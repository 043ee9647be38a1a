"""``vigil assessment export`` and ``vigil assessment import``."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from vigil.accounts.models import User
from vigil.assessments import tabular
from vigil.assessments.models import Assessment
from vigil.audit.models import AuditEntry


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
    assert entry.actor_label == "system"


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
