"""The subject lists of misuse detection: open case files and the watch list.

Every function that changes a list takes the acting user as ``actor``, runs
in one transaction and writes its audit entry in that transaction. National
numbers passed in are pseudonymised with the organisation's key at once and
only the pseudonyms are stored or audited.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.detection.models import OpenCase, WatchedSubject
from vigil.accesslog.events import (
    CASE_REF_MAX_LENGTH,
    show_value,
    validate_national_number,
)
from vigil.accesslog.national_numbers import lost_leading_zero
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.audit.services import record
from vigil.organisations.models import Organisation

# An error names at most this many over-long case references and counts the rest.
LISTED_CASE_REF_ERRORS = 5


def compact_national_number(text: str) -> str | None:
    """Return a national or BIS number as 11 digits, or None if it is invalid.

    The check is the one that ingestion applies, so a number accepted here
    gets the same pseudonym as in the log.
    """
    try:
        return validate_national_number(text)
    except ValueError:
        return None


@dataclass
class NationalNumbers:
    """National numbers read from pasted text or a CSV file, with bad lines."""

    numbers: list[str] = field(default_factory=list)
    invalid_lines: list[int] = field(default_factory=list)
    # The invalid lines with 10 digits, probably a number without its leading 0.
    ten_digit_lines: list[int] = field(default_factory=list)


def read_national_numbers(text: str) -> NationalNumbers:
    """Read one national number per line, or the first column of a CSV file.

    Blank lines are skipped, and so is a first line without any digit, which
    is taken for a CSV header. Returns the numbers as 11 digits and the line
    numbers that hold no valid number, with those of 10 digits apart. The
    invalid values themselves are not kept.
    """
    result = NationalNumbers()
    dialect = _sniff_dialect(text)
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cell = row[0].strip() if row else ""
        if not cell:
            continue
        if number == 1 and not any(character.isdigit() for character in cell):
            continue
        compact = compact_national_number(cell)
        if compact is None:
            result.invalid_lines.append(number)
            if lost_leading_zero(cell):
                result.ten_digit_lines.append(number)
        else:
            result.numbers.append(compact)
    return result


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


# A text box's line breaks. str.splitlines() also splits at characters such as
# U+2028, which would make the line numbers of errors differ from those shown.
_LINE_END = re.compile(r"\r\n?|\n")


def read_case_refs(text: str) -> list[str]:
    """Read one case file reference per line, skipping blank lines and repeats.

    Raise ValidationError, naming the line numbers, when a reference is longer
    than CASE_REF_MAX_LENGTH or contains a character that cannot be printed,
    such as a tab. Ingestion rejects such a reference, so no entry could match it.
    """
    seen: dict[str, None] = {}
    too_long: list[tuple[int | None, str]] = []
    unprintable: list[tuple[int | None, str]] = []
    for number, line in enumerate(_LINE_END.split(text), start=1):
        reference = line.strip()
        if len(reference) > CASE_REF_MAX_LENGTH:
            too_long.append((number, reference))
        elif not reference.isprintable():
            unprintable.append((number, reference))
        elif reference:
            seen.setdefault(reference, None)
    errors = _too_long_messages(too_long) + _unprintable_messages(unprintable)
    if errors:
        raise ValidationError(errors)
    return list(seen)


def _too_long_messages(found: Sequence[tuple[int | None, str]]) -> list[str]:
    """Return one error per over-long case reference, given with its line or None.

    The first LISTED_CASE_REF_ERRORS references are named, the rest only counted.
    """
    messages: list[str] = []
    for line, reference in found[:LISTED_CASE_REF_ERRORS]:
        values = {
            "line": line,
            "value": show_value("case_ref", reference),
            "length": len(reference),
            "maximum": CASE_REF_MAX_LENGTH,
        }
        if line is None:
            message = _(
                "The case file reference “%(value)s” has %(length)s characters. "
                "Shorten it to at most %(maximum)s, the maximum in the access log. "
                "Nothing was saved."
            )
        else:
            message = _(
                "Line %(line)s: the case file reference “%(value)s” has "
                "%(length)s characters. Shorten it to at most %(maximum)s, the "
                "maximum in the access log. Nothing was saved."
            )
        messages.append(message % values)
    more = len(found) - LISTED_CASE_REF_ERRORS
    if more <= 0:
        return messages
    if found[0][0] is None:
        counted = ngettext(
            "%(count)s more case file reference is too long.",
            "%(count)s more case file references are too long.",
            more,
        )
    else:
        counted = ngettext(
            "%(count)s more line has a case file reference that is too long.",
            "%(count)s more lines have a case file reference that is too long.",
            more,
        )
    messages.append(counted % {"count": more})
    return messages


def _unprintable_messages(found: Sequence[tuple[int | None, str]]) -> list[str]:
    """Return one error per case reference with a character that cannot be printed.

    Each reference is given with its line or None. The first
    LISTED_CASE_REF_ERRORS are named, the rest only counted.
    """
    messages: list[str] = []
    for line, reference in found[:LISTED_CASE_REF_ERRORS]:
        character = next(each for each in reference if not each.isprintable())
        replaced = "".join(
            each if each.isprintable() else "\ufffd" for each in reference
        )
        values = {
            "line": line,
            "value": show_value("case_ref", replaced),
            "character": f"U+{ord(character):04X}",
        }
        if line is None:
            message = _(
                "The case file reference “%(value)s” contains the character "
                "%(character)s, which cannot be printed, so no logged case file "
                "reference contains it. Remove it. Nothing was saved."
            )
        else:
            message = _(
                "Line %(line)s: the case file reference “%(value)s” contains the "
                "character %(character)s, which cannot be printed, so no logged "
                "case file reference contains it. Remove it. Nothing was saved."
            )
        messages.append(message % values)
    more = len(found) - LISTED_CASE_REF_ERRORS
    if more > 0:
        counted = ngettext(
            "%(count)s more case file reference contains a character that "
            "cannot be printed.",
            "%(count)s more case file references contain a character that "
            "cannot be printed.",
            more,
        )
        messages.append(counted % {"count": more})
    return messages


@dataclass(frozen=True)
class OpenCaseChange:
    added: int
    removed: int
    total: int


@transaction.atomic
def change_open_cases(
    organisation: Organisation,
    *,
    case_refs: Sequence[str],
    national_numbers: Sequence[str],
    replace: bool,
    actor: Any,
) -> OpenCaseChange:
    """Add case references and subjects to the open cases, or replace them all.

    ``national_numbers`` are pseudonymised here and only the pseudonyms are
    stored. With ``replace`` every existing entry is removed first, which is
    how a daily export of the open case files is loaded. Raise
    ValidationError when both lists are empty, because adding nothing
    changes nothing, and replacing with nothing would silently empty the
    list. ``clear_open_cases`` empties it on purpose. Raise ValidationError
    too when a case reference is longer than CASE_REF_MAX_LENGTH, the
    length of ``OpenCase.value`` and ``AccessEntry.case_ref``, or contains
    a character that cannot be printed. A subject's pseudonym always fits,
    because it has 64 hexadecimal digits.
    """
    too_long: list[tuple[int | None, str]] = []
    unprintable: list[tuple[int | None, str]] = []
    for reference in case_refs:
        if len(reference) > CASE_REF_MAX_LENGTH:
            too_long.append((None, reference))
        elif not reference.isprintable():
            unprintable.append((None, reference))
    errors = _too_long_messages(too_long) + _unprintable_messages(unprintable)
    if errors:
        raise ValidationError({"case_refs": errors})
    existing = OpenCase.objects.filter(organisation=organisation)
    if not case_refs and not national_numbers:
        _reject_empty_change(existing.count(), replace=replace)
    removed = existing.count() if replace else 0
    if replace:
        existing.delete()
    requested = {(OpenCase.Kind.CASE_REF, reference) for reference in case_refs}
    requested |= {
        (OpenCase.Kind.SUBJECT, pseudonymise(organisation, number))
        for number in national_numbers
    }
    present = set(
        OpenCase.objects.filter(organisation=organisation).values_list("kind", "value")
    )
    new = [
        OpenCase(organisation=organisation, kind=kind, value=value)
        for kind, value in sorted(requested - present)
    ]
    OpenCase.objects.bulk_create(new)
    total = OpenCase.objects.filter(organisation=organisation).count()
    change = OpenCaseChange(added=len(new), removed=removed, total=total)
    record(
        "accesslog.open_cases_changed",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.opencase",
        object_label=_("Open case files"),
        new={"added": change.added, "removed": change.removed, "total": total},
    )
    return change


def _reject_empty_change(current: int, *, replace: bool) -> None:
    if not replace or not current:
        raise ValidationError(
            {
                "case_refs": _(
                    "Enter case file references or national numbers, or choose "
                    "a CSV file of national numbers. Nothing was changed."
                )
            }
        )
    raise ValidationError(
        {
            "replace": ngettext(
                "The new list is empty, so replacing would remove %(count)s "
                "open case file, the whole list. Enter the new list, or tick "
                "“Empty the list” to remove it on purpose.",
                "The new list is empty, so replacing would remove all %(count)s "
                "open case files. Enter the new list, or tick “Empty the list” "
                "to remove them all on purpose.",
                current,
            )
            % {"count": current}
        }
    )


@transaction.atomic
def clear_open_cases(organisation: Organisation, *, actor: Any) -> OpenCaseChange:
    """Remove every open case file, with an audit entry unless none was listed.

    While the list is empty the open-case rule is skipped, because it would
    flag every access.
    """
    removed, _by_model = OpenCase.objects.filter(organisation=organisation).delete()
    change = OpenCaseChange(added=0, removed=removed, total=0)
    if removed:
        record(
            "accesslog.open_cases_changed",
            actor=actor,
            organisation=organisation,
            object_type="accesslog.opencase",
            object_label=_("Open case files"),
            new={"added": 0, "removed": removed, "total": 0},
        )
    return change


@transaction.atomic
def add_watched_subject(
    organisation: Organisation, national_number: str, label: str, *, actor: Any
) -> WatchedSubject:
    """Add a data subject to the watch list; raise ValidationError if listed."""
    pseudonym = pseudonymise(organisation, national_number)
    if WatchedSubject.objects.filter(
        organisation=organisation, subject_pseudonym=pseudonym
    ).exists():
        raise ValidationError(
            {"national_number": _("This data subject is already on the watch list.")}
        )
    watched = WatchedSubject.objects.create(
        organisation=organisation,
        subject_pseudonym=pseudonym,
        label=label.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        "accesslog.watch_list_changed",
        actor=actor,
        target=watched,
        organisation=organisation,
        new={"label": watched.label, "subject_pseudonym": pseudonym},
    )
    return watched


@transaction.atomic
def remove_watched_subject(watched: WatchedSubject, *, actor: Any) -> None:
    """Remove a data subject from the watch list."""
    record(
        "accesslog.watch_list_changed",
        actor=actor,
        target=watched,
        organisation=watched.organisation,
        old={"label": watched.label, "subject_pseudonym": watched.subject_pseudonym},
    )
    watched.delete()
