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
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, InterfaceError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vigil.accesslog.batched_ingest import ingest_batches
from vigil.accesslog.error_tally import ErrorTally
from vigil.accesslog.events import (
    EventError,
    ParseError,
    PositionUnit,
    ReceivedRecords,
    describe_position,
)
from vigil.accesslog.file_report import MAX_PRINTED_LINES, FileTotals
from vigil.accesslog.file_signatures import MAGIC_BYTES, describe_non_text_file
from vigil.accesslog.formats import (
    InvalidText,
    csv_batches,
    json_lines_batches,
    line_at,
    parse_csv,
    parse_json_array,
    parse_json_lines,
)
from vigil.accesslog.ingestion import (
    BatchRejected,
    IngestResult,
    ingest_events,
    rejected_batch_errors,
)
from vigil.accesslog.stored_batches import (
    PendingBatch,
    StoredBatch,
    latest_audit_id,
    stored_since,
)
from vigil.interrupts import interrupts_held
from vigil.ledger.terminal import escape_control_characters, escape_line
from vigil.organisations.models import Organisation

FORMATS: dict[str, Callable[[str], ReceivedRecords]] = {
    "jsonl": parse_json_lines,
    "json": parse_json_array,
    "csv": parse_csv,
}
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
# The largest batch of --batch-size. A batch of 100,000 events takes about
# 350 MB of memory while it is stored.
MAX_FILE_BATCH_SIZE = 100_000


class FileRejected(Exception):
    """Nothing of the file was stored.

    ``details`` lists the errors, one printable line each. ``summary``
    states that nothing was stored and what to do next.
    """

    def __init__(self, summary: str, details: Iterable[str] = ()) -> None:
        self.summary = escape_line(summary)
        self.details = [escape_line(line) for line in details]
        super().__init__(self.summary)


def read_error_message(path: Path | str, error: OSError) -> str:
    """Return the translated error of a file that could not be read, with the fix."""
    if isinstance(error, FileNotFoundError):
        return _(
            "cannot read %(path)s: no such file. Check the name and the folder it is in"
        ) % {"path": path}
    if isinstance(error, IsADirectoryError):
        return _("cannot read %(path)s: it is a folder. Give a file in it") % {
            "path": path
        }
    if isinstance(error, PermissionError):
        return _(
            "cannot read %(path)s: permission denied. Give a file that you may read"
        ) % {"path": path}
    return _("cannot read %(path)s: %(reason)s") % {
        "path": path,
        "reason": error.strerror or error,
    }


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
    organisation: Organisation,
    path: Path,
    file_format: str | None,
    batch_size: int | None = None,
) -> list[str]:
    """Ingest ``path`` and return the report to print.

    ``file_format`` is a key of ``FORMATS``, or None to take it from the
    extension. Without ``batch_size`` the file is one batch, and FileRejected,
    raised if the file cannot be read, has no events or has any error, means
    that nothing was stored. After an interruption (KeyboardInterrupt) it
    states whether the batch was committed. With ``batch_size``, see
    ``ingest_file_in_batches``.
    """
    file_format = _format_of(path, file_format)
    if batch_size is not None:
        return ingest_file_in_batches(organisation, path, file_format, batch_size)
    unit = _unit_of(file_format)
    audit_mark: int | None = None
    result: IngestResult | None = None
    try:
        audit_mark = latest_audit_id()
        result = _ingest_whole_file(organisation, path, file_format, unit)
        return _result_lines(path, unit, result, organisation.slug)
    except KeyboardInterrupt:
        raise _whole_file_interrupted(organisation, path, audit_mark, result) from None


def _ingest_whole_file(
    organisation: Organisation, path: Path, file_format: str, unit: PositionUnit
) -> IngestResult:
    """Read and ingest ``path`` as one batch, or raise FileRejected."""
    records = _read_records(organisation, path, file_format, unit)
    if not records:
        raise _no_events(path)
    try:
        return ingest_events(organisation, records, source=_source(path), unit=unit)
    except BatchRejected as rejected:
        raise _rejection(path, unit, ErrorTally(), rejected.tally) from None


def _no_events(path: Path) -> FileRejected:
    """Return the error of a file without events, such as an empty file."""
    return FileRejected(
        _(
            "%(path)s contains no events, so nothing was stored. Add events to "
            "the file, or check that you gave the right file."
        )
        % {"path": path}
    )


