"""Dates and times on the command line: ISO 8601 only, summer time made explicit.

Every option that takes a date or a time goes through vigil.isodate, so an
impossible date is explained and a local time that the change to or from
summer time skips or repeats is rejected before anything is written.
"""

import datetime
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from vigil import cli
from vigil.accesslog.models import IdentityPeriod
from vigil.accounts.models import Membership, User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

UTC = datetime.UTC
IDENTITY_ADD = ("identity", "add", "--org", "centre-a", "--user-id", "U1")
SKIPPED = (
    "“2026-03-29T02:30” does not exist in Europe/Brussels: on 2026-03-29 the "
    "clocks go forward from 02:00 to 03:00, so there is no local time from 02:00 "
    "up to 03:00. Enter a time before 02:00 or from 03:00 on."
)
DOUBLED = (
    "“2026-10-25T02:30” occurs twice in Europe/Brussels, because on 2026-10-25 "
    "the clocks go back from 03:00 to 02:00. Add the UTC offset to say which one "
    "you mean: 2026-10-25T02:30+02:00 is the first and 2026-10-25T02:30+01:00 the "
    "second. Or enter a time before 02:00 or from 03:00 on."
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(command: str, *arguments: str) -> str:
    output = io.StringIO()
    call_command(command, *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def run_failing(command: str, *arguments: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command(command, *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    return str(raised.value)


def add_period(*times: str) -> str:
    return run_failing("accesslog", *IDENTITY_ADD, "--person", "An", *times)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--from", "2026-03-29T02:30", SKIPPED),
        ("--from", "2026-10-25T02:30", DOUBLED),
        (
            "--from",
            "29/03/2026",
            "“29/03/2026” is not a date or a date and time; write YYYY-MM-DD for "
            "the start of the day or YYYY-MM-DDTHH:MM, for example "
            "2026-03-12T14:30.",
        ),
        (
            "--from",
            "2026-02-30",
            "“2026-02-30” is not a date: February 2026 has 28 days; write "
            "YYYY-MM-DD, for example 2026-03-12.",
        ),
        (
            "--until",
            "2026-02-30T08:00",
            "“2026-02-30T08:00” is not a date and time: February 2026 has 28 days; "
            "write YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30.",
        ),
    ],
)
def test_identity_add_rejects_time(
    centre_a: Organisation, option: str, value: str, message: str
) -> None:
    times = {"--from": "2026-01-05", option: value}
    arguments = [part for pair in times.items() for part in pair]

    error = add_period(*arguments)

    assert error == f"Error: argument {option}: {message}"
    assert not IdentityPeriod.objects.exists()
    assert not AuditEntry.objects.filter(action="identity.added").exists()


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2026-10-25T02:30+02:00", datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T02:30+01:00", datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2026-10-25T00:30Z", datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T03:00", datetime.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
        ("2026-03-29", datetime.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
    ],
)
def test_identity_add_takes_explicit_time(
    centre_a: Organisation, value: str, stored: datetime.datetime
) -> None:
    run("accesslog", *IDENTITY_ADD, "--person", "An", "--from", value)

    period = IdentityPeriod.objects.get()
    assert period.valid_from == stored


def test_identity_end_rejects_doubled_time(centre_a: Organisation) -> None:
    run("accesslog", *IDENTITY_ADD, "--person", "An", "--from", "2026-01-05")
    period = IdentityPeriod.objects.get()
    arguments = ["--id", str(period.pk), "--until", "2026-10-25T02:30"]

    error = run_failing("accesslog", "identity", "end", "--org", "centre-a", *arguments)

    assert error == f"Error: argument --until: {DOUBLED}"
    period.refresh_from_db()
    assert period.valid_until is None
    assert not AuditEntry.objects.filter(action="identity.ended").exists()


def test_identity_time_in_dutch(centre_a: Organisation) -> None:
    with translation.override("nl"):
        error = add_period("--from", "2026-03-29T02:30")

    assert error.startswith(
        "Error: argument --from: “2026-03-29T02:30” bestaat niet in "
        "Europe/Brussels: op 2026-03-29 gaat de klok vooruit van 02:00 naar 03:00"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--from",
            "2026-02-30",
            "“2026-02-30” is not a date: February 2026 has 28 days; write "
            "YYYY-MM-DD, for example 2026-03-12.",
        ),
        (
            "--to",
            "2026-13-01",
            "“2026-13-01” is not a date: there is no month 13; write YYYY-MM-DD, "
            "for example 2026-03-12.",
        ),
        (
            "--to",
            "31/03/2026",
            "“31/03/2026” is not a date; write it as YYYY-MM-DD, for example "
            "2026-03-12.",
        ),
    ],
)
def test_export_rejects_date(
    centre_a: Organisation, tmp_path: Path, option: str, value: str, message: str
) -> None:
    bundle = tmp_path / "march.json"
    days = {"--from": "2026-03-01", "--to": "2026-03-31", option: value}
    arguments = [part for pair in days.items() for part in pair]

    error = run_failing(
        "accesslog", "export", "--org", "centre-a", *arguments, "--output", str(bundle)
    )

    assert error == f"Error: argument {option}: {message}"
    assert list(tmp_path.iterdir()) == []
    assert not AuditEntry.objects.filter(action="accesslog.bundle_exported").exists()


def test_user_grant_rejects_date(consultant_a: User, centre_b: Organisation) -> None:
    error = run_failing(
        "user",
        "grant",
        "--email",
        "consultant@a.test",
        "--org",
        "centre-b",
        "--role",
        "auditor",
        "--until",
        "2027-02-29",
    )

    assert error == (
        "Error: argument --until: “2027-02-29” is not a date: February 2027 has "
        "28 days; write YYYY-MM-DD, for example 2026-03-12."
    )
    assert not Membership.objects.filter(organisation=centre_b).exists()


def test_cli_exits_with_usage_error(
    centre_a: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arguments = [*IDENTITY_ADD, "--person", "An", "--from", "2026-03-29T02:30"]
    monkeypatch.setattr(sys, "argv", ["vigil", "accesslog", *arguments])

    with pytest.raises(SystemExit) as stopped:
        cli.main()

    error = capsys.readouterr().err
    assert stopped.value.code == 2
    assert f"vigil accesslog identity add: error: argument --from: {SKIPPED}" in error
    assert not IdentityPeriod.objects.exists()
