"""Strict parser for RFC 5424 syslog messages that carry one access event.

The grammar is the ABNF of RFC 5424, section 6::

    SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]
    HEADER     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID

The parser rejects every deviation from that grammar, and from the rules that the
RFC states in prose, with ``SyslogParseError``:

- PRI is ``<0>`` to ``<191>`` without leading zeros, and VERSION must be ``1``.
- TIMESTAMP follows section 6.2.3: upper-case ``T`` and ``Z``, at most six digits
  of TIME-SECFRAC, no leap second, a real calendar date.
- HOSTNAME, APP-NAME, PROCID and MSGID are NILVALUE or 1 to 255, 48, 128 and 32
  PRINTUSASCII octets (33 to 126).
- An SD-ID appears at most once in a message (section 6.3.2). An SD-ID that
  contains ``@`` has the form ``name@<private enterprise number>``, the number
  being decimal sub-identifiers separated by dots (section 7.2.2).
- PARAM-VALUE is UTF-8 in shortest form (RFC 3629). Inside it ``"``, ``\\`` and
  ``]`` must be escaped as ``\\"``, ``\\\\`` and ``\\]``. A backslash before any
  other character is kept as is (section 6.3.3).
- MSG is any octets, or a BOM followed by UTF-8 (section 6.4). Vigil ignores it.
  Only SP may follow STRUCTURED-DATA, so a message without MSG that ends in LF is
  rejected.

An access event is the SD-ELEMENT whose SD-ID is ``sd_id`` (``access@32473`` by
default, 32473 being the enterprise number that RFC 5612 reserves for
documentation). Its SD-PARAMs are the event fields: each must be one of
``KNOWN_FIELDS``, none may repeat, and all of ``REQUIRED_FIELDS`` must be present.
The values are not validated here because the ingestion service does that.

Error reasons contain no message content beyond single octet values, the
numbers of PRI and VERSION, and an unknown or repeated PARAM-NAME, so a
receiver may log them. A parameter name is not personal data, and the SD-NAME
grammar limits it to 1 to 32 printable ASCII characters without spaces, so it
needs no escaping or cutting.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

DEFAULT_SD_ID = "access@32473"

REQUIRED_FIELDS = (
    "event_id",
    "time",
    "user_id",
    "application",
    "action",
    "subject",
    "service",
)
OPTIONAL_FIELDS = ("case_ref", "source_ip", "outcome")
KNOWN_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

MAX_PRIVAL = 191
SUPPORTED_VERSION = 1
# Maximum octet counts of the header fields (RFC 5424, section 6).
MAX_HOSTNAME = 255
MAX_APP_NAME = 48
MAX_PROCID = 128
MAX_MSGID = 32
MAX_SD_NAME = 32
# "YYYY-MM-DDThh:mm:ss.ffffff+hh:mm" is the longest TIMESTAMP the grammar allows.
MAX_TIMESTAMP = 32

NILVALUE = b"-"
BOM = b"\xef\xbb\xbf"

_SP = 0x20
_DIGITS = frozenset(b"0123456789")
_SD_NAME_EXCLUDED = frozenset(b'= ]"')
_ENTERPRISE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*")
# PARAM-VALUE octets: any but '"', '\' and ']', or a backslash and the octet after
# it. The match stops before the closing quote.
_PARAM_VALUE = re.compile(rb'(?:[^"\\\]]|\\.)*', re.DOTALL)
_PARAM_VALUE_ESCAPE = re.compile(r'\\(["\\\]])')


class SyslogParseError(ValueError):
    """Message that does not follow RFC 5424 or lacks a valid access element.

    ``reason`` describes what is wrong and ``offset`` is the octet offset in the message
    where the parser found it.
    """

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} at offset {offset}")
        self.reason = reason
        self.offset = offset


class SyslogUtf8Error(SyslogParseError):
    """Invalid UTF-8 in a PARAM-VALUE, or in a MSG that starts with a BOM."""


class AccessElementError(SyslogParseError):
    """Well-formed message whose access element is missing or has invalid params."""


@dataclass(frozen=True)
class SyslogMessage:
    """One parsed RFC 5424 message.

    Header fields are ``None`` where the message has NILVALUE. ``structured_data``
    maps each SD-ID, in message order, to its SD-PARAMs in message order, the
    access element included. ``event_fields`` are the access element's SD-PARAMs.
    ``msg`` contains the MSG octets as received, a BOM included, or ``None`` when
    the message has no MSG part.
    """

    facility: int
    severity: int
    version: int
    timestamp: datetime.datetime | None
    hostname: str | None
    app_name: str | None
    procid: str | None
    msgid: str | None
    structured_data: dict[str, list[tuple[str, str]]]
    event_fields: dict[str, str]
    msg: bytes | None

    @property
    def pri(self) -> int:
        """PRIVAL, the facility times 8 plus the severity."""
        return self.facility * 8 + self.severity


@dataclass(frozen=True)
class _Param:
    name: str
    value: str
    offset: int


@dataclass(frozen=True)
class _Element:
    sd_id: str
    offset: int
    params: list[_Param]


class _Reader:
    """Position in the message octets, with the checks shared by all fields."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def peek(self) -> int:
        """Return the octet at the position, or -1 at the end of the message."""
        return self.data[self.pos] if self.pos < len(self.data) else -1

    def expect_sp(self, after: str) -> None:
        octet = self.peek()
        if octet == -1:
            raise SyslogParseError(f"message ends after {after}, expected SP", self.pos)
        if octet != _SP:
            raise SyslogParseError(
                f"expected SP after {after}, found {_describe(octet)}", self.pos
            )
        self.pos += 1

    def read_digits(self, max_digits: int) -> bytes:
        """Read up to ``max_digits + 1`` ASCII digits, so callers can see overflow."""
        start = self.pos
        data = self.data
        while (
            self.pos < len(data)
            and data[self.pos] in _DIGITS
            and self.pos - start <= max_digits
        ):
            self.pos += 1
        return data[start : self.pos]


