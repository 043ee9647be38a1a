"""The access-log export for Excel, beside the unchanged RFC 4180 export."""

import csv
import datetime
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import national_number
from tests.accesslog.test_web_search import (
    MONDAY,
    at,
    ingest,
    make_event,
    url,
)
from tests.conftest import login
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.search import EXPORT_COLUMNS
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

BOM = b"\xef\xbb\xbf"
HEADER = ",".join(EXPORT_COLUMNS)
# A name with a semicolon, double quotes, a line break and a letter outside
# ASCII, which a file read in the ANSI code page would garble.
PERSON = 'Zoë Van den Broeck; "Jef"\nteam 2'


@pytest.fixture
def consultant(consultant_a: User) -> Client:
    return login(consultant_a)


@pytest.fixture
def tricky(centre_a: Organisation, consultant_a: User) -> None:
    """Three entries whose values need quoting or the formula guard."""
    ingest(
        centre_a,
        make_event(
            1,
            at(MONDAY, 9),
            application="Dossier; sociaal",
            case_ref='D "3"',
            source_ip="10.0.0.1",
            outcome="ok,partial",
        ),
        make_event(
            2,
            at(MONDAY, 10),
            user_id="U2",
            subject=national_number(2),
            application="=HYPERLINK(1)",
            case_ref="-5",
            outcome="@SUM(A1)",
        ),
        make_event(3, at(MONDAY, 11), service="+Pensions"),
    )
    add_identity_period(
        centre_a,
        user_id="U1",
        person_name=PERSON,
        valid_from=at(MONDAY - datetime.timedelta(days=30), 0),
        actor=consultant_a,
    )


