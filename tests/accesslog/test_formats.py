"""File formats: JSON lines, JSON arrays and CSV, with the line of each record."""

import json
import sys
from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.accesslog.factories import event
from vigil.accesslog.events import (
    ParseError,
    parse_event,
)
from vigil.accesslog.formats import parse_csv, parse_json_array, parse_json_lines
from vigil.accesslog.json_errors import json_error_reason


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def lines_of(error: pytest.ExceptionInfo[ParseError]) -> list[int]:
    return [line for line, _ in error.value.errors]


# JSON lines


def test_json_lines_numbered_by_line() -> None:
    text = json.dumps(event(1)) + "\n\n" + json.dumps(event(2)) + "\r\n"
    records = parse_json_lines(text)
    assert [line for line, _ in records] == [1, 3]
    assert records[1][1]["event_id"] == "e-2"


def test_json_lines_report_every_bad_line() -> None:
    text = "\n".join(["{not json}", json.dumps(event(2)), "[1, 2]", '"text"'])
    with pytest.raises(ParseError) as raised:
        parse_json_lines(text)
    assert lines_of(raised) == [1, 3, 4]


def test_json_lines_reject_repeated_field() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_lines('{"event_id": "a", "event_id": "b"}')
    assert "twice" in raised.value.errors[0][1]


def test_json_lines_reject_two_objects_on_line() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_lines('{"a": 1} {"b": 2}')
    assert lines_of(raised) == [1]


def test_json_lines_empty_text_no_records() -> None:
    assert parse_json_lines("\n \n") == []


# JSON array


def test_json_array_numbered_by_position() -> None:
    text = json.dumps([event(1), event(2), event(3)], indent=2)
    records = parse_json_array(text)
    assert [line for line, _ in records] == [1, 2, 3]


def test_json_array_syntax_error_at_element() -> None:
    text = "[\n" + json.dumps(event(1)) + ",\n" + '{"event_id": "e-2"' + "\n]"
    with pytest.raises(ParseError) as raised:
        parse_json_array(text)
    assert lines_of(raised) == [2]
    assert raised.value.errors[0][1] == (
        "invalid JSON at line 3, column 19: the object is not closed at the end "
        "of the line: a comma or } is expected"
    )


def test_json_array_truncated_body() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_array('[{"event_id": "e-1",')
    assert lines_of(raised) == [1]


def test_json_array_keeps_non_objects_as_records() -> None:
    records = parse_json_array(json.dumps([event(1), 2, event(3), "x"]))
    assert [line for line, _record in records] == [1, 2, 3, 4]
    assert records[1][1] == 2
    assert records[3][1] == "x"


def test_json_array_rejects_other_document() -> None:
    with pytest.raises(ParseError):
        parse_json_array(json.dumps(event(1)))


def test_json_array_rejects_trailing_data() -> None:
    with pytest.raises(ParseError):
        parse_json_array("[] []")


def test_json_array_missing_comma() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_array("[{} {}]")
    assert lines_of(raised) == [1]
    assert raised.value.errors[0][1] == (
        "invalid JSON at line 1, column 5: a comma or ] is expected"
    )


def test_json_array_empty() -> None:
    assert parse_json_array(" [ ] \n") == []


# Reasons of JSON syntax errors

