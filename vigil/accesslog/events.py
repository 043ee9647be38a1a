"""Access events as they arrive: wire fields, validation and error reports.

Every path into the access log (REST API, uploaded files, syslog) hands each
record to ``parse_event``, or a batch of them to ``parse_events``, as a
mapping of wire field names to values, so the same rules apply everywhere.
The wire fields are:

========== ======== ==========================================================
field      required value
========== ======== ==========================================================
event_id   yes      the sender's id of the event, 1 to 128 characters from
                    ``!`` to ``~`` (RFC 5424 PRINTUSASCII); a resent event id
                    is stored once
time       yes      RFC 3339 date and time with ``Z`` or an offset, in the
                    years 1900 to 9998 in UTC; stored in UTC with millisecond
                    precision (smaller digits dropped)
user_id    yes      the USERID of the KSZ message prefix: a person's id or a
                    program number, at most 64 characters
application yes     the application that made the access, at most 100
action     yes      consult, create, modify, delete, print or export
subject    yes      the INSZ/NISS or BIS number of the data subject, 11 digits,
                    dots, dashes and spaces allowed
service    yes      the KSZ service or message type, at most 100 characters
case_ref   no       the case file, at most 100 characters
source_ip  no       IPv4 or IPv6 address of the workstation, without zone
outcome    no       the result as the application reports it, at most 40
========== ======== ==========================================================

Text values must be strings without control characters and without leading
or trailing spaces. An absent field, JSON ``null`` and the empty string all
mean "not given". Unknown fields are rejected.

An error never shows a national number: the ``subject`` value in an
``EventError`` keeps only its first and last two digits.
"""

import datetime
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from django.utils.translation import gettext as _

from vigil.accesslog.encoding import canonical_address, canonical_time
from vigil.accesslog.error_tally import ErrorTally
from vigil.accesslog.field_hints import closest_field
from vigil.accesslog.models import Action
from vigil.accesslog.national_numbers import (
    NATIONAL_NUMBER_LENGTH,
    NumberOrigin,
    compact_national_number,
    is_valid_compact_number,
    mask_national_number,
)

# Re-exported for the modules that validate a number outside an event.
from vigil.accesslog.national_numbers import (
    validate_national_number as validate_national_number,
)
from vigil.isodate import FIRST_YEAR, LAST_YEAR

EVENT_ID_MAX_LENGTH = 128
USER_ID_MAX_LENGTH = 64
APPLICATION_MAX_LENGTH = 100
SERVICE_MAX_LENGTH = 100
CASE_REF_MAX_LENGTH = 100
OUTCOME_MAX_LENGTH = 40
# An event time further ahead of the server clock than this is a clock error
# at the sender. Such an entry would also hold back expiry of every later
# entry, because entries expire in index order.
MAX_FUTURE_SKEW = datetime.timedelta(hours=24)
# Values longer than this are cut in error messages.
SHOWN_VALUE_LENGTH = 60

# The unit of a record's number: its line in a file or body (JSON lines,
# CSV, syslog), or its position in a JSON array, from 1.
type PositionUnit = Literal["line", "record"]

# (line, record) pairs, as the file parsers return them for ``ingest_events``.
type Records = list[tuple[int, Mapping[str, object]]]
# (line, record) pairs as received, where a record may also be another JSON
# value that a sender put in an array, which validation rejects.
type ReceivedRecords = Sequence[tuple[int, object]]

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
WIRE_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
ACTIONS = frozenset(action.value for action in Action)

_WIRE_FIELD_SET = frozenset(WIRE_FIELDS)
_EVENT_ID = re.compile(r"[!-~]{1,128}")
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
)


