"""Importing restic and borg output: good files, bad files, all or nothing."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone, translation

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.backups import parsers
from vigil.registers.backups.models import BackupCheck, BackupRun
from vigil.registers.backups.specs import CHECKS, RUNS
from vigil.registers.tabular import TableError

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def import_runs(organisation: Organisation, fmt: str, content: bytes) -> None:
    rows = services.read_rows(RUNS, content, fmt)
    services.import_rows(RUNS, organisation, rows, actor=None)


def test_restic_snapshots_old_format(centre_a: Organisation) -> None:
    import_runs(centre_a, "restic-snapshots", read("restic-snapshots-0.14.json"))

    runs = list(BackupRun.objects.filter(organisation=centre_a).order_by("started_at"))
    assert len(runs) == 2
    first, second = runs
    assert timezone.localtime(first.started_at).isoformat() == (
        "2026-11-16T22:00:04.512839+01:00"
    )
    assert (first.kind, first.medium, first.tool) == ("incremental", "1", "restic")
    assert first.size is None
    assert first.reference.startswith("d1e5a8c3")
    assert "srv-ocmw-01" in first.notes
    assert "/srv/ocmw/sociaal" in first.notes
    assert (second.kind, second.medium, second.result) == ("full", "5", "success")


def test_restic_snapshots_with_summary(centre_a: Organisation) -> None:
    import_runs(centre_a, "restic-snapshots", read("restic-snapshots-0.17.json"))

    runs = BackupRun.objects.filter(organisation=centre_a).order_by("started_at")
    incremental, environment = runs
    assert incremental.size == 48318382080
    assert (environment.kind, environment.scope, environment.medium) == (
        "environment",
        "environment",
        "12",
    )
    assert environment.size == 3221225472


def test_restic_snapshots_bad_kind_saves_nothing(centre_a: Organisation) -> None:
    rows = services.read_rows(
        RUNS, read("restic-snapshots-bad.json"), "restic-snapshots"
    )

    with translation.override("en"), pytest.raises(services.ImportRejected) as rejected:
        services.import_rows(RUNS, centre_a, rows, actor=None)

    [error] = rejected.value.errors
    assert (error.line, error.field, error.value) == (2, "kind", "daily")
    assert "not one of the codes" in error.message
    assert not BackupRun.objects.filter(organisation=centre_a).exists()


def test_restic_snapshot_twice_is_rejected(centre_a: Organisation) -> None:
    content = read("restic-snapshots-0.14.json")
    import_runs(centre_a, "restic-snapshots", content)

    with translation.override("en"), pytest.raises(services.ImportRejected) as rejected:
        import_runs(centre_a, "restic-snapshots", content)

    assert [error.line for error in rejected.value.errors] == [1, 2]
    assert rejected.value.errors[0].field == "reference"
    assert "already in the register" in rejected.value.errors[0].message
    assert BackupRun.objects.filter(organisation=centre_a).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"archives": []}', "line 1: the output of restic snapshots --json is"),
        (b'[\n{"time": 3,\n', "line 3: not valid JSON"),
        (b'[{"id": "ab"}]', "line 1: “time” is missing"),
        (
            b'[{"time": "2026-11-16T22:00:00", "id": "ab"}]',
            "line 1: the time “2026-11-16T22:00:00” has no time zone",
        ),
        (
            b'[{"time": "16/11/2026", "id": "ab"}]',
            "line 1: the time “16/11/2026” is not an ISO 8601",
        ),
        (
            b'[{"time": "2026-11-16T22:00:00Z", "id": "ab"}, 5]',
            "line 2: the snapshot is not",
        ),
        (b"\xff\xfe[", "not UTF-8 text"),
    ],
)
def test_restic_snapshots_unreadable(content: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(TableError, match=message):
        parsers.parse_restic_snapshots(content)


def test_borg_list_times_are_brussels_time(centre_a: Organisation) -> None:
    import_runs(centre_a, "borg-list", read("borg-list-1.2.json"))

    runs = BackupRun.objects.filter(organisation=centre_a).order_by("started_at")
    summer, winter = runs
    assert summer.started_at == datetime.datetime(
        2026, 7, 17, 20, 0, 1, tzinfo=datetime.UTC
    )
    assert winter.started_at == datetime.datetime(
        2026, 11, 16, 21, 0, 3, tzinfo=datetime.UTC
    )
    assert (summer.kind, summer.medium, summer.tool) == ("full", "5", "borg")
    assert (winter.kind, winter.medium) == ("incremental", "1")
    assert "/mnt/nas/borg-ocmw" in winter.notes


def test_borg_info_reads_size_and_comment(centre_a: Organisation) -> None:
    import_runs(centre_a, "borg-info", read("borg-info-1.4.json"))

    [run] = BackupRun.objects.filter(organisation=centre_a)
    assert (run.kind, run.medium, run.size) == ("weekly", "III", 48318382080)
    assert timezone.localtime(run.started_at).hour == 23


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[]", "line 1: the file is not the output of borg list --json"),
        (b'{"archives": [{"name": "x"}]}', "line 1: the time “” is not an ISO 8601"),
        (b'{"archives": [{"start": "2026-11-16T22:00:00"}]}', "line 1: “name” is"),
    ],
)
def test_borg_unreadable(content: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(TableError, match=message):
        parsers.parse_borg_list(content)


def test_restic_check_text_structure(centre_a: Organisation) -> None:
    rows = services.read_rows(CHECKS, read("restic-check-0.16.txt"), "restic-check")
    services.import_rows(CHECKS, centre_a, rows, actor=None)

    [check] = BackupCheck.objects.filter(organisation=centre_a)
    assert (check.kind, check.result) == ("structure", "success")
    assert check.repository == "restic 3f2a1b4c"
    assert check.date == timezone.localdate()
    assert rows[0][0] == 10


def test_restic_check_read_data_is_full_check() -> None:
    [(line, row)] = parsers.parse_restic_check(read("restic-check-read-data-0.14.txt"))

    assert row["kind"] == "full_data"
    assert row["result"] == "success"
    assert line == 11


def test_restic_check_errors_text() -> None:
    [(line, row)] = parsers.parse_restic_check(read("restic-check-errors.txt"))

    assert row["result"] == "failed"
    assert "Fatal: repository contains errors" in row["notes"]
    assert "error for tree 5d1e9a3c:" in row["notes"]
    assert line == 10


def test_restic_check_json_lines() -> None:
    [(_line, good)] = parsers.parse_restic_check(read("restic-check-0.17.jsonl"))
    [(line, bad)] = parsers.parse_restic_check(read("restic-check-errors-0.17.jsonl"))

    assert (good["kind"], good["result"], good["repository"]) == (
        "structure",
        "success",
        "",
    )
    assert bad["result"] == "failed"
    assert "blob 0 size could not be found" in bad["notes"]
    assert "1 error(s)" in bad["notes"]
    assert line == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"load indexes\ncheck all packs\n", "the output ends before restic printed"),
        (b'{"message_type": "summary"\n', "line 1: not valid JSON"),
        (
            b'\n{"message_type": "summary", "num_errors": "none"}\n',
            "line 2: the summary has no whole number num_errors",
        ),
    ],
)
def test_restic_check_unreadable(content: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(TableError, match=message):
        parsers.parse_restic_check(content)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nl", "regel 1: de tijd “16/11/2026” is geen datum en tijd volgens ISO 8601"),
        (
            "fr",
            "ligne 1\u00a0: l'heure «\u00a016/11/2026\u00a0» n'est pas une date "
            "et heure ISO 8601",
        ),
    ],
)
def test_import_error_in_page_language(language: str, message: str) -> None:
    content = b'[{"time": "16/11/2026", "id": "ab"}]'

    with translation.override(language), pytest.raises(TableError) as raised:
        parsers.parse_restic_snapshots(content)

    assert str(raised.value) == message
