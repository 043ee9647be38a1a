"""The batch readers of large files: the same records and errors as the whole text."""

import io
import itertools
import json
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from tests.accesslog.factories import event
from vigil.accesslog import formats
from vigil.accesslog.events import ParseError, Records
from vigil.accesslog.formats import (
    InvalidText,
    csv_batches,
    json_lines_batches,
    numbered_lines,
    parse_csv,
    parse_json_lines,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def joined(lines: list[str], end: str) -> str:
    return end.join(lines) + end


JSON_LINES = [json.dumps(event(number)) for number in range(5)]
JSON_TEXTS = [
    joined(JSON_LINES, "\n"),
    joined(JSON_LINES, "\r\n"),
    joined(JSON_LINES, "\r"),
    "\ufeff" + "\n\n".join(JSON_LINES),
    "\n".join(JSON_LINES[:2]) + "\r\n\r" + "\r".join(JSON_LINES[2:]),
]
CSV_HEADER = "event_id;time;user_id;application;action;subject;service"
CSV_ROWS = [
    ";".join(str(value) for value in event(number).values()) for number in range(5)
]
CSV_TEXTS = [
    joined([CSV_HEADER, *CSV_ROWS], "\n"),
    joined([CSV_HEADER, *CSV_ROWS], "\r\n"),
    "\ufeff" + joined([CSV_HEADER, *CSV_ROWS[:2], "", *CSV_ROWS[2:]], "\r"),
    joined([CSV_HEADER, CSV_ROWS[0].replace(";U123456;", ';"U12\r\n3456";')], "\n"),
]
type Reader = Callable[[io.BytesIO, int], Iterator[Records]]


def read_all(reader: Reader, text: str, size: int) -> list[Records]:
    return list(reader(io.BytesIO(text.encode("utf-8")), size))


@pytest.mark.parametrize("size", [1, 2, 3, 100])
@pytest.mark.parametrize("text", JSON_TEXTS)
def test_json_lines_batches_join_to_the_whole(text: str, size: int) -> None:
    batches = read_all(json_lines_batches, text, size)
    assert all(len(batch) <= size for batch in batches)
    assert [record for batch in batches for record in batch] == parse_json_lines(text)


@pytest.mark.parametrize("size", [1, 2, 3, 100])
@pytest.mark.parametrize("text", CSV_TEXTS)
def test_csv_batches_join_to_the_whole(text: str, size: int) -> None:
    batches = read_all(csv_batches, text, size)
    assert all(len(batch) <= size for batch in batches)
    assert [record for batch in batches for record in batch] == parse_csv(text)


def test_json_lines_batch_with_errors() -> None:
    lines = [*JSON_LINES[:3], "[1]", JSON_LINES[3], "{", JSON_LINES[4]]
    batches = json_lines_batches(io.BytesIO(joined(lines, "\n").encode()), 3)
    assert [line for line, _record in next(batches)] == [1, 2, 3]
    with pytest.raises(ParseError) as raised:
        next(batches)
    # The batch ends after three lines, counting those in error.
    assert raised.value.errors == [
        (4, "the line is not a JSON object"),
        (6, "invalid JSON at column 2: a field name in double quotes is expected"),
    ]
    assert [line for line, _record in raised.value.records or []] == [5]


# The fix of a row with fewer or more cells than the header, whose
# separator is a semicolon.
FEWER = (
    "Give every column a value or an empty cell, and put a value that "
    "contains a semicolon in double quotes"
)
MORE = (
    "Put a value that contains a semicolon in double quotes, or remove the extra cells"
)


def test_csv_batch_with_wrong_cell_count() -> None:
    rows = [CSV_HEADER, CSV_ROWS[0], CSV_ROWS[1] + ";extra", CSV_ROWS[2]]
    batches = csv_batches(io.BytesIO(joined(rows, "\n").encode()), 1)
    assert [line for line, _record in next(batches)] == [2]
    with pytest.raises(ParseError) as raised:
        next(batches)
    assert raised.value.errors == [
        (3, f"the row has 8 cells, the header has 7. {MORE}")
    ]


def test_csv_row_with_one_cell() -> None:
    rows = [CSV_HEADER, CSV_ROWS[0], "e-9"]
    with pytest.raises(ParseError) as raised:
        list(csv_batches(io.BytesIO(joined(rows, "\n").encode()), 1000))
    assert raised.value.errors == [
        (3, f"the row has 1 cell, the header has 7. {FEWER}")
    ]


def test_csv_quotation_mark_not_closed() -> None:
    rows = [CSV_HEADER, '"' + CSV_ROWS[0], CSV_ROWS[1], CSV_ROWS[2]]
    with pytest.raises(ParseError) as raised:
        list(csv_batches(io.BytesIO(joined(rows, "\n").encode()), 1000))
    assert raised.value.errors == [
        (
            2,
            "a quotation mark in this row is not closed, so the row runs on to "
            "line 4; close the quotation mark or remove it",
        )
    ]


@pytest.mark.parametrize("ending", ["", "\n"], ids=["no-newline", "newline"])
def test_csv_quotation_mark_not_closed_in_last_row(ending: str) -> None:
    cells = CSV_ROWS[1].split(";")
    cells[3] = '"' + cells[3]
    rows = [CSV_HEADER, CSV_ROWS[0], ";".join(cells)]
    data = "\n".join(rows) + ending
    with pytest.raises(ParseError) as raised:
        list(csv_batches(io.BytesIO(data.encode()), 1000))
    assert raised.value.errors == [
        (
            3,
            "a quotation mark in this row is not closed, so the row runs on to "
            "the end of the file; close the quotation mark or remove it",
        )
    ]


@pytest.mark.parametrize("position", ["middle", "last"])
def test_csv_short_row_with_closed_quotes(position: str) -> None:
    # A closed quotation mark keeps its delimiter in the cell, and the row is
    # short for another reason, in the middle of the file or at its end.
    short = ";".join([*CSV_ROWS[0].split(";")[:2], '"a;b"'])
    rows = [CSV_HEADER, short, CSV_ROWS[1]]
    if position == "last":
        rows = [CSV_HEADER, CSV_ROWS[1], short]
    line = rows.index(short) + 1
    for ending in ("", "\n"):
        data = "\n".join(rows) + ending
        with pytest.raises(ParseError) as raised:
            list(csv_batches(io.BytesIO(data.encode()), 1000))
        reason = f"the row has 3 cells, the header has 7. {FEWER}"
        assert raised.value.errors == [(line, reason)]


def test_csv_without_header_shows_no_cells() -> None:
    # The first row is read as the header, and its national number stays hidden.
    with pytest.raises(ParseError) as raised:
        list(csv_batches(io.BytesIO(joined(CSV_ROWS, "\n").encode()), 1000))
    ((line, reason),) = raised.value.errors
    assert line == 1
    assert reason.startswith(
        "the first line is not a header: none of its cells names a column"
    )
    assert not [cell for cell in CSV_ROWS[0].split(";") if cell in reason]


def test_csv_unknown_columns_quoted_and_digits_masked() -> None:
    header = CSV_HEADER + ";85.07.30-033.99;servce"
    rows = [header, CSV_ROWS[0] + ";x;y"]
    with pytest.raises(ParseError) as raised:
        list(csv_batches(io.BytesIO(joined(rows, "\n").encode()), 1000))
    reason = raised.value.errors[0][1]
    assert reason.startswith('unknown columns 85*******99, "servce" (the columns')


@pytest.mark.parametrize(
    ("data", "line", "offset"),
    [
        (b"ab\ncd\xffe\n", 2, 5),
        (b"ab\rcd\r\xfe\n", 3, 6),
        (b"ab\r\n\xc3\n", 2, 4),
        (b"\xef\xbb\xbfok\n\x80", 2, 6),
    ],
)
def test_invalid_utf8_names_line_and_file_offset(
    data: bytes, line: int, offset: int
) -> None:
    with pytest.raises(InvalidText) as raised:
        list(numbered_lines(io.BytesIO(data)))
    assert (raised.value.line, raised.value.offset) == (line, offset)
    assert raised.value.byte == data[offset]


def test_numbered_lines_first_bom_only() -> None:
    data = "\ufeffa\r\nb\rc\n\ufeffd".encode()
    assert list(numbered_lines(io.BytesIO(data))) == [
        (1, "a\r\n"),
        (2, "b\r"),
        (3, "c\n"),
        (4, "\ufeffd"),
    ]


def test_bom_on_a_later_line_is_an_error() -> None:
    text = JSON_LINES[0] + "\n\ufeff" + JSON_LINES[1] + "\n"
    with pytest.raises(ParseError) as raised:
        read_all(json_lines_batches, text, 10)
    assert [line for line, _reason in raised.value.errors] == [2]


def test_blocks_end_at_carriage_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "READ_BYTES", 16)
    # The carriage return at byte 399 and its line feed are read apart.
    data = b"abc\r" * 99 + b"abc\r\nf"
    blocks = list(formats._line_blocks(io.BytesIO(data)))
    assert b"".join(blocks) == data
    # A file whose lines end in carriage returns is not read whole.
    assert max(len(block) for block in blocks) < 2 * 16
    # A carriage return and its line feed stay in one block.
    assert b"\r\n" in data
    assert not any(
        block.endswith(b"\r") and following.startswith(b"\n")
        for block, following in itertools.pairwise(blocks)
    )


