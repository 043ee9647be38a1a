"""Validation of access events: every wire field, masking and error collection."""

import datetime
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.accesslog.factories import event, national_number
from vigil.accesslog import events, national_numbers
from vigil.accesslog.events import (
    WIRE_FIELDS,
    AccessEvent,
    EventError,
    InvalidEvent,
    parse_event,
)
from vigil.accesslog.national_numbers import (
    mask_national_number,
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


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-30T10:15:30Z", "names a day that does not exist in the calendar"),
        ("2026-03-02T24:00:00Z", "has an hour above 23 or a minute above 59"),
        ("2026-03-02T10:60:00Z", "has an hour above 23 or a minute above 59"),
        (
            "2026-03-02T10:15:60Z",
            "has a leap second (:60), which is not accepted",
        ),
        ("2026-03-02T10:15:61Z", "has a second above 59"),
        (
            "2026-03-02T10:15:30+24:00",
            "is not a valid date and time (leap seconds and offsets of 24 "
            "hours or more are not accepted)",
        ),
        (
            1733390000,
            "must be a string with an RFC 3339 time, for example 2026-03-02T09:15:30Z",
        ),
    ],
)
def test_time_rejected_with_its_reason(value: object, reason: str) -> None:
    with translation.override("en"):
        assert single_error(event(1, time=value)).reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00.000Z",
        "0001-01-01T00:30:00.000+00:30",
        "0001-01-01T00:30:00.000+01:00",
        "1899-12-31T23:59:59.999Z",
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00.000+01:00",
        "1900-01-01 00:59:59+01:00",
    ],
)
def test_time_before_1900_rejected(text: str) -> None:
    """Every date input of Vigil starts at 1900, so nothing could cover it."""
    error = single_error(event(1, time=text))
    assert error.field == "time"
    assert error.value_shown == text
    assert error.reason == (
        "is outside the years 1900 to 9998 (in UTC) that Vigil accepts"
    )


def test_time_before_1900_rejected_translated() -> None:
    with translation.override("nl"):
        error = single_error(event(1, time="0001-01-01T00:00:00.000Z"))
    assert "1900" in error.reason
    assert "9998" in error.reason
    assert "outside" not in error.reason


def test_datetime_object_before_1900_rejected() -> None:
    old = datetime.datetime(1899, 12, 31, 23, 0, tzinfo=UTC)
    assert "1900 to 9998" in single_error(event(1, time=old)).reason


@pytest.mark.parametrize(
    "text", ["1900-01-01T00:00:00.000Z", "1900-01-01T01:00:00.000+01:00"]
)
def test_time_from_1900_accepted(text: str) -> None:
    assert parse_event(event(1, time=text), 1).time.year == 1900


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00.000Z", "1899-12-31T23:59:59.999+00:00"]
)
def test_common_path_leaves_old_time_to_checks(text: str) -> None:
    latest = events.latest_event_time()
    assert events._parse_common_event(event(1, time=text), latest) is None


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


@pytest.mark.parametrize("value", [["consult"], {"action": "consult"}, 1, True])
def test_action_of_other_type_rejected(value: object) -> None:
    error = single_error(event(1, action=value))
    assert error.field == "action"
    assert error.reason.startswith("must be one of consult, create")


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
    latest = events.latest_event_time()
    fast = events._parse_common_event(record, latest)
    try:
        checked: AccessEvent | None = events._parse_checked_event(record, 1, latest)
    except InvalidEvent:
        checked = None
    if fast is not None:
        assert checked == fast
        assert checked.time.tzinfo is fast.time.tzinfo


def test_common_path_takes_valid_event() -> None:
    record = event(1, case_ref="D-7", source_ip="10.1.2.3", outcome="ok")
    latest = events.latest_event_time()
    assert events._parse_common_event(record, latest) == parse_event(record, 1)


# Generated wire records for the checks below. Each field starts with a value
# drawn mostly from its accepted forms (times and numbers include some that
# are rejected), and up to three fields are then replaced by an edge value,
# removed, set to null or emptied.

_SURROGATE = st.characters(categories=["Cs"])
_ANY_TEXT = st.text(alphabet=st.one_of(st.characters(), _SURROGATE), max_size=8)


class _Text(str):
    """A str subclass, which the field checks accept as text."""

    __slots__ = ()


