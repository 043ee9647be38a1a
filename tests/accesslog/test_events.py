"""Validation of access events: every wire field, masking and error collection."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.accesslog.factories import event, national_number
from vigil.accesslog import events
from vigil.accesslog.events import (
    WIRE_FIELDS,
    AccessEvent,
    EventError,
    InvalidEvent,
    mask_national_number,
    parse_event,
    validate_national_number,
)

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def errors_of(record: dict[str, Any], line: int = 7) -> list[EventError]:
    with pytest.raises(InvalidEvent) as raised:
        parse_event(record, line)
    return raised.value.errors


def single_error(record: dict[str, Any]) -> EventError:
    errors = errors_of(record)
    assert len(errors) == 1, errors
    return errors[0]


def test_valid_event_parsed() -> None:
    parsed = parse_event(
        event(1, case_ref="D-7", source_ip="10.1.2.3", outcome="ok"), line=1
    )
    assert parsed.event_id == "e-1"
    assert parsed.time == datetime.datetime(2026, 3, 2, 9, 15, 30, 250000, UTC)
    assert parsed.user_id == "U123456"
    assert parsed.action == "consult"
    assert parsed.subject == national_number(2)
    assert (parsed.case_ref, parsed.source_ip, parsed.outcome) == (
        "D-7",
        "10.1.2.3",
        "ok",
    )


def test_optional_fields_default_empty() -> None:
    parsed = parse_event(event(1), line=1)
    assert (parsed.case_ref, parsed.source_ip, parsed.outcome) == ("", "", "")


@pytest.mark.parametrize("absent", [None, ""])
def test_optional_field_null_or_empty_absent(absent: object) -> None:
    parsed = parse_event(event(1, case_ref=absent, source_ip=absent), line=1)
    assert parsed.case_ref == ""
    assert parsed.source_ip == ""


@pytest.mark.parametrize("name", ["event_id", "time", "user_id", "subject", "service"])
def test_missing_required_field_named(name: str) -> None:
    record = event(1)
    del record[name]
    error = single_error(record)
    assert (error.line, error.field, error.reason) == (7, name, "is missing")


def test_empty_required_field_named() -> None:
    error = single_error(event(1, application=""))
    assert (error.field, error.reason) == ("application", "is empty")


def test_every_error_of_record_collected() -> None:
    record = event(1, action="read", time="yesterday", source_ip="300.1.1.1", extra=1)
    del record["user_id"]
    fields = [error.field for error in errors_of(record)]
    assert sorted(fields) == ["action", "extra", "source_ip", "time", "user_id"]


def test_unknown_field_rejected() -> None:
    error = single_error(event(1, organisation="centre-b"))
    assert error.field == "organisation"
    assert "event_id" in error.reason


def test_record_not_mapping_rejected() -> None:
    with pytest.raises(InvalidEvent) as raised:
        parse_event(["e-1"], 3)  # type: ignore[arg-type]
    assert raised.value.errors[0].line == 3
    assert raised.value.errors[0].field == ""


# event_id


@pytest.mark.parametrize("value", ["a", "x" * 128, "!~", "2026/03/02#17"])
def test_event_id_accepted(value: str) -> None:
    assert parse_event(event(1, event_id=value), 1).event_id == value


@pytest.mark.parametrize("value", ["x" * 129, "has space", "é", "tab\t", 17])
def test_event_id_rejected(value: object) -> None:
    assert single_error(event(1, event_id=value)).field == "event_id"


# time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02T10:15:30+01:00", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
        ("2026-03-02T09:15:30Z", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
        ("2026-03-02t09:15:30z", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
        ("2026-03-02 09:15:30Z", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
        (
            "2026-03-02T09:15:30.1Z",
            datetime.datetime(2026, 3, 2, 9, 15, 30, 100000, UTC),
        ),
        (
            "2026-03-02T09:15:30.123999999Z",
            datetime.datetime(2026, 3, 2, 9, 15, 30, 123000, UTC),
        ),
        ("2026-03-02T04:15:30-05:00", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
        ("2026-03-02T09:15:30-00:00", datetime.datetime(2026, 3, 2, 9, 15, 30, 0, UTC)),
    ],
)
def test_time_normalised_to_utc_milliseconds(
    text: str, expected: datetime.datetime
) -> None:
    parsed = parse_event(event(1, time=text), 1).time
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T10:15:30",
        "2026-03-02",
        "yesterday",
        "2026-03-02T10:15:60Z",
        "2026-02-30T10:15:30Z",
        "2026-03-02T24:00:00Z",
        "2026-03-02T10:15:30+24:00",
        "2026-03-02T10:15:30.Z",
        "20260302T101530Z",
    ],
)
def test_time_rejected(text: str) -> None:
    assert single_error(event(1, time=text)).field == "time"


def test_naive_datetime_object_rejected() -> None:
    naive = datetime.datetime(2026, 3, 2, 10, 15, 30)  # noqa: DTZ001
    assert single_error(event(1, time=naive)).reason == "has no time zone offset"


def test_aware_datetime_object_accepted() -> None:
    aware = datetime.datetime(2026, 3, 2, 10, 15, 30, 999999, UTC)
    assert parse_event(event(1, time=aware), 1).time.microsecond == 999000


def test_time_far_in_future_rejected() -> None:
    future = datetime.datetime.now(UTC) + datetime.timedelta(days=2)
    error = single_error(event(1, time=future.isoformat()))
    assert "future" in error.reason


def test_time_slightly_ahead_accepted() -> None:
    ahead = datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)
    parse_event(event(1, time=ahead.isoformat()), 1)


# subject


@pytest.mark.parametrize(
    "value",
    [
        "85073003328",
        "85.07.30-033.28",
        "85 07 30 033 28",
        "85.07.30-033 28",
    ],
)
def test_subject_formats_compacted(value: str) -> None:
    assert parse_event(event(1, subject=value), 1).subject == "85073003328"


def test_subject_born_after_2000_accepted() -> None:
    number = national_number(12, birth="170730", after_2000=True)
    assert parse_event(event(1, subject=number), 1).subject == number


def test_subject_bis_number_accepted() -> None:
    for birth in ("852730", "854730"):
        number = national_number(5, birth=birth)
        assert parse_event(event(1, subject=number), 1).subject == number


@pytest.mark.parametrize(
    "value",
    ["85073003399", "8507300332", "850730033288", "85133003328", "abcdefghijk"],
)
def test_invalid_subject_rejected_and_masked(value: str) -> None:
    error = single_error(event(1, subject=value))
    assert error.field == "subject"
    assert value not in str(error)
    assert value not in error.reason
    assert "*" in error.value_shown


def test_subject_number_type_rejected() -> None:
    error = single_error(event(1, subject=85073003328))
    assert "string" in error.reason
    assert "85073003328" not in str(error)


def test_subject_hidden_in_repr() -> None:
    parsed = parse_event(event(1), 1)
    assert parsed.subject not in repr(parsed)


def test_mask_keeps_two_digits_each_end() -> None:
    assert mask_national_number("85.07.30-033.28") == "85*******28"
    assert mask_national_number("1234") == "****"


def test_validate_national_number_message_has_no_number() -> None:
    with pytest.raises(ValueError, match="not a valid") as raised:
        validate_national_number("85073003399")
    assert "85073003399" not in str(raised.value)


# other fields


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("10.1.2.3", "10.1.2.3"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
    ],
)
def test_source_ip_stored_canonical(value: str, stored: str) -> None:
    assert parse_event(event(1, source_ip=value), 1).source_ip == stored


@pytest.mark.parametrize("value", ["10.1.2", "fe80::1%eth0", "010.1.2.3", "host", 5])
def test_source_ip_rejected(value: object) -> None:
    assert single_error(event(1, source_ip=value)).field == "source_ip"


@pytest.mark.parametrize("value", ["read", "Consult", "CONSULT", ""])
def test_unknown_action_rejected(value: str) -> None:
    error = single_error(event(1, action=value))
    assert error.field == "action"


@pytest.mark.parametrize(
    "action", ["consult", "create", "modify", "delete", "print", "export"]
)
def test_every_action_accepted(action: str) -> None:
    assert parse_event(event(1, action=action), 1).action == action


@pytest.mark.parametrize(
    ("name", "maximum"),
    [
        ("user_id", 64),
        ("application", 100),
        ("service", 100),
        ("case_ref", 100),
        ("outcome", 40),
    ],
)
def test_text_length_limit(name: str, maximum: int) -> None:
    parse_event(event(1, **{name: "x" * maximum}), 1)
    error = single_error(event(1, **{name: "x" * (maximum + 1)}))
    assert error.field == name
    assert str(maximum) in error.reason


@pytest.mark.parametrize(
    "value", ["a\nb", "a\x00b", " padded", "padded ", "a\u200bb", 12]
)
def test_text_value_rejected(value: object) -> None:
    assert single_error(event(1, user_id=value)).field == "user_id"


def test_unicode_text_accepted() -> None:
    parsed = parse_event(event(1, application="Sociaal dossier – OCMW Élouges"), 1)
    assert parsed.application == "Sociaal dossier – OCMW Élouges"


def test_long_value_cut_in_error() -> None:
    error = single_error(event(1, user_id="x" * 500))
    assert len(error.value_shown) <= 60


def test_error_string_names_line_and_field() -> None:
    error = single_error(event(1, action="read"))
    assert str(error).startswith("line 7, field action (read): must be one of")


def test_wire_fields_fixed() -> None:
    assert WIRE_FIELDS == (
        "event_id",
        "time",
        "user_id",
        "application",
        "action",
        "subject",
        "service",
        "case_ref",
        "source_ip",
        "outcome",
    )


printable = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S"]),
    min_size=1,
    max_size=40,
)


@given(
    user_id=printable,
    application=printable,
    service=printable,
    serial=st.integers(min_value=1, max_value=997),
    milliseconds=st.integers(min_value=0, max_value=999),
)
def test_generated_events_round_trip(
    user_id: str, application: str, service: str, serial: int, milliseconds: int
) -> None:
    time = datetime.datetime(2025, 1, 1, 12, 0, 0, milliseconds * 1000, UTC)
    record = event(
        1,
        user_id=user_id,
        application=application,
        service=service,
        subject=national_number(serial),
        time=time.isoformat(),
    )
    parsed = parse_event(record, 1)
    assert isinstance(parsed, AccessEvent)
    assert (parsed.user_id, parsed.application, parsed.service) == (
        user_id,
        application,
        service,
    )
    assert parsed.time == time


# The common-case path of parse_event must agree with the field checks.

_TEXT_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", " x", "x ", "U1", "a\tb", "é", "x" * 64, "x" * 65, "x" * 101]),
    st.text(max_size=5),
    st.integers(),
)
_TIME_VALUES = st.one_of(
    st.sampled_from(
        [
            "2026-03-02T10:15:30.250+01:00",
            "2026-03-02T10:15:30.250Z",
            "2026-03-02T10:15:30.250-00:00",
            "2026-03-02t10:15:30.250z",
            "2026-03-02 10:15:30.250Z",
            "2026-03-02T10:15:30.2504Z",
            "2026-03-02T10:15:60.000Z",
            "2026-02-30T10:15:30.000Z",
            "2026-03-02T10:15:30.000+24:00",
            "0001-01-01T00:30:00.000+01:00",
            "9999-12-31T23:30:00.000-01:00",
            "2999-01-01T00:00:00.000Z",
            "2026-03-02T10:15:30Z",
        ]
    ),
    st.none(),
    st.integers(),
)
_RECORDS = st.fixed_dictionaries(
    {
        "event_id": st.one_of(st.sampled_from(["e-1", "", "a b", "é"]), st.none()),
        "time": _TIME_VALUES,
        "user_id": _TEXT_VALUES,
        "application": _TEXT_VALUES,
        "action": st.one_of(
            st.sampled_from(["consult", "print", "read", ""]), st.none()
        ),
        "subject": st.one_of(
            st.sampled_from(
                [national_number(1), "85.07.30-001.12", "85073000100", "1", ""]
            ),
            st.none(),
            st.integers(),
        ),
        "service": _TEXT_VALUES,
        "case_ref": _TEXT_VALUES,
        "source_ip": st.one_of(
            st.sampled_from(
                ["10.1.2.3", "::FFFF:10.1.2.3", "fe80::1%eth0", "2001:db8::1", "x", ""]
            ),
            st.none(),
        ),
        "outcome": _TEXT_VALUES,
    },
    optional={"extra": st.just("x")},
)


@given(_RECORDS)
def test_common_path_matches_field_checks(record: dict[str, Any]) -> None:
    fast = events._parse_common_event(record)
    try:
        checked: AccessEvent | None = events._parse_checked_event(record, 1)
    except InvalidEvent:
        checked = None
    if fast is not None:
        assert checked == fast
        assert checked.time.tzinfo is fast.time.tzinfo


def test_common_path_takes_valid_event() -> None:
    record = event(1, case_ref="D-7", source_ip="10.1.2.3", outcome="ok")
    assert events._parse_common_event(record) == parse_event(record, 1)
