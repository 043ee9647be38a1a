"""The authorisation register: validation, identity link, warnings, files."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.authorisations.factories import authorisation
from vigil.accesslog.identities import add_identity_period
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.authorisations import reviews, specs
from vigil.registers.authorisations.models import Authorisation, ReviewLine
from vigil.registers.authorisations.specs import AUTHORISATIONS

ZONE = ZoneInfo("Europe/Brussels")
DAY = datetime.timedelta(days=1)


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=ZONE)


def identity_warnings(organisation: Organisation) -> list[str]:
    return [line for line in specs._warnings(organisation) if "User id" in line]


def test_end_before_start_rejected(centre_a: Organisation) -> None:
    values = {
        **AUTHORISATIONS.example(centre_a),
        "valid_from": "2026-02-01",
        "valid_until": "2026-01-31",
    }

    with pytest.raises(services.RecordInvalid) as caught:
        services.create_record(AUTHORISATIONS, centre_a, values, actor=None)

    message = caught.value.errors["valid_until"][0]
    assert "2026-01-31" in message
    assert "2026-02-01" in message
    assert not Authorisation.objects.exists()


def test_end_on_start_allowed(centre_a: Organisation) -> None:
    record = authorisation(centre_a, valid_from="2026-02-01", valid_until="2026-02-01")

    assert record.valid_until == datetime.date(2026, 2, 1)


def test_user_id_with_control_character_rejected(centre_a: Organisation) -> None:
    values = {**AUTHORISATIONS.example(centre_a), "user_id": "U1\x07"}

    with pytest.raises(services.RecordInvalid) as caught:
        services.create_record(AUTHORISATIONS, centre_a, values, actor=None)

    assert "'U1\\x07'" in caught.value.errors["user_id"][0]


def test_user_id_spaces_stripped(centre_a: Organisation) -> None:
    record = authorisation(centre_a, user_id=" U1 ")

    assert record.user_id == "U1"


def test_identity_periods_of_user_id(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    record = authorisation(centre_a, user_id="U100201")
    add_identity_period(
        centre_a, "U100201", "An Peeters", moment(datetime.date(2024, 1, 1)), actor=None
    )
    add_identity_period(
        centre_b,
        "U100201",
        "Iemand Anders",
        moment(datetime.date(2024, 1, 1)),
        actor=None,
    )
    add_identity_period(
        centre_a, "U999", "Bart Claes", moment(datetime.date(2024, 1, 1)), actor=None
    )

    periods = list(record.identity_periods())

    assert [period.person_name for period in periods] == ["An Peeters"]
    assert record.has_identity_now()


def test_warning_without_identity_today(centre_a: Organisation) -> None:
    today = timezone.localdate()
    authorisation(centre_a, "An Peeters", user_id="U1", valid_from=today - DAY)
    authorisation(centre_a, "Bart Claes", user_id="U2", valid_from=today - DAY)
    authorisation(centre_a, "Zonder Id", user_id="", valid_from=today - DAY)
    authorisation(
        centre_a,
        "Vertrokken",
        user_id="U3",
        valid_from=today - 30 * DAY,
        valid_until=today - DAY,
    )
    add_identity_period(centre_a, "U1", "An Peeters", moment(today - DAY), actor=None)
    add_identity_period(
        centre_a,
        "U2",
        "Bart Claes",
        moment(today - 30 * DAY),
        moment(today - DAY),
        actor=None,
    )

    warnings = identity_warnings(centre_a)

    assert len(warnings) == 1
    assert warnings[0].startswith("User id U2 (Bart Claes) has no identity period")


def test_no_warning_when_identities_cover(centre_a: Organisation) -> None:
    today = timezone.localdate()
    authorisation(centre_a, user_id="U1", valid_from=today - DAY)
    add_identity_period(centre_a, "U1", "An Peeters", moment(today - DAY), actor=None)

    assert identity_warnings(centre_a) == []


def test_review_warning_without_recent_campaign(
    centre_a: Organisation, consultant_a: User
) -> None:
    today = timezone.localdate()
    authorisation(centre_a, valid_from=today - 800 * DAY)
    old = reviews.start_review(
        centre_a,
        name="Oud",
        started_on=today - 400 * DAY,
        due_by=today - 380 * DAY,
        actor=consultant_a,
    )
    for line in old.lines.all():
        reviews.decide(
            line, ReviewLine.Decision.CONFIRMED, actor=None, decided_on=old.started_on
        )
    reviews.close_review(old, actor=None, closed_on=today - 390 * DAY)

    before = specs._warnings(centre_a)
    recent = reviews.start_review(
        centre_a, name="Nieuw", started_on=today, due_by=today, actor=consultant_a
    )
    for line in recent.lines.all():
        reviews.decide(line, ReviewLine.Decision.CONFIRMED, actor=None)
    reviews.close_review(recent, actor=None)
    after = specs._warnings(centre_a)

    assert any("No review of the authorisations closed" in line for line in before)
    assert not any("No review of the authorisations" in line for line in after)
    assert specs._summary(centre_a)[1] == (
        f"Last review closed on {today.isoformat()}: Nieuw."
    )


def test_overdue_campaign_warned(centre_a: Organisation) -> None:
    today = timezone.localdate()
    authorisation(centre_a, valid_from=today - 100 * DAY)
    reviews.start_review(
        centre_a,
        name="Te laat",
        started_on=today - 20 * DAY,
        due_by=today - DAY,
        actor=None,
    )

    warnings = specs._warnings(centre_a)

    assert f"Review Te laat was due by {(today - DAY).isoformat()}" in " ".join(
        warnings
    )


def test_summary_counts_valid_today(centre_a: Organisation) -> None:
    today = timezone.localdate()
    authorisation(centre_a, "A", valid_from=today - DAY, access_level="read")
    authorisation(centre_a, "B", valid_from=today - DAY, access_level="write")
    authorisation(centre_a, "C", valid_from=today - DAY, access_level="write")
    authorisation(centre_a, "D", valid_from=today + DAY, access_level="administer")

    lines = specs._summary(centre_a)

    assert lines == ["3 authorisations valid today. read: 1, write: 2"]


def test_summary_french_colons(centre_a: Organisation) -> None:
    today = timezone.localdate()
    authorisation(centre_a, "A", valid_from=today - DAY, access_level="read")
    authorisation(centre_a, "B", valid_from=today - DAY, access_level="write")

    with translation.override("fr"):
        (line,) = specs._summary(centre_a)
        read = str(Authorisation.AccessLevel.READ.label)

    assert f"{read}\u00a0: 1" in line
    assert line.count("\u00a0: ") == 2


CSV = (
    "person_name,function,user_id,application,data_category,access_level,"
    "valid_from,valid_until,approved_by,approved_on,legal_basis\r\n"
    "Sofie Maes,maatschappelijk werker,U100203,Sociaal dossier,social_file,write,"
    "2026-01-05,,Algemeen directeur,2025-12-20,Sociaal onderzoek (art. 60)\r\n"
    "Lies Wouters,diensthoofd ICT,U100301,Active Directory,other,administer,"
    "2025-06-01,2025-05-31,Algemeen directeur,2025-05-20,Beheer van de accounts\r\n"
    "Marc Hermans,algemeen directeur,,Financieel pakket,financial,approve,"
    "2024-01-01,,Raad,2023-12-15,Toezicht\r\n"
)


def test_import_all_or_nothing(centre_a: Organisation, consultant_a: User) -> None:
    rows = services.read_rows(AUTHORISATIONS, CSV.encode())

    with pytest.raises(services.ImportRejected) as caught:
        services.import_rows(AUTHORISATIONS, centre_a, rows, actor=consultant_a)

    errors = {(error.line, error.field): error for error in caught.value.errors}
    assert set(errors) == {(3, "valid_until"), (4, "access_level")}
    assert errors[(3, "valid_until")].value == "2025-05-31"
    assert errors[(4, "access_level")].value == "approve"
    assert not Authorisation.objects.exists()


def test_import_creates_rows(centre_a: Organisation, consultant_a: User) -> None:
    good = "\r\n".join(CSV.split("\r\n")[:2]) + "\r\n"
    rows = services.read_rows(AUTHORISATIONS, good.encode())

    result = services.import_rows(AUTHORISATIONS, centre_a, rows, actor=consultant_a)

    assert (result.created, result.updated) == (1, 0)
    record = Authorisation.objects.get()
    assert record.person_name == "Sofie Maes"
    assert record.user_id == "U100203"
    assert record.valid_until is None
    assert record.approved_on == datetime.date(2025, 12, 20)


def test_export_imports_again(centre_a: Organisation, consultant_a: User) -> None:
    record = authorisation(centre_a, valid_until="2026-12-31", note="Tijdelijk")
    records = Authorisation.objects.filter(organisation=centre_a)
    exported = services.render_export(AUTHORISATIONS, records, "csv")
    changed = exported.replace(b"Tijdelijk", b"Verlengd tot eind 2026")

    rows = services.read_rows(AUTHORISATIONS, changed)
    result = services.import_rows(AUTHORISATIONS, centre_a, rows, actor=consultant_a)

    assert (result.created, result.updated) == (0, 1)
    record.refresh_from_db()
    assert record.note == "Verlengd tot eind 2026"
    assert record.valid_until == datetime.date(2026, 12, 31)


def test_export_xlsx_has_columns(centre_a: Organisation) -> None:
    authorisation(centre_a)
    records = Authorisation.objects.filter(organisation=centre_a)

    content = services.render_export(AUTHORISATIONS, records, "xlsx")

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["id", *specs.FIELDS]
    assert sheet.cell(row=2, column=2).value == "An Peeters"
