"""Syslog receiver timeout for the first message, with real sockets on 127.0.0.1."""

import asyncio
import logging
from pathlib import Path

import pytest

from tests.accesslog.test_syslog_receiver import (
    HOST,
    LOGGER_NAME,
    RecordingHandler,
    access_message,
    client_context,
    frame,
    make_certificate,
    read_until_closed,
    run,
    wait_for_received,
    with_receiver,
)
from vigil.accesslog.syslog.receiver import (
    DEFAULT_FIRST_MESSAGE_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    SyslogReceiver,
    build_server_ssl_context,
)

# Every test keeps the idle timeout at its default of 5 minutes, so a
# connection that closes within the test's 5 seconds was closed by the
# first-message timeout. The timeout leaves a loaded machine half a second
# to read a first message that a test sends at once.
FIRST_MESSAGE_TIMEOUT = 0.5


def first_message_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [text for text in caplog.messages if "no complete message" in text]


def test_default_first_message_timeout() -> None:
    assert DEFAULT_FIRST_MESSAGE_TIMEOUT == 10.0
    assert DEFAULT_FIRST_MESSAGE_TIMEOUT < DEFAULT_IDLE_TIMEOUT


def test_silent_connection_closed_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(
            handler, scenario, first_message_timeout=FIRST_MESSAGE_TIMEOUT
        )
        assert receiver.counters.received == 0

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run(main())
    [line] = first_message_lines(caplog)
    assert line.startswith("closing syslog connection from 127.0.0.1:")
    assert line.endswith(": no complete message within 0.5 seconds")


def test_partial_first_frame_closed() -> None:
    handler = RecordingHandler()
    message = frame(access_message("e-1"))

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(message[:20])
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(
            handler, scenario, first_message_timeout=FIRST_MESSAGE_TIMEOUT
        )
        assert handler.events == []
        assert receiver.counters.rejected["framing"] == 1

    run(main())


def test_trickled_first_frame_closed() -> None:
    # Each octet arrives well within the timeout, but the whole frame does not.
    handler = RecordingHandler()
    message = frame(access_message("e-1"))

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        for octet in message:
            if reader.at_eof():
                break
            writer.write(bytes([octet]))
            try:
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.sleep(FIRST_MESSAGE_TIMEOUT / 10)
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        await with_receiver(
            handler, scenario, first_message_timeout=FIRST_MESSAGE_TIMEOUT
        )
        assert handler.events == []

    run(main())


def test_established_sender_stays_connected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")))
        await writer.drain()
        await wait_for_received(receiver, 1)
        # Wait past the first-message timeout, then send on the same connection.
        await asyncio.sleep(FIRST_MESSAGE_TIMEOUT * 3)
        assert not reader.at_eof()
        writer.write(frame(access_message("e-2")))
        await writer.drain()
        await wait_for_received(receiver, 2)
        writer.close()

    async def main() -> None:
        await with_receiver(
            handler, scenario, first_message_timeout=FIRST_MESSAGE_TIMEOUT
        )
        assert handler.events == ["e-1", "e-2"]

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run(main())
    assert first_message_lines(caplog) == []


def test_silent_connections_free_their_slots() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        silent = [await asyncio.open_connection(HOST, receiver.port) for _ in range(2)]
        for reader, writer in silent:
            assert await read_until_closed(reader) == b""
            writer.close()
        _, sender = await asyncio.open_connection(HOST, receiver.port)
        sender.write(frame(access_message("e-1")))
        await sender.drain()
        await wait_for_received(receiver, 1)
        sender.close()

    async def main() -> None:
        await with_receiver(
            handler,
            scenario,
            first_message_timeout=FIRST_MESSAGE_TIMEOUT,
            max_connections=2,
        )
        assert handler.events == ["e-1"]

    run(main())


def test_silent_tls_connection_closed_after_handshake(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler = RecordingHandler()
    server = make_certificate(tmp_path, "server")
    context = build_server_ssl_context(server.cert_file, server.key_file)

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(
            HOST,
            receiver.port,
            ssl=client_context(server),
            server_hostname="localhost",
        )
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        await with_receiver(
            handler,
            scenario,
            ssl_context=context,
            first_message_timeout=FIRST_MESSAGE_TIMEOUT,
        )

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run(main())
    assert len(first_message_lines(caplog)) == 1
    assert not any("TLS handshake" in text for text in caplog.messages)


def test_first_message_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="first_message_timeout must be a positive"):
        SyslogReceiver(HOST, 0, RecordingHandler(), first_message_timeout=0)
