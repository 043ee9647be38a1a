"""ISO 8601 date and time input shared by every form and command.

Vigil accepts dates as YYYY-MM-DD and times as YYYY-MM-DDTHH:MM only, because
11/01/2026 means a different day to different readers. A rejected value is
echoed with the reason, so "2027-02-30" gets "February 2027 has 28 days"
rather than a format reminder.

A time without an offset is a local time of the current time zone
(settings.TIME_ZONE unless a view activated another). When the clocks go
forward, a local time in the skipped hour does not exist, and when they go
back, the local times of one hour occur twice. Both are rejected with the
hour and the fix, instead of being silently moved or given one of the two
readings. A time with an offset or Z is taken as given.
"""

import argparse
import calendar
import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.translation import gettext as _

DATE_FORMATS = ["%Y-%m-%d"]
# re.ASCII: \d matches 0 to 9 only, not the other digits that int() reads,
# such as fullwidth or Arabic-Indic ones.
_ISO_SHAPE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
# YYYY-MM-DD, then optionally a T (or space) and HH:MM, seconds with up to six
# decimals, and a UTC offset: Z, +HH:MM, +HHMM or +HH.
_DATETIME_SHAPE = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE | re.ASCII,
)
# The years of the dates and instants that Vigil accepts. Outside them a
# date's next day or a time's instant in UTC may not exist in Python, and
# PostgreSQL stores an instant before year 1 as a year BC that it then
# cannot read back.
FIRST_YEAR = 1900
LAST_YEAR = 9998
# The widest UTC offset that Python's datetime accepts is just under a day.
_MAX_OFFSET = datetime.timedelta(hours=24)