def validate_sd_id(sd_id: str) -> None:
    """Raise ValueError unless ``sd_id`` is a valid RFC 5424 SD-ID."""
    encoded = sd_id.encode("utf-8")
    if not 1 <= len(encoded) <= MAX_SD_NAME:
        raise ValueError(f"SD-ID {sd_id!r} must be 1 to {MAX_SD_NAME} octets long")
    if any(not 33 <= octet <= 126 or octet in _SD_NAME_EXCLUDED for octet in encoded):
        raise ValueError(
            f"SD-ID {sd_id!r} may contain only printable US-ASCII other than"
            " '=', ']' and '\"'"
        )
    try:
        _check_sd_id_form(sd_id, 0)
    except SyslogParseError as error:
        raise ValueError(f"SD-ID {sd_id!r} is invalid: {error.reason}") from None


def parse_message(data: bytes, sd_id: str = DEFAULT_SD_ID) -> SyslogMessage:
    """Parse one RFC 5424 message and extract the access element ``sd_id``.

    Raises SyslogParseError, or its subclasses SyslogUtf8Error and
    AccessElementError, for any invalid input. Raises ValueError for an invalid
    ``sd_id`` argument.
    """
    validate_sd_id(sd_id)
    reader = _Reader(data)
    facility, severity = _parse_pri(reader)
    version = _parse_version(reader)
    reader.expect_sp("VERSION")
    timestamp = _parse_timestamp(reader)
    hostname = _read_header_field(reader, "HOSTNAME", MAX_HOSTNAME)
    app_name = _read_header_field(reader, "APP-NAME", MAX_APP_NAME)
    procid = _read_header_field(reader, "PROCID", MAX_PROCID)
    msgid = _read_header_field(reader, "MSGID", MAX_MSGID)
    sd_offset = reader.pos
    elements = _parse_structured_data(reader)
    msg = _parse_msg(reader)
    event_fields = _extract_event_fields(elements, sd_id, sd_offset)
    return SyslogMessage(
        facility=facility,
        severity=severity,
        version=version,
        timestamp=timestamp,
        hostname=hostname,
        app_name=app_name,
        procid=procid,
        msgid=msgid,
        structured_data={
            element.sd_id: [(param.name, param.value) for param in element.params]
            for element in elements
        },
        event_fields=event_fields,
        msg=msg,
    )


def _describe(octet: int) -> str:
    if octet == _SP:
        return "SP"
    if 33 <= octet <= 126:
        return f"{chr(octet)!r}"
    return f"octet 0x{octet:02x}"


def _parse_pri(reader: _Reader) -> tuple[int, int]:
    if reader.at_end():
        raise SyslogParseError("message is empty", 0)
    if reader.peek() != ord("<"):
        raise SyslogParseError("message does not start with '<' of PRI", 0)
    reader.pos = 1
    digits = reader.read_digits(3)
    if len(digits) > 3:
        raise SyslogParseError("PRI has more than 3 digits", 1)
    octet = reader.peek()
    if octet == -1:
        raise SyslogParseError("message ends inside PRI", reader.pos)
    if octet != ord(">"):
        raise SyslogParseError(
            f"expected a digit or '>' in PRI, found {_describe(octet)}", reader.pos
        )
    if not digits:
        raise SyslogParseError("PRI has no digits", 1)
    if len(digits) > 1 and digits[0] == ord("0"):
        raise SyslogParseError("PRI has a leading zero", 1)
    prival = int(digits)
    if prival > MAX_PRIVAL:
        raise SyslogParseError(f"PRI value {prival} is out of range 0..191", 1)
    reader.pos += 1
    return divmod(prival, 8)


