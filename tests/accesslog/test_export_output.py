"""``vigil accesslog export`` to an output path that cannot be written."""

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.accesslog.factories import ingest_batches
from vigil import cli
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 2, 5)
    return centre_a


def export_to(
    output: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[object, str]:
    """Run the export through ``vigil``; return the exit status and stderr."""
    arguments = ["export", "--org", "centre-a", "--from", "2026-03-01"]
    arguments += ["--to", "2026-03-31", "--output", str(output)]
    monkeypatch.setattr(sys, "argv", ["vigil", "accesslog", *arguments])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    return stopped.value.code, capsys.readouterr().err


def test_export_to_folder(
    log: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, error = export_to(tmp_path, monkeypatch, capsys)

    assert status == 1
    assert error == (
        f"cannot write {tmp_path}: it is a folder. Give a file name in it, such "
        f"as {tmp_path / 'bundle.json'}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_to_folder_not_recorded(log: Organisation, tmp_path: Path) -> None:
    # cli.main closes the database connections when the command ends, so
    # this test calls the command directly to read the audit trail after it.
    arguments = ["export", "--org", "centre-a", "--from", "2026-03-01"]
    arguments += ["--to", "2026-03-31", "--output", str(tmp_path)]
    with pytest.raises(CommandError, match="it is a folder"):
        call_command("accesslog", *arguments, stdout=io.StringIO())

    assert not AuditEntry.objects.filter(action="accesslog.bundle_exported").exists()


def test_export_to_missing_folder(
    log: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / "missing" / "march.json"

    status, error = export_to(output, monkeypatch, capsys)

    assert status == 1
    assert error == (
        f"cannot write {output}: the folder {output.parent} does not exist. "
        "Create it first or choose an existing folder\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_replace_fails(
    log: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A folder that appears at the output path while the bundle is written
    # makes the final rename fail after the check for a folder passed.
    output = tmp_path / "march.json"

    def replace_onto_folder(self: Path, target: Path) -> Path:
        raise IsADirectoryError(21, "Is a directory")

    monkeypatch.setattr(Path, "replace", replace_onto_folder)
    status, error = export_to(output, monkeypatch, capsys)

    assert status == 1
    assert error.startswith(f"cannot write {output}: it is a folder.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "is een map. Geef er een bestandsnaam in op"),
        ("fr", "est un dossier. Indiquez un nom de fichier dans ce dossier"),
    ],
)
def test_export_folder_translated(
    log: Organisation,
    tmp_path: Path,
    settings: LazySettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
    expected: str,
) -> None:
    settings.VIGIL_CLI_LANGUAGE = language
    status, error = export_to(tmp_path, monkeypatch, capsys)

    assert status == 1
    assert expected in error
