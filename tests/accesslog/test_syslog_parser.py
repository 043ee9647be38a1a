"""RFC 5424 parser: valid messages, the malformed corpus and fuzzing."""

import contextlib
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.accesslog.syslog.parser import (
    KNOWN_FIELDS,
    AccessElementError,
    SyslogParseError,
    SyslogUtf8Error,
    parse_message,
    validate_sd_id,
)

CORPUS_PATH = Path(__file__).parent / "data" / "syslog_malformed.json"
SUBJECT = "85073100130"
EVENT_FIELDS = {
    "event_id": "e-0001",
    "time": "2024-03-05T14:07:09+01:00",
    "user_id": "u123",
    "application": "socialapp",
    "action": "read",
    "subject": SUBJECT,
    "service": "social",
}
HEADER = b"<165>1 2024-03-05T14:07:09.123Z ocmw.example.be socialapp 4711 ACCESS "
ERROR_CLASSES: dict[str, type[SyslogParseError]] = {
    "syntax": SyslogParseError,
    "utf8": SyslogUtf8Error,
    "fields": AccessElementError,
}


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def access_element(fields: dict[str, str], sd_id: str = "access@32473") -> bytes:
    params = "".join(f' {name}="{escape(value)}"' for name, value in fields.items())
    return f"[{sd_id}{params}]".encode()


ACCESS = access_element(EVENT_FIELDS)
VALID = HEADER + ACCESS


def load_corpus() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="ascii"))
    return cases


def corpus_data(case: dict[str, Any]) -> bytes:
    if "data_hex" in case:
        return bytes.fromhex(case["data_hex"])
    text: str = case["data"]
    return text.encode("utf-8")


CORPUS = load_corpus()


# Valid messages


def test_header_fields() -> None:
    message = parse_message(VALID)
    assert message.facility == 20
    assert message.severity == 5
    assert message.pri == 165
    assert message.version == 1
    assert message.timestamp == datetime.datetime(
        2024, 3, 5, 14, 7, 9, 123000, tzinfo=datetime.UTC
    )
    assert message.hostname == "ocmw.example.be"
    assert message.app_name == "socialapp"
    assert message.procid == "4711"
    assert message.msgid == "ACCESS"


def test_event_fields_without_msg() -> None:
    message = parse_message(VALID)
    assert message.event_fields == EVENT_FIELDS
    assert message.msg is None
    assert message.structured_data == {"access@32473": list(EVENT_FIELDS.items())}


def test_msg_with_bom() -> None:
    message = parse_message(VALID + " \ufeffDossier geraadpleegd é".encode())
    assert message.msg == "\ufeffDossier geraadpleegd é".encode()
    assert message.event_fields == EVENT_FIELDS


def test_msg_without_bom_may_be_any_octets() -> None:
    message = parse_message(VALID + b" \xff\xfe raw \x00 octets")
    assert message.msg == b"\xff\xfe raw \x00 octets"


def test_empty_msg_after_sp() -> None:
    assert parse_message(VALID + b" ").msg == b""


def test_several_sd_elements() -> None:
    data = (
        HEADER
        + b'[timeQuality tzKnown="1" isSynced="1"]'
        + ACCESS
        + b'[origin ip="192.0.2.1" ip="192.0.2.2"][exampleSDID@32473.1.2 iut="3"]'
        + b" hello"
    )
    message = parse_message(data)
    assert list(message.structured_data) == [
        "timeQuality",
        "access@32473",
        "origin",
        "exampleSDID@32473.1.2",
    ]
    assert message.structured_data["origin"] == [
        ("ip", "192.0.2.1"),
        ("ip", "192.0.2.2"),
    ]
    assert message.event_fields == EVENT_FIELDS


def test_escapes_in_values() -> None:
    raw = HEADER + ACCESS[:-1] + rb' case_ref="a\"b\\c\]d\ne\x"]'
    message = parse_message(raw)
    assert message.event_fields["case_ref"] == 'a"b\\c]d\\ne\\x'


def test_escaped_backslash_before_quote() -> None:
    raw = HEADER + ACCESS[:-1] + rb' case_ref="end\\"]'
    assert parse_message(raw).event_fields["case_ref"] == "end\\"


