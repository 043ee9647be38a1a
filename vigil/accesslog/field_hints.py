"""The wire field that an unknown field or column name probably means.

An error for an unknown name suggests the closest wire field, so that a
sender who wrote ``case`` or ``Event-ID`` finds the name to use. Names are
compared in lower case with dashes and spaces read as underscores. A name
matches the field that it is in a table of likely names for, a field that it
starts or that starts it, or else the field with the same first letter that
``difflib`` finds most similar.
"""

import difflib
import functools
from collections.abc import Sequence

# Names that are not similar enough to their field for difflib, but that
# export tools and people new to the format use for it.
_LIKELY_NAMES = {
    "id": "event_id",
    "date": "time",
    "datetime": "time",
    "app": "application",
    "operation": "action",
    "insz": "subject",
    "niss": "subject",
    "ssin": "subject",
    "rrn": "subject",
    "national_number": "subject",
    "dossier": "case_ref",
    "ip": "source_ip",
    "ip_address": "source_ip",
    "client_ip": "source_ip",
    "result": "outcome",
    "status": "outcome",
}
# difflib's default ratio. It suggests user_id for usr (0.6) and subject for
# subjet (0.92). The same first letter is required too, because names that
# only share an ending, such as location and application (0.74), are not
# the same field.
_MIN_RATIO = 0.6
# A shorter name, such as "s", starts too many fields to suggest one.
_MIN_PREFIX_LENGTH = 3


def closest_field(name: str, fields: Sequence[str]) -> str | None:
    """Return the field of ``fields`` that ``name`` probably means, or None."""
    return _closest_field(name, tuple(fields))


@functools.lru_cache(maxsize=256)
def _closest_field(name: str, fields: tuple[str, ...]) -> str | None:
    normalised = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not normalised:
        return None
    if normalised in fields:
        return normalised
    likely = _LIKELY_NAMES.get(normalised)
    if likely in fields:
        return likely
    if len(normalised) >= _MIN_PREFIX_LENGTH:
        for field in fields:
            if normalised.startswith(field) or field.startswith(normalised):
                return field
    same_start = [field for field in fields if field[0] == normalised[0]]
    matches = difflib.get_close_matches(normalised, same_start, 1, _MIN_RATIO)
    return matches[0] if matches else None
