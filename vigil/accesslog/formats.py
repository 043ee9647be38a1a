"""Parsers of the file formats of access events: JSON lines, a JSON array, CSV.

Each parser returns (line, record) pairs for ``ingest_events``, or raises
``ParseError`` listing every problem together with the records it could read.

A line ends with a line feed, a carriage return and line feed, or a carriage
return alone, as Python's ``csv`` module and universal newlines read it. No
other character ends a line, so U+0085, U+2028 and the other separators that
``str.splitlines`` knows stay in their value, whose check rejects them. Each
parser skips a UTF-8 byte order mark (U+FEFF) at the start of the text, as
RFC 8259 allows a JSON parser to do and as spreadsheets save CSV.
"""

import contextlib
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vigil.accesslog.error_tally import ErrorTally
from vigil.accesslog.events import REQUIRED_FIELDS, WIRE_FIELDS, ParseError, Records
from vigil.accesslog.field_hints import closest_field
from vigil.accesslog.json_errors import (
    ARRAY_SEPARATOR_EXPECTED,
    ARRAY_TRAILING_COMMA,
    DuplicateFieldError,
    json_error_reason,
)
from vigil.accesslog.national_numbers import (
    compact_national_number,
    mask_national_number,
)

_WIRE_FIELD_SET = frozenset(WIRE_FIELDS)


def _unique_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Build a JSON object, rejecting a field that occurs twice."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateFieldError(key)
        result[key] = value
    return result


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_object)
_JSON_WHITESPACE = " \t\n\r"
BYTE_ORDER_MARK = "\ufeff"
_LINE_END = re.compile(r"\r\n?|\n")


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _JSON_WHITESPACE:
        position += 1
    return position


