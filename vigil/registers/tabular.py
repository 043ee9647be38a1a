"""Reading and writing register tables as CSV and XLSX.

A table is a header row of field names and rows of text values. CSV files
are read as UTF-8 (a byte order mark is allowed) with a comma or semicolon
as delimiter, the latter being what spreadsheets in Belgium write. XLSX
files are read from their first sheet. Line numbers count the header as
line 1, as a spreadsheet shows them.
"""

import csv
import datetime
import decimal
import io
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile, LargeZipFile, ZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException

from vigil.integers import ascii_integer
from vigil.registers.spec import Rows

if TYPE_CHECKING:
    from _csv import Reader

MAX_ROWS = 20_000
# The largest file an import reads, and the largest total an XLSX file may
# unpack to. A zip member never unpacks beyond the size its header declares,
# so checking the declared sizes stops a small file that unpacks to gigabytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
# What openpyxl and the XML parsers raise on a damaged workbook: ParseError
# and lxml's XMLSyntaxError derive from SyntaxError, defusedxml's refusals
# from ValueError, and a missing part shows as KeyError or IndexError.
XLSX_ERRORS = (
    InvalidFileException,
    BadZipFile,
    LargeZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
    OSError,
    ValueError,
    SyntaxError,
)
# A spreadsheet opening a CSV file runs a cell that starts with one of these
# as a formula. A CSV export puts an apostrophe before such text, which
# spreadsheets show as text and the import takes off again. XLSX cells are
# typed, so there such text is written as a string cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """A file that is not a readable table; the message says why."""


def too_many_rows() -> str:
    """Return the error of a file with more rows than an import reads."""
    return _("the file has more than %(limit)d rows; split it") % {"limit": MAX_ROWS}


def unreadable_csv(line: int, error: csv.Error) -> str:
    """Return the error of a CSV file that the csv module cannot read at ``line``.

    The reason is the csv module's own English text.
    """
    return _("line %(line)d: unreadable CSV (%(reason)s)") % {
        "line": line,
        "reason": error,
    }


def unreadable_xlsx(error: Exception) -> str:
    """Return the error of a file that openpyxl cannot read, with its reason."""
    return _("the file is not a readable XLSX workbook: %(reason)s") % {"reason": error}


def read_table(content: bytes) -> Rows:
    """Return the rows of a CSV or XLSX file, keyed by its header."""
    check_size(len(content))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    header, rows = _read_csv(content)
    return keyed_rows(header, rows)


def check_size(size: int) -> None:
    """Raise TableError for a file larger than an import reads."""
    if size > MAX_FILE_BYTES:
        raise TableError(
            _(
                "the file has %(size)d bytes, more than the limit of %(limit)d; "
                "split it into smaller files"
            )
            % {"size": size, "limit": MAX_FILE_BYTES}
        )


def keyed_rows(header: Sequence[str], rows: Iterable[tuple[int, list[str]]]) -> Rows:
    """Key each row by the header; skip blank rows; check the header."""
    names = [name.strip().lower() for name in header]
    if not any(names):
        raise TableError(_("the first line must name the columns"))
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise TableError(
                _("the column “%(name)s” appears twice in the header") % {"name": name}
            )
        seen.add(name)
    keyed: Rows = []
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(keyed) >= MAX_ROWS:
            raise TableError(too_many_rows())
        keyed.append(
            (
                line,
                {
                    name: _unguarded(value.strip())
                    for name, value in zip(names, values, strict=False)
                    if name
                },
            )
        )
    return keyed


def guarded(value: str) -> str:
    """Return ``value`` so that a spreadsheet shows it as text, not a formula."""
    if value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _unguarded(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            _("the file is not UTF-8 text (byte %(byte)d); save it as CSV UTF-8")
            % {"byte": error.start}
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # strict: an unclosed quote is an error, not a value running to the end.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise TableError(unreadable_csv(reader.line_num, error)) from None
    return header, _csv_rows(reader)


def _csv_rows(reader: "Reader") -> Iterator[tuple[int, list[str]]]:
    """Yield the rows one at a time, so reading stops at MAX_ROWS."""
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise TableError(unreadable_csv(reader.line_num, error)) from None


def _read_xlsx(content: bytes) -> Rows:
    try:
        _check_unpacked_size(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        raise TableError(unreadable_xlsx(error)) from None
    try:
        if not workbook.worksheets:
            raise TableError(
                _("the XLSX workbook has no worksheet; save the table as a sheet")
            )
        lines = workbook.worksheets[0].iter_rows()
        header = [_xlsx_cell_text(cell) for cell in next(lines, ())]
        rows = (
            (number, [_xlsx_cell_text(cell) for cell in cells])
            for number, cells in enumerate(lines, start=2)
        )
        return keyed_rows(header, rows)
    except TableError:
        raise
    except XLSX_ERRORS as error:
        raise TableError(unreadable_xlsx(error)) from None
    finally:
        workbook.close()


def _check_unpacked_size(content: bytes) -> None:
    with ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableError(
            _(
                "the XLSX file unpacks to %(size)d bytes uncompressed, more than "
                "the limit of %(limit)d; split it into smaller files"
            )
            % {"size": unpacked, "limit": MAX_XLSX_UNPACKED_BYTES}
        )


def _xlsx_cell_text(cell: Any) -> str:
    """Return the text of a worksheet cell, as ``_cell_text`` writes its value.

    A spreadsheet keeps a date as a date and time at midnight, so a cell
    whose number format shows no hour gives the date alone, and a date and
    time at midnight keeps its time.
    """
    value = cell.value
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        number_format = str(getattr(cell, "number_format", "") or "").lower()
        if "h" in number_format:
            return value.isoformat()
    return _cell_text(value)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """Return a UTF-8 CSV file with a byte order mark, which spreadsheets need."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([guarded(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    labels: Sequence[str] | None = None,
) -> bytes:
    """Return an XLSX workbook with one sheet: the header, then the rows.

    ``labels``, when given, go in a second sheet that explains each column,
    so the first sheet stays importable as it is.
    """
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:
        raise RuntimeError("a new workbook has no sheet")
    sheet.title = _sheet_title(title)
    sheet.append(list(header))
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column, _typed(_printable(value)))
            # openpyxl writes text that starts with "=" as a formula.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[_column_letter(index)].width = max(12, len(name) + 2)
    if labels is not None:
        legend = workbook.create_sheet("Columns")
        for name, label in zip(header, labels, strict=True):
            legend.append([name, label])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _printable(value: str) -> str:
    """Drop the control characters that XLSX cannot store (tab and newlines stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _typed(value: str) -> str | int | decimal.Decimal:
    """Keep text as text; integers stay integers so sums work in the sheet."""
    number = ascii_integer(value, max_digits=11)
    if number is not None and not value.startswith("0"):
        return number
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)
    return cleaned[:31] or "Register"


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
