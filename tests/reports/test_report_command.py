"""``vigil report annual|plan|continuity|risks`` and its errors."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from odf import teletype
from odf.opendocument import load as load_odt

from vigil.organisations.models import Organisation
from vigil.registers.activities.models import Activity
from vigil.reports.management.commands import report as report_command


def run(*args: str) -> str:
    output = io.StringIO()
    call_command("report", *args, stdout=output)
    return output.getvalue()


def annual(path: Path, *extra: str) -> list[str]:
    return [
        "annual",
        "--org",
        "centre-a",
        "--year",
        "2025",
        "--output",
        str(path),
        *extra,
    ]


@pytest.fixture
def advices(centre_a: Organisation) -> Organisation:
    for day in (3, 17):
        Activity.objects.create(
            organisation=centre_a,
            kind=Activity.Kind.ADVICE,
            date=datetime.date(2025, 3, day),
            subject=f"Advice of March {day}",
            result="Followed.",
        )
    return centre_a


def test_annual_pdf(advices: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "annual.pdf"

    output = run(*annual(path, "--format", "pdf", "--language", "nl"))

    assert f"wrote {path}" in output
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Advice of March 17" in text
    assert "2025" in text


def test_annual_odt_in_french(advices: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "annual.odt"

    run(*annual(path, "--format", "odt", "--language", "fr"))

    text = teletype.extractText(load_odt(str(path)).text)
    assert "Advice of March 3" in text
    assert "CPAS centre-a" in text


def test_unknown_centre(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No centre with slug “nowhere”"):
        run(
            "annual",
            "--org",
            "nowhere",
            "--year",
            "2025",
            "--output",
            str(tmp_path / "x"),
        )


@pytest.mark.parametrize("year", ["20x5", "1999", "2101", ""])
def test_bad_year(centre_a: Organisation, tmp_path: Path, year: str) -> None:
    with pytest.raises(
        CommandError, match=f"Invalid --year “{year}”: give a year from 2000"
    ):
        run(
            "annual",
            "--org",
            "centre-a",
            "--year",
            year,
            "--output",
            str(tmp_path / "x"),
        )


def test_bad_format(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(
        CommandError, match="Invalid --format “docx”: use one of pdf, odt"
    ):
        run(*annual(tmp_path / "x", "--format", "docx"))


def test_bad_language(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(
        CommandError, match="Invalid --language “en”: use one of nl, fr"
    ):
        run(*annual(tmp_path / "x", "--language", "en"))


def test_unknown_kind(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Invalid document kind “budget”"):
        run(
            "budget",
            "--org",
            "centre-a",
            "--year",
            "2025",
            "--output",
            str(tmp_path / "x"),
        )


def test_unwritable_output(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "annual.pdf"

    with pytest.raises(CommandError, match=r"Cannot write .*Choose a writable path"):
        run(*annual(path))

    assert not path.exists()


def test_missing_builder(
    centre_a: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builders = dict(report_command.BUILDERS)
    builders["risks"] = ("vigil.plans.nothing_here", "risks_document")
    monkeypatch.setattr(report_command, "BUILDERS", builders)

    with pytest.raises(
        CommandError, match=r"no function risks_document in vigil\.plans\.nothing_here"
    ):
        run(
            "risks",
            "--org",
            "centre-a",
            "--year",
            "2025",
            "--output",
            str(tmp_path / "x"),
        )


def test_builder_error_is_shown(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No security plan covers 2025"):
        run(
            "plan",
            "--org",
            "centre-a",
            "--year",
            "2025",
            "--output",
            str(tmp_path / "x"),
        )


def test_help_lists_options() -> None:
    parser = report_command.Command().create_parser("vigil", "report")

    help_text = parser.format_help()
    for option in ("--org", "--year", "--format", "--language", "--output"):
        assert option in help_text
    assert "annual, plan, continuity, risks" in help_text