def parse_json_lines(text: str) -> Records:
    """Parse JSON lines (one event object per line), skipping blank lines.

    Raises ParseError with the tally of every line that is not a JSON object.
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    return next(_json_line_batches(enumerate(lines, start=1), None), [])


def json_lines_batches(stream: BinaryIO, size: int) -> Iterator[Records]:
    """Yield the records of the JSON lines of ``stream``, ``size`` at a time.

    The lines are read as they are needed, so memory does not grow with the
    file. Raises ParseError for the first batch with a line that is not a
    JSON object, with the records of that batch, and InvalidText for a line
    that is not UTF-8.
    """
    return _json_line_batches(_lines_without_ends(stream), size)


def _json_line_batches(
    lines: Iterable[tuple[int, str]], size: int | None
) -> Iterator[Records]:
    """Yield batches of ``size`` records, or one of all of them for None."""
    records: Records = []
    errors: ErrorTally[str] = ErrorTally()
    for number, line in lines:
        if not line.strip(" \t"):
            continue
        try:
            value = _DECODER.decode(line)
        except (ValueError, RecursionError) as error:
            errors.add(number, json_error_reason(error, with_line=False))
        else:
            if isinstance(value, dict):
                records.append((number, value))
            else:
                errors.add(number, _("the line is not a JSON object"))
        if size is not None and len(records) + errors.lines >= size:
            if errors:
                raise ParseError(errors, records=records)
            yield records
            records = []
    if errors:
        raise ParseError(errors, records=records)
    if records or size is None:
        yield records


class InvalidText(ValueError):
    """Line ``line`` of a file is not UTF-8: ``byte`` at file offset ``offset``."""

    def __init__(self, line: int, byte: int, offset: int) -> None:
        self.line = line
        self.byte = byte
        self.offset = offset
        super().__init__(f"line {line} is not UTF-8: byte {byte:#04x} at {offset}")


_BYTE_LINE_END = re.compile(rb"\r\n?|\n")


def line_at(data: bytes, offset: int) -> int:
    """Return the number of the line of ``data`` that contains byte ``offset``.

    A line ends with a line feed, CR LF or a carriage return alone, as the
    parsers read it.
    """
    feeds = data.count(b"\n", 0, offset)
    returns = data.count(b"\r", 0, offset)
    return feeds + returns - data.count(b"\r\n", 0, offset) + 1


# Bytes read at a time by _lines_without_ends.
READ_BYTES = 1 << 20


def _lines_without_ends(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    """Yield the numbered lines of a UTF-8 file without their line ends.

    The lines are as ``numbered_lines`` reads them. Blocks of lines that
    end in line feeds only are decoded and split at once, which took half
    the time of reading line by line.
    """
    number = 0
    offset = 0
    for block in _line_blocks(stream):
        text = None
        if b"\r" not in block:
            with contextlib.suppress(UnicodeDecodeError):
                text = block.decode("utf-8")
        if text is None:
            lines = numbered_lines(io.BytesIO(block), first=number + 1, offset=offset)
            for number, line in lines:
                yield number, _without_line_end(line)
        else:
            lines_of_block = text.split("\n")
            if block.endswith(b"\n"):
                lines_of_block.pop()
            if number == 0:
                lines_of_block[0] = lines_of_block[0].removeprefix(BYTE_ORDER_MARK)
            yield from zip(itertools.count(number + 1), lines_of_block, strict=False)
            number += len(lines_of_block)
        offset += len(block)


def _file_lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    """Yield the numbered lines of a UTF-8 file with their line ends.

    The lines are those of ``numbered_lines``, read a block at a time, so
    that a file whose lines end in carriage returns alone is not read whole.
    """
    number = 0
    offset = 0
    for block in _line_blocks(stream):
        lines = numbered_lines(io.BytesIO(block), first=number + 1, offset=offset)
        for number, line in lines:
            yield number, line
        offset += len(block)


def _line_blocks(stream: BinaryIO) -> Iterator[bytes]:
    """Yield the file in blocks that end after a line end, but for the last.

    A block ends after a line feed, or after a carriage return that is not
    the last byte read, because a line feed may follow that one in the next
    read. A line longer than ``READ_BYTES`` is gathered in parts and joined
    once, so that it is not copied at every read.
    """
    parts: list[bytes] = []
    while block := stream.read(READ_BYTES):
        cut = max(block.rfind(b"\n"), block.rfind(b"\r", 0, len(block) - 1)) + 1
        if not cut:
            parts.append(block)
            continue
        if parts:
            parts.append(block[:cut])
            yield b"".join(parts)
        else:
            yield block[:cut]
        parts = [block[cut:]] if cut < len(block) else []
    if parts:
        yield b"".join(parts)


def numbered_lines(
    stream: BinaryIO, *, first: int = 1, offset: int = 0
) -> Iterator[tuple[int, str]]:
    """Yield the numbered lines of a UTF-8 file with their line ends.

    Lines end as ``_LINE_END`` matches them. The byte order mark of line 1 is left
    out. Raises InvalidText at the first line that is not UTF-8. ``first``
    and ``offset`` are the number and the file offset of the first line of
    ``stream``, for a part of a file.
    """
    number = first - 1
    # Iterating a binary file splits after each line feed, so a carriage
    # return and its line feed stay together. Lone carriage returns are
    # split here.
    for chunk in stream:
        if b"\r" not in chunk:
            number += 1
            yield number, _decoded(chunk, number, offset)
            offset += len(chunk)
            continue
        start = 0
        for match in _BYTE_LINE_END.finditer(chunk):
            number += 1
            yield number, _decoded(chunk[start : match.end()], number, offset + start)
            start = match.end()
        if start < len(chunk):
            number += 1
            yield number, _decoded(chunk[start:], number, offset + start)
        offset += len(chunk)


def _decoded(line: bytes, number: int, offset: int) -> str:
    """Return line ``number``, at file offset ``offset``, as text."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidText(number, line[error.start], offset + error.start) from None
    return text.removeprefix(BYTE_ORDER_MARK) if number == 1 else text


