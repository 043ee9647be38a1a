"""The fix that each error of ``vigil accesslog ingest`` and the API suggests.

The messages are checked in Dutch, the tests' default language, and in
French and English where their wording differs in form.
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from tests.accesslog.factories import event
from tests.accesslog.ingest_command import ingest_failing, write_lines
from vigil.accesslog.events import WIRE_FIELDS, ParseError
from vigil.accesslog.field_hints import closest_field
from vigil.accesslog.file_ingest import FORMATS
from vigil.accesslog.formats import parse_csv, parse_json_array, parse_json_lines
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.openapi import EVENTS_PATH
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

NDJSON = "application/x-ndjson"
HEADER = "event_id,time,user_id,application,action,subject,service"
ROW = "e-1,2026-03-02T10:00:00Z,U1,app,consult,85073003328,S"


def parse_reasons(parse: Callable[[str], object], text: str) -> list[tuple[int, str]]:
    with pytest.raises(ParseError) as raised:
        parse(text)
    return list(raised.value.errors)


# An empty file


@pytest.mark.parametrize("options", [(), ("--batch-size", "10")])
def test_empty_file_says_nothing_stored(
    centre_a: Organisation, tmp_path: Path, options: tuple[str, ...]
) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", "utf-8")
    message, _errors = ingest_failing(path, *options)
    assert message == (
        f"{path} bevat geen gebeurtenissen, dus er is niets opgeslagen. Voeg "
        "gebeurtenissen toe aan het bestand, of controleer of u het juiste "
        "bestand hebt opgegeven."
    )
    assert not AccessEntry.objects.exists()


def test_empty_file_message_in_french(centre_a: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(HEADER + "\n", "utf-8")
    with translation.override("fr"):
        message, _errors = ingest_failing(path)
    assert message == (
        f"{path} ne contient aucun événement, donc rien n'a été enregistré. "
        "Ajoutez des événements au fichier, ou vérifiez que vous avez indiqué "
        "le bon fichier."
    )


# A JSON object or array that a line leaves open


def test_json_line_without_closing_brace() -> None:
    line = json.dumps(event(1))[:-1]
    errors = parse_reasons(parse_json_lines, line + "\n")
    assert errors == [
        (
            1,
            f"ongeldige JSON in kolom {len(line) + 1}: het object is niet "
            "gesloten aan het einde van de regel: er wordt een komma of } verwacht",
        )
    ]


def test_json_line_unclosed_with_trailing_spaces() -> None:
    with translation.override("en"):
        errors = parse_reasons(parse_json_lines, '{"a": "}"  \t')
    assert errors == [
        (
            1,
            "invalid JSON at column 10: the object is not closed at the end of "
            "the line: a comma or } is expected",
        )
    ]


def test_json_line_unclosed_array_named() -> None:
    with translation.override("fr"):
        errors = parse_reasons(parse_json_lines, '{"a": [1, "]", 2')
    assert errors == [
        (
            1,
            "JSON non valide à la colonne 17\u00a0: le tableau n'est pas fermé "
            "à la fin de la ligne\u00a0: une virgule ou ] est attendue",
        )
    ]


def test_json_line_missing_comma_inside_unchanged() -> None:
    errors = parse_reasons(parse_json_lines, '{"a": 1 "b": 2}')
    assert errors == [(1, "ongeldige JSON in kolom 9: er wordt een komma verwacht")]


def test_json_array_unclosed_element_at_its_line() -> None:
    text = "[\n" + json.dumps(event(1))[:-1] + "\n" + json.dumps(event(2)) + "]"
    with translation.override("en"):
        errors = parse_reasons(parse_json_array, text)
    column = len(json.dumps(event(1)))
    assert errors == [
        (
            1,
            f"invalid JSON at line 2, column {column}: the object is not closed "
            "at the end of the line: a comma or } is expected",
        )
    ]


# A comma after the last element of a JSON array


def test_json_array_trailing_comma_at_last_record() -> None:
    lines = [json.dumps(event(number)) for number in (1, 2, 3)]
    text = "[\n" + ",\n".join(lines) + ",\n]\n"
    with translation.override("en"), pytest.raises(ParseError) as raised:
        parse_json_array(text)
    assert raised.value.errors == [
        (
            3,
            f"invalid JSON at line 4, column {len(lines[2]) + 1}: a comma follows "
            "the last record, which JSON does not allow. Remove the comma",
        )
    ]
    records = raised.value.records
    assert records is not None
    assert [number for number, _record in records] == [1, 2, 3]


def test_json_array_trailing_comma_file_rejected(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = tmp_path / "events.json"
    path.write_text("[" + json.dumps(event(1)) + ", ]", "utf-8")
    message, errors = ingest_failing(path)
    assert message.startswith(f"{path}: 1 record bevat fouten")
    assert errors[0].startswith(f"{path}: record 1: ongeldige JSON op regel 1")
    assert errors[0].endswith(
        "er staat een komma na het laatste record, wat JSON niet toestaat. "
        "Verwijder de komma"
    )
    assert not AccessEntry.objects.exists()


def test_json_array_comma_before_element_kept() -> None:
    records = parse_json_array("[" + json.dumps(event(1)) + " ,\n\n " + "{}]")
    assert [number for number, _record in records] == [1, 2]


# An unknown field name that resembles a wire field


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("case", "case_ref"),
        ("Event-ID", "event_id"),
        ("timestamp", "time"),
        ("usr", "user_id"),
        ("insz", "subject"),
        ("ip", "source_ip"),
        ("subjet", "subject"),
        ("location", None),
        ("comment", None),
        ("s", None),
        ("85073003328", None),
    ],
)
def test_closest_field(name: str, field: str | None) -> None:
    assert closest_field(name, WIRE_FIELDS) == field


def test_unknown_json_field_names_likely_field(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "events.jsonl", [event(1, case="D-1")])
    _message, errors = ingest_failing(path)
    assert errors[0] == (
        f"{path}: regel 1, veld case (D-1): is geen veld van een "
        "toegangsgebeurtenis. Bedoelde u case_ref? De velden zijn event_id, "
        "time, user_id, application, action, subject, service, case_ref, "
        "source_ip, outcome"
    )


def test_unknown_json_field_without_likely_field(
    centre_a: Organisation, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "events.jsonl", [event(1, comment="x")])
    _message, errors = ingest_failing(path)
    assert "Bedoelde u" not in errors[0]
    assert errors[0].endswith(
        "is geen veld van een toegangsgebeurtenis; de velden "
        "zijn event_id, time, user_id, application, action, "
        "subject, service, case_ref, source_ip, outcome"
    )


def test_unknown_columns_name_likely_fields() -> None:
    text = HEADER + ",Case,IP,notes\n" + ROW + ",D-1,10.0.0.1,x\n"
    with translation.override("fr"):
        errors = parse_reasons(parse_csv, text)
    assert errors[0][1].endswith(
        'outcome\u00a0; vouliez-vous dire case_ref au lieu de "Case", '
        'source_ip au lieu de "IP"\u00a0?'
    )


def test_unknown_column_hint_in_dutch() -> None:
    errors = parse_reasons(parse_csv, HEADER + ",case\n" + ROW + ",D-1\n")
    assert errors[0][1].endswith('; bedoelde u case_ref in plaats van "case"?')


def test_api_unknown_field_names_likely_field(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    secret = create_token(centre_a, "social file", actor=consultant_a)[1]
    body = json.dumps(event(1, caseref="D-1")) + "\n"
    response = client.post(
        EVENTS_PATH,
        body,
        content_type=NDJSON,
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    reasons = [error["reason"] for error in response.json()["errors"]]
    assert reasons == [
        "is not a field of an access event. Did you mean case_ref? The fields "
        "are event_id, time, user_id, application, action, subject, service, "
        "case_ref, source_ip, outcome"
    ]
    assert not AccessEntry.objects.exists()


# A CSV row with the wrong number of cells


def test_csv_row_too_few_cells() -> None:
    header = HEADER + ",case_ref"
    errors = parse_reasons(parse_csv, header + "\n" + ",".join(ROW.split(",")[:6]))
    assert errors == [
        (
            2,
            "de rij telt 6 cellen, de kopregel 8. Geef elke kolom een waarde of "
            "een lege cel, en zet een waarde die een komma bevat tussen dubbele "
            "aanhalingstekens",
        )
    ]


def test_csv_row_too_many_cells_semicolons() -> None:
    text = HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + ";extra\n"
    with translation.override("en"):
        errors = parse_reasons(parse_csv, text)
    assert errors == [
        (
            2,
            "the row has 8 cells, the header has 7. Put a value that contains "
            "a semicolon in double quotes, or remove the extra cells",
        )
    ]


# The README


def test_readme_names_every_file_format() -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    lines = readme.read_text(encoding="utf-8").splitlines()
    ingest = [line for line in lines if line.startswith("vigil accesslog ingest ")]
    comment = ingest[0].partition("#")[2]
    assert set(FORMATS) == {"jsonl", "json", "csv"}
    assert "JSON lines" in comment
    assert "JSON array" in comment
    assert "CSV" in comment
