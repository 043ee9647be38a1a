"""Octet-counting framing (RFC 6587, section 3.4.1) with an incremental decoder."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.accesslog.syslog.framing import (
    FrameTooLargeError,
    FramingError,
    OctetCountingDecoder,
)

MAX = 64 * 1024


def frame(message: bytes) -> bytes:
    return str(len(message)).encode() + b" " + message


def only_error(items: list[bytes | FramingError]) -> FramingError:
    assert len(items) == 1
    error = items[0]
    assert isinstance(error, FramingError)
    return error


def test_single_frame() -> None:
    decoder = OctetCountingDecoder()
    assert decoder.feed(frame(b"<13>1 - - - - - -")) == [b"<13>1 - - - - - -"]
    assert decoder.finish() is None


def test_several_frames_in_one_read() -> None:
    messages = [b"first", b"second message", b"x" * 1000]
    decoder = OctetCountingDecoder()
    assert decoder.feed(b"".join(frame(m) for m in messages)) == messages


def test_frame_split_octet_by_octet() -> None:
    data = frame(b"hello world") + frame(b"again")
    decoder = OctetCountingDecoder()
    frames: list[bytes | FramingError] = []
    for octet in data:
        frames.extend(decoder.feed(bytes([octet])))
    assert frames == [b"hello world", b"again"]
    assert decoder.finish() is None


def test_frame_split_inside_msg_len() -> None:
    decoder = OctetCountingDecoder()
    message = b"m" * 123
    assert decoder.feed(b"12") == []
    assert decoder.feed(b"3") == []
    assert decoder.feed(b" " + message[:50]) == []
    assert decoder.feed(message[50:] + b"5 he") == [message]
    assert decoder.feed(b"llo") == [b"hello"]


def test_frame_may_contain_newlines_and_digits() -> None:
    decoder = OctetCountingDecoder()
    assert decoder.feed(frame(b"12 \n34 ")) == [b"12 \n34 "]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8),
    st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=20),
)
def test_any_chunking_gives_same_frames(
    messages: list[bytes], sizes: list[int]
) -> None:
    data = b"".join(frame(m) for m in messages)
    decoder = OctetCountingDecoder()
    frames: list[bytes | FramingError] = []
    position = 0
    index = 0
    while position < len(data):
        size = sizes[index % len(sizes)]
        frames.extend(decoder.feed(data[position : position + size]))
        position += size
        index += 1
    assert frames == messages


def test_exact_maximum_accepted() -> None:
    message = b"a" * MAX
    decoder = OctetCountingDecoder(max_message=MAX)
    assert decoder.feed(frame(message)) == [message]


def test_maximum_plus_one_rejected() -> None:
    decoder = OctetCountingDecoder(max_message=MAX)
    error = only_error(decoder.feed(b"65537 " + b"a" * 10))
    assert isinstance(error, FrameTooLargeError)
    assert error.offset == 0
    assert "65537" in error.reason


def test_too_large_detected_before_body() -> None:
    decoder = OctetCountingDecoder(max_message=MAX)
    assert isinstance(only_error(decoder.feed(b"99999 ")), FrameTooLargeError)


def test_msg_len_longer_than_needed() -> None:
    decoder = OctetCountingDecoder(max_message=MAX)
    error = only_error(decoder.feed(b"100000"))
    assert isinstance(error, FrameTooLargeError)


def test_endless_digits_rejected_early() -> None:
    decoder = OctetCountingDecoder(max_message=MAX)
    assert decoder.feed(b"11111") == []
    assert isinstance(only_error(decoder.feed(b"1")), FrameTooLargeError)


@pytest.mark.parametrize("data", [b"0 ", b"05 hello", b"000001 x", b"0"])
def test_leading_zero_rejected(data: bytes) -> None:
    error = only_error(OctetCountingDecoder().feed(data))
    assert type(error) is FramingError
    assert "leading zero" in error.reason
    assert error.offset == 0


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"<13>1 - - - - - -\n", 0),
        (b" 5 hello", 0),
        (b"a", 0),
        (b"12a hello", 2),
        (b"5\thello", 1),
        (b"5\nhello", 1),
        (b"-5 hello", 0),
        (b"+5 hello", 0),
        ("５ hello".encode(), 0),
    ],
)
def test_non_digit_rejected(data: bytes, offset: int) -> None:
    error = only_error(OctetCountingDecoder().feed(data))
    assert type(error) is FramingError
    assert error.offset == offset


def test_empty_feed() -> None:
    decoder = OctetCountingDecoder()
    assert decoder.feed(b"") == []
    assert decoder.finish() is None


def test_frames_before_error_are_returned() -> None:
    decoder = OctetCountingDecoder()
    items = decoder.feed(frame(b"good") + b"x bad")
    assert items[0] == b"good"
    error = items[1]
    assert isinstance(error, FramingError)
    assert error.offset == len(frame(b"good"))
    assert len(items) == 2


def test_trailing_newline_after_frame_is_a_framing_error() -> None:
    items = OctetCountingDecoder().feed(frame(b"good") + b"\n")
    assert items[0] == b"good"
    assert isinstance(items[1], FramingError)


def test_decoder_unusable_after_error() -> None:
    decoder = OctetCountingDecoder()
    decoder.feed(b"x")
    assert decoder.failed
    with pytest.raises(RuntimeError, match="resynchronised"):
        decoder.feed(frame(b"good"))
    with pytest.raises(RuntimeError):
        decoder.finish()


@pytest.mark.parametrize("data", [b"5", b"5 ", b"5 hel"])
def test_stream_ending_inside_frame(data: bytes) -> None:
    decoder = OctetCountingDecoder()
    assert decoder.feed(data) == []
    error = decoder.finish()
    assert isinstance(error, FramingError)
    assert error.offset in (0, 2)
    assert decoder.failed


def test_offset_counts_decoded_octets() -> None:
    decoder = OctetCountingDecoder()
    decoder.feed(frame(b"abc") + b"1")
    assert decoder.offset == len(frame(b"abc"))


def test_small_maximum() -> None:
    decoder = OctetCountingDecoder(max_message=10)
    assert decoder.feed(frame(b"0123456789")) == [b"0123456789"]
    assert isinstance(only_error(decoder.feed(b"11 ")), FrameTooLargeError)


@pytest.mark.parametrize("max_message", [0, -1])
def test_invalid_maximum(max_message: int) -> None:
    with pytest.raises(ValueError, match="max_message"):
        OctetCountingDecoder(max_message=max_message)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_input_never_raises(data: bytes) -> None:
    decoder = OctetCountingDecoder(max_message=100)
    items = decoder.feed(data)
    errors = [item for item in items if isinstance(item, FramingError)]
    assert len(errors) <= 1
    if errors:
        assert items[-1] is errors[0]
    else:
        decoder.finish()