def _without_line_end(line: str) -> str:
    if line.endswith("\n"):
        return line[:-2] if line.endswith("\r\n") else line[:-1]
    return line.removesuffix("\r")


def parse_json_array(text: str) -> list[tuple[int, object]]:
    """Parse a JSON array of event objects, numbering each record by its position.

    The first element is number 1. Every element is a record, so that an
    element that is not an object is reported by validation beside the
    errors of the other records. Raises ParseError for a syntax error, at
    the element where it occurs, or at the last one for a comma after it or
    for data after the closing bracket, with the text line and column in the
    reason.
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    position = _skip_whitespace(text, 0)
    if not text.startswith("[", position):
        reason = _(
            "a JSON array of event objects is expected, but the text does not "
            "start with ["
        )
        raise ParseError([(1, reason)])
    records: list[tuple[int, object]] = []
    errors: list[tuple[int, str]] = []
    number = 0
    position = _skip_whitespace(text, position + 1)
    if text.startswith("]", position):
        return _check_array_end(text, position, records, errors)
    while True:
        number += 1
        try:
            value, position = _DECODER.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            reason = json_error_reason(error, with_line=True, start=position)
            raise ParseError([*errors, (number, reason)], records=records) from None
        records.append((number, value))
        position = _skip_whitespace(text, position)
        if text.startswith(",", position):
            comma = position
            position = _skip_whitespace(text, position + 1)
            if not text.startswith("]", position):
                continue
            # Without this check the decoder would report a missing value
            # at the bracket, for a record that does not exist.
            problem = json.JSONDecodeError(ARRAY_TRAILING_COMMA, text, comma)
            reason = json_error_reason(problem, with_line=True)
            raise ParseError([*errors, (number, reason)], records=records)
        if text.startswith("]", position):
            return _check_array_end(text, position, records, errors)
        problem = json.JSONDecodeError(ARRAY_SEPARATOR_EXPECTED, text, position)
        reason = json_error_reason(problem, with_line=True)
        raise ParseError([*errors, (number, reason)], records=records)


def _check_array_end(
    text: str,
    position: int,
    records: list[tuple[int, object]],
    errors: list[tuple[int, str]],
) -> list[tuple[int, object]]:
    """Return the records, unless errors were found or data follows the ``]``.

    Data after the bracket is reported at the last element, because it is
    not part of one.
    """
    extra = _skip_whitespace(text, position + 1)
    if extra < len(text):
        problem = json.JSONDecodeError("Extra data", text, extra)
        last = len(records) + len(errors)
        errors.append((max(last, 1), json_error_reason(problem, with_line=True)))
    if errors:
        raise ParseError(errors, records=records)
    return records


def parse_csv(text: str) -> Records:
    """Parse CSV whose header row names the wire fields, in any order.

    The delimiter is a comma, or a semicolon when the header contains
    semicolons and no commas (as spreadsheets in Belgian locales write it).
    Quoting follows RFC 4180. Empty cells mean "not given". A record's line
    is the line on which it starts. Raises ParseError listing the problems of
    the header and every row whose number of cells differs from the header.
    """
    text = text.removeprefix(BYTE_ORDER_MARK)
    # A StringIO without newline translation yields lines as the csv module
    # expects them from a file opened with newline="".
    return next(_csv_batches(io.StringIO(text, newline=""), None), [])


def csv_batches(stream: BinaryIO, size: int) -> Iterator[Records]:
    """Yield the records of the CSV file ``stream``, ``size`` at a time.

    The rows are read as they are needed, so memory does not grow with the
    file. Raises ParseError for the first batch with an error, with the
    records of that batch, and InvalidText for a line that is not UTF-8. An
    error of the header fails the first batch.
    """
    return _csv_batches((line for _number, line in _file_lines(stream)), size)


class _LastLine:
    """The lines of a CSV file, keeping the last one that the reader took.

    After the last row, that is the file's last line, whose quotation marks
    show whether the row's last cell ran on to the end of the file.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.last = ""
        self.ended = False

    def __iter__(self) -> "_LastLine":
        return self

    def __next__(self) -> str:
        try:
            self.last = next(self.lines)
        except StopIteration:
            self.ended = True
            raise
        return self.last