def _parse_version(reader: _Reader) -> int:
    start = reader.pos
    digits = reader.read_digits(3)
    if not digits:
        if reader.at_end():
            raise SyslogParseError("message ends before VERSION", start)
        raise SyslogParseError(
            f"expected VERSION digit, found {_describe(reader.peek())}", start
        )
    if len(digits) > 3:
        raise SyslogParseError("VERSION has more than 3 digits", start)
    if digits[0] == ord("0"):
        raise SyslogParseError("VERSION starts with a zero", start)
    version = int(digits)
    if version != SUPPORTED_VERSION:
        raise SyslogParseError(
            f"unsupported VERSION {version}, only VERSION 1 (RFC 5424) is supported",
            start,
        )
    return version


def _read_token(reader: _Reader, name: str, max_length: int) -> bytes:
    """Read 1 to ``max_length`` PRINTUSASCII octets and the SP that ends them."""
    data = reader.data
    start = reader.pos
    while (
        reader.pos < len(data)
        and 33 <= data[reader.pos] <= 126
        and reader.pos - start <= max_length
    ):
        reader.pos += 1
    if reader.pos - start > max_length:
        raise SyslogParseError(f"{name} is longer than {max_length} octets", start)
    octet = reader.peek()
    if octet == -1:
        where = "inside" if reader.pos > start else "before"
        raise SyslogParseError(f"message ends {where} {name}", reader.pos)
    if octet != _SP:
        raise SyslogParseError(
            f"{name} contains {_describe(octet)}, which is not PRINTUSASCII",
            reader.pos,
        )
    if reader.pos == start:
        raise SyslogParseError(f"{name} is empty (two SP in a row)", start)
    token = data[start : reader.pos]
    reader.pos += 1
    return token


def _read_header_field(reader: _Reader, name: str, max_length: int) -> str | None:
    token = _read_token(reader, name, max_length)
    return None if token == NILVALUE else token.decode("ascii")


def _parse_timestamp(reader: _Reader) -> datetime.datetime | None:
    start = reader.pos
    token = _read_token(reader, "TIMESTAMP", MAX_TIMESTAMP)
    if token == NILVALUE:
        return None
    return _TimestampParser(token.decode("ascii"), start).parse()