def test_utf8_and_control_characters_in_values() -> None:
    fields = {**EVENT_FIELDS, "case_ref": "dossier é €\U0001f600\t\x00"}
    message = parse_message(HEADER + access_element(fields))
    assert message.event_fields["case_ref"] == "dossier é €\U0001f600\t\x00"


def test_empty_value() -> None:
    fields = {**EVENT_FIELDS, "outcome": ""}
    assert parse_message(HEADER + access_element(fields)).event_fields["outcome"] == ""


def test_optional_fields() -> None:
    fields = {
        **EVENT_FIELDS,
        "case_ref": "D-2024-17",
        "source_ip": "192.0.2.7",
        "outcome": "success",
    }
    assert parse_message(HEADER + access_element(fields)).event_fields == fields


def test_nilvalue_header_fields() -> None:
    message = parse_message(b"<0>1 - - - - - " + ACCESS)
    assert message.timestamp is None
    assert message.hostname is None
    assert message.app_name is None
    assert message.procid is None
    assert message.msgid is None
    assert message.facility == 0
    assert message.severity == 0


def test_pri_maximum() -> None:
    message = parse_message(b"<191>1 - - - - - " + ACCESS)
    assert message.facility == 23
    assert message.severity == 7


def test_field_starting_with_hyphen_is_not_nil() -> None:
    message = parse_message(b"<13>1 - -host -app -1 -ID " + ACCESS)
    assert message.hostname == "-host"
    assert message.app_name == "-app"
    assert message.procid == "-1"
    assert message.msgid == "-ID"


def test_header_fields_at_maximum_length() -> None:
    data = b"<13>1 - " + b"h" * 255 + b" " + b"a" * 48 + b" "
    data += b"p" * 128 + b" " + b"m" * 32 + b" " + ACCESS
    message = parse_message(data)
    assert message.hostname == "h" * 255
    assert message.app_name == "a" * 48
    assert message.procid == "p" * 128
    assert message.msgid == "m" * 32


def test_sd_names_at_maximum_length() -> None:
    data = HEADER + b"[" + b"i" * 32 + b" " + b"n" * 32 + b'="v"]' + ACCESS
    message = parse_message(data)
    assert message.structured_data["i" * 32] == [("n" * 32, "v")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1985-04-12T23:20:50.52Z",
            datetime.datetime(1985, 4, 12, 23, 20, 50, 520000, tzinfo=datetime.UTC),
        ),
        (
            "1985-04-12T19:20:50.52-04:00",
            datetime.datetime(
                1985,
                4,
                12,
                19,
                20,
                50,
                520000,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=4)),
            ),
        ),
        (
            "2003-08-24T05:14:15.000003-07:00",
            datetime.datetime(
                2003,
                8,
                24,
                5,
                14,
                15,
                3,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=7)),
            ),
        ),
        (
            "2024-02-29T23:59:59.999999+23:59",
            datetime.datetime(
                2024,
                2,
                29,
                23,
                59,
                59,
                999999,
                tzinfo=datetime.timezone(datetime.timedelta(hours=23, minutes=59)),
            ),
        ),
        (
            "2000-02-29T00:00:00-00:00",
            datetime.datetime(2000, 2, 29, tzinfo=datetime.UTC),
        ),
        ("0001-01-01T00:00:00Z", datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)),
    ],
)
def test_timestamps(text: str, expected: datetime.datetime) -> None:
    message = parse_message(f"<13>1 {text} - - - - ".encode() + ACCESS)
    assert message.timestamp == expected
    assert message.timestamp is not None
    assert message.timestamp.utcoffset() == expected.utcoffset()


def test_custom_sd_id() -> None:
    data = HEADER + ACCESS + access_element(EVENT_FIELDS, sd_id="ocmw@99999")
    message = parse_message(data, sd_id="ocmw@99999")
    assert message.event_fields == EVENT_FIELDS
    assert "access@32473" in message.structured_data


def test_default_sd_id_missing_with_custom_element() -> None:
    data = HEADER + access_element(EVENT_FIELDS, sd_id="ocmw@99999")
    with pytest.raises(AccessElementError):
        parse_message(data)