# Each JSON line, the reason in English, and the start of Python's message.
SYNTAX_ERRORS = [
    (
        "{a: 1}",
        "invalid JSON at column 2: a field name in double quotes is expected",
        "Expecting property name",
    ),
    ('{"a" 1}', "invalid JSON at column 6: a colon is expected", "Expecting ':'"),
    (
        '{"a": 1 "b": 2}',
        "invalid JSON at column 9: a comma is expected",
        "Expecting ','",
    ),
    ('{"a": tru}', "invalid JSON at column 7: a value is expected", "Expecting value"),
    (
        '{"a": "x',
        "invalid JSON at column 7: the string that starts here has no closing "
        "quotation mark",
        "Unterminated string",
    ),
    (
        '{"a": "\x01"}',
        "invalid JSON at column 8: a control character in a string must be escaped",
        "Invalid control character",
    ),
    (
        '{"a": "\\q"}',
        "invalid JSON at column 8: the escape sequence is invalid",
        "Invalid \\escape",
    ),
    (
        '{"a": "\\u12"}',
        "invalid JSON at column 9: a \\u escape needs four hexadecimal digits",
        "Invalid \\uXXXX",
    ),
    (
        '{"a": 1} 2',
        "invalid JSON at column 10: more data follows the JSON value",
        "Extra data",
    ),
    (
        '{"a": ' + "1" * 5000 + "}",
        f"invalid JSON: a number has more than {sys.get_int_max_str_digits()} digits",
        "Exceeds the limit",
    ),
    (
        "[" * 100_000,
        "invalid JSON: the arrays or objects are nested too deeply",
        "maximum recursion depth",
    ),
]


def reason_of(line: str) -> str:
    with pytest.raises(ParseError) as raised:
        parse_json_lines(line)
    assert lines_of(raised) == [1]
    return raised.value.errors[0][1]


@pytest.mark.parametrize(("line", "reason", "python_message"), SYNTAX_ERRORS)
def test_json_syntax_error_reason(line: str, reason: str, python_message: str) -> None:
    assert reason_of(line) == reason


def test_json_array_reason_names_line() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_array('[\n  {"a": 1},\n  {"a" 1}\n]')
    assert lines_of(raised) == [2]
    assert raised.value.errors[0][1] == (
        "invalid JSON at line 3, column 8: a colon is expected"
    )


@pytest.mark.parametrize(
    ("language", "line", "reason"),
    [
        (
            "nl",
            '{"a" 1}',
            "ongeldige JSON in kolom 6: er wordt een dubbele punt verwacht",
        ),
        (
            "fr",
            '{"a" 1}',
            "JSON non valide à la colonne 6\u00a0: un deux-points est attendu",
        ),
        (
            "nl",
            '{"a": 1, "a": 2}',
            "ongeldige JSON: veld a komt twee keer voor in één object",
        ),
        (
            "fr",
            '{"a": 1, "a": 2}',
            "JSON non valide\u00a0: le champ a figure deux fois dans un même objet",
        ),
    ],
)
def test_json_reason_translated(language: str, line: str, reason: str) -> None:
    with translation.override(language):
        assert reason_of(line) == reason


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_json_array_reason_translated(language: str) -> None:
    expected = {
        "nl": "ongeldige JSON op regel 2, kolom 3: er wordt een komma of ] verwacht",
        "fr": "JSON non valide à la ligne 2, colonne 3\u00a0: virgule ou ] attendu",
    }
    with translation.override(language), pytest.raises(ParseError) as raised:
        parse_json_array('[{"a": 1}\n  {"a": 2}]')
    assert raised.value.errors == [(1, expected[language])]


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize(("line", "english", "python_message"), SYNTAX_ERRORS)
def test_json_reason_without_english(
    language: str, line: str, english: str, python_message: str
) -> None:
    with translation.override(language):
        reason = reason_of(line)
    assert python_message not in reason
    assert "invalid JSON" not in reason
    assert reason != english


@pytest.mark.parametrize(
    "message",
    [
        "Illegal trailing comma before end of object",
        "Illegal trailing comma before end of array",
    ],
)
def test_json_trailing_comma_reason(message: str) -> None:
    # Newer Python versions report a trailing comma with these messages.
    error = json.JSONDecodeError(message, '{"a": 1,}', 7)
    assert json_error_reason(error, with_line=True) == (
        "invalid JSON at line 1, column 8: a comma precedes the closing ] or }"
    )


def test_json_unknown_message_left_out() -> None:
    error = json.JSONDecodeError("Some future message", "[1]", 1)
    assert json_error_reason(error, with_line=False) == (
        "invalid JSON at column 2: the text is not valid JSON from here on"
    )
    assert json_error_reason(ValueError("other"), with_line=False) == "invalid JSON"


# CSV


