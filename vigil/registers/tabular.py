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
from collections.abc import Iterable, Sequence
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from vigil.registers.spec import Rows

MAX_ROWS = 20_000
# A spreadsheet opening a CSV file runs a cell that starts with one of these
# as a formula. A CSV export puts an apostrophe before such text, which
# spreadsheets show as text and the import takes off again. XLSX cells are
# typed, so there such text is written as a string cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """A file that is not a readable table; the message says why."""


def read_table(content: bytes) -> Rows:
    """Return the rows of a CSV or XLSX file, keyed by its header."""
    if content.startswith(XLSX_MAGIC):
        header, rows = _read_xlsx(content)
    else:
        header, rows = _read_csv(content)
    return keyed_rows(header, rows)


def keyed_rows(header: Sequence[str], rows: Iterable[tuple[int, list[str]]]) -> Rows:
    """Key each row by the header; skip blank rows; check the header."""
    names = [name.strip().lower() for name in header]
    if not any(names):
        raise TableError("the first line must name the columns")
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise TableError(f"the column {name!r} appears twice in the header")
        seen.add(name)
    keyed: Rows = []
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(keyed) >= MAX_ROWS:
            raise TableError(f"the file has more than {MAX_ROWS} rows; split it")
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


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            f"the file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise TableError(f"line {reader.line_num}: {error}") from None
    return header, rows


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError(f"the file is not a readable XLSX workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_cell_text(value) for value in next(lines, ())]
        rows = [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(lines, start=2)
        ]
    finally:
        workbook.close()
    return header, rows


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
            cell = sheet.cell(number, column, _typed(value))
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


def _typed(value: str) -> str | int | decimal.Decimal:
    """Keep text as text; integers stay integers so sums work in the sheet."""
    if value.isdigit() and not value.startswith("0") and len(value) < 12:
        return int(value)
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