class AccessEvent(NamedTuple):
    """A validated access event, with its time in UTC truncated to milliseconds.

    ``subject`` is the compact national number in clear. It exists only in
    memory between validation and pseudonymisation, and ``repr`` masks it.
    A named tuple, because ingestion makes one per event and a frozen
    dataclass takes several times longer to build.
    """

    event_id: str
    time: datetime.datetime
    # The time as the leaf writes it: UTC ``YYYY-MM-DDTHH:MM:SS.mmmZ``.
    time_text: str
    user_id: str
    application: str
    action: str
    subject: str
    service: str
    case_ref: str = ""
    source_ip: str = ""
    outcome: str = ""

    def __repr__(self) -> str:
        return (
            f"AccessEvent(event_id={self.event_id!r}, time={self.time.isoformat()}, "
            f"user_id={self.user_id!r}, action={self.action!r}, "
            f"subject={mask_national_number(self.subject)!r})"
        )


class EventError(NamedTuple):
    """One invalid field of one record: where, which value, and why.

    ``line`` is the record's line, or its position in a JSON array
    (``PositionUnit``). ``field`` is the wire field name, or "" for a problem
    with the whole record. ``value_shown`` is safe to display: cut to a
    readable length and masked for ``subject``. A named tuple, because a
    batch of empty records makes one per required field of every record,
    and a frozen dataclass takes several times longer to build.
    """

    line: int
    field: str
    value_shown: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field:
            where += f", field {self.field}"
        if self.value_shown:
            where += f" ({self.value_shown})"
        return f"{where}: {self.reason}"


def describe_position(unit: PositionUnit, number: int) -> str:
    """Return the translated "line N" or "record N" of a record."""
    if unit == "record":
        return _("record %(number)d") % {"number": number}
    return _("line %(number)d") % {"number": number}


def event_error_tally(errors: Iterable[EventError]) -> ErrorTally[EventError]:
    """Return the tally of errors given in the order of their records."""
    return ErrorTally.of((error.line, error) for error in errors)


class InvalidEvent(ValueError):
    """Records have invalid fields: ``tally`` counts the errors and lists the first.

    ``errors`` are the listed errors. ``valid`` holds the ``(line, event)``
    pairs of the batch's records that are valid, as ``parse_events`` found
    them, so that a caller can report their errors of another kind, such as
    reused event ids, at the same time.
    """

    def __init__(
        self,
        errors: Sequence[EventError] | ErrorTally[EventError],
        valid: Sequence[tuple[int, AccessEvent]] = (),
    ) -> None:
        if isinstance(errors, ErrorTally):
            self.tally = errors
        else:
            self.tally = event_error_tally(errors)
        self.errors = self.tally.errors
        self.valid = list(valid)
        super().__init__("; ".join(str(error) for error in self.errors))


class ParseError(ValueError):
    """A file or body is not valid JSON or CSV.

    ``errors`` lists ``(line, reason)`` pairs, one per bad line where the
    format allows going on after an error, otherwise just the first. In a
    JSON array the number is the record's position, as in ``EventError``.
    ``tally`` counts them, and ``errors`` are the ones that it lists.
    ``records`` holds the records that could be read in spite of the errors,
    for a report of their own errors, or is None if there are none to check.
    ``skipped_fields`` names the fields whose absence is already reported,
    such as columns missing from a CSV header.
    """

    def __init__(
        self,
        errors: Sequence[tuple[int, str]] | ErrorTally[str],
        *,
        records: ReceivedRecords | None = None,
        skipped_fields: frozenset[str] = frozenset(),
    ) -> None:
        if isinstance(errors, ErrorTally):
            self.tally = errors
        else:
            self.tally = ErrorTally.of(errors)
        self.errors = self.tally.listed
        self.records = records
        self.skipped_fields = skipped_fields
        super().__init__(
            "; ".join(f"line {line}: {reason}" for line, reason in self.errors)
        )


