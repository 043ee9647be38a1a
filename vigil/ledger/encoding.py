"""Strict text checks shared by signed notes and checkpoints.

Both formats use the standard, padded base64 alphabet of RFC 4648, section 4,
and forbid ASCII control characters other than newline (C2SP signed-note).
"""

import base64
import binascii
import string

# An error message shows at most this many characters of a value.
PREVIEW_LENGTH = 16
MAX_PADDING = 2
_BASE64_CHARACTERS = frozenset(string.ascii_letters + string.digits + "+/=")


def decode_base64(text: str) -> bytes:
    """Decode canonical standard base64 or raise ValueError.

    Rejects characters outside the alphabet, missing padding and encodings whose
    unused bits are not zero, so that every value has exactly one text form.
    The message shows only the first characters of ``text`` and describes in plain
    words what is wrong.
    """
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        # Described only on failure, because bundles decode millions of hashes.
        problem = _base64_problem(text) or str(error)
        raise ValueError(f"{preview(text)} is not valid base64: {problem}") from None
    if base64.b64encode(decoded).decode("ascii") != text:
        padding_problem = _base64_problem(text)
        if padding_problem is not None:
            raise ValueError(f"{preview(text)} is not valid base64: {padding_problem}")
        raise ValueError(
            f"{preview(text)} is not canonical base64: the unused bits of its "
            "last character before the padding are not zero"
        )
    return decoded


def preview(text: str) -> str:
    """Return ``text`` quoted, shortened to its first characters if it is long."""
    if len(text) <= PREVIEW_LENGTH:
        return repr(text)
    return f"{text[:PREVIEW_LENGTH]!r}… ({len(text)} characters)"


def _base64_problem(text: str) -> str | None:
    """Describe why ``text`` is not padded standard base64, or return None."""
    for position, character in enumerate(text):
        if character not in _BASE64_CHARACTERS:
            return (
                f"character {character!r} at position {position} is not one of "
                "A-Z, a-z, 0-9, +, / and the padding ="
            )
    data = text.rstrip("=")
    if "=" in data:
        return f"the padding = at position {data.index('=')} is not at the end"
    padding = len(text) - len(data)
    if padding > MAX_PADDING:
        return (
            f"it ends in {padding} padding characters, at most {MAX_PADDING} "
            "are allowed"
        )
    if len(data) % 4 == 1:
        return (
            f"its {len(data)} characters before the padding cannot encode whole "
            "bytes, so a character is missing or extra"
        )
    if len(text) % 4:
        return (
            f"its length {len(text)} is not a multiple of 4, so a character or "
            "the padding = is missing or extra"
        )
    return None


def encode_base64(data: bytes) -> str:
    """Encode bytes as standard, padded base64."""
    return base64.b64encode(data).decode("ascii")


def find_control_character(text: str, allow_newline: bool) -> int | None:
    """Return the position of the first character below U+0020, or None.

    A newline does not count when ``allow_newline`` is true.
    """
    for position, character in enumerate(text):
        if character < " " and not (allow_newline and character == "\n"):
            return position
    return None
