"""The file ingestion behind ``vigil accesslog ingest``, and its report.

``ingest_file`` reads a file as one batch and returns the lines to print.
Every line is in the active language, which the ``vigil`` command sets from
VIGIL_CLI_LANGUAGE. The values and field names from the file have their
non-printable characters escaped, so a value with a line break cannot split
or forge a line of the report. The whole lines are escaped in the same way
except for their spaces, so the no-break spaces of French text stay as they
are.
"""

import bisect
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, NamedTuple

from django.db import DatabaseError, InterfaceError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vigil.accesslog.batched_ingest import ingest_batches
from vigil.accesslog.error_tally import MAX_LISTED_ERRORS, ErrorTally
from vigil.accesslog.events import (
    EventError,
    ParseError,
    PositionUnit,
    ReceivedRecords,
    describe_position,
)
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
from vigil.audit.models import AuditEntry
from vigil.ledger.terminal import escape_control_characters, escape_line
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
        audit_mark = _latest_audit_id()
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
        raise FileRejected(_("%(path)s contains no events") % {"path": path})
    try:
        return ingest_events(organisation, records, source=_source(path), unit=unit)
    except BatchRejected as rejected:
        raise _rejection(path, unit, ErrorTally(), rejected.tally) from None


def _source(path: Path) -> str:
    """Return the source that the audit record of a file's batch names."""
    return f"file:{path.name}"


class _StoredFile(NamedTuple):
    """The counts of a whole file's committed batch."""

    new: int
    tree_size: int


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
    stored: _StoredFile | None = None
    if result is not None:
        if result.accepted:
            stored = _StoredFile(len(result.accepted), result.tree_size)
    elif audit_mark is not None:
        try:
            stored = _stored_since(organisation, _source(path), audit_mark)
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
    entries = ngettext("%(count)d new entry", "%(count)d new entries", stored.new)
    size = ngettext(
        "the log has %(count)d entry",
        "the log has %(count)d entries",
        stored.tree_size,
    )
    return FileRejected(
        _(
            "%(path)s: interrupted after the file was stored, with %(entries)s, "
            "and %(size)s. Ingesting it again would only report its events as "
            "already stored."
        )
        % {
            "path": path,
            "entries": entries % {"count": stored.new},
            "size": size % {"count": stored.tree_size},
        }
    )


def _latest_audit_id() -> int:
    """Return the id of the newest audit entry, or 0 when there is none."""
    latest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def _stored_since(
    organisation: Organisation, source: str, audit_mark: int
) -> _StoredFile | None:
    """Return the counts of the first batch from ``source`` stored after ``audit_mark``.

    ``ingestion._append`` writes an ``accesslog.ingested`` audit entry in the
    transaction of every batch that stores an entry, and that entry gets a
    higher id than every audit entry before it.
    NOTE: a file of the same name that another process ingests into the same
    log at the same time is taken for this one.
    """
    entries = AuditEntry.objects.filter(
        pk__gt=audit_mark, action="accesslog.ingested", organisation=organisation
    ).order_by("pk")
    for values in entries.values_list("new_values", flat=True):
        if values.get("source") == source:
            return _StoredFile(values["accepted"], values["tree_size"])
    return None


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
    totals = _Totals(path, unit)
    with stream:
        _reject_archive(path, stream.peek(MAGIC_BYTES)[:MAGIC_BYTES])
        batches = _file_batches(stream, file_format, batch_size)
        stored_batches = ingest_batches(
            organisation, batches, source=f"file:{path.name}", unit=unit
        )
        try:
            for stored in stored_batches:
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
            # The batch being stored was rolled back, and the committed ones stay.
            # NOTE: a Ctrl-C just after a batch commits, before its result
            # arrives here, also lands here, and that batch is then reported as
            # not stored. Ingesting the file again reports its events as stored.
            raise _interrupted(totals) from None
    if not totals.batches:
        raise FileRejected(_("%(path)s contains no events") % {"path": path})
    lines = totals.report(organisation.slug)
    lines.insert(-1, escape_line(_batches_line(path, totals.batches, batch_size)))
    return lines


def _interrupted(totals: "_Totals") -> FileRejected:
    """Return the error that states where an interrupted batched ingestion stopped."""
    if not totals.batches:
        return FileRejected(
            _("%(path)s: interrupted before the first batch, so nothing was stored.")
            % {"path": totals.path}
        )
    count = totals.events
    values = {"path": totals.path, "line": totals.last_line + 1, "count": count}
    if totals.unit == "record":
        first = _(
            "%(path)s: interrupted, so nothing from record %(line)d on was stored."
        )
    else:
        first = _("%(path)s: interrupted, so nothing from line %(line)d on was stored.")
    second = ngettext(
        "The %(count)d event before it was stored. Ingest the file again to store "
        "the rest: an event already stored is reported as such, not stored twice.",
        "The %(count)d events before it were stored. Ingest the file again to store "
        "the rest: events already stored are reported as such, not stored twice.",
        count,
    )
    return FileRejected(f"{first % values} {second % values}", [totals.summary()])


def _unit_of(file_format: str) -> PositionUnit:
    """Return how the errors of a file format name a record: by line or by position."""
    return "record" if file_format == "json" else "line"


