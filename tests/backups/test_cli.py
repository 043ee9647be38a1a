"""``vigil backup media``: the media of a date, and clear errors."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.backups.factories import scheme
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def media(*args: str) -> str:
    out = io.StringIO()
    call_command("backup", "media", *args, stdout=out)
    return out.getvalue()


def test_friday_of_week_five(centre_a: Organisation) -> None:
    output = media("--org", "centre-a", "--scheme", "ksz-2005", "--date", "2027-01-29")

    assert output.splitlines() == [
        "ksz-2005, Friday 2027-01-29, ISO week 4 (even), week 5 of January 2027",
        "full         11",
        "environment  12",
        "weekly       V",
    ]


def test_default_scheme_is_ksz(centre_a: Organisation) -> None:
    output = media("--org", "centre-a", "--date", "2026-12-01")

    assert output.splitlines()[1:] == ["incremental  2"]


def test_weekend_has_no_backup(centre_a: Organisation) -> None:
    output = media("--org", "centre-a", "--date", "2026-12-05")

    assert output.splitlines()[1] == "no backup on this date"


def test_stored_scheme(centre_a: Organisation) -> None:
    scheme(centre_a, name="Hanoi NAS", kind="hanoi", hanoi_media="5")

    output = media("--org", "centre-a", "--scheme", "Hanoi NAS", "--date", "2001-01-04")

    assert output.splitlines() == [
        "Hanoi NAS, Thursday 2001-01-04, ISO week 1 (odd)",
        "full         C",
    ]


def test_unknown_centre(centre_a: Organisation) -> None:
    with pytest.raises(CommandError, match="no centre with slug 'nowhere'"):
        media("--org", "nowhere", "--date", "2026-12-01")


def test_unknown_scheme_lists_known(centre_a: Organisation) -> None:
    scheme(centre_a, name="Serverlokaal")

    with pytest.raises(CommandError) as raised:
        media("--org", "centre-a", "--scheme", "gfs", "--date", "2026-12-01")

    assert str(raised.value) == (
        "no backup scheme 'gfs' in centre centre-a; use one of: ksz-2005, Serverlokaal"
    )


def test_other_centre_scheme_is_unknown(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    scheme(centre_b, name="Alleen B")

    with pytest.raises(CommandError, match="no backup scheme 'Alleen B'"):
        media("--org", "centre-a", "--scheme", "Alleen B", "--date", "2026-12-01")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13-01", "“2026-13-01” is not a date: there is no month 13; write"),
        ("2026-02-29", "“2026-02-29” is not a date: February 2026 has 28 days;"),
        ("01/12/2026", "“01/12/2026” is not a date; write it as YYYY-MM-DD"),
        ("", "“” is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_bad_date(centre_a: Organisation, text: str, reason: str) -> None:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        media("--org", "centre-a", "--date", text)

    assert str(raised.value).startswith(f"Error: argument --date: {reason}")


def test_help_lists_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("backup", "media", "--help")

    output = capsys.readouterr().out
    assert exited.value.code == 0
    assert "--org" in output
    assert "--scheme" in output
    assert "YYYY-MM-DD" in output