def guarded(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def expected_row(entry: AccessEntry, person: str) -> list[str]:
    """Return the cells that an export writes for ``entry``, built from the model."""
    values = [
        str(entry.index),
        entry.event_id,
        canonical_time(entry.time),
        entry.user_id,
        person,
        entry.application,
        entry.action,
        bytes(entry.subject_pseudonym).hex(),
        entry.service,
        entry.case_ref,
        entry.source_ip or "",
        entry.outcome,
        bytes(entry.leaf_hash).hex(),
    ]
    return [guarded(value) for value in values]


def excel_rows(body: bytes) -> list[list[str]]:
    """Parse an Excel export after its byte order mark, header row included."""
    text = body.removeprefix(BOM).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def csv_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_excel_export_starts_with_bom(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    response = consultant.get(url("export_excel", centre_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert body.startswith(BOM)
    assert body[len(BOM) :].startswith(b"index;event_id;time;user_id;person;")
    assert body.count(BOM) == 1


def test_excel_export_separates_with_semicolons(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export_excel", centre_a)).getvalue()
    text = body.removeprefix(BOM).decode("utf-8")
    header = ";".join(EXPORT_COLUMNS) + "\r\n"
    assert text.startswith(header)
    # The header and three rows end in CRLF. The person's name, in the rows
    # of U1, contains the only bare line feeds.
    assert text.count("\r\n") == 4
    assert text.count("\n") == 6
    assert text.endswith("\r\n")


def test_excel_export_quotes_as_rfc_4180(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export_excel", centre_a)).getvalue()
    text = body.removeprefix(BOM).decode("utf-8")
    assert ';"Dossier; sociaal";' in text
    assert ';"D ""3""";' in text
    assert ';"Zoë Van den Broeck; ""Jef""\nteam 2";' in text
    # A comma is no delimiter here, so it needs no quotes.
    assert ";ok,partial;" in text
    assert '"ok,partial"' not in text


def test_excel_export_round_trips_every_column(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export_excel", centre_a)).getvalue()
    header, *rows = excel_rows(body)
    assert header == list(EXPORT_COLUMNS)
    entries = AccessEntry.objects.filter(organisation=centre_a).order_by("index")
    people = {"U1": PERSON, "U2": ""}
    expected = [expected_row(entry, people[entry.user_id]) for entry in entries]
    assert len(rows) == 3
    for row, expected_cells in zip(rows, expected, strict=True):
        assert dict(zip(header, row, strict=True)) == dict(
            zip(EXPORT_COLUMNS, expected_cells, strict=True)
        )


def test_excel_and_csv_rows_equal(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    excel = consultant.get(url("export_excel", centre_a)).getvalue()
    plain = consultant.get(url("export", centre_a)).getvalue()
    assert excel_rows(excel) == csv_rows(plain)


def test_excel_export_guards_formulas(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export_excel", centre_a)).getvalue()
    header, *rows = excel_rows(body)
    by_index = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_index["1"]["application"] == "'=HYPERLINK(1)"
    assert by_index["1"]["case_ref"] == "'-5"
    assert by_index["1"]["outcome"] == "'@SUM(A1)"
    assert by_index["2"]["service"] == "'+Pensions"
    text = body.decode("utf-8")
    assert ";=HYPERLINK" not in text


def test_excel_export_file_name(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    excel = consultant.get(url("export_excel", centre_a))
    plain = consultant.get(url("export", centre_a))
    pattern = r'attachment; filename="accesslog-centre-a-\d{8}-\d{4}%s\.csv"'
    assert re.fullmatch(pattern % "-excel", excel["Content-Disposition"])
    assert re.fullmatch(pattern % "", plain["Content-Disposition"])
    assert excel["Cache-Control"] == "no-store"


def test_exports_audited_with_format(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    consultant.get(url("export_excel", centre_a), {"user_id": "U1"})
    consultant.get(url("export", centre_a), {"user_id": "U2"})
    first, second = AuditEntry.objects.filter(action="accesslog.exported").order_by(
        "pk"
    )
    assert first.new_values == {"user_id": "U1", "file_format": "excel"}
    assert second.new_values == {"user_id": "U2", "file_format": "csv"}
    assert first.organisation == centre_a
    assert first.actor is not None
    assert first.actor.email == "consultant@a.test"


def test_audit_trail_labels_format(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    consultant.get(url("export_excel", centre_a), {"user_id": "U1"})
    for language, label in (("en", "File format"), ("nl", "Bestandsformaat")):
        trail = reverse("audit:trail", kwargs={"org": centre_a.slug})
        page = consultant.get(trail, headers={"Accept-Language": language})
        assert page.status_code == 200
        assert label in page.content.decode()


def test_excel_export_applies_criteria(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"user_id": "U2"}, ["1"]),
        ({"subject_pseudonym": pseudonymise(centre_a, national_number(1))}, ["0", "2"]),
        ({"since": "2026-03-02T10:30"}, ["2"]),
        ({"application": "Dossier; sociaal"}, ["0"]),
    ]
    for criteria, indices in cases:
        body = consultant.get(url("export_excel", centre_a), criteria).getvalue()
        _header, *rows = excel_rows(body)
        assert [row[0] for row in rows] == indices, criteria


def test_excel_export_rejects_invalid_criteria(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    response = consultant.get(url("export_excel", centre_a), {"since": "yesterday"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="accesslog.exported").exists()


def test_excel_export_of_other_centre_is_404(
    consultant_b: User, centre_a: Organisation, tricky: None
) -> None:
    response = login(consultant_b).get(url("export_excel", centre_a))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="accesslog.exported").exists()


def test_excel_export_of_own_centre_only(
    consultant_b: User, centre_b: Organisation, tricky: None
) -> None:
    response = login(consultant_b).get(url("export_excel", centre_b))
    assert response.status_code == 200
    assert excel_rows(response.getvalue()) == [list(EXPORT_COLUMNS)]


def test_excel_export_needs_capability(
    viewer_a: User, centre_a: Organisation, tricky: None
) -> None:
    response = login(viewer_a).get(url("export_excel", centre_a))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="accesslog.exported").exists()


def test_excel_export_needs_login(centre_a: Organisation, tricky: None) -> None:
    response = Client().get(url("export_excel", centre_a))
    assert response.status_code == 302
    assert b"index" not in response.content


def test_csv_export_unchanged(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export", centre_a), {"user_id": "U2"}).getvalue()
    entry = AccessEntry.objects.get(organisation=centre_a, index=1)
    pseudonym = bytes(entry.subject_pseudonym).hex()
    leaf_hash = bytes(entry.leaf_hash).hex()
    expected = (
        f"{HEADER}\r\n"
        f"1,e-2,2026-03-02T09:00:00.000Z,U2,,'=HYPERLINK(1),consult,{pseudonym},"
        f"IdentifyPerson,'-5,,'@SUM(A1),{leaf_hash}\r\n"
    )
    assert body == expected.encode("utf-8")


def test_csv_export_quotes_with_commas(
    consultant: Client, centre_a: Organisation, tricky: None
) -> None:
    body = consultant.get(url("export", centre_a), {"user_id": "U1"}).getvalue()
    assert not body.startswith(BOM)
    text = body.decode("utf-8")
    assert text.startswith(HEADER + "\r\n")
    assert ",Dossier; sociaal," in text
    assert ',"ok,partial",' in text
    assert ',"Zoë Van den Broeck; ""Jef""\nteam 2",' in text


@pytest.mark.parametrize(
    ("language", "link", "choice"),
    [
        ("en", "Export for Excel", "Choose “Export for Excel” to open the file"),
        ("nl", "Exporteren voor Excel", "Kies “Exporteren voor Excel” om"),
        ("fr", "Exporter pour Excel", "Choisissez «\u00a0Exporter pour Excel\u00a0»"),
    ],
)
def test_search_page_offers_both_exports(
    consultant: Client,
    centre_a: Organisation,
    tricky: None,
    language: str,
    link: str,
    choice: str,
) -> None:
    response = consultant.get(
        url("search", centre_a),
        {"user_id": "U1"},
        headers={"Accept-Language": language},
    )
    content = html.unescape(response.content.decode())
    href = url("export_excel", centre_a) + "?user_id=U1"
    assert f'<a href="{href}" data-testid="export-excel">{link}</a>' in content
    assert 'data-testid="export"' in content
    marker = 'data-testid="export-choice">'
    start = content.index(marker) + len(marker)
    assert choice in content[start : content.index("</small>", start)]
