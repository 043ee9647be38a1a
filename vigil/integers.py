"""Integers written in URLs, query strings and command-line options.

``str.isdigit`` is true for "²", "①" and other characters that ``int``
rejects with ValueError, and ``int`` itself accepts fullwidth and
Arabic-Indic digits, surrounding spaces and underscores. A value that a page
or a command reads as a number therefore goes through ``ascii_integer``,
which accepts the digits 0 to 9 only.
"""

import re

# 18 digits always fit a signed 64-bit database column (at most 2**63 - 1,
# which has 19 digits), and stay far below Python's limit on the digits that
# int() converts.
MAX_DIGITS = 18
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def ascii_integer(text: str, *, max_digits: int = MAX_DIGITS) -> int | None:
    """Return the non-negative integer that ``text`` writes in ASCII digits.

    Return None for any other text, including the empty string, a sign,
    spaces, and more than ``max_digits`` digits.
    """
    if len(text) > max_digits or not _DIGITS.fullmatch(text):
        return None
    return int(text)