def _text_values(maximum: int) -> st.SearchStrategy[str]:
    printable = st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S"])
    return st.one_of(
        st.text(alphabet=printable, min_size=1, max_size=12),
        st.builds(lambda fill: fill * maximum, st.sampled_from(["x", "é", "€", "𝄞"])),
        st.just("Sociaal dossier – OCMW Élouges"),
        st.just("inner space"),
    )


def _text_edge_samples(maximum: int) -> list[object]:
    return [
        "",
        " ",
        " x",
        "x ",
        "x\t",
        "a\nb",
        "a\x00b",
        "a\x7fb",
        "a\u00a0b",
        "a\u200bb",
        "a\u2028b",
        "\ud800",
        "x" * (maximum + 1),
        "é" * (maximum + 1),
        _Text("U1"),
        _Text(" U1"),
        12,
        1.5,
        True,
        ["x"],
        {"x": 1},
    ]


_TIME_EDGE_SAMPLES: list[object] = [
    "2026-03-02T10:15:60.000Z",
    "2026-02-30T10:15:30.000Z",
    "2026-03-02T24:00:00.000Z",
    "2026-03-02T10:15:30.000+24:00",
    "2026-03-02T10:15:30.000+0100",
    "2026-03-02T10:15:30.000+01",
    "2026-03-02T10:15:30.000+01:00:00",
    "2026-03-02T10:15:30,250Z",
    "2026-03-02T10:15:30.250 Z",
    "2026-W10-1T10:15:30.000Z",
    "2026-061T10:15:30.000Z",
    "2026-03-02T10:15:30.000",
    "2026-03-02T10:15.000Z",
    "20260302T101530.000Z",
    "0001-01-01T00:30:00.000+01:00",
    "9999-12-31T23:30:00.000-01:00",
    "２０２６-03-02T10:15:30.000Z",
    "2026-03-02T10:15:30.٢٥٠Z",
    " 2026-03-02T10:15:30.000Z",
    "2026-03-02T10:15:30.000Z ",
    "2026-03-02T10:15:30.000Z\n",
    datetime.datetime(2026, 3, 2, 10, 15, 30),  # noqa: DTZ001
    datetime.datetime(2026, 3, 2, 10, 15, 30, 250999, UTC),
    datetime.date(2026, 3, 2),
    1772446530,
]
_SUBJECT_EDGE_SAMPLES: list[object] = [
    "85073003399",
    "8507300332",
    "850730033288",
    "85133003328",
    "85073003328\n",
    " 85073003328",
    "85073003328 ",
    "85_07_30_033_28",
    "８５０７３００３３２８",
    "85 07 30 03३ 28",
    "abcdefghijk",
    "...........",
    "+8507300332",
    _Text("85073003328"),
    85073003328,
]
_ADDRESS_EDGE_SAMPLES: list[object] = [
    "fe80::1%eth0",
    "10.1.2.3%1",
    "010.1.2.3",
    "10.1.2",
    "256.1.2.3",
    " 10.1.2.3",
    "10.1.2.3 ",
    "10.1.2.3\n",
    "host",
    "１０.1.2.3",
    "::ffff:10.1.2.3",
    "::FFFF:10.1.2.3",
    "2001:DB8:0:0:0:0:0:1",
    _Text("10.1.2.3"),
    167838211,
]
_EVENT_ID_EDGE_SAMPLES: list[object] = [
    "x" * 129,
    "a b",
    " x",
    "é",
    "tab\t",
    "\x7f",
    "",
    _Text("e-1"),
    17,
]
_ACTION_EDGE_SAMPLES: list[object] = ["read", "Consult", "consult ", "", 1]

_EDGE_SAMPLES: dict[str, list[object]] = {
    "event_id": _EVENT_ID_EDGE_SAMPLES,
    "time": _TIME_EDGE_SAMPLES,
    "user_id": _text_edge_samples(64),
    "application": _text_edge_samples(100),
    "action": _ACTION_EDGE_SAMPLES,
    "subject": _SUBJECT_EDGE_SAMPLES,
    "service": _text_edge_samples(100),
    "case_ref": _text_edge_samples(100),
    "source_ip": _ADDRESS_EDGE_SAMPLES,
    "outcome": _text_edge_samples(40),
}


