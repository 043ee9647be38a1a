"""Canonical leaf bytes: the fast encoder equals canonical JSON, decoding checks."""

import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.accesslog import verification_sql, verify_cli_checks
from vigil.accesslog.encoding import (
    LEAF_KEYS,
    LEAF_VERSION,
    LeafEncoder,
    LeafFields,
    canonical_address,
    canonical_time,
    decode_leaf,
    encode_leaf,
    encode_leaf_around_index,
    leaf_object,
)

ORIGIN = "vigil.accesslog/0999999922/centre-a"
FIELDS = LeafFields(
    leaf_index=3,
    event_id="e-1",
    time="2026-03-02T09:15:30.250Z",
    user_id="U123456",
    application="social-file",
    action="consult",
    subject_pseudonym="ab" * 32,
    service="IdentifyPerson",
    case_ref="",
    source_ip="10.1.2.3",
    outcome="",
)


def canonical_json(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def test_leaf_bytes_exact() -> None:
    assert encode_leaf(ORIGIN, FIELDS) == (
        b'{"action":"consult","application":"social-file","case_ref":"",'
        b'"event_id":"e-1","index":3,"log":"vigil.accesslog/0999999922/centre-a",'
        b'"outcome":"","service":"IdentifyPerson","source_ip":"10.1.2.3",'
        b'"subject_pseudonym":"' + b"ab" * 32 + b'","time":"2026-03-02T09:15:30.250Z",'
        b'"user_id":"U123456","v":1}'
    )


def test_leaf_keys_sorted() -> None:
    assert list(LEAF_KEYS) == sorted(LEAF_KEYS)
    assert tuple(sorted(leaf_object(ORIGIN, FIELDS))) == LEAF_KEYS


def test_offline_verifier_uses_same_leaf_members() -> None:
    # The offline verifier keeps its own copy, because it imports no module
    # of the application outside vigil.ledger.
    assert verify_cli_checks.LEAF_KEYS == LEAF_KEYS
    assert verify_cli_checks.LEAF_VERSION == LEAF_VERSION


def test_sqlite_verification_writes_same_leaf_members() -> None:
    members = tuple(name for name, _ in verification_sql._SQLITE_MEMBERS)
    assert members == LEAF_KEYS


text = st.text(max_size=30)


@given(
    index=st.integers(min_value=0, max_value=2**53),
    values=st.lists(text, min_size=10, max_size=10),
)
def test_encoder_equals_canonical_json(index: int, values: list[str]) -> None:
    fields = LeafFields(index, *values)
    origin = values[0] + "/log"
    leaf = encode_leaf(origin, fields)
    assert leaf == canonical_json(leaf_object(origin, fields))


@given(
    index=st.integers(min_value=0, max_value=2**53),
    values=st.lists(text, min_size=10, max_size=10),
)
def test_leaf_around_index_joins_to_the_leaf(index: int, values: list[str]) -> None:
    fields = LeafFields(index, *values)
    origin = values[-1] + "/log"
    head, tail = encode_leaf_around_index(origin, fields._replace(leaf_index=7))
    leaf = head + b"%d" % index + tail
    assert leaf == canonical_json(leaf_object(origin, fields))


@given(
    index=st.integers(min_value=0, max_value=2**53),
    texts=st.lists(text, min_size=7, max_size=7),
    action=st.sampled_from(["consult", "create", "modify", "delete", "print"]),
    moment=st.datetimes(timezones=st.just(datetime.UTC)),
    pseudonym=st.binary(min_size=32, max_size=32),
)
def test_leaf_encoder_equals_canonical_json(
    index: int,
    texts: list[str],
    action: str,
    moment: datetime.datetime,
    pseudonym: bytes,
) -> None:
    event_id, user_id, application, service, case_ref, source_ip, outcome = texts
    time = canonical_time(moment)
    origin = '%s "log" %d ' + user_id
    head, tail = LeafEncoder(origin).around_index(
        event_id,
        time,
        user_id,
        application,
        action,
        pseudonym.hex(),
        service,
        case_ref,
        source_ip,
        outcome,
    )
    fields = LeafFields(
        index,
        event_id,
        time,
        user_id,
        application,
        action,
        pseudonym.hex(),
        service,
        case_ref,
        source_ip,
        outcome,
    )
    assert head + b"%d" % index + tail == canonical_json(leaf_object(origin, fields))


def test_escapes_quotes_and_controls() -> None:
    fields = FIELDS._replace(application='say "hi"\\\n\x01é')
    leaf = encode_leaf(ORIGIN, fields)
    assert b'"application":"say \\"hi\\"\\\\\\n\\u0001\xc3\xa9"' in leaf


def test_decode_round_trip() -> None:
    decoded = decode_leaf(encode_leaf(ORIGIN, FIELDS))
    assert decoded["index"] == 3
    assert decoded["log"] == ORIGIN
    assert decoded["v"] == 1


@pytest.mark.parametrize(
    "leaf",
    [
        b"not json",
        b'{"v":1}',
        encode_leaf(ORIGIN, FIELDS).replace(b'"v":1', b'"v":2'),
        encode_leaf(ORIGIN, FIELDS).replace(b",", b", ", 1),
        encode_leaf(ORIGIN, FIELDS).replace(b'"index":3', b'"index":-3'),
    ],
)
def test_decode_rejects_non_canonical(leaf: bytes) -> None:
    with pytest.raises(ValueError, match="leaf"):
        decode_leaf(leaf)


def test_decode_rejects_lone_surrogate_escape() -> None:
    leaf = encode_leaf(ORIGIN, FIELDS).replace(b'"U123456"', b'"\\ud800"')
    with pytest.raises(ValueError, match=r"^leaf bytes are not in canonical form$"):
        decode_leaf(leaf)


def test_canonical_time_utc_milliseconds() -> None:
    brussels = datetime.timezone(datetime.timedelta(hours=1))
    moment = datetime.datetime(2026, 3, 2, 10, 15, 30, 250999, brussels)
    assert canonical_time(moment) == "2026-03-02T09:15:30.250Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1.2.3", "10.1.2.3"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
        ("::ffff:a01:203", "::ffff:10.1.2.3"),
        ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    ],
)
def test_canonical_address(value: str, expected: str) -> None:
    assert canonical_address(value) == expected
