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