@st.composite
def _wire_times(draw: st.DrawFn) -> str:
    moment = draw(
        st.one_of(
            st.datetimes(
                min_value=datetime.datetime(2020, 1, 1),  # noqa: DTZ001
                max_value=datetime.datetime(2027, 12, 31),  # noqa: DTZ001
            ),
            st.datetimes(),
        )
    )
    fraction = draw(st.sampled_from(["", ".1", ".250", ".2504", ".123456789", "."]))
    separator = draw(st.sampled_from(["T", "t", " "]))
    minutes = draw(st.integers(min_value=-24 * 60, max_value=24 * 60))
    sign = "-" if minutes < 0 or draw(st.booleans()) else "+"
    zones = ["Z", "z", f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"]
    zone = draw(st.sampled_from(zones))
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{separator}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}{fraction}{zone}"
    )


@st.composite
def _near_future_times(draw: st.DrawFn) -> str:
    hours = draw(st.sampled_from([-1, 23, 25, 48]))
    moment = datetime.datetime.now(UTC) + datetime.timedelta(hours=hours)
    minutes = draw(st.sampled_from([0, 60, -300]))
    offset = datetime.timezone(datetime.timedelta(minutes=minutes))
    text = moment.astimezone(offset).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


@st.composite
def _national_numbers(draw: st.DrawFn) -> str:
    """Draw national and BIS numbers, most valid, in the layouts senders use."""
    month = draw(st.integers(min_value=0, max_value=12))
    month += draw(st.sampled_from([0, 0, 20, 40]))
    birth = f"{draw(st.integers(0, 99)):02d}{month:02d}{draw(st.integers(0, 31)):02d}"
    serial = draw(st.integers(min_value=1, max_value=997))
    number = national_number(serial, birth=birth, after_2000=draw(st.booleans()))
    layout = draw(st.sampled_from(["compact", "dotted", "spaced", "padded"]))
    if layout == "dotted":
        return f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    if layout == "spaced":
        return " ".join([number[:2], number[2:4], number[4:6], number[6:9], number[9:]])
    if layout == "padded":
        return f"\t{number} "
    return number


_ADDRESSES = st.one_of(
    st.ip_addresses().map(str),
    st.ip_addresses(v=6).map(lambda address: str(address).upper()),
)
_EVENT_IDS = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1),
    st.just("x" * 128),
    st.uuids().map(str),
)

_VALID_VALUES: dict[str, st.SearchStrategy[object]] = {
    "event_id": _EVENT_IDS,
    "time": st.one_of(_wire_times(), _near_future_times()),
    "user_id": _text_values(64),
    "application": _text_values(100),
    "action": st.sampled_from(sorted(events.ACTIONS)),
    "subject": _national_numbers(),
    "service": _text_values(100),
    "case_ref": _text_values(100),
    "source_ip": _ADDRESSES,
    "outcome": _text_values(40),
}
_EDGE_VALUES: dict[str, st.SearchStrategy[object]] = {
    "event_id": st.one_of(
        st.sampled_from(_EVENT_ID_EDGE_SAMPLES),
        st.text(alphabet=st.characters(max_codepoint=0x80), max_size=4),
    ),
    "time": st.one_of(
        st.sampled_from(_TIME_EDGE_SAMPLES),
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
        _ANY_TEXT,
    ),
    "subject": st.one_of(
        st.sampled_from(_SUBJECT_EDGE_SAMPLES),
        st.text(alphabet="0123456789 .-", max_size=14),
        st.integers(min_value=0, max_value=10**12),
    ),
    "source_ip": st.one_of(st.sampled_from(_ADDRESS_EDGE_SAMPLES), _ANY_TEXT),
    "action": st.sampled_from(_ACTION_EDGE_SAMPLES),
    **{
        name: st.one_of(st.sampled_from(_EDGE_SAMPLES[name]), _ANY_TEXT)
        for name in ("user_id", "application", "service", "case_ref", "outcome")
    },
}


@st.composite
def _wire_records(draw: st.DrawFn) -> dict[str, object]:
    optional = draw(st.lists(st.sampled_from(events.OPTIONAL_FIELDS), unique=True))
    names = [*events.REQUIRED_FIELDS, *optional]
    record = {name: draw(_VALID_VALUES[name]) for name in names}
    changed = st.sampled_from([*WIRE_FIELDS, "extra"])
    for name in draw(st.lists(changed, max_size=3, unique=True)):
        change = draw(st.sampled_from(["edge", "edge", "absent", "null", "empty"]))
        if name == "extra":
            record[draw(st.sampled_from(["extra", "Event_id", ""]))] = "x"
        elif change == "edge":
            record[name] = draw(_EDGE_VALUES[name])
        elif change == "absent":
            record.pop(name, None)
        else:
            record[name] = None if change == "null" else ""
    return record


