"""Canonical leaf bytes of an access-log entry, version 1.

The leaf of entry ``index`` is one JSON object, serialised as RFC 8785 (JSON
Canonicalization Scheme) prescribes and encoded in UTF-8:

- the 13 members below, always all present, keys sorted by code point;
- no whitespace between tokens;
- strings escape only ``"``, ``\\`` and U+0000 to U+001F (as ``\\b``, ``\\t``,
  ``\\n``, ``\\f``, ``\\r`` or ``\\u00xx`` with lowercase hex), and every other
  character is written as itself;
- ``index`` and ``v`` are integers in plain decimal.

======================= =====================================================
member                  value
======================= =====================================================
``action``              the action, e.g. ``consult``
``application``         the application
``case_ref``            the case file, or ""
``event_id``            the sender's event id
``index``               the leaf index in the log, from 0
``log``                 the log's checkpoint origin
``outcome``             the outcome, or ""
``service``             the KSZ service or message type
``source_ip``           the source address in compressed form, or ""
``subject_pseudonym``   the pseudonym of the data subject (64 hex digits)
``time``                UTC time ``YYYY-MM-DDTHH:MM:SS.mmmZ``
``user_id``             the USERID
``v``                   1, the version of this encoding
======================= =====================================================

The leaf contains its own index and the log's origin, so that a leaf copied
to another position or into another organisation's log no longer matches
the tree, and an auditor who has only the leaf bytes can tell where they
belong. The leaf hash is SHA-256(0x00 || leaf bytes), as in RFC 9162.

This module imports no Django code, because the verification streams rows
through it.
"""

import datetime
import ipaddress
import json
import re
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any, NamedTuple

LEAF_VERSION = 1
LEAF_KEYS = (
    "action",
    "application",
    "case_ref",
    "event_id",
    "index",
    "log",
    "outcome",
    "service",
    "source_ip",
    "subject_pseudonym",
    "time",
    "user_id",
    "v",
)

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Four decimal octets without leading zeros, which is already canonical.
_DOTTED_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")

# The same serialisation as json.dumps(..., sort_keys=True, ensure_ascii=False,
# separators=(",", ":")), written out because this runs for every entry.
_TEMPLATE = (
    '{"action":%s,"application":%s,"case_ref":%s,"event_id":%s,"index":%d,'
    '"log":%s,"outcome":%s,"service":%s,"source_ip":%s,'
    '"subject_pseudonym":%s,"time":%s,"user_id":%s,"v":1}'
)

# The leaf up to and after the digits of its index, for callers that encode
# an event before they know its index.
_HEAD_TEMPLATE, _TAIL_TEMPLATE = _TEMPLATE.split("%d")


class LeafFields(NamedTuple):
    """The stored content of an entry that its leaf bytes cover, without the log.

    ``leaf_index`` is the ``index`` member (``index`` would hide ``tuple.index``).
    """

    leaf_index: int
    event_id: str
    time: str
    user_id: str
    application: str
    action: str
    subject_pseudonym: str
    service: str
    case_ref: str
    source_ip: str
    outcome: str


