"""Escaping of untrusted text before it is printed on a terminal.

Text from a file, a request or a stored entry may contain control
characters, such as ESC, which starts a terminal escape sequence, or a
carriage return or line break, which can overwrite or forge a line. It may
also contain format characters, such as U+202E, which shows the text after
it reversed. The report of ``vigil accesslog ingest`` and ``vigil-verify``
both print such text, and ``vigil-verify`` imports only the standard library
and this package, so the escaping lives here.
"""

from collections.abc import Container

# The no-break spaces of French typography: U+00A0 before : ; ? ! and in
# Django's French number format, and the narrow U+202F, which the French
# catalogue may use in their place. str.isprintable rejects both, but
# neither can split a line or control the terminal.
NO_BREAK_SPACES = frozenset("\u00a0\u202f")


def escape_control_characters(text: str, *, keep: Container[str] = ()) -> str:
    """Write each non-printable character of ``text`` as a ``\\u`` escape.

    ``a<BEL>`` becomes ``a\\u0007`` as in the JSON of the REST API's errors,
    and a line break becomes ``\\u000a``. A character outside the Basic
    Multilingual Plane becomes a ``\\U`` escape of eight digits. The
    characters in ``keep`` are left as they are.
    """
    if text.isprintable():
        return text
    return "".join(
        character
        if character.isprintable() or character in keep
        else _escape(character)
        for character in text
    )


def escape_line(text: str) -> str:
    """Escape the non-printable characters of a line except its no-break spaces.

    Translated text contains no-break spaces, such as the one that French
    puts before a colon. Line breaks, other control characters, format
    characters and the other spaces that ``str.isprintable`` rejects, such
    as U+2003, are escaped as in ``escape_control_characters``.
    """
    return escape_control_characters(text, keep=NO_BREAK_SPACES)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