def assert_paths_agree(record: dict[str, Any]) -> None:
    """Assert that an event the common path returns equals the checked one."""
    latest = events.latest_event_time()
    fast = events._parse_common_event(record, latest)
    try:
        checked: AccessEvent | None = events._parse_checked_event(record, 1, latest)
    except InvalidEvent:
        checked = None
    if fast is None:
        return
    assert checked == fast
    assert type(fast) is AccessEvent
    assert fast.time.tzinfo is UTC
    assert [type(value) for value in fast] == [type(value) for value in checked]


@settings(max_examples=1000)
@given(_wire_records())
def test_common_path_agrees_on_generated_records(record: dict[str, Any]) -> None:
    assert_paths_agree(record)


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, values in _EDGE_SAMPLES.items() for value in values],
)
def test_common_path_agrees_on_edge_value(name: str, value: object) -> None:
    record = event(1, case_ref="D-7", source_ip="10.1.2.3", outcome="ok")
    record[name] = value
    assert_paths_agree(record)


@settings(max_examples=500)
@given(st.data())
def test_common_path_agrees_on_generated_field(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(WIRE_FIELDS))
    record = event(1, case_ref="D-7", source_ip="10.1.2.3", outcome="ok")
    record[name] = data.draw(st.one_of(_VALID_VALUES[name], _EDGE_VALUES[name]))
    assert_paths_agree(record)


@settings(max_examples=300)
@given(st.lists(_wire_records(), min_size=1, max_size=5))
def test_parse_events_matches_checked_events(records: list[dict[str, Any]]) -> None:
    numbered = list(enumerate(records, start=3))
    latest = events.latest_event_time()
    expected_events = []
    expected_errors: list[EventError] = []
    for line, record in numbered:
        try:
            checked = events._parse_checked_event(record, line, latest)
            expected_events.append((line, checked))
        except InvalidEvent as invalid:
            expected_errors.extend(invalid.errors)
    if not expected_errors:
        assert events.parse_events(numbered) == expected_events
        return
    with pytest.raises(InvalidEvent) as raised:
        events.parse_events(numbered)
    assert raised.value.errors == expected_errors


@settings(max_examples=300)
@given(
    event_id=_EVENT_IDS,
    user_id=_text_values(64),
    subject=_national_numbers(),
    case_ref=st.one_of(st.none(), st.just(""), _text_values(100)),
    source_ip=st.one_of(st.none(), st.just(""), _ADDRESSES),
    milliseconds=st.integers(min_value=0, max_value=999),
    offset=st.sampled_from(["Z", "+00:00", "+01:00", "-05:30"]),
)
def test_common_path_takes_common_form(
    event_id: str,
    user_id: str,
    subject: str,
    case_ref: str | None,
    source_ip: str | None,
    milliseconds: int,
    offset: str,
) -> None:
    record = event(
        1,
        event_id=event_id,
        time=f"2026-03-02T10:15:30.{milliseconds:03d}{offset}",
        user_id=user_id,
        subject=subject,
        case_ref=case_ref,
        source_ip=source_ip,
    )
    try:
        validate_national_number(subject)
    except ValueError:
        assume(False)
    parsed = events._parse_common_event(record, events.latest_event_time())
    assert parsed is not None
    assert parsed == parse_event(record, 1)


def test_common_path_takes_benchmark_record() -> None:
    record: dict[str, object] = {
        "event_id": "3b241101-e2bb-4255-8caf-4136c566a962",
        "time": "2026-01-05T08:00:00.007+00:00",
        "user_id": "U700001",
        "application": "housing",
        "action": "consult",
        "subject": national_number(3),
        "service": "Service07",
        "case_ref": "D-7",
        "source_ip": "10.12.3.4",
    }
    parsed = events._parse_common_event(record, events.latest_event_time())
    assert parsed == parse_event(record, 1)


# Future-time limit


def test_time_at_limit_accepted_by_both_paths() -> None:
    latest = datetime.datetime(2026, 3, 3, 9, 15, 30, 250000, UTC)
    record = event(1, time="2026-03-03T10:15:30.250+01:00")
    assert events._parse_common_event(record, latest) is not None
    assert events._parse_checked_event(record, 1, latest).time == latest