CSV_HEADER = "event_id,time,user_id,application,action,subject,service,case_ref"


def csv_row(number: int, case_ref: str = "") -> str:
    values = event(number)
    return ",".join(
        [
            values["event_id"],
            values["time"],
            values["user_id"],
            values["application"],
            values["action"],
            values["subject"],
            values["service"],
            case_ref,
        ]
    )


def test_csv_records_validate() -> None:
    text = "\n".join([CSV_HEADER, csv_row(1, "D-1"), csv_row(2)]) + "\n"
    records = parse_csv(text)
    assert [line for line, _ in records] == [2, 3]
    first = parse_event(records[0][1], records[0][0])
    assert first.case_ref == "D-1"
    assert "case_ref" not in records[1][1]


def test_csv_semicolon_and_bom() -> None:
    text = (
        "\ufeff" + CSV_HEADER.replace(",", ";") + "\r\n" + csv_row(1).replace(",", ";")
    )
    records = parse_csv(text)
    assert records[0][1]["event_id"] == "e-1"


def test_csv_quoted_multiline_cell_keeps_start_line() -> None:
    text = "\n".join([CSV_HEADER, csv_row(1), csv_row(2) + '"D\n7"', csv_row(3)])
    records = parse_csv(text)
    assert [line for line, _ in records] == [2, 3, 5]
    assert records[1][1]["case_ref"] == "D\n7"


def test_csv_any_column_order() -> None:
    header = CSV_HEADER.split(",")
    values = csv_row(1).split(",")
    text = ",".join(reversed(header)) + "\n" + ",".join(reversed(values)) + "\n"
    assert parse_event(parse_csv(text)[0][1], 2).event_id == "e-1"


def test_csv_missing_required_columns() -> None:
    with pytest.raises(ParseError) as raised:
        parse_csv("service,event_id\nIdentifyPerson,e-1\n")
    assert "missing columns time, user_id" in raised.value.errors[0][1]


def test_csv_header_problems_listed() -> None:
    with pytest.raises(ParseError) as raised:
        parse_csv(CSV_HEADER + ",colour,service\n")
    reason = raised.value.errors[0][1]
    assert lines_of(raised) == [1]
    assert "colour" in reason
    assert "repeated columns service" in reason


def test_csv_rows_with_wrong_cell_count_listed() -> None:
    text = "\n".join([CSV_HEADER, csv_row(1) + ",extra", csv_row(2), "e-3,only"])
    with pytest.raises(ParseError) as raised:
        parse_csv(text)
    assert lines_of(raised) == [2, 4]


def test_csv_blank_lines_skipped() -> None:
    text = "\n".join([CSV_HEADER, "", csv_row(1), ""])
    assert [line for line, _ in parse_csv(text)] == [3]


def test_csv_rows_of_empty_cells_skipped() -> None:
    # A spreadsheet writes a cleared row as separators only.
    empty = "," * CSV_HEADER.count(",")
    text = "\n".join([CSV_HEADER, empty, csv_row(1), ",,", csv_row(2)])
    assert [line for line, _ in parse_csv(text)] == [3, 5]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "invalid CSV: a field is longer than 131072 characters"),
        ("nl", "ongeldige CSV: een veld is langer dan 131072 tekens"),
        ("fr", "CSV non valide\u00a0: un champ dépasse 131072 caractères"),
    ],
)
def test_csv_oversized_field_reason_translated(language: str, expected: str) -> None:
    text = "\n".join([CSV_HEADER, csv_row(1), "x" * 140_000])
    with translation.override(language), pytest.raises(ParseError) as raised:
        parse_csv(text)
    ((line, reason),) = raised.value.errors
    assert line == 3
    assert reason.startswith(expected)
    assert "field limit" not in reason


def test_csv_empty_text() -> None:
    assert parse_csv("") == []


# Records kept beside parse errors, for a report of their own errors


def test_json_lines_error_keeps_valid_lines() -> None:
    text = "\n".join(["{oops", json.dumps(event(2)), "[]"])
    with pytest.raises(ParseError) as raised:
        parse_json_lines(text)
    records = raised.value.records
    assert records is not None
    assert [line for line, _record in records] == [2]


