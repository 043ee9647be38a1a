"""Translated reasons for a batch whose JSON cannot be decoded.

Python's ``json`` decoder raises ``JSONDecodeError`` with an English message.
A batch's error report follows the language of the request, so the reason
names the problem in that language with the line and column where the decoder
stopped, and leaves Python's message out.
"""

import json
import re
import sys

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The message with which the JSON array parser rejects what follows an
# element. It has the form of the decoder's messages, so the table below
# gives its reason too.
ARRAY_SEPARATOR_EXPECTED = "Expecting ',' or ']' after the element"

# The start of each message of CPython's json decoder (Lib/json/decoder.py
# and Modules/_json.c) and the problem that it reports. Newer versions report
# a comma before a closing bracket as "Illegal trailing comma before end of
# object" or "... of array", older ones as a missing value or field name.
# The message with which the JSON array parser rejects a comma between the
# last element and the closing bracket. CPython's decoder reports that comma
# only from version 3.13 on, and at the position after it.
ARRAY_TRAILING_COMMA = "Comma after the last element"

_DECODER_PROBLEMS: tuple[tuple[str, Promise], ...] = (
    (ARRAY_SEPARATOR_EXPECTED, gettext_lazy("a comma or ] is expected")),
    (
        ARRAY_TRAILING_COMMA,
        gettext_lazy(
            "a comma follows the last record, which JSON does not allow. "
            "Remove the comma"
        ),
    ),
    ("Expecting value", gettext_lazy("a value is expected")),
    (
        "Expecting property name enclosed in double quotes",
        gettext_lazy("a field name in double quotes is expected"),
    ),
    ("Expecting ':' delimiter", gettext_lazy("a colon is expected")),
    ("Expecting ',' delimiter", gettext_lazy("a comma is expected")),
    (
        "Unterminated string starting at",
        gettext_lazy("the string that starts here has no closing quotation mark"),
    ),
    (
        "Invalid control character",
        gettext_lazy("a control character in a string must be escaped"),
    ),
    (
        "Invalid \\uXXXX escape",
        gettext_lazy("a \\u escape needs four hexadecimal digits"),
    ),
    ("Invalid \\escape", gettext_lazy("the escape sequence is invalid")),
    ("Extra data", gettext_lazy("more data follows the JSON value")),
    (
        "Illegal trailing comma before end of",
        gettext_lazy("a comma precedes the closing ] or }"),
    ),
)

# The decoder's message for what follows a value inside an object or array.
_COMMA_EXPECTED = "Expecting ',' delimiter"
_JSON_WHITESPACE = " \t\n\r"
# A JSON string, or a bracket outside strings. The text before a decoder
# error is valid JSON, so its strings are well formed.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[][{}]')

# The start of the ValueError that int() raises for a number with more digits
# than sys.get_int_max_str_digits() allows.
_TOO_MANY_DIGITS = "Exceeds the limit"


class DuplicateFieldError(ValueError):
    """A JSON object contains the same field name twice."""

    def __init__(self, field: str) -> None:
        super().__init__(f"field {field} occurs twice in one object")
        self.field = field


def _decoder_problem(message: str) -> str:
    for start, problem in _DECODER_PROBLEMS:
        if message.startswith(start):
            return str(problem)
    # NOTE: a message that a later Python version adds has no entry above, so
    # its reason gives only the position.
    return _("the text is not valid JSON from here on")


def _innermost_open_bracket(text: str, start: int, end: int) -> str:
    """Return the last ``{`` or ``[`` of ``text[start:end]`` not yet closed, or ""."""
    stack: list[str] = []
    for match in _STRING_OR_BRACKET.finditer(text, start, end):
        found = match.group()
        if found in "{[":
            stack.append(found)
        elif found in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _unclosed_at_line_end(
    error: json.JSONDecodeError, start: int
) -> tuple[json.JSONDecodeError, str] | None:
    """Return the error moved to the end of the line, and its reason, or None.

    The decoder reports a missing comma where the next token starts, which
    for an object or array that a line leaves open is the end of the text or
    the next line. The error then moves to just after the line's last value.
    """
    if error.msg != _COMMA_EXPECTED:
        return None
    text = error.doc
    value_end = len(text[: error.pos].rstrip(_JSON_WHITESPACE))
    gap = text[value_end : error.pos]
    if error.pos < len(text) and "\n" not in gap and "\r" not in gap:
        return None
    bracket = _innermost_open_bracket(text, start, value_end)
    if bracket == "{":
        problem = _(
            "the object is not closed at the end of the line: a comma or } is expected"
        )
    elif bracket == "[":
        problem = _(
            "the array is not closed at the end of the line: a comma or ] is expected"
        )
    else:
        return None
    return json.JSONDecodeError(error.msg, text, value_end), problem


def json_error_reason(
    error: ValueError | RecursionError, *, with_line: bool, start: int = 0
) -> str:
    """Return the translated reason why ``error`` stopped the JSON decoder.

    A ``JSONDecodeError`` gives its column, and its line as well when
    ``with_line`` is true: a JSON line is a record of its own, whose number
    the error report already shows. ``start`` is the offset in the error's
    text where the decoder began, such as the start of an array element. A
    ``RecursionError`` means that arrays or objects are nested deeper than
    the decoder can follow.
    """
    if isinstance(error, json.JSONDecodeError):
        problem = _decoder_problem(error.msg)
        unclosed = _unclosed_at_line_end(error, start)
        if error.doc[error.pos : error.pos + 1] == "\ufeff":
            # The parsers skip a byte order mark only at the start of the
            # text, and the decoder's message for one elsewhere, such as
            # "Expecting value", would not name it.
            problem = _(
                "a byte order mark (U+FEFF) is allowed only at the start of "
                "the file or body"
            )
        elif unclosed is not None:
            error, problem = unclosed
        if with_line:
            return _(
                "invalid JSON at line %(line)d, column %(column)d: %(problem)s"
            ) % {"line": error.lineno, "column": error.colno, "problem": problem}
        return _("invalid JSON at column %(column)d: %(problem)s") % {
            "column": error.colno,
            "problem": problem,
        }
    if isinstance(error, DuplicateFieldError):
        problem = _("field %(field)s occurs twice in one object") % {
            "field": error.field
        }
    elif isinstance(error, RecursionError):
        problem = _("the arrays or objects are nested too deeply")
    elif str(error).startswith(_TOO_MANY_DIGITS):
        problem = _("a number has more than %(digits)d digits") % {
            "digits": sys.get_int_max_str_digits()
        }
    else:
        # NOTE: no other ValueError of the decoder is known, so its English
        # message is left out rather than guessed at.
        return _("invalid JSON")
    return _("invalid JSON: %(problem)s") % {"problem": problem}