class _TimestampParser:
    """Parser for ``FULL-DATE "T" FULL-TIME`` (RFC 5424, section 6.2.3)."""

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset
        self.pos = 0

    def error(self, reason: str, pos: int | None = None) -> SyslogParseError:
        where = self.pos if pos is None else pos
        return SyslogParseError(reason, self.offset + where)

    def number(self, count: int, field_name: str) -> int:
        digits = self.text[self.pos : self.pos + count]
        if len(digits) != count or not all(char in "0123456789" for char in digits):
            raise self.error(f"TIMESTAMP has no {count}-digit {field_name}")
        self.pos += count
        return int(digits)

    def literal(self, char: str, position: str) -> None:
        found = self.text[self.pos : self.pos + 1]
        if found != char:
            found_text = repr(found) if found else "the end"
            raise self.error(
                f"expected {char!r} {position} in TIMESTAMP, found {found_text}"
            )
        self.pos += 1

    def parse(self) -> datetime.datetime:
        year = self.number(4, "DATE-FULLYEAR")
        self.literal("-", "after DATE-FULLYEAR")
        month = self.number(2, "DATE-MONTH")
        self.literal("-", "after DATE-MONTH")
        day = self.number(2, "DATE-MDAY")
        self._check_date(year, month, day)
        self.literal("T", "between FULL-DATE and FULL-TIME (upper case)")
        hour = self.number(2, "TIME-HOUR")
        self.literal(":", "after TIME-HOUR")
        minute = self.number(2, "TIME-MINUTE")
        self.literal(":", "after TIME-MINUTE")
        second = self.number(2, "TIME-SECOND")
        self._check_time(hour, minute, second)
        microsecond = self._parse_secfrac()
        tzinfo = self._parse_offset()
        if self.pos != len(self.text):
            raise self.error("TIMESTAMP has octets after TIME-OFFSET")
        return datetime.datetime(
            year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo
        )

    def _check_date(self, year: int, month: int, day: int) -> None:
        if year < datetime.MINYEAR:
            raise self.error("TIMESTAMP year 0000 is not supported", 0)
        if not 1 <= month <= 12:
            raise self.error(f"DATE-MONTH {month:02d} is out of range 01..12", 5)
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise self.error(
                f"DATE-MDAY {day:02d} is out of range 01..{days} for that month", 8
            )

    def _check_time(self, hour: int, minute: int, second: int) -> None:
        if hour > 23:
            raise self.error(f"TIME-HOUR {hour:02d} is out of range 00..23", 11)
        if minute > 59:
            raise self.error(f"TIME-MINUTE {minute:02d} is out of range 00..59", 14)
        if second == 60:
            raise self.error("TIMESTAMP has a leap second, which RFC 5424 forbids", 17)
        if second > 59:
            raise self.error(f"TIME-SECOND {second:02d} is out of range 00..59", 17)

    def _parse_secfrac(self) -> int:
        if self.text[self.pos : self.pos + 1] != ".":
            return 0
        self.pos += 1
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in "0123456789":
            self.pos += 1
        fraction = self.text[start : self.pos]
        if not fraction:
            raise self.error("TIME-SECFRAC has no digit after '.'")
        if len(fraction) > 6:
            raise self.error("TIME-SECFRAC has more than 6 digits", start)
        return int(fraction.ljust(6, "0"))

    def _parse_offset(self) -> datetime.tzinfo:
        sign = self.text[self.pos : self.pos + 1]
        if sign == "Z":
            self.pos += 1
            return datetime.UTC
        if sign not in ("+", "-"):
            found_text = repr(sign) if sign else "the end"
            raise self.error(
                f"expected TIME-OFFSET 'Z', '+' or '-', found {found_text}"
            )
        start = self.pos
        self.pos += 1
        hours = self.number(2, "TIME-HOUR in TIME-OFFSET")
        self.literal(":", "in TIME-NUMOFFSET")
        minutes = self.number(2, "TIME-MINUTE in TIME-OFFSET")
        if hours > 23 or minutes > 59:
            raise self.error("TIME-NUMOFFSET is out of range -23:59..+23:59", start)
        delta = datetime.timedelta(hours=hours, minutes=minutes)
        return datetime.timezone(-delta if sign == "-" else delta)


def _parse_structured_data(reader: _Reader) -> list[_Element]:
    octet = reader.peek()
    if octet == -1:
        raise SyslogParseError("message ends before STRUCTURED-DATA", reader.pos)
    if octet == NILVALUE[0]:
        reader.pos += 1
        return []
    if octet != ord("["):
        raise SyslogParseError(
            f"STRUCTURED-DATA must be '-' or start with '[', found {_describe(octet)}",
            reader.pos,
        )
    elements: list[_Element] = []
    first_offsets: dict[str, int] = {}
    while reader.peek() == ord("["):
        element = _parse_sd_element(reader)
        if element.sd_id in first_offsets:
            raise SyslogParseError(
                "SD-ID appears a second time (first at offset "
                f"{first_offsets[element.sd_id]}), which RFC 5424 forbids",
                element.offset + 1,
            )
        first_offsets[element.sd_id] = element.offset + 1
        elements.append(element)
    return elements


def _parse_sd_element(reader: _Reader) -> _Element:
    offset = reader.pos
    reader.pos += 1
    sd_id_offset = reader.pos
    sd_id = _read_sd_name(reader, "SD-ID", b" ]")
    _check_sd_id_form(sd_id, sd_id_offset)
    params: list[_Param] = []
    while reader.peek() == _SP:
        reader.pos += 1
        params.append(_parse_sd_param(reader))
    octet = reader.peek()
    if octet == -1:
        raise SyslogParseError("message ends inside SD-ELEMENT", reader.pos)
    if octet != ord("]"):
        raise SyslogParseError(
            f"expected SP or ']' after SD-PARAM, found {_describe(octet)}", reader.pos
        )
    reader.pos += 1
    return _Element(sd_id=sd_id, offset=offset, params=params)


