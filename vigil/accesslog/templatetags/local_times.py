"""Template filters for times in the local time zone (``TIME_ZONE``)."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def zone_abbreviation(value: object) -> str:
    """Return the abbreviation of the local time zone at ``value``, such as CET.

    Django's ``T`` date format returns an empty string for a local time that
    occurs twice, as from 02:00 to 03:00 when summer time ends. The local
    time then reads the same for two instants an hour apart, and only the
    abbreviation (CEST, then CET) distinguishes them.
    """
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return ""
    return timezone.localtime(value).tzname() or ""


@register.filter
def local_moment(value: object, precision: str = "seconds") -> str:
    """Return ``value`` as local date, time and zone, such as 2026-10-25 02:30:00 CET.

    ``precision`` is "seconds" or "minutes". Unlike the date format
    ``"Y-m-d H:i:s T"``, it names the zone in the hour that occurs twice.
    """
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return ""
    local = timezone.localtime(value)
    shape = "%Y-%m-%d %H:%M" if precision == "minutes" else "%Y-%m-%d %H:%M:%S"
    return f"{local.strftime(shape)} {local.tzname() or ''}".rstrip()


def _seconds_part(local: datetime.datetime) -> str:
    """Return ":SS" and a fraction without trailing zeros, or "" on a whole minute."""
    if not local.second and not local.microsecond:
        return ""
    fraction = f".{local.microsecond:06d}".rstrip("0") if local.microsecond else ""
    return f":{local.second:02d}{fraction}"


@register.filter
def exact_local_time(value: object) -> str:
    """Return ``value`` as local date and time, with seconds only if it has them.

    An identity period may start or end at any microsecond, because the
    command line accepts fractions of a second. The time is never rounded.
    """
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return ""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d %H:%M") + _seconds_part(local)


@register.filter
def picker_value(value: object) -> str:
    """Return ``value`` as the value of a datetime-local input, without rounding.

    A form submitted unchanged then keeps the instant. A browser empties a
    value with more than three digits of fraction, which HTML does not allow,
    so such a time must be entered again instead of being moved.
    """
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return ""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%dT%H:%M") + _seconds_part(local)


@register.filter
def picker_step(value: object) -> str:
    """Return the ``step`` of a datetime-local input that can hold ``value``.

    The default step is 60 seconds, which lets browsers take whole minutes only.
    """
    if not isinstance(value, datetime.datetime):
        return ""
    if value.microsecond:
        return "any"
    return "1" if value.second else ""
