"""Strict base64 decoding and its error messages."""

import base64

import pytest

from vigil.ledger.encoding import decode_base64, preview


def test_decodes_canonical_base64() -> None:
    data = bytes(range(40))
    assert decode_base64(base64.b64encode(data).decode()) == data
    assert decode_base64("") == b""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("AAA!", "character '!' at position 3 is not one of A-Z, a-z, 0-9, +, /"),
        ("AA-A", "character '-' at position 2 is not one of"),
        ("AAAA\n", "character '\\n' at position 4 is not one of"),
        ("AAé=", "character 'é' at position 2 is not one of"),
        ("AA=A", "the padding = at position 2 is not at the end"),
        ("A===", "it ends in 3 padding characters, at most 2 are allowed"),
        ("AAAAA", "its 5 characters before the padding cannot encode whole bytes"),
        ("AAA", "its length 3 is not a multiple of 4"),
        ("AAAA=", "its length 5 is not a multiple of 4"),
    ],
)
def test_invalid_base64_explained(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="is not valid base64: ") as raised:
        decode_base64(text)
    assert problem in str(raised.value)
    assert "Only base64 data" not in str(raised.value)


def test_non_canonical_base64_explained() -> None:
    with pytest.raises(ValueError) as raised:
        decode_base64("AR==")
    assert str(raised.value) == (
        "'AR==' is not canonical base64: the unused bits of its last character "
        "before the padding are not zero"
    )


def test_long_value_shortened() -> None:
    text = "eyJhY3Rpb24iOiJjb25zdWx0In0=" * 20 + "!"
    with pytest.raises(ValueError) as raised:
        decode_base64(text)
    message = str(raised.value)
    assert message.startswith(f"'eyJhY3Rpb24iOiJj'… ({len(text)} characters) is not")
    assert text not in message


def test_preview_keeps_short_values() -> None:
    assert preview("abc") == "'abc'"
    assert preview("a" * 17) == "'aaaaaaaaaaaaaaaa'… (17 characters)"