def test_time_after_limit_rejected_by_both_paths() -> None:
    latest = datetime.datetime(2026, 3, 3, 9, 15, 30, 250000, UTC)
    record = event(1, time="2026-03-03T10:15:30.251+01:00")
    assert events._parse_common_event(record, latest) is None
    with pytest.raises(InvalidEvent) as raised:
        events._parse_checked_event(record, 1, latest)
    assert [error.field for error in raised.value.errors] == ["time"]
    assert "24 hours in the future" in raised.value.errors[0].reason


def test_time_limit_compares_before_truncation() -> None:
    latest = datetime.datetime(2026, 3, 3, 9, 15, 30, 250000, UTC)
    record = event(1, time=latest + datetime.timedelta(microseconds=400))
    with pytest.raises(InvalidEvent):
        events._parse_checked_event(record, 1, latest)


def test_parse_events_rejects_future_time() -> None:
    future = datetime.datetime.now(UTC) + datetime.timedelta(hours=25)
    records = [(1, event(1)), (2, event(2, time=future.isoformat()))]
    with pytest.raises(InvalidEvent) as raised:
        events.parse_events(records)
    assert [(error.line, error.field) for error in raised.value.errors] == [(2, "time")]


def test_parse_events_accepts_slightly_ahead() -> None:
    ahead = datetime.datetime.now(UTC) + datetime.timedelta(hours=23)
    parsed = events.parse_events([(4, event(1, time=ahead.isoformat()))])
    assert [line for line, _event in parsed] == [4]


# parse_events


def test_parse_events_keeps_lines_and_order() -> None:
    records = [(line, event(line)) for line in (5, 2, 9)]
    parsed = events.parse_events(records)
    assert [line for line, _event in parsed] == [5, 2, 9]
    assert [parsed_event.event_id for _line, parsed_event in parsed] == [
        "e-5",
        "e-2",
        "e-9",
    ]


def test_parse_events_lists_every_error_in_record_order() -> None:
    missing = event(3)
    del missing["service"]
    records: list[tuple[int, Any]] = [
        (1, event(1, action="read", user_id=" U1")),
        (2, event(2)),
        (3, missing),
        (4, ["not", "a", "record"]),
    ]
    with pytest.raises(InvalidEvent) as raised:
        events.parse_events(records)
    assert [(error.line, error.field) for error in raised.value.errors] == [
        (1, "user_id"),
        (1, "action"),
        (3, "service"),
        (4, ""),
    ]


def test_parse_events_empty_batch() -> None:
    assert events.parse_events([]) == []


def test_parse_events_accepts_other_mappings() -> None:
    record = MappingProxyType(event(1, source_ip="2001:DB8::1"))
    [(line, parsed)] = events.parse_events([(1, record)])
    assert line == 1
    assert parsed.source_ip == "2001:db8::1"


def test_common_path_takes_null_optional_fields() -> None:
    record = event(1, case_ref=None, source_ip=None, outcome=None)
    parsed = events._parse_common_event(record, events.latest_event_time())
    assert parsed is not None
    assert (parsed.case_ref, parsed.source_ip, parsed.outcome) == ("", "", "")


def test_str_subclass_value_accepted() -> None:
    parsed = parse_event(event(1, user_id=_Text("U1")), 1)
    assert parsed.user_id == "U1"


# Cache of validated national numbers


def test_number_cache_keeps_no_clear_number() -> None:
    number = national_number(44, birth="854730")
    validate_national_number(number)
    assert all(type(digest) is int for digest in national_numbers._VALID_NUMBERS)
    assert int(number) not in national_numbers._VALID_NUMBERS


def test_number_cache_skips_invalid_number() -> None:
    size = len(national_numbers._VALID_NUMBERS)
    with pytest.raises(ValueError, match="not a valid"):
        validate_national_number("85073003399")
    assert len(national_numbers._VALID_NUMBERS) <= size
    with pytest.raises(ValueError, match="not a valid"):
        validate_national_number("85073003399")


def test_number_cache_emptied_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(national_numbers, "VALID_NUMBER_CACHE_SIZE", 3)
    monkeypatch.setattr(national_numbers, "_VALID_NUMBERS", set())
    for serial in range(1, 6):
        validate_national_number(national_number(serial))
        assert len(national_numbers._VALID_NUMBERS) <= 3
    assert validate_national_number(national_number(1)) == national_number(1)
