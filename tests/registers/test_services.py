"""Register services: validation, history, imports and exports."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers import services, tabular
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES
from vigil.registers.services import ImportRejected, RecordInvalid, RowError

pytestmark = pytest.mark.django_db


def values(**changes: Any) -> dict[str, Any]:
    base = {
        "kind": "training",
        "date": "2026-03-12",
        "subject": "Phishing awareness",
        "participants": "12 social workers",
    }
    base.update(changes)
    return base


def create(organisation: Organisation, **changes: Any) -> Activity:
    record = services.create_record(
        ACTIVITIES, organisation, values(**changes), actor=None
    )
    assert isinstance(record, Activity)
    return record


def test_create_applies_defaults_and_records_history(centre_a: Organisation) -> None:
    record = create(centre_a)

    assert isinstance(record, Activity)
    assert record.status == Activity.Status.DONE
    (entry,) = services.history(record)
    assert entry.action == "register.record_created"
    assert entry.new_values["subject"] == "Phishing awareness"
    assert entry.new_values["date"] == "2026-03-12"


def test_update_records_only_changed_fields(centre_a: Organisation) -> None:
    record = create(centre_a)

    services.update_record(ACTIVITIES, record, {"subject": "Back-ups"}, actor=None)

    record.refresh_from_db()
    assert record.subject == "Back-ups"
    assert record.participants == "12 social workers"
    change = services.history(record).first()
    assert change is not None
    assert change.action == "register.record_changed"
    assert change.old_values == {"subject": "Phishing awareness"}
    assert change.new_values == {"subject": "Back-ups"}


def test_update_without_change_writes_no_history(centre_a: Organisation) -> None:
    record = create(centre_a)

    services.update_record(ACTIVITIES, record, {"subject": record.subject}, actor=None)

    assert services.history(record).count() == 1


def test_invalid_values_name_each_field(centre_a: Organisation) -> None:
    with pytest.raises(RecordInvalid) as caught:
        services.create_record(
            ACTIVITIES,
            centre_a,
            values(kind="party", date="2026-02-30", subject=""),
            actor=None,
        )

    assert set(caught.value.errors) == {"kind", "date", "subject"}
    assert "party" in caught.value.errors["kind"][0]
    assert Activity.objects.count() == 0


def test_unknown_field_is_refused(centre_a: Organisation) -> None:
    with pytest.raises(RecordInvalid) as caught:
        services.create_record(ACTIVITIES, centre_a, values(colour="red"), actor=None)

    assert "colour" in caught.value.errors


def test_delete_keeps_the_history(centre_a: Organisation) -> None:
    record = create(centre_a)
    pk = record.pk

    services.delete_record(ACTIVITIES, record, actor=None)

    assert not Activity.objects.filter(pk=pk).exists()
    actions = list(
        AuditEntry.objects.filter(
            object_type=ACTIVITIES.label, object_id=str(pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["register.record_deleted", "register.record_created"]


def test_export_then_import_round_trips(centre_a: Organisation) -> None:
    first = create(centre_a)
    content = services.render_export(
        ACTIVITIES, Activity.objects.filter(organisation=centre_a), "xlsx"
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["id", *ACTIVITIES.fields]

    result = services.import_rows(
        ACTIVITIES, centre_a, tabular.read_table(content), actor=None
    )

    assert (result.created, result.updated) == (0, 1)
    assert Activity.objects.get().pk == first.pk


@pytest.mark.parametrize("subject", ["²", "٣", "⑦"])
def test_export_keeps_other_digits_as_text(
    centre_a: Organisation, subject: str
) -> None:
    """Only ASCII digits become numbers in the sheet; "²" made int() fail."""
    create(centre_a, subject=subject)
    content = services.render_export(
        ACTIVITIES, Activity.objects.filter(organisation=centre_a), "xlsx"
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    column = [cell.value for cell in sheet[1]].index("subject") + 1
    assert sheet.cell(2, column).value == subject


def test_import_changes_by_id_and_adds_without_id(centre_a: Organisation) -> None:
    record = create(centre_a)
    csv = (
        "id;subject;kind;date\n"
        f"{record.pk};Renamed;training;2026-03-12\n"
        ";Nieuw overleg;meeting;2026-04-01\n"
    ).encode()

    result = services.import_rows(
        ACTIVITIES, centre_a, tabular.read_table(csv), actor=None
    )

    assert (result.created, result.updated) == (1, 1)
    record.refresh_from_db()
    assert record.subject == "Renamed"
    assert record.participants == "12 social workers"
    assert Activity.objects.filter(kind="meeting").count() == 1


def test_import_with_one_bad_row_saves_nothing(centre_a: Organisation) -> None:
    csv = (
        b"kind,date,subject\n"
        b"training,2026-01-10,Good row\n"
        b"party,2026-01-11,Bad kind\n"
        b"\n"
        b"meeting,11/01/2026,Bad date\n"
    )

    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        services.import_rows(ACTIVITIES, centre_a, tabular.read_table(csv), actor=None)

    errors = caught.value.errors
    assert [(e.line, e.field, e.value) for e in errors] == [
        (3, "kind", "party"),
        (5, "date", "11/01/2026"),
    ]
    assert Activity.objects.count() == 0
    assert "line 3, kind 'party'" in str(caught.value)
    assert "2026-03-12" in errors[1].message


def test_import_refuses_unknown_columns_and_foreign_ids(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    other = create(centre_b)
    unknown = b"kind,date,subject,colour\ntraining,2026-01-10,A,red\n"
    foreign = f"id,kind,date,subject\n{other.pk},training,2026-01-10,A\n".encode()

    with pytest.raises(ImportRejected) as columns:
        services.import_rows(
            ACTIVITIES, centre_a, tabular.read_table(unknown), actor=None
        )
    with pytest.raises(ImportRejected) as ids:
        services.import_rows(
            ACTIVITIES, centre_a, tabular.read_table(foreign), actor=None
        )

    assert columns.value.errors[0].field == "colour"
    assert ids.value.errors[0].line == 2
    assert ids.value.errors[0].field == "id"
    other.refresh_from_db()
    assert other.subject == "Phishing awareness"


def test_import_reads_xlsx_dates_and_numbers(centre_a: Organisation) -> None:
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["kind", "date", "subject", "hours"])
    sheet.append(["training", datetime.date(2026, 5, 4), "Sheet row", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)

    services.import_rows(
        ACTIVITIES, centre_a, tabular.read_table(buffer.getvalue()), actor=None
    )

    record = Activity.objects.get()
    assert record.date.isoformat() == "2026-05-04"
    assert str(record.hours) == "3.0"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfekind\n", "not UTF-8"),
        (b"PK\x03\x04broken", "not a readable XLSX"),
        (b"kind,kind\ntraining,meeting\n", "appears twice"),
        (b"", "must name the columns"),
    ],
)
def test_unreadable_tables_say_why(content: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(tabular.TableError, match=message):
        tabular.read_table(content)


def test_unreadable_table_in_dutch() -> None:
    with pytest.raises(tabular.TableError) as raised:
        tabular.read_table(b"kind,Kind\ntraining,meeting\n")

    assert str(raised.value) == "de kolom “kind” staat twee keer in de kopregel"


def test_unreadable_csv_names_line() -> None:
    content = b'kind,hours\n"training,3\n'

    with translation.override("fr"), pytest.raises(tabular.TableError) as raised:
        tabular.read_table(content)

    assert str(raised.value).startswith("ligne 2\u00a0: CSV illisible (")


def test_attachments_are_kept_by_digest(centre_a: Organisation) -> None:
    record = create(centre_a)
    upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 verslag")

    attachment = services.add_attachment(record, upload, actor=None)

    assert list(services.attachments_of(record)) == [attachment]
    assert len(attachment.sha256) == 64
    assert services.history(record).first().action == "register.attachment_added"  # type: ignore[union-attr]


def test_attachment_type_is_checked(centre_a: Organisation) -> None:
    from django.core.exceptions import ValidationError

    record = create(centre_a)

    with pytest.raises(ValidationError, match="exe"):
        services.add_attachment(
            record, SimpleUploadedFile("tool.exe", b"MZ"), actor=None
        )


def test_record_still_referred_to_is_not_deleted(centre_a: Organisation) -> None:
    from vigil.plans.audits.models import Audit
    from vigil.plans.audits.specs import AUDITS, FINDINGS

    services.create_record(FINDINGS, centre_a, FINDINGS.example(centre_a), actor=None)
    audit = Audit.objects.get(organisation=centre_a)

    with pytest.raises(RecordInvalid) as caught:
        services.delete_record(AUDITS, audit, actor=None)

    assert str(audit) in caught.value.errors["__all__"][0]
    assert Audit.objects.filter(pk=audit.pk).exists()
    assert not services.history(audit).filter(action="register.record_deleted")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_text_is_exported_as_text(centre_a: Organisation, fmt: str) -> None:
    create(centre_a, subject='=HYPERLINK("http://x.test","klik")', participants="-3")
    records = Activity.objects.filter(organisation=centre_a)

    content = services.render_export(ACTIVITIES, records, fmt)
    rows = tabular.read_table(content)
    services.import_rows(ACTIVITIES, centre_a, rows, actor=None)

    if fmt == "csv":
        assert b"'=HYPERLINK" in content
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        cell = sheet.cell(2, ACTIVITIES.fields.index("subject") + 2)
        assert cell.data_type == "s"
        assert cell.value == '=HYPERLINK("http://x.test","klik")'
    record = Activity.objects.get()
    assert record.subject == '=HYPERLINK("http://x.test","klik")'
    assert record.participants == "-3"


def test_unclosed_quote_is_a_table_error(centre_a: Organisation) -> None:
    record = create(centre_a)
    content = f'id;subject\n{record.pk};"unterminated\n'.encode()

    with pytest.raises(tabular.TableError):
        tabular.read_table(content)

    record.refresh_from_db()
    assert record.subject == "Phishing awareness"


def test_import_reports_every_error_of_a_row_at_once(centre_a: Organisation) -> None:
    content = b"kind,date,subject,colour\nparty,31/12/2027,,red\n"

    with pytest.raises(ImportRejected) as caught:
        services.import_rows(
            ACTIVITIES, centre_a, tabular.read_table(content), actor=None
        )

    fields = sorted(error.field for error in caught.value.errors)
    assert fields == ["colour", "date", "kind", "subject"]


def test_refused_choice_lists_the_codes(centre_a: Organisation) -> None:
    with pytest.raises(RecordInvalid) as caught:
        services.create_record(ACTIVITIES, centre_a, values(kind="party"), actor=None)

    message = caught.value.errors["kind"][0]
    assert "party" in message
    assert "training" in message and "meeting" in message


def test_same_moment_in_another_zone_is_no_change(centre_a: Organisation) -> None:
    import zoneinfo

    from vigil.registers.incidents.specs import INCIDENTS

    record = services.create_record(
        INCIDENTS, centre_a, INCIDENTS.example(centre_a), actor=None
    )
    detected = record.detected_at.astimezone(zoneinfo.ZoneInfo("Europe/Brussels"))  # type: ignore[attr-defined]

    services.update_record(
        INCIDENTS,
        record,
        {"detected_at": detected.strftime("%Y-%m-%dT%H:%M"), "title": "Renamed"},
        actor=None,
    )

    change = services.history(record).first()
    assert change is not None
    assert set(change.new_values) == {"title"}


def test_row_error_french_colon() -> None:
    error = RowError(3, "kind", "party", "Sélectionnez un choix valide.")

    with translation.override("fr"):
        text = str(error)

    assert text == "ligne 3, kind 'party'\u00a0: Sélectionnez un choix valide."


def test_activities_summary_french_colons(centre_a: Organisation) -> None:
    create(centre_a, date=timezone.localdate().isoformat())
    assert ACTIVITIES.summary is not None

    with translation.override("fr"):
        (line,) = ACTIVITIES.summary(centre_a)
        training = str(Activity.Kind.TRAINING.label)

    assert line.startswith(f"En {timezone.localdate().year}\u00a0: ")
    assert f"{training}\u00a0: 1" in line
    assert line.count("\u00a0: ") == 2