def _source(path: Path) -> str:
    """Return the source that the audit record of a file's batch names."""
    return f"file:{path.name}"


def _whole_file_interrupted(
    organisation: Organisation,
    path: Path,
    audit_mark: int | None,
    result: IngestResult | None,
) -> FileRejected:
    """Return the error of an interrupted whole-file ingestion, stating what was stored.

    The file is one transaction. An interruption before its commit rolls it
    back. One after the commit, before ``ingest_events`` returned, leaves the
    file stored. The audit record of the transaction, newer than
    ``audit_mark``, then contains the counts of what was stored.
    """
    stored: StoredBatch | None = None
    if result is not None:
        if result.accepted:
            stored = StoredBatch(
                len(result.accepted), len(result.duplicates), result.tree_size
            )
    elif audit_mark is not None:
        try:
            stored = stored_since(organisation, _source(path), audit_mark)
        except (DatabaseError, InterfaceError) as error:
            return FileRejected(
                _(
                    "%(path)s: interrupted, and whether the file was stored "
                    "could not be checked (%(error)s). Ingest it again: events "
                    "already stored are reported as such, not stored twice."
                )
                % {"path": path, "error": error}
            )
    if stored is None:
        return FileRejected(
            _(
                "%(path)s: interrupted, so nothing of the file was stored. "
                "Ingest it again."
            )
            % {"path": path}
        )
    return FileRejected(
        _(
            "%(path)s: interrupted after the file was stored, with %(entries)s, "
            "and %(size)s. Ingesting it again would only report its events as "
            "already stored."
        )
        % {"path": path, **_stored_counts(stored)}
    )


def _stored_counts(stored: StoredBatch) -> dict[str, str]:
    """Return the texts of a stored batch's new entries and of the log's size."""
    entries = ngettext("%(count)d new entry", "%(count)d new entries", stored.new)
    size = ngettext(
        "the log has %(count)d entry",
        "the log has %(count)d entries",
        stored.tree_size,
    )
    return {
        "entries": entries % {"count": stored.new},
        "size": size % {"count": stored.tree_size},
    }


def ingest_file_in_batches(
    organisation: Organisation, path: Path, file_format: str, batch_size: int
) -> list[str]:
    """Ingest ``path`` in batches of ``batch_size`` events, each committed on its own.

    JSON lines and CSV are read a batch at a time, so that memory does not
    grow with the file. A JSON array is read whole first. A second process
    reads and checks the next batch while this one stores the current one
    (``vigil.accesslog.batched_ingest``). At the first batch with an error,
    FileRejected lists its errors and names the events stored before it.
    """
    unit = _unit_of(file_format)
    try:
        stream = path.open("rb")
    except OSError as error:
        raise FileRejected(read_error_message(path, error)) from None
    totals = FileTotals(path, unit)
    pending: PendingBatch | None = None

    def mark_pending(first_line: int, last_line: int) -> None:
        nonlocal pending
        pending = PendingBatch(first_line, last_line, latest_audit_id())

    with stream:
        _reject_archive(path, stream.peek(MAGIC_BYTES)[:MAGIC_BYTES])
        batches = _file_batches(stream, file_format, batch_size)
        stored_batches = ingest_batches(
            organisation,
            batches,
            source=_source(path),
            unit=unit,
            before_append=mark_pending,
        )
        try:
            for stored in stored_batches:
                # Ctrl-C waits until the batch is counted in full.
                with interrupts_held():
                    totals.add(stored.result)
                    totals.last_line = stored.last_line
        except BatchRejected as rejected:
            failure = _rejection(path, unit, ErrorTally(), rejected.tally)
            raise _after_stored(failure, totals) from None
        except ParseError as error:
            record_errors = _record_errors(organisation, error, unit)
            failure = _rejection(path, unit, error.tally, record_errors)
            raise _after_stored(failure, totals) from None
        except InvalidText as error:
            failure = _not_utf8(path, error.line, error.byte, error.offset)
            if totals.batches:
                detail = _(
                    "%(path)s: line %(line)d is not valid UTF-8 (byte %(byte)s at "
                    "offset %(offset)d). Save the file as UTF-8 and ingest it again."
                ) % _utf8_values(path, error.line, error.byte, error.offset)
                failure = FileRejected(failure.summary, [detail])
            raise _after_stored(failure, totals) from None
        except KeyboardInterrupt:
            raise _batches_interrupted(organisation, totals, pending) from None
    if not totals.batches:
        raise _no_events(path)
    lines = totals.report(organisation.slug)
    lines.insert(-1, escape_line(_batches_line(path, totals.batches, batch_size)))
    return lines


