"""The file ingestion behind ``vigil accesslog ingest``, and its report.

``ingest_file`` reads a file as one batch and returns the lines to print.
Every line is in the active language, which the ``vigil`` command sets from
VIGIL_CLI_LANGUAGE. The values and field names from the file have their
non-printable characters escaped, so a value with a line break cannot split
or forge a line of the report. The whole lines are escaped in the same way
except for their spaces, so the no-break spaces of French text stay as they
are.
"""

import heapq
import itertools
import unicodedata
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vigil.accesslog.error_tally import MAX_LISTED_ERRORS, ErrorTally
from vigil.accesslog.events import (
    EventError,
    ParseError,
    PositionUnit,
    ReceivedRecords,
    describe_position,
)
from vigil.accesslog.formats import parse_csv, parse_json_array, parse_json_lines
from vigil.accesslog.ingestion import (
    BatchRejected,
    IngestResult,
    ingest_events,
    rejected_batch_errors,
)
from vigil.organisations.models import Organisation

FORMATS: dict[str, Callable[[str], ReceivedRecords]] = {
    "jsonl": parse_json_lines,
    "json": parse_json_array,
    "csv": parse_csv,
}
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
# At most this many errors, or duplicates, of a file are printed, and the
# rest counted.
MAX_PRINTED_LINES = MAX_LISTED_ERRORS


class FileRejected(Exception):
    """Nothing of the file was stored.

    ``details`` lists the errors, one printable line each. ``summary``
    states that nothing was stored and what to do next.
    """

    def __init__(self, summary: str, details: Iterable[str] = ()) -> None:
        self.summary = escape_line(summary)
        self.details = [escape_line(line) for line in details]
        super().__init__(self.summary)


def escape_control_characters(text: str) -> str:
    """Write each non-printable character of ``text`` as a ``\\u`` escape.

    ``a<BEL>`` becomes ``a\\u0007`` as in the JSON of the REST API's errors,
    and a line break becomes ``\\u000a``.
    """
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else _escape(character)
        for character in text
    )


def escape_line(text: str) -> str:
    """Escape the non-printable characters of a report line except its spaces.

    Translated text contains no-break spaces (Unicode category Zs), such as
    the one that French puts before a colon, which ``str.isprintable``
    rejects but which cannot split or forge a line. Line breaks, other
    control characters and format characters are escaped as in
    ``escape_control_characters``.
    """
    if text.isprintable():
        return text
    return "".join(
        character
        if character.isprintable() or unicodedata.category(character) == "Zs"
        else _escape(character)
        for character in text
    )


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def describe_event_error(error: EventError, unit: PositionUnit) -> str:
    """Return the translated line of one record error, without the file name."""
    where = describe_position(unit, error.line)
    if error.field:
        where = _("%(position)s, field %(field)s") % {
            "position": where,
            "field": escape_control_characters(error.field),
        }
    if error.value_shown:
        where = f"{where} ({escape_control_characters(error.value_shown)})"
    return _before_reason(where, error.reason)


def _before_reason(where: str, reason: str) -> str:
    """Return "where: reason" with the colon that the language writes."""
    label = pgettext("a label before its value", "%(label)s:") % {"label": where}
    return f"{label} {reason}"


def ingest_file(
    organisation: Organisation, path: Path, file_format: str | None
) -> list[str]:
    """Read ``path`` as one batch, ingest it and return the report to print.

    ``file_format`` is a key of ``FORMATS``, or None to take it from the
    extension. Raises FileRejected, storing nothing, if the file cannot be
    read, has no events or has any error.
    """
    file_format = file_format or EXTENSIONS.get(path.suffix.lower())
    if file_format is None:
        raise FileRejected(
            _(
                "cannot tell the format of %(path)s from its extension "
                "(%(extensions)s), so pass --format with one of %(formats)s"
            )
            % {
                "path": path,
                "extensions": ", ".join(sorted(EXTENSIONS)),
                "formats": ", ".join(sorted(FORMATS)),
            }
        )
    unit: PositionUnit = "record" if file_format == "json" else "line"
    records = _read_records(organisation, path, FORMATS[file_format], unit)
    if not records:
        raise FileRejected(_("%(path)s contains no events") % {"path": path})
    try:
        result = ingest_events(
            organisation, records, source=f"file:{path.name}", unit=unit
        )
    except BatchRejected as rejected:
        raise _rejection(path, unit, ErrorTally(), rejected.tally) from None
    return _result_lines(path, unit, result, organisation.slug)


