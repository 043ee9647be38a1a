"""``vigil report annual|plan|continuity|risks`` and its errors."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from odf import teletype
from odf.opendocument import load as load_odt

from tests.securityplans.factories import add_action, approve, make_plan
from vigil.organisations.models import Organisation
from vigil.plans.security import services
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


@pytest.fixture
def plan_versions(centre_a: Organisation) -> Organisation:
    """An approved plan 2025–2027 (version 1) and its draft version 2."""
    approved = make_plan(centre_a, first_year=2025)
    add_action(approved, title="Approved restore test", planned_year=2025)
    approve(approved)
    draft = services.new_version(approved, actor=None)
    add_action(draft, title="Drafted fire drill", planned_year=2026)
    return centre_a


def plan(path: Path, *extra: str) -> list[str]:
    return [
        "plan",
        "--org",
        "centre-a",
        "--year",
        "2025",
        "--format",
        "odt",
        "--output",
        str(path),
        *extra,
    ]


def odt_text(path: Path) -> str:
    return str(teletype.extractText(load_odt(str(path)).text))


def test_plan_defaults_to_approved(plan_versions: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"

    run(*plan(path))

    text = odt_text(path)
    assert "Approved restore test" in text
    assert "Drafted fire drill" not in text


@pytest.mark.parametrize("choice", [["--draft"], ["--plan-version", "2"]])
def test_plan_draft_version(
    plan_versions: Organisation, tmp_path: Path, choice: list[str]
) -> None:
    path = tmp_path / "plan.odt"

    run(*plan(path, *choice))

    text = odt_text(path)
    assert "Drafted fire drill" in text
    assert "Approved restore test" in text


def test_plan_version_one(plan_versions: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"

    run(*plan(path, "--plan-version", "1"))

    assert "Drafted fire drill" not in odt_text(path)


def test_unknown_plan_version(plan_versions: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"

    with pytest.raises(CommandError) as raised:
        run(*plan(path, "--plan-version", "7"))

    message = str(raised.value)
    assert "No version 7 of the security plan covers 2025" in message
    assert "1 (approved), 2 (draft)" in message
    assert not path.exists()


def test_no_draft_plan(centre_a: Organisation, tmp_path: Path) -> None:
    approve(add_action(make_plan(centre_a, first_year=2025)).plan)

    with pytest.raises(CommandError, match=r"No draft security plan covers 2025"):
        run(*plan(tmp_path / "plan.odt", "--draft"))


@pytest.mark.parametrize("version", ["0", "-1"])
def test_invalid_plan_version(
    plan_versions: Organisation, tmp_path: Path, version: str
) -> None:
    with pytest.raises(CommandError, match=f"Invalid --plan-version {version}"):
        run(*plan(tmp_path / "plan.odt", f"--plan-version={version}"))


def test_plan_version_only_for_plan(centre_a: Organisation, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="apply to KIND plan only, not “annual”"):
        run(*annual(tmp_path / "x", "--draft"))


def test_plan_version_and_draft_exclusive(
    plan_versions: Organisation, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="not allowed with argument"):
        run(*plan(tmp_path / "plan.odt", "--draft", "--plan-version", "2"))


def test_help_tells_plan_version_from_version() -> None:
    parser = report_command.Command().create_parser("vigil", "report")

    help_text = " ".join(parser.format_help().split())
    assert "--plan-version N" in help_text
    assert "--draft" in help_text
    assert "Not to be confused with --version" in help_text
