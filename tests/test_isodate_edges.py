"""Edges of ISO date and time input: years, digits, summer time and imports."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.conftest import login
from vigil.accounts.models import User
from vigil.isodate import InvalidDateTimeError, parse_datetime
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = datetime.UTC


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


# --- instants outside the accepted years ----------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "0001-01-01T00:00+01:00",
        "9999-12-31T23:59-01:00",
        "0001-01-01T00:10",
    ],
)
def test_parse_datetime_storable_or_error(value: str) -> None:
    """Whatever parse_datetime returns must convert to UTC (ORM, format_local)."""
    try:
        moment = parse_datetime(value, zone=BRUSSELS)
    except InvalidDateTimeError:
        return
    moment.astimezone(UTC)  # OverflowError today


@pytest.mark.parametrize(
    "value", ["0001-01-01", "0001-01-01T00:00+01:00", "9999-12-31T23:59-01:00"]
)
def test_search_page_does_not_crash_on_edge_year(
    consultant_a: User, centre_a: Organisation, value: str
) -> None:
    client = login(consultant_a)
    client.raise_request_exception = False
    response = client.get(url("search", centre_a), {"since": value})
    assert response.status_code in (200, 400)
    response = client.post(url("search", centre_a), {"since": value}, follow=True)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "value", ["0001-01-01", "0001-01-01T00:00+01:00", "9999-12-31T23:59-01:00"]
)
def test_identity_page_does_not_crash_on_edge_year(
    consultant_a: User, centre_a: Organisation, value: str
) -> None:
    client = login(consultant_a)
    client.raise_request_exception = False
    data = {"user_id": "U1", "person_name": "An", "valid_from": value, "note": ""}
    response = client.post(url("identity_add", centre_a), data, follow=True)
    assert response.status_code in (200, 400)
    # The register lists the period (or the form error) without a crash.
    assert client.get(url("identities", centre_a)).status_code == 200
    assert client.get(url("search", centre_a), {"person": "An"}).status_code == 200


def test_export_to_year_9999_rejected(centre_a: Organisation, tmp_path: Any) -> None:
    with pytest.raises(CommandError):
        call_command(
            "accesslog",
            "export",
            "--org",
            centre_a.slug,
            "--from",
            "9999-12-01",
            "--to",
            "9999-12-31",
            "--output",
            str(tmp_path / "b.zip"),
        )


def test_detection_run_year_9999_form_error(
    consultant_a: User, centre_a: Organisation
) -> None:
    client = login(consultant_a)
    client.raise_request_exception = False
    response = client.post(
        url("detection_run", centre_a), {"since": "9999-12-01", "until": "9999-12-31"}
    )
    assert response.status_code in (200, 302, 400)


# --- digits other than ASCII ----------------------------------------------


@pytest.mark.parametrize(
    "value", ["２０２６-０３-１２", "٢٠٢٦-٠٣-١٢", "2026-03-12T１４:30"]
)
def test_non_ascii_digits_are_rejected(value: str) -> None:
    with pytest.raises(InvalidDateTimeError):
        parse_datetime(value, zone=BRUSSELS)


# --- search link round trip in the doubled hour ---------------------------


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2026-10-25T02:30+02:00", datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("2026-10-25T02:30+01:00", datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        (
            "2026-10-25T02:00:00.5+02:00",
            datetime.datetime(2026, 10, 25, 0, 0, 0, 500000, tzinfo=UTC),
        ),
        (
            "2026-10-25T02:59:59.999999+01:00",
            datetime.datetime(2026, 10, 25, 1, 59, 59, 999999, tzinfo=UTC),
        ),
    ],
)
def test_search_link_keeps_both_doubled_readings(
    consultant_a: User, centre_a: Organisation, value: str, moment: datetime.datetime
) -> None:
    client = login(consultant_a)
    response = client.post(
        url("search", centre_a), {"since": value, "until": "2027-01-01"}, follow=True
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_valid(), form.errors
    assert form.cleaned_data["since"] == moment


# --- borg: local times in the hours that summer time changes --------------


def borg_info(start: str) -> bytes:
    import json

    return json.dumps(
        {
            "archives": [
                {
                    "name": "a",
                    "id": "ab" * 32,
                    "start": start,
                    "end": start,
                    "stats": {"original_size": 1},
                }
            ],
            "repository": {"id": "cd" * 32, "location": "/r"},
        }
    ).encode()


def test_borg_time_in_skipped_hour_rejected() -> None:
    from vigil.registers.backups import parsers
    from vigil.registers.tabular import TableError

    with pytest.raises(TableError, match="02:30"):
        parsers.parse_borg_info(borg_info("2026-03-29T02:30:00.000000"))


def test_borg_time_in_doubled_hour_first_reading() -> None:
    from vigil.registers.backups import parsers

    [(_line, row)] = parsers.parse_borg_info(borg_info("2026-10-25T02:30:00.000000"))

    assert row["started_at"] == "2026-10-25T02:30:00+02:00"


# --- the same through the command line ------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [
            "identity",
            "add",
            "--user-id",
            "U1",
            "--person",
            "An",
            "--from",
            "0001-01-01",
        ],
        [
            "identity",
            "add",
            "--user-id",
            "U1",
            "--person",
            "An",
            "--from",
            "9999-12-31T23:59-01:00",
        ],
        ["detect", "--from", "9999-12-01", "--to", "9999-12-31"],
        ["detect", "--from", "0001-01-01", "--to", "0001-01-02"],
    ],
    ids=[
        "identity-year-1",
        "identity-year-9999-offset",
        "detect-9999",
        "detect-year-1",
    ],
)
def test_command_edge_years_give_command_error(
    centre_a: Organisation, args: list[str]
) -> None:
    import io

    with pytest.raises((CommandError, SystemExit)):
        call_command(
            "accesslog",
            *args,
            "--org",
            centre_a.slug,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00+01:00", "9999-12-31T23:30-01:00", "0001-01-01T00:05"]
)
def test_register_import_edge_year_is_a_row_error(
    centre_a: Organisation, value: str
) -> None:
    from vigil.registers import services, tabular
    from vigil.registers.backups.specs import RUNS

    content = (
        "started_at,scope,kind,medium,result,tool\n"
        f"{value},data,full,5,success,manual\n"
    ).encode()
    with pytest.raises(services.ImportRejected):
        services.import_rows(RUNS, centre_a, tabular.read_table(content), actor=None)


def test_xlsx_backup_run_at_midnight_is_read(centre_a: Organisation) -> None:
    import io

    from openpyxl import Workbook

    from vigil.registers import services, tabular
    from vigil.registers.backups.models import BackupRun
    from vigil.registers.backups.specs import RUNS

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["started_at", "scope", "kind", "medium", "result", "tool"])
    # A spreadsheet keeps no time zone: the cell is a local time.
    midnight = datetime.datetime(2026, 3, 12, 0, 0)  # noqa: DTZ001
    sheet.append([midnight, "data", "full", "5", "success", "manual"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = tabular.read_table(buffer.getvalue())
    services.import_rows(RUNS, centre_a, rows, actor=None)

    run = BackupRun.objects.get(organisation=centre_a)
    assert run.started_at == datetime.datetime(2026, 3, 11, 23, 0, tzinfo=UTC)


def test_xlsx_date_cell_stays_date() -> None:
    import io

    from openpyxl import Workbook

    from vigil.registers import tabular

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["date", "kind"])
    sheet.append([datetime.date(2026, 3, 12), "training"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    [(_line, row)] = tabular.read_table(buffer.getvalue())

    assert row["date"] == "2026-03-12"
