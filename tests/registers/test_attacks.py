"""Attacks on the register framework: tenancy, hostile input and consistency.

Each test drives a generic path (page, import, export or REST endpoint) with
the records of two centres. It checks that nothing crosses from one centre to
the other, that bad input gets an error naming the field, and that no request
ends in a server error.
"""

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.assessments.models import Evidence
from vigil.assessments.services import create_assessment
from vigil.audit.models import AuditEntry
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation, Site
from vigil.registers import services, tabular
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES
from vigil.registers.inventory.models import Hardware
from vigil.registers.models import RegisterRecord
from vigil.registers.services import ImportRejected, RecordInvalid
from vigil.registers.spec import RegisterSpec, get_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

PAGES = "/c/centre-a/registers/"
API = "/api/v1/centres/centre-a/registers/"
# A norm whose catalog entry lists the activities register.
NORM = "4.2.1.8"


def spec_named(slug: str) -> RegisterSpec:
    spec = get_spec(slug)
    assert spec is not None, slug
    return spec


def activity(organisation: Organisation, **values: Any) -> Activity:
    data = {"kind": "training", "date": "2026-03-12", "subject": "Phishing"}
    data.update(values)
    record = services.create_record(ACTIVITIES, organisation, data, actor=None)
    assert isinstance(record, Activity)
    return record


def hardware(organisation: Organisation, tag: str, **values: Any) -> RegisterRecord:
    data = {"kind": "laptop", "inventory_tag": tag}
    data.update(values)
    return services.create_record(
        spec_named("hardware"), organisation, data, actor=None
    )