@pytest.mark.parametrize(
    "sd_id", ["", "a b", "a=b", 'a"b', "a]b", "x" * 33, "é@1", "@1", "a@", "a@1@2"]
)
def test_invalid_sd_id_argument(sd_id: str) -> None:
    with pytest.raises(ValueError, match="SD-ID"):
        validate_sd_id(sd_id)
    with pytest.raises(ValueError, match="SD-ID"):
        parse_message(VALID, sd_id=sd_id)


def test_error_reason_and_offset() -> None:
    with pytest.raises(SyslogParseError) as caught:
        parse_message(b"<01>1 - - - - - " + ACCESS)
    assert caught.value.reason == "PRI has a leading zero"
    assert caught.value.offset == 1
    assert str(caught.value) == "PRI has a leading zero at offset 1"


def test_unknown_param_lists_known_names() -> None:
    with pytest.raises(AccessElementError) as caught:
        parse_message(HEADER + ACCESS[:-1] + b' nn="1"]')
    assert caught.value.reason.startswith("unknown parameter nn in access@32473 (")
    for name in KNOWN_FIELDS:
        assert name in caught.value.reason
    assert caught.value.offset == len(HEADER) + len(ACCESS)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (b"n\x07n", "PARAM-NAME contains octet 0x07, which SD-NAME does not allow"),
        (b"n" * 33, "PARAM-NAME is longer than 32 octets"),
    ],
)
def test_unloggable_param_name_rejected_first(name: bytes, reason: str) -> None:
    with pytest.raises(SyslogParseError) as caught:
        parse_message(HEADER + ACCESS[:-1] + b" " + name + b'="1"]')
    assert not isinstance(caught.value, AccessElementError)
    assert caught.value.reason == reason


def test_missing_params_are_named() -> None:
    fields = {k: v for k, v in EVENT_FIELDS.items() if k not in ("time", "service")}
    with pytest.raises(AccessElementError) as caught:
        parse_message(HEADER + access_element(fields))
    expected = "access@32473 is missing required parameters: time, service"
    assert caught.value.reason == expected


def test_utf8_error_offset() -> None:
    data = HEADER + ACCESS[:-1] + b' case_ref="ab\xc0\x80"]'
    with pytest.raises(SyslogUtf8Error) as caught:
        parse_message(data)
    assert caught.value.offset == data.index(b"\xc0")


# Malformed corpus


def test_corpus_size() -> None:
    assert len(CORPUS) >= 200
    labels = [case["label"] for case in CORPUS]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("case", CORPUS, ids=[case["label"] for case in CORPUS])
def test_malformed_message_rejected(case: dict[str, Any]) -> None:
    expected = ERROR_CLASSES[case["error"]]
    with pytest.raises(SyslogParseError) as caught:
        parse_message(corpus_data(case))
    assert type(caught.value) is expected
    assert SUBJECT not in str(caught.value)


# Fuzzing


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(SyslogParseError):
        parse_message(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60))
def test_random_bytes_after_header_raise_only_parse_errors(tail: bytes) -> None:
    with contextlib.suppress(SyslogParseError):
        parse_message(HEADER + b"[" + tail)


@st.composite
def mutated_message(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID + " \ufeffhé".encode())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        operation = draw(st.sampled_from(["replace", "insert", "delete"]))
        chunk = draw(st.binary(min_size=1, max_size=4))
        if operation == "replace":
            data[position : position + len(chunk)] = chunk
        elif operation == "insert":
            data[position:position] = chunk
        else:
            del data[position : position + len(chunk)]
    return bytes(data)


@settings(max_examples=500, deadline=None)
@given(mutated_message())
def test_mutations_raise_only_parse_errors(data: bytes) -> None:
    try:
        message = parse_message(data)
    except SyslogParseError:
        return
    assert set(message.event_fields) <= set(KNOWN_FIELDS)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(KNOWN_FIELDS), st.text(max_size=40)))
def test_escaped_values_round_trip(extra: dict[str, str]) -> None:
    fields = {**EVENT_FIELDS, **extra}
    message = parse_message(HEADER + access_element(fields))
    assert message.event_fields == fields
