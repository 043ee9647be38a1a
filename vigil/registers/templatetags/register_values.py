"""Template filter that shows a register value as a person reads it."""

import datetime
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vigil.registers.catalog_keys import register_name

register = template.Library()


@register.filter(expects_localtime=True)
def shown(value: Any) -> str:
    """Yes or no for booleans, ISO dates, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@register.filter
def register_names(keys: list[str]) -> str:
    """The translated names of catalog register keys, separated by commas."""
    return ", ".join(register_name(key) for key in keys)