def _read_records(
    organisation: Organisation,
    path: Path,
    parse: Callable[[str], ReceivedRecords],
    unit: PositionUnit,
) -> ReceivedRecords:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        byte = error.object[error.start]
        raise FileRejected(
            _(
                "%(path)s: line %(line)d is not valid UTF-8 (byte %(byte)s at "
                "offset %(offset)d). Save the file as UTF-8 and ingest it "
                "again. Nothing was stored."
            )
            % {
                "path": path,
                "line": line,
                "byte": f"{byte:#04x}",
                "offset": error.start,
            }
        ) from None
    except OSError as error:
        raise FileRejected(
            _("cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from None
    try:
        return parse(text)
    except ParseError as error:
        record_errors = _record_errors(organisation, error, unit)
        raise _rejection(path, unit, error.tally, record_errors) from None


def _record_errors(
    organisation: Organisation, error: ParseError, unit: PositionUnit
) -> ErrorTally[EventError]:
    """Check the records that a ParseError kept, for a report of every error.

    They are checked as a batch: their fields, and their event ids against
    each other and the stored entries. Errors of the fields in
    ``skipped_fields`` are left out, because the parse errors already report
    why those fields are absent.
    """
    if not error.records:
        return ErrorTally()
    return rejected_batch_errors(
        organisation, error.records, unit=unit, skipped_fields=error.skipped_fields
    )


def _rejection(
    path: Path,
    unit: PositionUnit,
    parse_errors: ErrorTally[str],
    record_errors: ErrorTally[EventError],
) -> FileRejected:
    """Return the FileRejected with the first errors in the order of the file.

    It lists at most MAX_PRINTED_LINES errors, then the number of the others.
    """
    described_parse_errors = [
        (number, _before_reason(describe_position(unit, number), reason))
        for number, reason in parse_errors.listed
    ]
    described_record_errors = [
        (line, describe_event_error(error, unit))
        for line, error in record_errors.listed
    ]
    # Each list is in the order of the file. On a line with both kinds, the
    # parse error comes first.
    ordered = heapq.merge(
        described_parse_errors, described_record_errors, key=itemgetter(0)
    )
    numbered = list(itertools.islice(ordered, MAX_PRINTED_LINES))
    details = [_before_reason(str(path), text) for _number, text in numbered]
    hidden = parse_errors.total + record_errors.total - len(numbered)
    if hidden > 0:
        details.append(
            ngettext(
                "%(path)s: the first %(listed)s errors are listed, and "
                "%(count)s more error was not listed.",
                "%(path)s: the first %(listed)s errors are listed, and "
                "%(count)s more errors were not listed.",
                hidden,
            )
            % {
                "path": path,
                "listed": formats.number_format(len(numbered), force_grouping=True),
                "count": formats.number_format(hidden, force_grouping=True),
            }
        )
    count = _lines_with_errors(parse_errors, record_errors)
    if unit == "record":
        summary = ngettext(
            "%(path)s: %(count)d record has errors, so nothing was stored. "
            "Correct the file and ingest it again.",
            "%(path)s: %(count)d records have errors, so nothing was stored. "
            "Correct the file and ingest it again.",
            count,
        )
    else:
        summary = ngettext(
            "%(path)s: %(count)d line has errors, so nothing was stored. "
            "Correct the file and ingest it again.",
            "%(path)s: %(count)d lines have errors, so nothing was stored. "
            "Correct the file and ingest it again.",
            count,
        )
    return FileRejected(summary % {"path": path, "count": count}, details)


def _lines_with_errors(
    parse_errors: ErrorTally[str], record_errors: ErrorTally[EventError]
) -> int:
    """Return the number of lines, or records, that have an error of either kind.

    Only the last record of a JSON array can have both: the error of data
    after the closing bracket is reported there. The record errors are in
    the order of the file, so that record is their last line.
    """
    record_lines = {line for line, _error in record_errors.listed}
    if record_errors.last_line is not None:
        record_lines.add(record_errors.last_line)
    parse_lines = {line for line, _reason in parse_errors.listed}
    shared = len(parse_lines & record_lines)
    return parse_errors.lines + record_errors.lines - shared


def _result_lines(
    path: Path, unit: PositionUnit, result: IngestResult, slug: str
) -> list[str]:
    """Return the report of a stored batch: its duplicates, counts and checkpoint."""
    new_indices = {index for _line, _event_id, index in result.accepted}
    repeated = 0
    lines: list[str] = []
    for number, event_id, index in result.duplicates:
        values = {
            "path": path,
            "position": describe_position(unit, number),
            "event_id": event_id,
            "index": index,
        }
        if index in new_indices:
            repeated += 1
            text = _(
                "%(path)s: %(position)s: event id %(event_id)s repeats an "
                "earlier record of the file, stored once at index %(index)d"
            )
        else:
            text = _(
                "%(path)s: %(position)s: event id %(event_id)s is already "
                "stored at index %(index)d"
            )
        lines.append(text % values)
    hidden = len(lines) - MAX_PRINTED_LINES
    if hidden > 0:
        lines = lines[:MAX_PRINTED_LINES]
        lines.append(
            ngettext(
                "%(path)s: … and %(count)d more duplicate",
                "%(path)s: … and %(count)d more duplicates",
                hidden,
            )
            % {"path": path, "count": hidden}
        )
    lines.append(_summary(path, result, repeated))
    lines.append(_checkpoint_line(result, slug))
    return [escape_line(line) for line in lines]


def _summary(path: Path, result: IngestResult, repeated: int) -> str:
    stored = len(result.duplicates) - repeated
    new = len(result.accepted)
    parts = [
        ngettext("%(count)d new entry", "%(count)d new entries", new) % {"count": new}
    ]
    if new:
        first = result.accepted[0][2]
        last = result.accepted[-1][2]
        parts[0] += " " + (
            _("(index %(first)d)") % {"first": first}
            if first == last
            else _("(indices %(first)d to %(last)d)") % {"first": first, "last": last}
        )
    parts.append(
        ngettext("%(count)d already stored", "%(count)d already stored", stored)
        % {"count": stored}
    )
    parts.append(
        ngettext(
            "%(count)d repeated in the file", "%(count)d repeated in the file", repeated
        )
        % {"count": repeated}
    )
    size = ngettext(
        "the log has %(count)d entry", "the log has %(count)d entries", result.tree_size
    ) % {"count": result.tree_size}
    return _("%(path)s: %(counts)s, and %(size)s") % {
        "path": path,
        "counts": ", ".join(parts),
        "size": size,
    }


def _checkpoint_line(result: IngestResult, slug: str) -> str:
    command = f"vigil accesslog checkpoint --org {slug}"
    if result.checkpoint_note is None:
        return _(
            "no checkpoint is signed yet: '%(command)s' signs one and prints it"
        ) % {"command": command}
    size = int(result.checkpoint_note.split("\n")[1])
    if size == result.tree_size:
        return ngettext(
            "the latest signed checkpoint covers the %(size)d entry: "
            "'%(command)s' prints it",
            "the latest signed checkpoint covers all %(size)d entries: "
            "'%(command)s' prints it",
            size,
        ) % {"size": size, "command": command}
    return _(
        "the latest signed checkpoint covers %(size)d of the %(total)d entries: "
        "'%(command)s' signs one that covers them all and prints it"
    ) % {"size": size, "total": result.tree_size, "command": command}