def _format_of(path: Path, file_format: str | None) -> str:
    """Return the format given or that of the extension, or raise FileRejected."""
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


def _after_stored(failure: FileRejected, totals: "_Totals") -> FileRejected:
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
    totals = _Totals(path, unit)
    totals.add(result)
    return totals.report(slug)


class _Totals:
    """The counts of the stored batches of one file, for its report.

    Only the first ``MAX_PRINTED_LINES`` duplicates are kept, so the memory
    does not grow with the file. A duplicate of an entry that an earlier
    batch of the file stored is repeated in the file.
    """

    def __init__(self, path: Path, unit: PositionUnit) -> None:
        self.path = path
        self.unit = unit
        self.batches = 0
        self.new = 0
        self.stored = 0
        self.repeated = 0
        self.lines: list[str] = []
        # (first, last) index of the new entries of each batch, in order.
        self.ranges: list[tuple[int, int]] = []
        self.tree_size = 0
        self.checkpoint_note: str | None = None
        # The line, or record, of the last event of the last stored batch.
        self.last_line = 0

    @property
    def events(self) -> int:
        """Return the number of events of the stored batches, duplicates included."""
        return self.new + self.stored + self.repeated

    def add(self, result: IngestResult) -> None:
        """Count the entries and duplicates of a committed batch."""
        self.batches += 1
        if result.accepted:
            self.ranges.append((result.accepted[0][2], result.accepted[-1][2]))
        self.new += len(result.accepted)
        for number, event_id, index in result.duplicates:
            repeated = self._from_this_file(index)
            self.repeated += repeated
            self.stored += not repeated
            if len(self.lines) < MAX_PRINTED_LINES:
                self.lines.append(
                    self._duplicate_line(number, event_id, index, repeated)
                )
        self.tree_size = result.tree_size
        self.checkpoint_note = result.checkpoint_note

    def _from_this_file(self, index: int) -> bool:
        position = bisect.bisect_right(self.ranges, (index, math.inf))
        return position > 0 and self.ranges[position - 1][1] >= index

    def _duplicate_line(
        self, number: int, event_id: str, index: int, repeated: bool
    ) -> str:
        values = {
            "path": self.path,
            "position": describe_position(self.unit, number),
            "event_id": event_id,
            "index": index,
        }
        if repeated:
            return (
                _(
                    "%(path)s: %(position)s: event id %(event_id)s repeats an "
                    "earlier record of the file, stored once at index %(index)d"
                )
                % values
            )
        return (
            _(
                "%(path)s: %(position)s: event id %(event_id)s is already "
                "stored at index %(index)d"
            )
            % values
        )

    def report(self, slug: str) -> list[str]:
        """Return the printed duplicates, the counts and the checkpoint line."""
        lines = list(self.lines)
        hidden = self.repeated + self.stored - len(lines)
        if hidden > 0:
            lines.append(
                ngettext(
                    "%(path)s: … and %(count)d more duplicate",
                    "%(path)s: … and %(count)d more duplicates",
                    hidden,
                )
                % {"path": self.path, "count": hidden}
            )
        lines.append(self.summary())
        lines.append(_checkpoint_line(self.checkpoint_note, self.tree_size, slug))
        return [escape_line(line) for line in lines]

    def summary(self) -> str:
        """Return the sentence with the counts of the file's stored batches."""
        parts = [
            ngettext("%(count)d new entry", "%(count)d new entries", self.new)
            % {"count": self.new}
        ]
        if self.ranges:
            parts[0] += " " + self._indices()
        parts.append(
            ngettext(
                "%(count)d already stored", "%(count)d already stored", self.stored
            )
            % {"count": self.stored}
        )
        parts.append(
            ngettext(
                "%(count)d repeated in the file",
                "%(count)d repeated in the file",
                self.repeated,
            )
            % {"count": self.repeated}
        )
        size = ngettext(
            "the log has %(count)d entry",
            "the log has %(count)d entries",
            self.tree_size,
        ) % {"count": self.tree_size}
        return _("%(path)s: %(counts)s, and %(size)s") % {
            "path": self.path,
            "counts": ", ".join(parts),
            "size": size,
        }

    def _indices(self) -> str:
        first, last = self.ranges[0][0], self.ranges[-1][1]
        if first == last:
            return _("(index %(first)d)") % {"first": first}
        values = {"first": first, "last": last}
        gapless = all(
            following[0] == previous[1] + 1
            for previous, following in itertools.pairwise(self.ranges)
        )
        if gapless:
            return _("(indices %(first)d to %(last)d)") % values
        # Another sender's entries came between two batches of the file.
        return (
            _("(indices from %(first)d to %(last)d, between entries of other senders)")
            % values
        )


def _checkpoint_line(checkpoint_note: str | None, tree_size: int, slug: str) -> str:
    command = f"vigil accesslog checkpoint --org {slug}"
    if checkpoint_note is None:
        return _(
            "no checkpoint is signed yet: '%(command)s' signs one and prints it"
        ) % {"command": command}
    size = int(checkpoint_note.split("\n")[1])
    if size == tree_size:
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
    ) % {"size": size, "total": tree_size, "command": command}