def test_csv_with_carriage_returns_read_in_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formats, "READ_BYTES", 64)
    data = joined([CSV_HEADER, *CSV_ROWS * 20], "\r").encode()
    stream = io.BytesIO(data)
    first = next(csv_batches(stream, 1))
    assert [line for line, _record in first] == [2]
    assert stream.tell() < len(data) // 2


@pytest.mark.parametrize("read_bytes", [1, 2, 3, 7])
@pytest.mark.parametrize("text", JSON_TEXTS + CSV_TEXTS)
def test_small_blocks_give_the_same_records(
    monkeypatch: pytest.MonkeyPatch, text: str, read_bytes: int
) -> None:
    monkeypatch.setattr(formats, "READ_BYTES", read_bytes)
    if text.removeprefix("\ufeff").startswith(CSV_HEADER):
        batches = read_all(csv_batches, text, 2)
        expected = parse_csv(text)
    else:
        batches = read_all(json_lines_batches, text, 2)
        expected = parse_json_lines(text)
    assert [record for batch in batches for record in batch] == expected


@pytest.mark.parametrize(
    ("data", "offset", "line"),
    [
        (b"a\nb\xff", 3, 2),
        (b"a\rb\r\xff", 4, 3),
        (b"a\r\nb\r\n\xff", 6, 3),
        (b"a\r\r\n\n\xff", 5, 4),
        (b"\xff", 0, 1),
    ],
)
def test_line_at_counts_every_line_end(data: bytes, offset: int, line: int) -> None:
    assert formats.line_at(data, offset) == line