def _csv_batches(lines: Iterator[str], size: int | None) -> Iterator[Records]:
    """Yield batches of ``size`` records, or one of all of them for None."""
    first = next(lines, None)
    if first is None:
        return
    first_line = _LINE_END.split(first, maxsplit=1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    source = _LastLine(itertools.chain([first], lines))
    reader = csv.reader(source, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return
        names, header_error = _check_header(header)
        yield from _csv_rows(reader, source, names, header_error, size, delimiter)
    except csv.Error as error:
        raise ParseError([(reader.line_num, _csv_reason(error))]) from None


def _csv_reason(error: csv.Error) -> str:
    """Return a translated reason for Python's English ``csv.Error``.

    With a reader in its default, lenient mode, CPython 3.12 raises it only
    for a field over ``csv.field_size_limit()``. Any other message gets a
    general reason.
    """
    if str(error).startswith("field larger than field limit"):
        return _(
            "invalid CSV: a field is longer than %(limit)s characters, the "
            "maximum for a CSV field"
        ) % {"limit": csv.field_size_limit()}
    return _("invalid CSV: the line cannot be read as CSV")


def _check_header(header: list[str]) -> tuple[list[str], ParseError | None]:
    """Return the column names and, if any column is wrong, the header's error.

    The error's ``skipped_fields`` are the wire fields that the rows lack
    because their column is missing or repeated. A first line that names no
    column raises ParseError at once: it is probably a row of data, whose
    cells are not shown because one may be a national number, and the rows
    would only repeat that every column is missing.
    """
    names = [name.strip() for name in header]
    if not _WIRE_FIELD_SET.intersection(names):
        reason = _(
            "the first line is not a header: none of its cells names a column. "
            "Put a header line with the columns first (the columns are %(fields)s)"
        ) % {"fields": ", ".join(WIRE_FIELDS)}
        raise ParseError([(1, reason)])
    problems = []
    unknown = [name for name in names if name not in _WIRE_FIELD_SET]
    if unknown:
        problems.append(
            _("unknown columns %(columns)s (the columns are %(fields)s)")
            % {
                "columns": ", ".join(_shown_column(name) for name in unknown),
                "fields": ", ".join(WIRE_FIELDS),
            }
        )
        problems.extend(_column_hints(unknown))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(
            _("repeated columns %(columns)s") % {"columns": ", ".join(repeated)}
        )
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        problems.append(
            _("missing columns %(columns)s") % {"columns": ", ".join(missing)}
        )
    if not problems:
        return names, None
    skipped = frozenset(missing) | frozenset(repeated)
    # French writes a no-break space before the semicolon.
    separator = pgettext("between two problems of one line", "; ")
    reason = separator.join(problems)
    return names, ParseError([(1, reason)], skipped_fields=skipped)


def _column_hints(unknown: list[str]) -> list[str]:
    """Return the question that names the field of each column that resembles one.

    The list is empty, or has that one question.
    """
    pairs = []
    for name in unknown:
        field = closest_field(name, WIRE_FIELDS)
        if field is not None:
            pairs.append(
                _("%(field)s instead of %(column)s")
                % {"field": field, "column": _shown_column(name)}
            )
    if not pairs:
        return []
    return [_("did you mean %(pairs)s?") % {"pairs": ", ".join(pairs)}]


def _shown_column(name: str) -> str:
    """Return an unknown column name in quotes, or masked if it is all digits.

    Digits, with or without dots and dashes, may be a national number.
    """
    if compact_national_number(name).isdigit():
        return mask_national_number(name)
    return f'"{name}"'


def _cell_count_reason(
    row: list[str],
    columns: int,
    start: int,
    end: int,
    runs_to_end: bool,
    delimiter: str,
) -> str:
    """Return why a row of lines ``start`` to ``end`` has the wrong cell count.

    ``runs_to_end`` is true when the row is the file's last and its last line
    has a quotation mark that is not closed, so that the reader took the
    rest of the file into one cell. ``delimiter`` is the file's separator,
    which a value must be quoted to contain.
    """
    if end > start and any("\n" in cell or "\r" in cell for cell in row):
        return _(
            "a quotation mark in this row is not closed, so the row runs on to "
            "line %(end)d; close the quotation mark or remove it"
        ) % {"end": end}
    if runs_to_end and len(row) < columns:
        return _(
            "a quotation mark in this row is not closed, so the row runs on to "
            "the end of the file; close the quotation mark or remove it"
        )
    separator = _("a semicolon") if delimiter == ";" else _("a comma")
    values = {"cells": len(row), "columns": columns, "separator": separator}
    if len(row) < columns:
        return (
            ngettext(
                "the row has %(cells)d cell, the header has %(columns)d. Give every "
                "column a value or an empty cell, and put a value that contains "
                "%(separator)s in double quotes",
                "the row has %(cells)d cells, the header has %(columns)d. Give every "
                "column a value or an empty cell, and put a value that contains "
                "%(separator)s in double quotes",
                len(row),
            )
            % values
        )
    return (
        ngettext(
            "the row has %(cells)d cell, the header has %(columns)d. Put a value "
            "that contains %(separator)s in double quotes, or remove the extra cells",
            "the row has %(cells)d cells, the header has %(columns)d. Put a value "
            "that contains %(separator)s in double quotes, or remove the extra cells",
            len(row),
        )
        % values
    )


def _unclosed_at_end(source: _LastLine) -> bool:
    """Tell whether the row just read ran on to the end of the file.

    The reader reads past the file's last line only for a row whose
    quotation mark is not closed, and that line then contains an odd number
    of them when the row began on it.
    """
    return source.ended and source.last.count('"') % 2 == 1


def _csv_rows(
    reader: Any,
    source: _LastLine,
    names: list[str],
    header_error: ParseError | None,
    size: int | None,
    delimiter: str,
) -> Iterator[Records]:
    """Map each row to a record, in batches of ``size`` records or rows in error.

    Raises ParseError with every error of the batch in which it found one.
    With an invalid header, the rows are still mapped through the columns
    that name a wire field once, so that their own errors can be reported
    with the header's. The ParseError then carries those records.
    """
    columns = list(enumerate(names))
    skipped: frozenset[str] = frozenset()
    errors: ErrorTally[str] = ErrorTally()
    if header_error is not None:
        columns = [
            (number, name)
            for number, name in columns
            if name in _WIRE_FIELD_SET and name not in header_error.skipped_fields
        ]
        skipped = header_error.skipped_fields
        errors = header_error.tally
    records: Records = []
    start = reader.line_num + 1
    for row in reader:
        # A blank line, or a row of empty cells, which spreadsheets write for
        # a cleared row, carries no event.
        if not any(row):
            start = reader.line_num + 1
            continue
        if len(row) != len(names):
            errors.add(
                start,
                _cell_count_reason(
                    row,
                    len(names),
                    start,
                    reader.line_num,
                    _unclosed_at_end(source),
                    delimiter,
                ),
            )
        elif header_error is None:
            record = {name: cell for name, cell in zip(names, row, strict=True) if cell}
            records.append((start, record))
        else:
            records.append((start, {name: row[i] for i, name in columns if row[i]}))
        start = reader.line_num + 1
        if size is not None and len(records) + errors.lines >= size:
            if errors:
                raise ParseError(errors, records=records, skipped_fields=skipped)
            yield records
            records = []
    if errors:
        raise ParseError(errors, records=records, skipped_fields=skipped)
    if records or size is None:
        yield records