def test_json_array_object_says_array_expected() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_array(json.dumps(event(1)))
    [(number, reason)] = raised.value.errors
    assert number == 1
    assert "a JSON array of event objects is expected" in reason


def test_json_array_trailing_data_at_last_record() -> None:
    text = json.dumps([event(1), event(2)]) + "\n x"
    with pytest.raises(ParseError) as raised:
        parse_json_array(text)
    assert raised.value.errors == [
        (2, "invalid JSON at line 2, column 2: more data follows the JSON value")
    ]


def test_csv_header_error_keeps_rows() -> None:
    header = CSV_HEADER.replace("service", "servce")
    text = "\n".join([header, csv_row(1), csv_row(2) + ",extra"])
    with pytest.raises(ParseError) as raised:
        parse_csv(text)
    assert lines_of(raised) == [1, 3]
    assert raised.value.skipped_fields == frozenset({"service"})
    records = raised.value.records
    assert records is not None
    assert [line for line, _record in records] == [2]
    record = records[0][1]
    assert isinstance(record, dict)
    assert "servce" not in record
    assert record["event_id"] == "e-1"


def test_csv_repeated_column_skipped() -> None:
    text = "\n".join([CSV_HEADER + ",user_id", csv_row(1) + ",U2"])
    with pytest.raises(ParseError) as raised:
        parse_csv(text)
    assert raised.value.skipped_fields == frozenset({"user_id"})
    records = raised.value.records
    assert records is not None
    assert isinstance(records[0][1], dict)
    assert "user_id" not in records[0][1]


def test_csv_cell_count_error_keeps_other_rows() -> None:
    text = "\n".join([CSV_HEADER, csv_row(1) + ",extra", csv_row(2)])
    with pytest.raises(ParseError) as raised:
        parse_csv(text)
    records = raised.value.records
    assert records is not None
    assert [line for line, _record in records] == [3]
    assert raised.value.skipped_fields == frozenset()


# Line ends and byte order marks

# Characters that str.splitlines() takes for line ends, but CSV and JSON lines
# do not.
OTHER_SEPARATORS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("separator", OTHER_SEPARATORS)
def test_csv_other_separator_stays_in_cell(separator: str, line_end: str) -> None:
    rows = [csv_row(1, f"D{separator}7"), csv_row(2, f'"E{separator}8"'), csv_row(3)]
    records = parse_csv(line_end.join([CSV_HEADER, *rows]) + line_end)
    assert [line for line, _ in records] == [2, 3, 4]
    assert records[0][1]["case_ref"] == f"D{separator}7"
    assert records[1][1]["case_ref"] == f"E{separator}8"


def test_json_lines_carriage_return_ends_line() -> None:
    text = json.dumps(event(1)) + "\r" + json.dumps(event(2)) + "\r"
    records = parse_json_lines(text)
    assert [line for line, _ in records] == [1, 2]


def test_json_lines_leading_bom_skipped() -> None:
    records = parse_json_lines("\ufeff" + json.dumps(event(1)) + "\n")
    assert records[0][1]["event_id"] == "e-1"


def test_json_array_leading_bom_skipped() -> None:
    records = parse_json_array("\ufeff" + json.dumps([event(1)]))
    assert records[0][1] == event(1)


def test_json_lines_bom_inside_named() -> None:
    text = json.dumps(event(1)) + "\n\ufeff" + json.dumps(event(2)) + "\n"
    with pytest.raises(ParseError) as raised:
        parse_json_lines(text)
    assert raised.value.errors == [
        (
            2,
            "invalid JSON at column 1: a byte order mark (U+FEFF) is allowed only "
            "at the start of the file or body",
        )
    ]


def test_json_array_bom_inside_named() -> None:
    text = "[\ufeff" + json.dumps(event(1)) + "]"
    with pytest.raises(ParseError) as raised:
        parse_json_array(text)
    assert "byte order mark (U+FEFF)" in raised.value.errors[0][1]
