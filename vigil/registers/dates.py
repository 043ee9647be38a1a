"""Dates as the register summaries, warnings and documents print them."""

import datetime


def iso_date(value: datetime.date | None) -> str:
    """Return ``value`` as an ISO 8601 date, 2026-12-31, or "" for None.

    The pages show dates in this form in every language, because 01/02/2026
    reads as the first of February in Belgium and as January 2 in the US.
    """
    return value.isoformat() if value is not None else ""