def csv_file(text: str, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def import_text(
    spec: RegisterSpec, organisation: Organisation, text: str
) -> services.ImportResult:
    rows = services.read_rows(spec, text.encode("utf-8"))
    return services.import_rows(spec, organisation, rows, actor=None)


@pytest.fixture
def consultant(client: Client, consultant_a: User) -> Client:
    client.force_login(consultant_a)
    return client


@pytest.fixture
def secret(centre_a: Organisation) -> str:
    _token, secret = create_token(
        centre_a, "cmdb sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    return secret


def call(client: Client, method: str, url: str, secret: str, body: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.generic(
        method,
        url,
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


# Tenancy: pages.


def test_pages_of_other_centre_record_are_404(
    consultant: Client, centre_b: Organisation
) -> None:
    theirs = activity(centre_b, subject="Their meeting")
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes")
    attachment = services.add_attachment(theirs, upload, actor=None)
    record = f"{PAGES}activities/{theirs.pk}/"
    file = f"{record}files/{attachment.pk}/"

    assert consultant.get(record).status_code == 404
    assert consultant.get(record + "edit/").status_code == 404
    assert consultant.post(record + "edit/", {"subject": "x"}).status_code == 404
    assert consultant.post(record + "delete/").status_code == 404
    assert consultant.post(record + "files/", {"file": upload}).status_code == 404
    assert consultant.get(file).status_code == 404
    assert consultant.post(file + "remove/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.subject == "Their meeting"
    assert services.attachments_of(theirs).count() == 1


def test_other_centre_attachment_via_own_record(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    ours = activity(centre_a)
    theirs = activity(centre_b)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes")
    attachment = services.add_attachment(theirs, upload, actor=None)

    url = f"{PAGES}activities/{ours.pk}/files/{attachment.pk}/"

    assert consultant.get(url).status_code == 404
    assert consultant.post(url + "remove/").status_code == 404


def test_evidence_with_other_centre_questionnaire_is_refused(
    consultant: Client,
    centre_a: Organisation,
    centre_b: Organisation,
    catalog: CatalogVersion,
) -> None:
    create_assessment(centre_b, 2026, actor=None)

    response = consultant.post(f"{PAGES}activities/evidence/2026/{NORM}/")

    assert response.status_code == 302
    assert Evidence.objects.count() == 0


def test_filters_cannot_add_orm_lookups(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    activity(centre_a, subject="Ours")
    activity(centre_b, subject="Theirs")
    query = {
        "organisation": str(centre_b.pk),
        "organisation__slug": "centre-b",
        "kind": "training",
        "kind__in": "x",
    }

    page = consultant.get(f"{PAGES}activities/", query).content.decode()
    export = consultant.get(f"{PAGES}activities/export.csv", query).content.decode()

    assert "Ours" in page
    assert "Theirs" not in page
    assert "Ours" in export
    assert "Theirs" not in export


def test_other_centre_in_url_is_404(consultant: Client, centre_b: Organisation) -> None:
    activity(centre_b, subject="Theirs")

    assert consultant.get("/c/centre-b/registers/activities/").status_code == 404
    assert (
        consultant.get("/c/centre-b/registers/activities/export.csv").status_code == 404
    )


# Tenancy: imports.


def test_import_id_of_other_centre_is_refused(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    theirs = activity(centre_b, subject="Theirs")
    text = f"id,kind,date,subject\n{theirs.pk},training,2026-03-12,Taken over\n"

    with pytest.raises(ImportRejected) as caught:
        import_text(ACTIVITIES, centre_a, text)

    theirs.refresh_from_db()
    assert theirs.subject == "Theirs"
    assert caught.value.errors[0].field == "id"


def test_import_site_name_of_other_centre_is_refused(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    Site.objects.create(organisation=centre_b, name="Sociaal Huis B")
    text = "kind,inventory_tag,site\nlaptop,PC-001,Sociaal Huis B\n"

    with pytest.raises(ImportRejected) as caught:
        import_text(spec_named("hardware"), centre_a, text)

    (error,) = caught.value.errors
    assert error.field == "site"
    assert "Sociaal Huis B" in error.message


def test_import_m2m_tag_of_other_centre_is_refused(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    hardware(centre_b, "PC-B-1")
    text = "name,licence_type,installed_on\nOffice,subscription,PC-B-1\n"

    with pytest.raises(ImportRejected) as caught:
        import_text(spec_named("software"), centre_a, text)

    (error,) = caught.value.errors
    assert error.field == "installed_on"


def test_import_finding_of_other_centre_audit_is_refused(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    audits = spec_named("audits")
    services.create_record(audits, centre_b, audits.example(centre_b), actor=None)
    findings = spec_named("audit-findings")
    example = findings.example(centre_b)

    with pytest.raises(RecordInvalid) as caught:
        services.create_record(findings, centre_a, example, actor=None)

    assert "audit" in caught.value.errors


def test_import_id_with_unicode_digits_is_refused(centre_a: Organisation) -> None:
    for record_id in ("²", "١٢", "99999999999999999999999"):
        text = f"id,kind,date,subject\n{record_id},training,2026-03-12,Odd id\n"

        with pytest.raises(ImportRejected) as caught:
            import_text(ACTIVITIES, centre_a, text)

        assert caught.value.errors[0].field == "id"
        assert caught.value.errors[0].value == record_id


# Tenancy: the REST API.


def test_api_token_of_other_centre_is_refused(
    client: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    _token, theirs = create_token(
        centre_b, "their sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    activity_a = activity(centre_a)

    listed = call(client, "GET", f"{API}activities/", theirs, None)
    one = call(client, "GET", f"{API}activities/{activity_a.pk}", theirs, None)

    assert listed.status_code == 401
    assert one.status_code == 401


def test_api_token_of_ingest_scope_is_refused(
    client: Client, centre_a: Organisation
) -> None:
    _token, ingest = create_token(
        centre_a, "log", actor=None, scope=ApiToken.Scope.INGEST
    )

    activity(centre_a)

    response = call(client, "GET", f"{API}activities/", ingest, None)

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert "results" not in response.json()


def test_api_expired_membership_session_is_404(
    client: Client, expired_auditor_a: User, centre_a: Organisation
) -> None:
    activity(centre_a)
    client.force_login(expired_auditor_a)

    assert client.get(f"{API}activities/").status_code == 404
    assert client.get(API).status_code == 404


def test_api_record_of_other_centre_is_404(
    client: Client, secret: str, centre_b: Organisation
) -> None:
    theirs = activity(centre_b, subject="Theirs")
    url = f"{API}activities/{theirs.pk}"

    assert call(client, "GET", url, secret, None).status_code == 404
    assert call(client, "PATCH", url, secret, {"subject": "x"}).status_code == 404
    assert call(client, "DELETE", url, secret, None).status_code == 404
    theirs.refresh_from_db()
    assert theirs.subject == "Theirs"


def test_api_patch_foreign_key_to_other_centre_site(
    client: Client, secret: str, centre_a: Organisation, centre_b: Organisation
) -> None:
    Site.objects.create(organisation=centre_b, name="Sociaal Huis B")
    ours = hardware(centre_a, "PC-A-1")
    url = f"{API}hardware/{ours.pk}"

    response = call(client, "PATCH", url, secret, {"site": "Sociaal Huis B"})

    assert response.status_code == 422
    assert "site" in response.json()["errors"]
    assert Hardware.objects.get(pk=ours.pk).site_id is None


def test_api_filters_cannot_add_orm_lookups(
    client: Client, secret: str, centre_a: Organisation, centre_b: Organisation
) -> None:
    activity(centre_a, subject="Ours")
    activity(centre_b, subject="Theirs")
    url = f"{API}activities/?organisation={centre_b.pk}&organisation__slug=centre-b"

    subjects = [
        r["subject"] for r in call(client, "GET", url, secret, None).json()["results"]
    ]

    assert subjects == ["Ours"]


def test_openapi_document_has_no_centre_data(
    client: Client, centre_a: Organisation
) -> None:
    activity(centre_a, subject="Secret subject of centre A")
    Site.objects.create(organisation=centre_a, name="Hidden building")

    text = client.get("/api/v1/openapi.json").content.decode()

    assert "Secret subject of centre A" not in text
    assert "Hidden building" not in text
    assert "centre-a" not in text


# Input: JSON bodies.


@pytest.mark.parametrize(
    "value",
    [{"nested": "object"}, ["a", "list"], [["deeper"]]],
    ids=["object", "array", "nested-array"],
)
def test_api_structure_where_text_expected_is_422(
    client: Client, secret: str, value: Any
) -> None:
    body = {"kind": "training", "date": "2026-03-12", "subject": value}

    response = call(client, "POST", f"{API}activities/", secret, body)

    assert response.status_code == 422
    assert "subject" in response.json()["errors"]
    assert Activity.objects.count() == 0


def test_api_structure_in_lookup_list_is_422(client: Client, secret: str) -> None:
    body = {"name": "Office", "licence_type": "subscription"}
    for installed_on in ({"tag": "PC-1"}, [{"tag": "PC-1"}], [["PC-1"]]):
        response = call(
            client,
            "POST",
            f"{API}software/",
            secret,
            {**body, "installed_on": installed_on},
        )

        assert response.status_code == 422
        assert "installed_on" in response.json()["errors"]


def test_api_deeply_nested_json_is_400(client: Client, secret: str) -> None:
    body = "[" * 200_000 + "]" * 200_000

    response = call(client, "POST", f"{API}activities/", secret, body)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date", "12/03/2026"),
        ("date", "March 12, 2026"),
        ("date", 20260312),
        ("kind", 7),
        ("kind", True),
        ("subject", "x" * 5000),
    ],
)
def test_api_bad_values_name_the_field(
    client: Client, secret: str, name: str, value: Any
) -> None:
    body: dict[str, Any] = {"kind": "training", "date": "2026-03-12", "subject": "S"}
    body[name] = value

    response = call(client, "POST", f"{API}activities/", secret, body)

    assert response.status_code == 422
    assert name in response.json()["errors"]


def test_api_boolean_maybe_names_field(client: Client, secret: str) -> None:
    body = {"kind": "laptop", "inventory_tag": "PC-1", "ksz_flows": "maybe"}

    response = call(client, "POST", f"{API}hardware/", secret, body)

    assert response.status_code == 422
    (message,) = response.json()["errors"]["ksz_flows"]
    assert "maybe" in message


def test_api_nul_in_lookup_value_is_422(client: Client, secret: str) -> None:
    body = {"kind": "laptop", "inventory_tag": "PC-1", "site": "Huis\x00B"}

    response = call(client, "POST", f"{API}hardware/", secret, body)

    assert response.status_code == 422
    assert "site" in response.json()["errors"]


def test_api_nul_in_text_is_422(client: Client, secret: str) -> None:
    body = {"kind": "training", "date": "2026-03-12", "subject": "a\x00b"}

    response = call(client, "POST", f"{API}activities/", secret, body)

    assert response.status_code == 422
    assert "subject" in response.json()["errors"]


# Input: search.


def test_search_with_nul_is_not_an_error(
    consultant: Client, client: Client, secret: str, centre_a: Organisation
) -> None:
    activity(centre_a, subject="Phishing")

    page = consultant.get(f"{PAGES}activities/", {"q": "ph\x00ish"})
    export = consultant.get(f"{PAGES}activities/export.csv", {"q": "\x00"})
    listed = call(client, "GET", f"{API}activities/?q=%00", secret, None)

    assert page.status_code == 200
    assert export.status_code == 200
    assert listed.status_code == 200


# Input: files.


def test_csv_with_nul_in_lookup_is_refused(centre_a: Organisation) -> None:
    text = "kind,inventory_tag,site\nlaptop,PC-001,Huis\x00B\n"

    with pytest.raises(ImportRejected) as caught:
        import_text(spec_named("hardware"), centre_a, text)

    assert caught.value.errors[0].field == "site"


def test_csv_in_other_encoding_is_refused() -> None:
    latin = "kind;date;subject\ntraining;2026-03-12;Sécurité\n".encode("latin-1")
    utf16 = "kind,date,subject\n".encode("utf-16")

    for content in (latin, utf16):
        with pytest.raises(tabular.TableError) as caught:
            services.read_rows(ACTIVITIES, content)

        assert "UTF-8" in str(caught.value)


def test_csv_quotes_and_semicolons(centre_a: Organisation) -> None:
    text = (
        "kind;date;subject;participants\n"
        'training;2026-03-12;"Phishing; part ""one""";"line 1\nline 2"\n'
    )

    import_text(ACTIVITIES, centre_a, text)

    record = Activity.objects.get()
    assert record.subject == 'Phishing; part "one"'
    assert record.participants == "line 1\nline 2"


def test_csv_unclosed_quote_is_refused(centre_a: Organisation) -> None:
    text = 'kind,date,subject\ntraining,2026-03-12,"' + "x" * 200_000 + "\n"

    with pytest.raises(tabular.TableError):
        services.read_rows(ACTIVITIES, text.encode("utf-8"))


def test_csv_over_max_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 5)
    text = "kind,date,subject\n" + "training,2026-03-12,S\n" * 6

    with pytest.raises(tabular.TableError) as caught:
        services.read_rows(ACTIVITIES, text.encode("utf-8"))

    assert "5" in str(caught.value)


def test_import_page_refuses_oversized_file(
    consultant: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1000)
    upload = csv_file("kind,date,subject\n" + "training,2026-03-12,S\n" * 100)

    response = consultant.post(f"{PAGES}activities/import/", {"file": upload})

    assert response.status_code == 400
    assert "1000;" in response.content.decode()
    assert Activity.objects.count() == 0


def test_import_page_lists_first_errors(consultant: Client) -> None:
    """A file with an error in every row lists 1,000 and counts the others."""
    upload = csv_file("kind,date,subject\n" + "training,not a date,S\n" * 1500)

    response = consultant.post(f"{PAGES}activities/import/", {"file": upload})

    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 1001
    assert errors[-1] == "… en nog 500 fouten"
    assert Activity.objects.count() == 0


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(
                item.filename, replace.get(item.filename, source.read(item))
            )
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 not a zip at all",
        "broken-sheet",
        "broken-types",
        "no-workbook",
    ],
)
def test_invalid_xlsx_is_a_table_error(content: bytes | str) -> None:
    good = _xlsx([["kind", "date", "subject"], ["training", "2026-03-12", "S"]])
    if content == "broken-sheet":
        content = _rezip(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData>"})
    elif content == "broken-types":
        content = _rezip(good, {"[Content_Types].xml": b"<Types><Default"})
    elif content == "no-workbook":
        content = _rezip(good, {"xl/workbook.xml": b"<workbook/>"})
    assert isinstance(content, bytes)

    with pytest.raises(tabular.TableError):
        services.read_rows(ACTIVITIES, content)


def test_xlsx_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_XLSX_UNPACKED_BYTES", 10_000_000)
    good = _xlsx([["kind", "date", "subject"]])
    huge = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
        + b'<row><c t="inlineStr"><is><t>'
        + b"x" * 20_000_000
        + b"</t></is></c></row>"
        + b"</sheetData></worksheet>"
    )
    bomb = _rezip(good, {"xl/worksheets/sheet1.xml": huge})
    assert len(bomb) < 1_000_000

    with pytest.raises(tabular.TableError) as caught:
        services.read_rows(ACTIVITIES, bomb)

    assert "10000000" in str(caught.value)


def test_xlsx_import_page_with_broken_workbook(consultant: Client) -> None:
    good = _xlsx([["kind", "date", "subject"], ["training", "2026-03-12", "S"]])
    broken = _rezip(good, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData>"})
    upload = SimpleUploadedFile("rows.xlsx", broken)

    response = consultant.post(f"{PAGES}activities/import/", {"file": upload})

    assert response.status_code == 400


# Input: exports never carry a live formula and never fail on stored text.


FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_exports_carry_no_formula(centre_a: Organisation) -> None:
    for text in FORMULAS:
        activity(centre_a, subject="S", participants=text)
    records = Activity.objects.filter(organisation=centre_a)

    csv_text = services.render_export(ACTIVITIES, records, "csv").decode("utf-8-sig")
    workbook = load_workbook(
        io.BytesIO(services.render_export(ACTIVITIES, records, "xlsx"))
    )
    sheet = workbook.worksheets[0]

    for line in csv_text.splitlines()[1:]:
        for text in line.split(","):
            assert not text.strip('"').startswith(("=", "+", "-", "@")), line
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value


def test_export_round_trip_keeps_formula_text(centre_a: Organisation) -> None:
    activity(centre_a, subject='=HYPERLINK("http://x")', participants="-2+3")
    records = Activity.objects.filter(organisation=centre_a)

    for fmt in ("csv", "xlsx"):
        rows = services.read_rows(
            ACTIVITIES, services.render_export(ACTIVITIES, records, fmt)
        )

        assert rows[0][1]["subject"] == '=HYPERLINK("http://x")'
        assert rows[0][1]["participants"] == "-2+3"


def test_xlsx_export_with_control_characters(
    consultant: Client, centre_a: Organisation
) -> None:
    activity(centre_a, subject="Bell\x07 and escape\x1b[31m", participants="tab\tok")

    response = consultant.get(f"{PAGES}activities/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["subject"] == "Bell and escape[31m"
    assert row["participants"] == "tab\tok"


def test_evidence_snapshot_with_control_characters(
    consultant: Client, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None)
    activity(centre_a, subject="Vertical\x0btab")

    response = consultant.post(f"{PAGES}activities/evidence/2026/{NORM}/")

    assert response.status_code == 302
    assert Evidence.objects.count() == 1


# Input: HTML in values is shown as text everywhere.


SCRIPT = "<script>alert('x')</script>"


def test_html_in_values_is_escaped(consultant: Client, centre_a: Organisation) -> None:
    record = activity(centre_a, subject=SCRIPT, participants=SCRIPT)
    services.update_record(
        ACTIVITIES, record, {"participants": SCRIPT + "!"}, actor=None
    )
    upload = SimpleUploadedFile(SCRIPT.replace("/", "") + ".pdf", b"%PDF-1.4")
    consultant.post(f"{PAGES}activities/{record.pk}/files/", {"file": upload})

    pages = [
        consultant.get(f"{PAGES}activities/").content.decode(),
        consultant.get(f"{PAGES}activities/", {"q": SCRIPT}).content.decode(),
        consultant.get(f"{PAGES}activities/{record.pk}/").content.decode(),
        consultant.get(f"{PAGES}activities/{record.pk}/edit/").content.decode(),
        consultant.get(PAGES).content.decode(),
    ]

    for page in pages:
        assert "<script>alert" not in page


def test_html_in_import_errors_is_escaped(consultant: Client) -> None:
    upload = csv_file(f"kind,date,subject,{SCRIPT}\n{SCRIPT},{SCRIPT},S,x\n")

    response = consultant.post(f"{PAGES}activities/import/", {"file": upload})

    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()


def test_html_in_record_error_message_is_escaped(consultant: Client) -> None:
    response = consultant.post(
        f"{PAGES}activities/new/",
        {"kind": SCRIPT, "date": SCRIPT, "subject": "S"},
    )

    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()


def test_unicode_values_round_trip(centre_a: Organisation) -> None:
    subject = "Sécurité 👩‍💻 ثبت \u202eevil"
    activity(centre_a, subject=subject)
    records = Activity.objects.filter(organisation=centre_a)

    for fmt in ("csv", "xlsx"):
        rows = services.read_rows(
            ACTIVITIES, services.render_export(ACTIVITIES, records, fmt)
        )
        assert rows[0][1]["subject"] == subject


# Consistency.


def test_duplicate_tags_in_one_file_import_nothing(centre_a: Organisation) -> None:
    text = "kind,inventory_tag\nlaptop,PC-001\ndesktop,PC-001\n"

    with pytest.raises(ImportRejected) as caught:
        import_text(spec_named("hardware"), centre_a, text)

    assert [error.line for error in caught.value.errors] == [3]
    model = spec_named("hardware").model
    assert model._default_manager.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="register.").exists()


def test_bad_row_after_good_rows_imports_nothing(centre_a: Organisation) -> None:
    text = (
        "kind,date,subject\n"
        "training,2026-03-12,One\n"
        "training,2026-03-13,Two\n"
        "party,2026-02-30,\n"
    )

    with pytest.raises(ImportRejected) as caught:
        import_text(ACTIVITIES, centre_a, text)

    assert {error.line for error in caught.value.errors} == {4}
    assert {error.field for error in caught.value.errors} == {"kind", "date", "subject"}
    assert Activity.objects.count() == 0


def test_same_id_twice_in_one_file(centre_a: Organisation) -> None:
    record = activity(centre_a, subject="Before")
    text = f"id,subject\n{record.pk},First change\n{record.pk},Second change\n"

    import_text(ACTIVITIES, centre_a, text)

    record.refresh_from_db()
    assert record.subject == "Second change"
    changes = services.history(record).filter(action="register.record_changed")
    assert [entry.new_values for entry in changes.order_by("id")] == [
        {"subject": "First change"},
        {"subject": "Second change"},
    ]


def test_history_written_once_per_change(
    consultant: Client, client: Client, secret: str, centre_a: Organisation
) -> None:
    record = activity(centre_a)
    url = f"{PAGES}activities/{record.pk}/edit/"
    form = {
        "kind": "training",
        "date": "2026-03-12",
        "subject": "Page",
        "status": "done",
    }

    consultant.post(url, form)
    consultant.post(url, form)
    call(client, "PATCH", f"{API}activities/{record.pk}", secret, {"subject": "Api"})
    call(client, "PATCH", f"{API}activities/{record.pk}", secret, {"subject": "Api"})

    actions = [entry.action for entry in services.history(record).order_by("id")]
    assert actions == [
        "register.record_created",
        "register.record_changed",
        "register.record_changed",
    ]


def test_invalid_edit_saves_nothing(
    consultant: Client, client: Client, secret: str, centre_a: Organisation
) -> None:
    record = activity(centre_a, subject="Kept")
    page = consultant.post(
        f"{PAGES}activities/{record.pk}/edit/",
        {"kind": "training", "date": "12/03/2026", "subject": "Changed"},
    )
    api = call(
        client,
        "PATCH",
        f"{API}activities/{record.pk}",
        secret,
        {"subject": "Changed", "date": "2026-02-30"},
    )

    record.refresh_from_db()
    assert page.status_code == 400
    assert api.status_code == 422
    assert record.subject == "Kept"
    assert services.history(record).count() == 1


def test_delete_referenced_record_is_refused(
    consultant: Client, client: Client, secret: str, centre_a: Organisation
) -> None:
    audits = spec_named("audits")
    findings = spec_named("audit-findings")
    audit = services.create_record(
        audits, centre_a, audits.example(centre_a), actor=None
    )
    services.create_record(findings, centre_a, findings.example(centre_a), actor=None)

    page = consultant.post(f"{PAGES}audits/{audit.pk}/delete/")
    api = call(client, "DELETE", f"{API}audits/{audit.pk}", secret, None)

    assert page.status_code == 302
    assert api.status_code in (403, 422)
    assert audits.model._default_manager.filter(pk=audit.pk).exists()


def test_page_form_with_other_centre_site_pk(
    consultant: Client, centre_b: Organisation
) -> None:
    theirs = Site.objects.create(organisation=centre_b, name="Sociaal Huis B")
    form = {"kind": "laptop", "inventory_tag": "PC-1", "site": str(theirs.pk)}

    response = consultant.post(f"{PAGES}hardware/new/", form)

    assert response.status_code == 400
    assert spec_named("hardware").model._default_manager.count() == 0