def _batches_interrupted(
    organisation: Organisation, totals: FileTotals, pending: PendingBatch | None
) -> FileRejected:
    """Return the error of an interrupted batched ingestion, stating what was stored.

    The batch being stored when the interruption came was rolled back,
    unless the interruption came just after its commit, before it was
    counted in ``totals``. Its audit entry, newer than ``pending.audit_mark``,
    then contains its counts.
    """
    if pending is None or pending.last_line <= totals.last_line:
        return _interrupted(totals, totals.last_line + 1, totals.events)
    try:
        stored = stored_since(organisation, _source(totals.path), pending.audit_mark)
    except (DatabaseError, InterfaceError) as error:
        return _interrupt_unchecked(totals, pending, error)
    if stored is None:
        return _interrupted(totals, totals.last_line + 1, totals.events)
    # A counted batch made the log grow to ``totals.tree_size``, so a stored
    # batch whose log is no larger is counted already.
    if stored.tree_size <= totals.tree_size:
        return _interrupted(totals, pending.last_line + 1, totals.events)
    events = totals.events + stored.new + stored.duplicates
    failure = _interrupted(totals, pending.last_line + 1, events)
    detail = _(
        "%(path)s: the batch from %(first)s to %(last)s was stored just before "
        "the interruption, with %(entries)s, and %(size)s"
    ) % {
        "path": totals.path,
        "first": describe_position(totals.unit, pending.first_line),
        "last": describe_position(totals.unit, pending.last_line),
        **_stored_counts(stored),
    }
    details = failure.details if totals.batches else []
    return FileRejected(failure.summary, [*details, detail])


def _interrupt_unchecked(
    totals: FileTotals, pending: PendingBatch, error: Exception
) -> FileRejected:
    """Return the error of an interruption whose last batch could not be checked."""
    first = _(
        "%(path)s: interrupted, and whether the batch from %(position)s on was "
        "stored could not be checked (%(error)s)."
    ) % {
        "path": totals.path,
        "position": describe_position(totals.unit, pending.first_line),
        "error": error,
    }
    if not totals.batches:
        again = _(
            "Ingest the file again: events already stored are reported as such, "
            "not stored twice."
        )
        return FileRejected(f"{first} {again}")
    summary = f"{first} {_events_before(totals.events)}"
    return FileRejected(summary, [totals.summary()])


def _interrupted(totals: FileTotals, line: int, count: int) -> FileRejected:
    """Return the error that states where an interrupted batched ingestion stopped.

    Nothing from ``line`` on was stored, and the ``count`` events before it
    were.
    """
    if not count:
        return FileRejected(
            _("%(path)s: interrupted before the first batch, so nothing was stored.")
            % {"path": totals.path}
        )
    values = {"path": totals.path, "line": line}
    if totals.unit == "record":
        first = _(
            "%(path)s: interrupted, so nothing from record %(line)d on was stored."
        )
    else:
        first = _("%(path)s: interrupted, so nothing from line %(line)d on was stored.")
    summary = f"{first % values} {_events_before(count)}"
    return FileRejected(summary, [totals.summary()])


def _events_before(count: int) -> str:
    return ngettext(
        "The %(count)d event before it was stored. Ingest the file again to store "
        "the rest: an event already stored is reported as such, not stored twice.",
        "The %(count)d events before it were stored. Ingest the file again to store "
        "the rest: events already stored are reported as such, not stored twice.",
        count,
    ) % {"count": count}


def _unit_of(file_format: str) -> PositionUnit:
    """Return how the errors of a file format name a record: by line or by position."""
    return "record" if file_format == "json" else "line"


