"""Strict text checks shared by signed notes and checkpoints.

Both formats use the standard, padded base64 alphabet of RFC 4648, section 4,
and forbid ASCII control characters other than newline (C2SP signed-note).
"""

import base64
import binascii


def decode_base64(text: str) -> bytes:
    """Decode canonical standard base64 or raise ValueError.

    Rejects characters outside the alphabet, missing padding and encodings whose
    unused bits are not zero, so that every value has exactly one text form.
    """
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"{text!r} is not valid base64: {error}") from error
    if base64.b64encode(decoded).decode("ascii") != text:
        raise ValueError(f"{text!r} is not canonical base64")
    return decoded


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
