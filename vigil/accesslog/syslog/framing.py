"""Incremental decoder for octet-counting framing of syslog over TCP and TLS.

RFC 6587, section 3.4.1, and RFC 5425, section 4.3, frame each message as::

    SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG
    MSG-LEN      = NONZERO-DIGIT *DIGIT    ; octet count of SYSLOG-MSG

``OctetCountingDecoder`` takes the stream in chunks of any size, so one frame may
arrive in several reads and one read may contain several frames. Non-transparent
framing (messages ended by LF, RFC 6587, section 3.4.2) is not supported: its
first octet ``<`` is not a digit, so it fails as a framing error.

A framing error is final. MSG-LEN is the only frame boundary in the stream, so
after an invalid MSG-LEN the decoder cannot find where the next frame starts.
The caller must close the connection, and the decoder rejects further input.
"""

DEFAULT_MAX_MESSAGE = 64 * 1024

_SP = 0x20
_ZERO = 0x30
_NINE = 0x39


class FramingError(Exception):
    """Invalid octet-counting frame, after which the stream cannot be read on.

    ``offset`` is the octet offset in the stream where the frame starts or where
    the invalid octet is.
    """

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} at stream offset {offset}")
        self.reason = reason
        self.offset = offset


class FrameTooLargeError(FramingError):
    """Frame whose MSG-LEN exceeds the decoder's maximum message size."""


class OctetCountingDecoder:
    """Split a byte stream into the SYSLOG-MSG octets of its frames.

    A frame of up to ``max_message`` octets is accepted. The decoder buffers at
    most one frame plus the chunk last fed to it.
    """

    def __init__(self, max_message: int = DEFAULT_MAX_MESSAGE) -> None:
        if max_message < 1:
            raise ValueError(f"max_message must be at least 1, not {max_message}")
        self.max_message = max_message
        self._max_digits = len(str(max_message))
        self._buffer = bytearray()
        self._buffer_offset = 0
        self._frame_length: int | None = None
        self._error: FramingError | None = None

    @property
    def failed(self) -> bool:
        """Whether the decoder has returned a framing error."""
        return self._error is not None

    @property
    def offset(self) -> int:
        """Octet offset in the stream of the first octet not yet decoded."""
        return self._buffer_offset

    def feed(self, data: bytes) -> list[bytes | FramingError]:
        """Decode ``data`` and return the complete frames in stream order.

        A FramingError, if any, is the last item, and the frames before it are
        valid. After it, feed() and finish() raise RuntimeError.
        """
        self._check_usable()
        self._buffer += data
        items: list[bytes | FramingError] = []
        try:
            while (frame := self._next_frame()) is not None:
                items.append(frame)
        except FramingError as error:
            self._fail(error)
            items.append(error)
        return items

    def finish(self) -> FramingError | None:
        """Return a FramingError if the stream ended inside a frame, else None."""
        self._check_usable()
        if not self._buffer and self._frame_length is None:
            return None
        error = FramingError("stream ends inside a frame", self._buffer_offset)
        self._fail(error)
        return error

    def _check_usable(self) -> None:
        if self._error is not None:
            raise RuntimeError(
                f"decoder failed with {self._error}; the stream cannot be"
                " resynchronised, close the connection"
            )

    def _fail(self, error: FramingError) -> None:
        self._error = error
        self._buffer.clear()

    def _next_frame(self) -> bytes | None:
        if self._frame_length is None:
            self._frame_length = self._read_msg_len()
            if self._frame_length is None:
                return None
        if len(self._buffer) < self._frame_length:
            return None
        frame = bytes(self._buffer[: self._frame_length])
        self._consume(self._frame_length)
        self._frame_length = None
        return frame

    def _read_msg_len(self) -> int | None:
        """Read ``MSG-LEN SP`` from the buffer, or return None if incomplete."""
        buffer = self._buffer
        start = self._buffer_offset
        if not buffer:
            return None
        if buffer[0] == _ZERO:
            raise FramingError("MSG-LEN is zero or has a leading zero", start)

        limit = min(len(buffer), self._max_digits + 1)
        count = 0
        while count < limit and _ZERO <= buffer[count] <= _NINE:
            count += 1
        if count > self._max_digits:
            raise FrameTooLargeError(
                f"MSG-LEN has more digits than a frame of at most {self.max_message}"
                " octets needs",
                start,
            )
        if count == len(buffer):
            return None

        if count == 0 or buffer[count] != _SP:
            raise FramingError(
                _msg_len_octet_reason(buffer[count], count), start + count
            )

        length = int(buffer[:count])
        if length > self.max_message:
            raise FrameTooLargeError(
                f"frame of {length} octets exceeds the maximum of"
                f" {self.max_message} octets",
                start,
            )
        self._consume(count + 1)
        return length

    def _consume(self, count: int) -> None:
        del self._buffer[:count]
        self._buffer_offset += count


def _msg_len_octet_reason(octet: int, position: int) -> str:
    found = chr(octet) if 33 <= octet <= 126 else f"0x{octet:02x}"
    if position == 0:
        hint = " (non-transparent framing is not supported)" if octet == 0x3C else ""
        return f"frame does not start with a MSG-LEN digit, found {found}{hint}"
    return f"MSG-LEN contains {found}, expected a digit or SP"
