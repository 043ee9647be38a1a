"""Writing deadlines as an iCalendar (RFC 5545) document.

Each deadline is an all-day VEVENT with a stable UID, so a calendar program
that reads the feed again updates the event instead of adding a copy.
Lines are folded at 75 octets and text values escaped as section 3.3.11 of
the RFC requires.
"""

import datetime
from collections.abc import Iterable

from vigil.organisations.deadlines import DueItem
from vigil.organisations.models import Organisation

PRODUCT = "-//Vigil//Reminders//EN"
MAX_OCTETS = 75


def escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never inside a
    UTF-8 sequence."""
    encoded = line.encode()
    if len(encoded) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    limit = MAX_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
            limit = MAX_OCTETS - 1  # the leading space of a continuation
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def calendar(
    entries: Iterable[tuple[Organisation, DueItem]],
    *,
    name: str,
    base_url: str,
    now: datetime.datetime,
) -> str:
    """Return the iCalendar document of the deadlines of several centres."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for organisation, item in entries:
        next_day = item.date + datetime.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid(organisation)}@vigil",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{next_day:%Y%m%d}",
            f"SUMMARY:{escape(f'{organisation.name}: {item.text}')}",
        ]
        if item.url:
            lines.append(f"URL:{base_url}{item.url}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