class InvalidDateTimeError(ValueError):
    """A date or time that was rejected; the message names the value and the fix.

    ``code`` is the ValidationError code that a form gives the message:
    "invalid", "outside_years" for a date outside FIRST_YEAR to LAST_YEAR, or
    "nonexistent" and "ambiguous" for a local time that the change to or
    from summer time skips or repeats.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def explain_invalid_date(text: str) -> str:
    """Return why ``text`` is not an ISO 8601 date, naming the value and the fix."""
    shape = _ISO_SHAPE.fullmatch(text.strip())
    if shape is None:
        return _(
            "“%(value)s” is not a date; write it as YYYY-MM-DD, for example 2026-03-12."
        ) % {"value": text}
    return _(
        "“%(value)s” is not a date: %(reason)s; write YYYY-MM-DD, for example "
        "2026-03-12."
    ) % {"value": text, "reason": _date_reason(shape.group(0))}


def _date_reason(text: str) -> str:
    """Return why ``text``, of the form YYYY-MM-DD, is not a date of the calendar."""
    year, month, _day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return _("there is no month %(month)s") % {"month": month}
    if year < datetime.MINYEAR:
        return _("there is no year 0")
    days = calendar.monthrange(year, month)[1]
    return _("%(month)s %(year)s has %(days)s days") % {
        "month": MONTHS[month],
        "year": year,
        "days": days,
    }


def parse_date(text: str) -> datetime.date:
    """Parse an ISO 8601 date, YYYY-MM-DD, or raise InvalidDateTimeError."""
    shape = _ISO_SHAPE.fullmatch(text.strip())
    if shape is None:
        raise InvalidDateTimeError(explain_invalid_date(text))
    year, month, day = (int(part) for part in shape.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        raise InvalidDateTimeError(explain_invalid_date(text)) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidDateTimeError(_outside_years_message(text), code="outside_years")
    return parsed


def _outside_years_message(text: str) -> str:
    return _(
        "“%(value)s” lies outside the years %(first)d to %(last)d that Vigil "
        "accepts; enter a date within them."
    ) % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR}


def parse_datetime(
    text: str,
    *,
    accept_date: bool = True,
    zone: datetime.tzinfo | None = None,
    offset_possible: bool = True,
) -> datetime.datetime:
    """Parse an ISO 8601 date and time into an aware datetime.

    Without an offset, the time is a local time of ``zone`` (default: the
    current time zone), and a date alone, when ``accept_date``, means the
    start of that day. Raise InvalidDateTimeError for any other text, for an
    impossible date or time, and for a local time that does not exist or
    occurs twice. ``offset_possible`` is False for an input that cannot take
    a UTC offset, whose message for a time that occurs twice then does not
    suggest one.
    """
    shape = _DATETIME_SHAPE.fullmatch(text.strip())
    if shape is None:
        raise InvalidDateTimeError(_datetime_format_message(text, accept_date))
    try:
        day = parse_date(shape["date"])
    except InvalidDateTimeError as error:
        if accept_date and shape["hour"] is None:
            raise
        if error.code == "outside_years":
            raise InvalidDateTimeError(_outside_years_message(text)) from None
        reason = _date_reason(shape["date"])
        raise InvalidDateTimeError(_datetime_reason_message(text, reason)) from None
    if zone is None:
        zone = timezone.get_current_timezone()
    if shape["hour"] is None:
        if not accept_date:
            raise InvalidDateTimeError(
                _(
                    "“%(value)s” has no time of day; write it as YYYY-MM-DDTHH:MM, "
                    "for example 2026-03-12T14:30."
                )
                % {"value": text}
            )
        return _within_years(text, day_start(day, zone))
    moment = _combine(text, day, shape)
    if moment.tzinfo is None:
        moment = make_local(moment, zone, text=text, offset_possible=offset_possible)
    return _within_years(text, moment)


def _within_years(text: str, moment: datetime.datetime) -> datetime.datetime:
    """Return ``moment`` if its instant in UTC lies within the accepted years."""
    try:
        year = moment.astimezone(datetime.UTC).year
    except OverflowError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidDateTimeError(_outside_years_message(text))
    return moment


def _combine(text: str, day: datetime.date, shape: re.Match[str]) -> datetime.datetime:
    """Return the date and time of ``shape``, aware if it has an offset."""
    fraction = (shape["fraction"] or "").ljust(6, "0")
    try:
        clock = datetime.time(
            int(shape["hour"]),
            int(shape["minute"]),
            int(shape["second"] or 0),
            int(fraction),
        )
    except ValueError:
        reason = _("hours run from 00 to 23, minutes and seconds from 00 to 59")
        raise InvalidDateTimeError(_datetime_reason_message(text, reason)) from None
    offset = shape["offset"]
    if offset is None:
        return datetime.datetime.combine(day, clock)
    return datetime.datetime.combine(day, clock, tzinfo=_offset_zone(text, offset))


def _offset_zone(text: str, offset: str) -> datetime.timezone:
    if offset.upper() == "Z":
        return datetime.UTC
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or delta >= _MAX_OFFSET:
        reason = _("the UTC offset %(offset)s is not between -23:59 and +23:59") % {
            "offset": offset
        }
        raise InvalidDateTimeError(_datetime_reason_message(text, reason))
    return datetime.timezone(-delta if offset.startswith("-") else delta)


def _datetime_format_message(text: str, accept_date: bool) -> str:
    if accept_date:
        return _(
            "“%(value)s” is not a date or a date and time; write YYYY-MM-DD for the "
            "start of the day or YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30."
        ) % {"value": text}
    return _(
        "“%(value)s” is not a date and time; write it as YYYY-MM-DDTHH:MM, for "
        "example 2026-03-12T14:30."
    ) % {"value": text}


def _datetime_reason_message(text: str, reason: str) -> str:
    return _(
        "“%(value)s” is not a date and time: %(reason)s; write YYYY-MM-DDTHH:MM, "
        "for example 2026-03-12T14:30."
    ) % {"value": text, "reason": reason}


def make_local(
    moment: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    text: str | None = None,
    offset_possible: bool = True,
) -> datetime.datetime:
    """Return the naive local time ``moment`` made aware in ``zone``.

    Unlike ``django.utils.timezone.make_aware``, raise InvalidDateTimeError
    when the local time does not exist or occurs twice in ``zone``. The
    message quotes ``text``, the value as the user wrote it, when given, and
    suggests a UTC offset for a time that occurs twice if ``offset_possible``.
    """
    value = text if text is not None else _local_text(moment)
    if _is_nonexistent(moment, zone):
        raise InvalidDateTimeError(
            _nonexistent_message(value, moment, zone), code="nonexistent"
        )
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise InvalidDateTimeError(
            _ambiguous_message(value, moment, zone, offset_possible=offset_possible),
            code="ambiguous",
        )
    return first


def day_start(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    """Return the first moment of ``day`` in ``zone``.

    That is local midnight, or its first reading if midnight occurs twice.
    Where the clocks go forward at or across midnight, as in
    America/Santiago, midnight does not exist and the day starts at the
    change. Brussels changes at 02:00 and 03:00, so its days start at midnight.
    """
    midnight = datetime.datetime.combine(day, datetime.time())
    if _is_nonexistent(midnight, zone):
        return _transition(midnight, zone).astimezone(zone)
    return midnight.replace(tzinfo=zone, fold=0)


def day_period(
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    max_days: int,
    too_long: str | Promise,
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the start of ``first_day`` and the end of ``last_day`` in local time.

    Both days are included, and days run from midnight to midnight in
    ``settings.TIME_ZONE``. Raise ValidationError on the field ``until`` when
    ``last_day`` comes before ``first_day``, or when the period has more than
    ``max_days`` days. ``too_long`` is the translated message of the latter,
    a whole sentence in which each caller names what the limit applies to.
    It receives ``since``, ``until``, ``days`` and ``maximum``.
    """
    values = {"since": first_day.isoformat(), "until": last_day.isoformat()}
    if last_day < first_day:
        raise ValidationError(
            {
                "until": _(
                    "The last day %(until)s comes before the first day "
                    "%(since)s. Enter a last day on or after the first day."
                )
                % values
            }
        )
    days = (last_day - first_day).days + 1
    if days > max_days:
        raise ValidationError(
            {"until": str(too_long) % {**values, "days": days, "maximum": max_days}}
        )
    zone = timezone.get_default_timezone()
    following = last_day + datetime.timedelta(days=1)
    return day_start(first_day, zone), day_start(following, zone)