def _read_sd_name(reader: _Reader, name: str, terminators: bytes) -> str:
    """Read an SD-NAME up to one of ``terminators``, which stays unread."""
    data = reader.data
    start = reader.pos
    while (
        reader.pos < len(data)
        and 33 <= data[reader.pos] <= 126
        and data[reader.pos] not in _SD_NAME_EXCLUDED
        and reader.pos - start <= MAX_SD_NAME
    ):
        reader.pos += 1
    if reader.pos - start > MAX_SD_NAME:
        raise SyslogParseError(f"{name} is longer than {MAX_SD_NAME} octets", start)
    octet = reader.peek()
    if octet == -1:
        raise SyslogParseError(f"message ends inside {name}", reader.pos)
    if octet not in terminators:
        raise _sd_name_end_error(name, octet, terminators, reader.pos)
    if reader.pos == start:
        raise SyslogParseError(f"{name} is empty", start)
    return data[start : reader.pos].decode("ascii")


def _sd_name_end_error(
    name: str, octet: int, terminators: bytes, offset: int
) -> SyslogParseError:
    if octet == _SP or octet in _SD_NAME_EXCLUDED:
        expected = " or ".join(_describe(item) for item in terminators)
        return SyslogParseError(
            f"expected {expected} after {name}, found {_describe(octet)}", offset
        )
    return SyslogParseError(
        f"{name} contains {_describe(octet)}, which SD-NAME does not allow", offset
    )


def _check_sd_id_form(sd_id: str, offset: int) -> None:
    """Check the ``name@<private enterprise number>`` form of RFC 5424, 6.3.2."""
    if "@" not in sd_id:
        return
    name, _, number = sd_id.partition("@")
    if "@" in number:
        raise SyslogParseError("SD-ID contains more than one '@'", offset)
    if not name:
        raise SyslogParseError("SD-ID has no name before '@'", offset)
    if not _ENTERPRISE_NUMBER.fullmatch(number):
        raise SyslogParseError(
            "SD-ID has no private enterprise number (decimal numbers separated by"
            " '.') after '@'",
            offset + len(name) + 1,
        )


def _parse_sd_param(reader: _Reader) -> _Param:
    offset = reader.pos
    name = _read_sd_name(reader, "PARAM-NAME", b"=")
    reader.pos += 1
    if reader.peek() != ord('"'):
        raise SyslogParseError("expected '\"' after '=' of SD-PARAM", reader.pos)
    reader.pos += 1
    value = _read_param_value(reader)
    return _Param(name=name, value=value, offset=offset)


def _read_param_value(reader: _Reader) -> str:
    """Read PARAM-VALUE and its closing quote, and undo the three escapes."""
    start = reader.pos
    match = _PARAM_VALUE.match(reader.data, start)
    end = match.end() if match else start
    octet = reader.data[end] if end < len(reader.data) else -1
    if octet == ord("]"):
        raise SyslogParseError("PARAM-VALUE contains ']' that is not escaped", end)
    if octet != ord('"'):
        # The match stops early only at the end of the message, or at a backslash
        # that is the last octet of the message.
        raise SyslogParseError("message ends inside PARAM-VALUE", len(reader.data))
    reader.pos = end + 1
    text = _decode_utf8(reader.data[start:end], start, "PARAM-VALUE")
    return _PARAM_VALUE_ESCAPE.sub(r"\1", text)


def _decode_utf8(raw: bytes, offset: int, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SyslogUtf8Error(
            f"{name} is not valid UTF-8", offset + error.start
        ) from None


def _parse_msg(reader: _Reader) -> bytes | None:
    octet = reader.peek()
    if octet == -1:
        return None
    if octet != _SP:
        raise SyslogParseError(
            f"expected SP or the end after STRUCTURED-DATA, found {_describe(octet)}",
            reader.pos,
        )
    start = reader.pos + 1
    msg = reader.data[start:]
    if msg.startswith(BOM):
        _decode_utf8(msg[len(BOM) :], start + len(BOM), "MSG after BOM")
    return msg


def _extract_event_fields(
    elements: list[_Element], sd_id: str, sd_offset: int
) -> dict[str, str]:
    element = next((item for item in elements if item.sd_id == sd_id), None)
    if element is None:
        raise AccessElementError(
            f"message has no {sd_id} structured-data element", sd_offset
        )
    fields: dict[str, str] = {}
    for param in element.params:
        if param.name not in KNOWN_FIELDS:
            raise AccessElementError(
                f"unknown parameter {param.name} in {sd_id} (known parameters: "
                + ", ".join(KNOWN_FIELDS)
                + ")",
                param.offset,
            )
        if param.name in fields:
            raise AccessElementError(
                f"parameter {param.name} appears twice in {sd_id}", param.offset
            )
        fields[param.name] = param.value
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise AccessElementError(
            f"{sd_id} is missing required parameters: " + ", ".join(missing),
            element.offset,
        )
    return fields
