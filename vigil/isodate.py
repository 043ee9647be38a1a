"""ISO 8601 date input shared by every form: one format, and errors that say why.

Vigil accepts dates as YYYY-MM-DD only, because 11/01/2026 means a different
day to different readers. A rejected value is echoed with the reason, so
"2027-02-30" gets "February 2027 has 28 days" rather than a format reminder.
"""

import calendar
import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

DATE_FORMATS = ["%Y-%m-%d"]
_ISO_SHAPE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def explain_invalid_date(text: str) -> str:
    """Return why ``text`` is not an ISO 8601 date, naming the value and the fix."""
    shape = _ISO_SHAPE.fullmatch(text.strip())
    if shape is None:
        return _(
            "“%(value)s” is not a date; write it as YYYY-MM-DD, for example 2026-03-12."
        ) % {"value": text}
    year, month, _day = (int(part) for part in shape.groups())
    if not 1 <= month <= 12:
        return _(
            "“%(value)s” is not a date: there is no month %(month)s; write "
            "YYYY-MM-DD, for example 2026-03-12."
        ) % {"value": text, "month": month}
    if year < datetime.MINYEAR:
        return _(
            "“%(value)s” is not a date: there is no year 0; write YYYY-MM-DD, "
            "for example 2026-03-12."
        ) % {"value": text}
    days = calendar.monthrange(year, month)[1]
    return _(
        "“%(value)s” is not a date: %(month)s %(year)s has %(days)s days; write "
        "YYYY-MM-DD, for example 2026-03-12."
    ) % {"value": text, "month": MONTHS[month], "year": year, "days": days}


class IsoDateField(forms.DateField):
    """A date field that takes YYYY-MM-DD only and explains a rejected value."""

    input_formats = DATE_FORMATS

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(
                explain_invalid_date(str(value)), code="invalid"
            ) from None