def format_local(moment: datetime.datetime, zone: datetime.tzinfo | None = None) -> str:
    """Return ``moment`` as local ISO text that :func:`parse_datetime` reads back.

    The text is YYYY-MM-DDTHH:MM, with seconds when they are not zero, and
    with the UTC offset only when that local time occurs twice.
    """
    local = moment.astimezone(zone or timezone.get_current_timezone())
    naive = local.replace(tzinfo=None)
    text = _local_text(naive)
    first = naive.replace(tzinfo=local.tzinfo, fold=0)
    second = naive.replace(tzinfo=local.tzinfo, fold=1)
    if first.utcoffset() != second.utcoffset():
        text += _offset_text(local.utcoffset())
    return text


def _local_text(moment: datetime.datetime) -> str:
    exact = moment.second == 0 and moment.microsecond == 0
    return moment.isoformat(timespec="minutes" if exact else "auto")


def _offset_text(offset: datetime.timedelta | None) -> str:
    minutes = int((offset or datetime.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _is_nonexistent(moment: datetime.datetime, zone: datetime.tzinfo) -> bool:
    """Return whether the naive local time ``moment`` falls in a gap of ``zone``."""
    aware = moment.replace(tzinfo=zone, fold=0)
    try:
        back = aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        # Within a day of year 1 or 9999 the UTC reading is out of range, so
        # the time is taken as existing.
        return False
    return back != moment


def _transition(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    """Return the UTC instant of the change of offset that skips or repeats ``moment``.

    The two readings of the naive local time ``moment`` (fold 0 and 1) have
    different offsets, and the change lies between them in UTC. Offsets
    change on a whole second, which a binary search finds.
    """
    offsets = [moment.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)]
    known = [offset for offset in offsets if offset is not None]
    earliest = moment.replace(tzinfo=datetime.UTC) - max(known)
    low = int(earliest.timestamp())
    high = int((moment.replace(tzinfo=datetime.UTC) - min(known)).timestamp()) + 1
    before = _offset_at(low, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(middle, zone) == before:
            low = middle
        else:
            high = middle
    return datetime.datetime.fromtimestamp(high, datetime.UTC)


def _offset_at(timestamp: int, zone: datetime.tzinfo) -> datetime.timedelta | None:
    return datetime.datetime.fromtimestamp(timestamp, zone).utcoffset()


def _change(moment: datetime.datetime, zone: datetime.tzinfo) -> dict[str, str]:
    """Return the zone, the day and the clock times of the change near ``moment``."""
    change = _transition(moment, zone)
    before = change - datetime.timedelta(seconds=1)
    old_offset = before.astimezone(zone).utcoffset() or datetime.timedelta()
    new_offset = change.astimezone(zone).utcoffset() or datetime.timedelta()
    naive = change.replace(tzinfo=None)
    return {
        "zone": str(zone),
        "day": (naive + old_offset).date().isoformat(),
        "start": _clock_text(naive + old_offset),
        "end": _clock_text(naive + new_offset),
    }


def _clock_text(moment: datetime.datetime) -> str:
    return moment.strftime("%H:%M" if moment.second == 0 else "%H:%M:%S")


def _nonexistent_message(
    value: str, moment: datetime.datetime, zone: datetime.tzinfo
) -> str:
    return _(
        "“%(value)s” does not exist in %(zone)s: on %(day)s the clocks go forward "
        "from %(start)s to %(end)s, so there is no local time from %(start)s up to "
        "%(end)s. Enter a time before %(start)s or from %(end)s on."
    ) % {"value": value, **_change(moment, zone)}


def _ambiguous_message(
    value: str,
    moment: datetime.datetime,
    zone: datetime.tzinfo,
    *,
    offset_possible: bool = True,
) -> str:
    readings = [moment.replace(tzinfo=zone, fold=fold) for fold in (0, 1)]
    first, second = (
        _local_text(moment) + _offset_text(reading.utcoffset()) for reading in readings
    )
    # The clocks go back, so the change starts at the later clock time.
    change = _change(moment, zone)
    if not offset_possible:
        return _(
            "“%(value)s” occurs twice in %(zone)s, because on %(day)s the clocks go "
            "back from %(start)s to %(end)s, and this field cannot say which of the "
            "two is meant. Enter a time before %(end)s or from %(start)s on."
        ) % {"value": value, **change}
    return _(
        "“%(value)s” occurs twice in %(zone)s, because on %(day)s the clocks go "
        "back from %(start)s to %(end)s. Add the UTC offset to say which one you "
        "mean: %(first)s is the first and %(second)s the second. Or enter a time "
        "before %(end)s or from %(start)s on."
    ) % {"value": value, "first": first, "second": second, **change}


def add_day_range_options(
    parser: argparse.ArgumentParser, *, default_days: int
) -> None:
    """Add ``--from`` and ``--to``, the first and last day of a period, both included.

    The period covers ``default_days`` days up to today by default. The
    values land in ``from_date`` and ``to_date``.
    """
    parser.add_argument(
        "--from",
        dest="from_date",
        type=date_argument,
        help=_("First day, YYYY-MM-DD (default: %(days)d days before the last day).")
        % {"days": default_days - 1},
    )
    parser.add_argument(
        "--to",
        dest="to_date",
        type=date_argument,
        help=_(
            "Last day, included, YYYY-MM-DD (default: today). Days run from "
            "midnight to midnight in %(zone)s, whatever the machine's time zone."
        )
        % {"zone": settings.TIME_ZONE},
    )


def date_argument(text: str) -> datetime.date:
    """Parse a command-line date, as the ``type`` of an argparse option."""
    try:
        return parse_date(text)
    except InvalidDateTimeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def datetime_argument(text: str) -> datetime.datetime:
    """Parse a command-line date or date and time, as the ``type`` of an option."""
    try:
        return parse_datetime(text)
    except InvalidDateTimeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class IsoDateField(forms.DateField):
    """A date field that takes YYYY-MM-DD only and explains a rejected value."""

    input_formats = DATE_FORMATS

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values or isinstance(value, datetime.date):
            return super().to_python(value)
        try:
            return parse_date(str(value))
        except InvalidDateTimeError as error:
            raise ValidationError(str(error), code=error.code) from None


class IsoDateTimeField(forms.DateTimeField):
    """A date-and-time field that takes ISO 8601 only and explains a rejected value.

    A local time in the current time zone that does not exist or occurs
    twice gets its own message, with the hour and the fix. With
    ``accept_date``, a date alone means the start of that day. A field
    whose values come only from a date and time picker, which cannot take a
    UTC offset, sets ``offset_possible`` to False, so that its message does
    not suggest one.
    """

    accept_date = True
    offset_possible = True

    def __init__(
        self, *, accept_date: bool = True, offset_possible: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.accept_date = accept_date
        self.offset_possible = offset_possible

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        zone = timezone.get_current_timezone()
        offset_possible = self.offset_possible
        try:
            if isinstance(value, datetime.datetime):
                if timezone.is_naive(value):
                    value = make_local(value, zone, offset_possible=offset_possible)
                return _within_years(str(value), value)
            if isinstance(value, datetime.date):
                return _within_years(str(value), day_start(value, zone))
            return parse_datetime(
                str(value),
                accept_date=self.accept_date,
                zone=zone,
                offset_possible=offset_possible,
            )
        except InvalidDateTimeError as error:
            raise ValidationError(str(error), code=error.code) from None
