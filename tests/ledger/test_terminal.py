"""Escaping of untrusted text for the terminal, shared by the reports."""

import pytest

from vigil.ledger.terminal import escape_control_characters, escape_line


def test_escape_leaves_printable_text() -> None:
    assert escape_control_characters("é ok") == "é ok"
    assert escape_control_characters("a\u0007\u00a0\U000e0001") == (
        "a\\u0007\\u00a0\\U000e0001"
    )


def test_escape_keeps_given_characters() -> None:
    assert escape_control_characters("a\tb\nc", keep="\t") == "a\tb\\u000ac"


def test_escape_line_keeps_spaces() -> None:
    assert escape_line("a\u00a0: b\u202fc") == "a\u00a0: b\u202fc"
    assert escape_line("a\nb\u2028c\u202e") == "a\\u000ab\\u2028c\\u202e"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("\x1b[2J", "\\u001b[2J"),
        ("a\rb", "a\\u000db"),
        ("\x00", "\\u0000"),
        ("\x7f\x85", "\\u007f\\u0085"),
        ("a\u2029b", "a\\u2029b"),
        ("\u200b\u200e\u2066\ufeff", "\\u200b\\u200e\\u2066\\ufeff"),
        ("a\u2003b\u3000c", "a\\u2003b\\u3000c"),
        ("\U000e0041", "\\U000e0041"),
    ],
    ids=[
        "escape sequence",
        "carriage return",
        "nul",
        "delete and next line",
        "paragraph separator",
        "format characters",
        "other spaces",
        "tag character",
    ],
)
def test_escape_line_escapes(text: str, escaped: str) -> None:
    assert escape_line(text) == escaped