def _format_of(path: Path, file_format: str | None) -> str:
    """Return the format given or that of the extension, or raise FileRejected.

    A path that cannot be opened, such as a folder, is rejected for that
    reason first, because --format would not help.
    """
    file_format = file_format or EXTENSIONS.get(path.suffix.lower())
    if file_format is None:
        try:
            path.open("rb").close()
        except OSError as error:
            raise FileRejected(read_error_message(path, error)) from None
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
    return file_format


def _file_batches(
    stream: BinaryIO, file_format: str, size: int
) -> Iterator[ReceivedRecords]:
    """Yield the records of the file in batches of ``size``."""
    if file_format == "jsonl":
        yield from json_lines_batches(stream, size)
    elif file_format == "csv":
        yield from csv_batches(stream, size)
    else:
        records = parse_json_array(_file_text(stream.read(), file_format))
        for start in range(0, len(records), size):
            yield records[start : start + size]


def _batches_line(path: Path, batches: int, size: int) -> str:
    return ngettext(
        "%(path)s: ingested in %(count)d batch of at most %(size)d events, each "
        "committed on its own",
        "%(path)s: ingested in %(count)d batches of at most %(size)d events, each "
        "committed on its own",
        batches,
    ) % {"path": path, "count": batches, "size": size}


def _after_stored(failure: FileRejected, totals: FileTotals) -> FileRejected:
    """Add to the rejection of a batch which events of the file were stored before.

    When none were, the rejection, which states that nothing was stored, is
    returned unchanged.
    """
    if not totals.batches:
        return failure
    count = totals.events
    values = {"path": totals.path, "line": totals.last_line + 1, "count": count}
    if totals.unit == "record":
        first = _(
            "%(path)s: a batch has errors, so nothing from record %(line)d on "
            "was stored."
        )
    else:
        first = _(
            "%(path)s: a batch has errors, so nothing from line %(line)d on was stored."
        )
    second = ngettext(
        "The %(count)d event before it was stored in an earlier batch. Correct "
        "the file and ingest all of it again: an event already stored is "
        "reported as such, not stored twice.",
        "The %(count)d events before it were stored in earlier batches. Correct "
        "the file and ingest all of it again: events already stored are "
        "reported as such, not stored twice.",
        count,
    )
    summary = f"{first % values} {second % values}"
    return FileRejected(summary, [*failure.details, totals.summary()])


def _read_records(
    organisation: Organisation,
    path: Path,
    file_format: str,
    unit: PositionUnit,
) -> ReceivedRecords:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileRejected(read_error_message(path, error)) from None
    _reject_archive(path, data)
    try:
        text = _file_text(data, file_format)
    except InvalidText as error:
        raise _not_utf8(path, error.line, error.byte, error.offset) from None
    try:
        return FORMATS[file_format](text)
    except ParseError as error:
        record_errors = _record_errors(organisation, error, unit)
        raise _rejection(path, unit, error.tally, record_errors) from None


def _reject_archive(path: Path, head: bytes) -> None:
    """Raise FileRejected if the file starts as a compressed file or an archive.

    Such a file would otherwise be reported as text that is not UTF-8, whose
    advice to save the file as UTF-8 does not help.
    """
    message = describe_non_text_file(path, head)
    if message is not None:
        raise FileRejected(message)


def _file_text(data: bytes, file_format: str) -> str:
    """Decode a whole file, or raise InvalidText at its first byte that is not UTF-8.

    The line ends of JSON lines and CSV stay as they are, as the batch
    readers keep them, so that a quoted CSV value keeps its CR LF. Those of
    a JSON array become line feeds, because the line of a JSON syntax error
    counts line feeds only.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = line_at(data, error.start)
        raise InvalidText(line, data[error.start], error.start) from None
    if file_format == "json" and "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _not_utf8(path: Path, line: int, byte: int, offset: int) -> FileRejected:
    return FileRejected(
        _(
            "%(path)s: line %(line)d is not valid UTF-8 (byte %(byte)s at "
            "offset %(offset)d). Save the file as UTF-8 and ingest it "
            "again. Nothing was stored."
        )
        % _utf8_values(path, line, byte, offset)
    )


def _utf8_values(path: Path, line: int, byte: int, offset: int) -> dict[str, object]:
    return {"path": path, "line": line, "byte": f"{byte:#04x}", "offset": offset}


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
    totals = FileTotals(path, unit)
    totals.add(result)
    return totals.report(slug)