def canonical_address(text: str) -> str:
    """Return an IP address in the leaf's form, or raise ValueError.

    IPv4 is dotted decimal, IPv6 the RFC 5952 form that Python's ``ipaddress``
    writes, except that IPv4-mapped addresses are ``::ffff:`` plus dotted
    decimal whatever the Python version. The form does not depend on how the
    database returns the column: PostgreSQL's ``inet`` output may differ.
    """
    if _DOTTED_IPV4.fullmatch(text):
        return text
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def canonical_time(moment: datetime.datetime) -> str:
    """Return an aware time as UTC ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    if moment.tzinfo is not datetime.UTC:
        moment = moment.astimezone(datetime.UTC)
    # isoformat of a UTC time ends in "+00:00", which the leaf writes as "Z".
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def encode_leaf(origin: str, fields: LeafFields) -> bytes:
    """Return the canonical leaf bytes of an entry of the log ``origin``.

    Text that is not valid Unicode (a lone surrogate, which validation never
    lets in) is encoded with ``surrogatepass``, so that a tampered row yields
    bytes that differ from the stored leaf instead of an exception.
    """
    head, tail = encode_leaf_around_index(origin, fields)
    return b"%b%d%b" % (head, fields.leaf_index, tail)


def encode_leaf_around_index(origin: str, fields: LeafFields) -> tuple[bytes, bytes]:
    """Return the leaf bytes before and after the index digits.

    ``head + b"%d" % index + tail`` equals ``encode_leaf`` of ``fields`` with
    ``index`` as its leaf index; ``fields.leaf_index`` is not used.
    """
    quote = encode_basestring
    head = _HEAD_TEMPLATE % (
        quote(fields.action),
        quote(fields.application),
        quote(fields.case_ref),
        quote(fields.event_id),
    )
    tail = _TAIL_TEMPLATE % (
        quote(origin),
        quote(fields.outcome),
        quote(fields.service),
        quote(fields.source_ip),
        quote(fields.subject_pseudonym),
        quote(fields.time),
        quote(fields.user_id),
    )
    return head.encode("utf-8", "surrogatepass"), tail.encode("utf-8", "surrogatepass")


class LeafEncoder:
    """Encoder of the leaves of one log around their index, for many events.

    It writes the bytes of ``encode_leaf_around_index`` with fewer steps per
    event, because ingestion encodes every event of a batch. The origin is
    quoted once. The action, time and pseudonym are copied as they are,
    because their validated forms need no escaping.
    """

    def __init__(self, origin: str) -> None:
        # The quoted origin goes into the template, so its "%" are doubled.
        log = encode_basestring(origin).replace("%", "%%")
        self._head = _HEAD_TEMPLATE.replace('"action":%s', '"action":"%s"')
        self._tail = (
            _TAIL_TEMPLATE.replace('"log":%s', '"log":' + log)
            .replace('"subject_pseudonym":%s', '"subject_pseudonym":"%s"')
            .replace('"time":%s', '"time":"%s"')
        )

    def around_index(
        self,
        event_id: str,
        time: str,
        user_id: str,
        application: str,
        action: str,
        subject_pseudonym: str,
        service: str,
        case_ref: str,
        source_ip: str,
        outcome: str,
    ) -> tuple[bytes, bytes]:
        """Return the leaf bytes before and after the index digits.

        The arguments are the ``LeafFields`` without the index, validated:
        ``action`` one of the actions, ``time`` in the leaf's form and
        ``subject_pseudonym`` 64 hex digits. Other text is escaped as usual.
        """
        quote = encode_basestring
        head = self._head % (
            action,
            quote(application),
            quote(case_ref),
            quote(event_id),
        )
        tail = self._tail % (
            quote(outcome),
            quote(service),
            quote(source_ip),
            subject_pseudonym,
            time,
            quote(user_id),
        )
        return head.encode("utf-8", "surrogatepass"), tail.encode(
            "utf-8", "surrogatepass"
        )


def leaf_object(origin: str, fields: LeafFields) -> dict[str, Any]:
    """Return the leaf as a dict, which ``json.dumps`` serialises canonically."""
    values: dict[str, Any] = fields._asdict()
    values["index"] = values.pop("leaf_index")
    values["log"] = origin
    values["v"] = LEAF_VERSION
    return values


def decode_leaf(leaf: bytes) -> Mapping[str, Any]:
    """Parse leaf bytes and check that they are canonical version-1 leaf bytes.

    Raises ValueError naming the problem.
    """
    try:
        value = json.loads(leaf.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"leaf is not UTF-8 JSON: {error}") from error
    if not isinstance(value, dict) or tuple(sorted(value)) != LEAF_KEYS:
        raise ValueError(f"leaf does not have exactly the members {LEAF_KEYS}")
    if value["v"] != LEAF_VERSION:
        raise ValueError(f"leaf has version {value['v']!r}, expected {LEAF_VERSION}")
    index = value["index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise ValueError(f"leaf index {index!r} is not a non-negative integer")
    for key in LEAF_KEYS:
        if key not in ("index", "v") and not isinstance(value[key], str):
            raise ValueError(f"leaf member {key} is not a string")
    try:
        canonical = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    except UnicodeEncodeError:
        # A JSON escape of a lone surrogate, such as "\ud800", decodes to
        # text that UTF-8 cannot encode, so the leaf has no canonical bytes.
        raise ValueError("leaf bytes are not in canonical form") from None
    if canonical != leaf:
        raise ValueError("leaf bytes are not in canonical form")
    return value