class _InvalidValue(Exception):
    """Raised by a field check with the reason to report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Field checks: each returns the stored value or raises _InvalidValue.


def _check_text(value: object, maximum: int) -> str:
    if not isinstance(value, str):
        raise _InvalidValue(_("must be a string"))
    if len(value) > maximum:
        raise _InvalidValue(
            _("is %(length)d characters long, the maximum is %(maximum)d")
            % {"length": len(value), "maximum": maximum}
        )
    if not value.isprintable():
        raise _InvalidValue(_("contains a control or non-printable character"))
    if value[0] == " " or value[-1] == " ":
        raise _InvalidValue(_("has leading or trailing spaces"))
    return value


def _check_event_id(value: object) -> str:
    if not isinstance(value, str):
        raise _InvalidValue(_("must be a string"))
    if not _EVENT_ID.fullmatch(value):
        raise _InvalidValue(
            _(
                "must be 1 to 128 printable ASCII characters without spaces "
                "(from ! to ~)"
            )
        )
    return value


def _check_time(value: object) -> datetime.datetime:
    """Return the time in UTC, not yet truncated or compared with the clock.

    The time must lie in the years that every date input of Vigil accepts,
    so that an export, a search and a detection run can cover it.
    """
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise _InvalidValue(_("has no time zone offset"))
        moment = value
    elif isinstance(value, str):
        moment = _parse_rfc3339(value)
    else:
        raise _InvalidValue(
            _(
                "must be a string with an RFC 3339 time, for example "
                "2026-03-02T09:15:30Z"
            )
        )
    try:
        moment = moment.astimezone(datetime.UTC)
    except OverflowError:
        raise _InvalidValue(_outside_years_reason()) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise _InvalidValue(_outside_years_reason())
    return moment


def _outside_years_reason() -> str:
    return _(
        "is outside the years %(first)d to %(last)d (in UTC) that Vigil accepts"
    ) % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def _check_time_limit(
    moment: datetime.datetime, latest: datetime.datetime
) -> datetime.datetime:
    """Return a UTC time truncated to milliseconds, unless it is after ``latest``."""
    if moment > latest:
        raise _InvalidValue(
            _(
                "is more than 24 hours in the future, so the clock of the "
                "sending system is probably wrong"
            )
        )
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _parse_rfc3339(text: str) -> datetime.datetime:
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise _InvalidValue(
            _(
                "is not an RFC 3339 time with an offset, for example "
                "2026-03-02T10:15:30.250+01:00 or 2026-03-02T09:15:30Z"
            )
        )
    fraction = match.group(1) or ""
    offset = match.group(2)
    # datetime accepts at most six fraction digits, and only milliseconds
    # are kept, so the fraction is cut to three digits before parsing.
    base = text[:10] + "T" + text[11:19] + fraction[:4]
    base += "+00:00" if offset in ("Z", "z") else offset
    try:
        return datetime.datetime.fromisoformat(base)
    except ValueError:
        raise _InvalidValue(_invalid_time_reason(text)) from None


def _invalid_time_reason(text: str) -> str:
    """Return why a text of the RFC 3339 form is no date and time."""
    if text.isascii():
        try:
            datetime.date.fromisoformat(text[:10])
        except ValueError:
            return _("names a day that does not exist in the calendar")
        if text[11:13] > "23" or text[14:16] > "59":
            return _("has an hour above 23 or a minute above 59")
        if text[17:19] == "60":
            return _("has a leap second (:60), which is not accepted")
        if text[17:19] > "60":
            return _("has a second above 59")
    return _(
        "is not a valid date and time (leap seconds and offsets of "
        "24 hours or more are not accepted)"
    )


def _check_action(value: object) -> str:
    # A JSON array or object is not hashable, so it is rejected before the
    # set lookup.
    if not isinstance(value, str) or value not in ACTIONS:
        raise _InvalidValue(
            _("must be one of %(actions)s") % {"actions": ", ".join(Action.values)}
        )
    return str(value)


def _check_subject(value: object, origin: NumberOrigin = "file") -> str:
    if not isinstance(value, str):
        raise _InvalidValue(_("must be a string (a number loses its leading zero)"))
    try:
        return validate_national_number(value, origin)
    except ValueError as error:
        raise _InvalidValue(str(error)) from None


def _check_source_ip(value: object) -> str:
    if not isinstance(value, str):
        raise _InvalidValue(_("must be a string"))
    if "%" in value:
        raise _InvalidValue(_("must be an address without a zone index (%)"))
    try:
        return canonical_address(value)
    except ValueError:
        raise _InvalidValue(_("is not an IPv4 or IPv6 address")) from None


def _text_check(maximum: int) -> Callable[[object], str]:
    def check(value: object) -> str:
        return _check_text(value, maximum)

    return check


_CHECKS: tuple[tuple[str, Callable[[object], Any], bool], ...] = (
    ("event_id", _check_event_id, True),
    ("time", _check_time, True),
    ("user_id", _text_check(USER_ID_MAX_LENGTH), True),
    ("application", _text_check(APPLICATION_MAX_LENGTH), True),
    ("action", _check_action, True),
    ("subject", _check_subject, True),
    ("service", _text_check(SERVICE_MAX_LENGTH), True),
    ("case_ref", _text_check(CASE_REF_MAX_LENGTH), False),
    ("source_ip", _check_source_ip, False),
    ("outcome", _text_check(OUTCOME_MAX_LENGTH), False),
)


def show_value(name: str, value: object) -> str:
    """Return ``value`` as it may appear in an error: cut, and masked for subject."""
    if name == "subject":
        return mask_national_number(value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > SHOWN_VALUE_LENGTH:
        return text[: SHOWN_VALUE_LENGTH - 1] + "…"
    return text


def latest_event_time() -> datetime.datetime:
    """Return the latest event time accepted now: the clock plus MAX_FUTURE_SKEW."""
    return datetime.datetime.now(datetime.UTC) + MAX_FUTURE_SKEW


def parse_event(
    mapping: Mapping[str, object], line: int, origin: NumberOrigin = "file"
) -> AccessEvent:
    """Validate one record and return the event, or raise InvalidEvent.

    InvalidEvent lists every problem of the record, one ``EventError`` per
    field, so that a sender can fix them all at once. ``origin`` chooses the
    hint for a subject of 10 digits.
    """
    latest = latest_event_time()
    if type(mapping) is dict:
        event = _parse_common_event(mapping, latest)
        if event is not None:
            return event
    return _parse_checked_event(mapping, line, latest, origin)


def parse_events(
    records: Iterable[tuple[int, object]],
    *,
    skipped_fields: frozenset[str] = frozenset(),
    origin: NumberOrigin = "file",
) -> list[tuple[int, AccessEvent]]:
    """Validate ``(line, record)`` pairs and return ``(line, event)`` pairs.

    Applies the rules of ``parse_event``, with ``origin`` for the hint on a
    subject of 10 digits, to every record, and reads the clock
    once for the future-time limit of all of them. Raises InvalidEvent with
    the tally of every error of every record, in record order, and the valid
    records. The errors of ``skipped_fields``, whose absence the caller has
    already reported, are left out of the tally, but their records are
    still invalid.
    """
    latest = latest_event_time()
    parsed: list[tuple[int, AccessEvent]] = []
    tally: ErrorTally[EventError] = ErrorTally()
    reasons = _RecordReasons.translated()
    invalid_records = 0
    for line, mapping in records:
        event = None
        if type(mapping) is dict:
            event = _parse_common_event(mapping, latest)
        if event is None:
            checked = _event_or_errors(mapping, line, latest, reasons, origin)
            if isinstance(checked, list):
                invalid_records += 1
                for error in checked:
                    if error.field not in skipped_fields:
                        tally.add(line, error)
                continue
            event = checked
        parsed.append((line, event))
    if invalid_records:
        raise InvalidEvent(tally, parsed)
    return parsed


def _parse_checked_event(
    mapping: object,
    line: int,
    latest: datetime.datetime,
    origin: NumberOrigin = "file",
) -> AccessEvent:
    """Run every field check on one record, as ``parse_event`` describes.

    ``latest`` is the latest event time accepted, from ``latest_event_time``.
    """
    checked = _event_or_errors(mapping, line, latest, origin=origin)
    if isinstance(checked, list):
        raise InvalidEvent(checked)
    return checked


class _RecordReasons(NamedTuple):
    """The translated reasons for problems of a whole record or a missing field.

    ``parse_events`` translates them once per batch, because a batch of empty
    records has an error for every required field of every record, and
    translating each took most of the time of rejecting it.
    """

    not_object: str
    unknown_field: str
    missing: str
    empty: str
    # The reason for an unknown field that resembles a wire field, by that
    # field, translated when first needed.
    near_field: dict[str, str]

    @classmethod
    def translated(cls) -> "_RecordReasons":
        return cls(
            _("the record is not an object of field names and values"),
            _("is not a field of an access event, which has the fields %(fields)s")
            % {"fields": ", ".join(WIRE_FIELDS)},
            _("is missing"),
            _("is empty"),
            {},
        )

    def unknown(self, name: str) -> str:
        """Return the reason for the unknown field ``name``, with the likely field."""
        field = closest_field(name, WIRE_FIELDS)
        if field is None:
            return self.unknown_field
        reason = self.near_field.get(field)
        if reason is None:
            reason = _(
                "is not a field of an access event. Did you mean %(field)s? The "
                "fields are %(fields)s"
            ) % {"field": field, "fields": ", ".join(WIRE_FIELDS)}
            self.near_field[field] = reason
        return reason


def _event_or_errors(
    mapping: object,
    line: int,
    latest: datetime.datetime,
    reasons: _RecordReasons | None = None,
    origin: NumberOrigin = "file",
) -> AccessEvent | list[EventError]:
    """Return the event of a record, or every error of the record in field order.

    ``origin`` chooses the hint for a subject of 10 digits.
    """
    if reasons is None:
        reasons = _RecordReasons.translated()
    if not isinstance(mapping, Mapping):
        # The value is not shown, because it may be a national number.
        return [EventError(line, "", "", reasons.not_object)]
    errors = [
        EventError(
            line,
            str(name),
            show_value(str(name), mapping[name]),
            reasons.unknown(str(name)),
        )
        for name in sorted(mapping.keys() - _WIRE_FIELD_SET, key=str)
    ]
    values: dict[str, Any] = {}
    for name, check, required in _CHECKS:
        value = mapping.get(name)
        if value is None or value == "":
            if required:
                reason = reasons.missing if value is None else reasons.empty
                errors.append(EventError(line, name, "", reason))
            continue
        try:
            checked: Any
            if name == "subject":
                checked = _check_subject(value, origin)
            else:
                checked = check(value)
            if name == "time":
                checked = _check_time_limit(checked, latest)
            values[name] = checked
        except _InvalidValue as problem:
            shown = show_value(name, value)
            errors.append(EventError(line, name, shown, problem.reason))
    if errors:
        return errors
    return AccessEvent(**values, time_text=canonical_time(values["time"]))


# The common case of a valid record, checked without building error reports
# and without a function call per field, because ingestion runs it for every
# event. It accepts a subset of what the field checks above accept and
# returns the same values. On anything else it returns None, and the caller
# runs the field checks, which then report or accept the record.

# Three fraction digits with a ``T``: datetime.fromisoformat reads this form
# exactly as _parse_rfc3339 does, and the microseconds are already whole
# milliseconds.
_COMMON_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})"
)
_REQUIRED_FIELD_COUNT = len(REQUIRED_FIELDS)
# tuple.__new__ builds the named tuple in C, in about half the time of the
# generated AccessEvent.__new__, which handles defaults and keywords.
_new_tuple = tuple.__new__


def _parse_common_event(
    mapping: dict[str, object], latest: datetime.datetime
) -> AccessEvent | None:
    """Return the event of a valid record in its common form, or None.

    ``latest`` is the latest event time accepted, from ``latest_event_time``.
    """
    try:
        event_id = mapping["event_id"]
        time = mapping["time"]
        user_id = mapping["user_id"]
        application = mapping["application"]
        action = mapping["action"]
        subject = mapping["subject"]
        service = mapping["service"]
    except KeyError:
        return None
    # With every required field present, a record of this length has no
    # other field, so the check for unknown fields is needed only above it.
    case_ref = source_ip = outcome = None
    if len(mapping) != _REQUIRED_FIELD_COUNT:
        if not _WIRE_FIELD_SET.issuperset(mapping):
            return None
        case_ref = mapping.get("case_ref")
        source_ip = mapping.get("source_ip")
        outcome = mapping.get("outcome")
    # Each text check below is the one of _check_text, and for event_id the
    # one of _EVENT_ID: ASCII, printable and without spaces is ! to ~.
    if not (
        type(event_id) is str
        and 0 < len(event_id) <= EVENT_ID_MAX_LENGTH
        and event_id.isascii()
        and event_id.isprintable()
        and " " not in event_id
        and type(user_id) is str
        and 0 < len(user_id) <= USER_ID_MAX_LENGTH
        and user_id.isprintable()
        and user_id[0] != " "
        and user_id[-1] != " "
        and type(application) is str
        and 0 < len(application) <= APPLICATION_MAX_LENGTH
        and application.isprintable()
        and application[0] != " "
        and application[-1] != " "
        and type(service) is str
        and 0 < len(service) <= SERVICE_MAX_LENGTH
        and service.isprintable()
        and service[0] != " "
        and service[-1] != " "
        and type(action) is str
        and action in ACTIONS
        and type(subject) is str
        and type(time) is str
        and _COMMON_TIME.fullmatch(time) is not None
    ):
        return None
    if case_ref is None or case_ref == "":
        case_ref = ""
    elif not (
        type(case_ref) is str
        and len(case_ref) <= CASE_REF_MAX_LENGTH
        and case_ref.isprintable()
        and case_ref[0] != " "
        and case_ref[-1] != " "
    ):
        return None
    if outcome is None or outcome == "":
        outcome = ""
    elif not (
        type(outcome) is str
        and len(outcome) <= OUTCOME_MAX_LENGTH
        and outcome.isprintable()
        and outcome[0] != " "
        and outcome[-1] != " "
    ):
        return None
    try:
        moment = datetime.datetime.fromisoformat(time)
        if moment.tzinfo is datetime.UTC:
            # The text ends in "Z" or "+00:00" after the milliseconds, so its
            # first 23 characters and "Z" are the leaf's form of the time.
            time_text = time[:23] + "Z"
        else:
            moment = moment.astimezone(datetime.UTC)
            time_text = canonical_time(moment)
    except (ValueError, OverflowError):
        return None
    if moment > latest or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    if (
        len(subject) == NATIONAL_NUMBER_LENGTH
        and subject.isdigit()
        and subject.isascii()
    ):
        number = subject
    else:
        number = compact_national_number(subject)
        if (
            len(number) != NATIONAL_NUMBER_LENGTH
            or not number.isascii()
            or not number.isdigit()
        ):
            return None
    if not is_valid_compact_number(number):
        return None
    if source_ip is None or source_ip == "":
        source_ip = ""
    elif type(source_ip) is not str or "%" in source_ip:
        return None
    else:
        try:
            source_ip = canonical_address(source_ip)
        except ValueError:
            return None
    return _new_tuple(
        AccessEvent,
        (
            event_id,
            moment,
            time_text,
            user_id,
            application,
            action,
            number,
            service,
            case_ref,
            source_ip,
            outcome,
        ),
    )
