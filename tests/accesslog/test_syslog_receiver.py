"""Syslog receiver over plain TCP and TLS on 127.0.0.1, with real sockets."""

import asyncio
import datetime
import ipaddress
import logging
import os
import re
import select
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from vigil.accesslog.syslog import receiver as receiver_module
from vigil.accesslog.syslog.parser import SyslogMessage
from vigil.accesslog.syslog.receiver import (
    EventRejected,
    ReceiverCounters,
    SyslogReceiver,
    build_server_ssl_context,
    describe_rejections,
)

HOST = "127.0.0.1"
SUBJECT = "85073100130"
TEST_TIMEOUT = 5.0
LOGGER_NAME = "vigil.accesslog.syslog.receiver"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# Messages and frames


def access_message(event_id: str, *, tail: bytes = b"") -> bytes:
    params = (
        f'event_id="{event_id}" time="2024-03-05T14:07:09+01:00" user_id="u123"'
        f' application="socialapp" action="read" subject="{SUBJECT}"'
        ' service="social"'
    )
    return (
        b"<165>1 2024-03-05T14:07:09.123Z ocmw.example.be socialapp 4711 ACCESS"
        + f" [access@32473 {params}]".encode()
        + tail
    )


def frame(message: bytes) -> bytes:
    return str(len(message)).encode() + b" " + message


PARSE_ERROR = b"<01>1 - - - - - -"
UTF8_ERROR = access_message("e-utf8")[:-1] + b' case_ref="\xc0\xaf"]'
FIELDS_ERROR = access_message("e-fields").replace(b'user_id="u123" ', b"")


# Certificates


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path


def make_certificate(directory: Path, name: str) -> Certificate:
    """Write a self-signed P-256 certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address(HOST)),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / f"{name}.crt"
    key_file = directory / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@pytest.fixture
def server_certificate(tmp_path: Path) -> Certificate:
    return make_certificate(tmp_path, "server")


def client_context(
    server: Certificate, client: Certificate | None = None
) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(server.cert_file))
    if client is not None:
        context.load_cert_chain(client.cert_file, client.key_file)
    return context


# Receiver harness


@dataclass
class RecordingHandler:
    """Handler that records event ids and raises for chosen ones."""

    failures: dict[str, Exception] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)

    def __call__(self, fields: dict[str, str], message: SyslogMessage) -> None:
        self.threads.add(threading.current_thread().name)
        event_id = fields["event_id"]
        if event_id in self.failures:
            raise self.failures[event_id]
        self.events.append(event_id)


class IngestionValidationError(Exception):
    pass


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TEST_TIMEOUT):
            await coroutine

    asyncio.run(bounded())


async def wait_until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def wait_for_received(receiver: SyslogReceiver, count: int) -> None:
    await wait_until(lambda: receiver.counters.received >= count)


async def read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """Return what the server sent before it closed the connection."""
    try:
        return await reader.read()
    except (ConnectionError, ssl.SSLError):
        return b""


async def with_receiver(
    handler: RecordingHandler,
    scenario: Callable[[SyslogReceiver], Awaitable[None]],
    **options: Any,
) -> SyslogReceiver:
    receiver = SyslogReceiver(HOST, 0, handler, **options)
    await receiver.start()
    try:
        await scenario(receiver)
    finally:
        await receiver.stop()
    return receiver


def rejected(counters: ReceiverCounters, **counts: int) -> dict[str, int]:
    expected = dict.fromkeys(counters.rejected, 0)
    expected.update(counts)
    return expected


# Plain TCP


def test_valid_and_malformed_frames_over_tcp() -> None:
    handler = RecordingHandler()
    frames = [
        frame(access_message("e-1")),
        frame(PARSE_ERROR),
        frame(access_message("e-2", tail=b" \xef\xbb\xbfmsg")),
        frame(UTF8_ERROR),
        frame(FIELDS_ERROR),
        frame(access_message("e-3")),
    ]

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(b"".join(frames))
        await writer.drain()
        await wait_for_received(receiver, len(frames))
        writer.close()
        await writer.wait_closed()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        counters = receiver.counters
        assert handler.events == ["e-1", "e-2", "e-3"]
        assert counters.received == 6
        assert counters.accepted == 3
        assert counters.rejected == rejected(
            counters, parse=1, utf8=1, invalid_fields=1
        )

    run(main())


def test_frames_split_across_writes() -> None:
    handler = RecordingHandler()
    data = frame(access_message("e-1")) + frame(access_message("e-2"))

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        for start in range(0, len(data), 7):
            writer.write(data[start : start + 7])
            await writer.drain()
            await asyncio.sleep(0)
        await wait_for_received(receiver, 2)
        writer.close()

    async def main() -> None:
        await with_receiver(handler, scenario)
        assert handler.events == ["e-1", "e-2"]

    run(main())


def test_framing_error_closes_only_that_connection() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")) + b"x" + frame(access_message("e-2")))
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()
        _, writer2 = await asyncio.open_connection(HOST, receiver.port)
        writer2.write(frame(access_message("e-3")))
        await writer2.drain()
        await wait_for_received(receiver, 3)
        writer2.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert handler.events == ["e-1", "e-3"]
        assert receiver.counters.received == 3
        assert receiver.counters.accepted == 2
        assert receiver.counters.rejected == rejected(receiver.counters, framing=1)

    run(main())


def test_non_transparent_framing_rejected() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(access_message("e-1") + b"\n")
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert handler.events == []
        assert receiver.counters.rejected["framing"] == 1

    run(main())


def test_oversize_frame_rejected() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(b"65537 " + access_message("e-big"))
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert handler.events == []
        assert receiver.counters.received == 1
        assert receiver.counters.rejected == rejected(receiver.counters, too_large=1)

    run(main())


def test_maximum_size_frame_accepted() -> None:
    handler = RecordingHandler()
    message = access_message("e-max", tail=b" ")
    message += b"m" * (65536 - len(message))

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(message))
        await writer.drain()
        await wait_for_received(receiver, 1)
        writer.close()

    async def main() -> None:
        assert len(message) == 65536
        await with_receiver(handler, scenario)
        assert handler.events == ["e-max"]

    run(main())


def test_stream_ending_inside_frame_counted() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")) + frame(access_message("e-2"))[:40])
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        await wait_for_received(receiver, 2)

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert handler.events == ["e-1"]
        assert receiver.counters.rejected == rejected(receiver.counters, framing=1)

    run(main())


def test_handler_error_keeps_connection() -> None:
    handler = RecordingHandler(failures={"e-2": RuntimeError(f"bad {SUBJECT}")})

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        for event_id in ("e-1", "e-2", "e-3"):
            writer.write(frame(access_message(event_id)))
        await writer.drain()
        await wait_for_received(receiver, 3)
        await wait_until(lambda: len(handler.events) == 2)
        writer.write(frame(access_message("e-4")))
        await writer.drain()
        await wait_for_received(receiver, 4)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert handler.events == ["e-1", "e-3", "e-4"]
        assert receiver.counters.accepted == 3
        assert receiver.counters.rejected == rejected(
            receiver.counters, handler_error=1
        )

    run(main())


def test_validation_errors_counted_as_invalid_fields() -> None:
    handler = RecordingHandler(failures={"e-1": IngestionValidationError("bad")})

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")) + frame(access_message("e-2")))
        await writer.drain()
        await wait_for_received(receiver, 2)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(
            handler, scenario, validation_errors=(IngestionValidationError,)
        )
        assert handler.events == ["e-2"]
        assert receiver.counters.rejected == rejected(
            receiver.counters, invalid_fields=1
        )

    run(main())


def test_handler_runs_outside_event_loop_thread() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")))
        await writer.drain()
        await wait_for_received(receiver, 1)
        writer.close()

    async def main() -> None:
        await with_receiver(handler, scenario)
        assert handler.events == ["e-1"]
        assert threading.current_thread().name not in handler.threads

    run(main())


def test_events_of_concurrent_connections_keep_stream_order() -> None:
    handler = RecordingHandler()
    senders = 4
    per_sender = 25

    async def send(port: int, sender: int) -> None:
        _, writer = await asyncio.open_connection(HOST, port)
        for number in range(per_sender):
            writer.write(frame(access_message(f"s{sender}-{number}")))
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def scenario(receiver: SyslogReceiver) -> None:
        await asyncio.gather(*(send(receiver.port, s) for s in range(senders)))
        await wait_for_received(receiver, senders * per_sender)

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert receiver.counters.accepted == senders * per_sender
        for sender in range(senders):
            mine = [e for e in handler.events if e.startswith(f"s{sender}-")]
            assert mine == [f"s{sender}-{n}" for n in range(per_sender)]

    run(main())


def test_custom_sd_id() -> None:
    handler = RecordingHandler()
    message = access_message("e-1").replace(b"access@32473", b"ocmw@99999")

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(message) + frame(access_message("e-2")))
        await writer.drain()
        await wait_for_received(receiver, 2)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario, sd_id="ocmw@99999")
        assert handler.events == ["e-1"]
        assert receiver.counters.rejected["invalid_fields"] == 1

    run(main())


def test_idle_connection_closed() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")))
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario, idle_timeout=0.2)
        assert receiver.counters.received == 1
        assert handler.events == ["e-1"]

    run(main())


def test_connections_over_maximum_rejected() -> None:
    handler = RecordingHandler()

    async def scenario(receiver: SyslogReceiver) -> None:
        _, first = await asyncio.open_connection(HOST, receiver.port)
        first.write(frame(access_message("e-1")))
        await first.drain()
        await wait_for_received(receiver, 1)
        second_reader, second = await asyncio.open_connection(HOST, receiver.port)
        assert await read_until_closed(second_reader) == b""
        second.close()
        first.write(frame(access_message("e-2")))
        await first.drain()
        await wait_for_received(receiver, 2)
        first.close()

    async def main() -> None:
        await with_receiver(handler, scenario, max_connections=1)
        assert handler.events == ["e-1", "e-2"]

    run(main())


def test_stop_closes_connections_and_listener() -> None:
    handler = RecordingHandler()

    async def main() -> None:
        receiver = SyslogReceiver(HOST, 0, handler)
        await receiver.start()
        port = receiver.port
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(frame(access_message("e-1")))
        await writer.drain()
        await wait_for_received(receiver, 1)
        await receiver.stop()
        assert await read_until_closed(reader) == b""
        writer.close()
        with pytest.raises(OSError):
            await asyncio.open_connection(HOST, port)
        assert receiver.addresses == []
        assert handler.events == ["e-1"]

    run(main())


def test_rejections_logged_without_content(caplog: pytest.LogCaptureFixture) -> None:
    handler = RecordingHandler(failures={"e-4": ValueError(f"subject {SUBJECT}")})
    bad_subject = access_message("e-5").replace(
        f'subject="{SUBJECT}"'.encode(), f'subject="{SUBJECT}\xff"'.encode("latin-1")
    )
    frames = [
        frame(PARSE_ERROR),
        frame(UTF8_ERROR),
        frame(FIELDS_ERROR),
        frame(access_message("e-4")),
        frame(bad_subject),
    ]

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(b"".join(frames) + b"x")
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        await with_receiver(handler, scenario)

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        run(main())
    warnings = [r for r in caplog.records if r.name == LOGGER_NAME]
    assert len(warnings) == len(frames) + 1
    text = "\n".join(record.getMessage() for record in warnings)
    assert SUBJECT not in text
    assert "socialapp" not in text
    assert "127.0.0.1:" in text
    assert "at offset" in text
    assert "(handler_error): handler raised ValueError" in text
    assert "(framing)" in text


def test_event_rejection_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    reason = "event rejected: action: must be one of consult, create"
    handler = RecordingHandler(failures={"e-2": EventRejected(reason)})

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")) + frame(access_message("e-2")))
        await writer.drain()
        await wait_for_received(receiver, 2)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario)
        assert receiver.counters.rejected == rejected(
            receiver.counters, invalid_fields=1
        )

    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        run(main())
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and record.levelno == logging.WARNING
    ]
    assert len(warnings) == 1
    assert re.fullmatch(
        rf"rejected syslog message 2 from 127\.0\.0\.1:\d+ \(invalid_fields\): "
        rf"{reason}",
        warnings[0],
    )
    assert "messages received: 2, accepted: 1, rejected: 1 invalid_fields" in (
        caplog.text
    )


def test_rejection_counts_described() -> None:
    counts = dict.fromkeys(ReceiverCounters().rejected, 0)
    assert describe_rejections(counts) == ""
    counts.update(framing=3, invalid_fields=1)
    assert describe_rejections(counts) == "3 framing, 1 invalid_fields"


# TLS


def test_valid_and_malformed_frames_over_tls(server_certificate: Certificate) -> None:
    handler = RecordingHandler()
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(
            HOST,
            receiver.port,
            ssl=client_context(server_certificate),
            server_hostname="localhost",
        )
        writer.write(
            frame(access_message("e-1"))
            + frame(PARSE_ERROR)
            + frame(access_message("e-2"))
        )
        await writer.drain()
        await wait_for_received(receiver, 3)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario, ssl_context=context)
        assert handler.events == ["e-1", "e-2"]
        assert receiver.counters.rejected == rejected(receiver.counters, parse=1)

    run(main())


def test_framing_error_over_tls(server_certificate: Certificate) -> None:
    handler = RecordingHandler()
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )
    tls = client_context(server_certificate)

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(
            HOST, receiver.port, ssl=tls, server_hostname="localhost"
        )
        writer.write(b"70000 " + access_message("e-big"))
        await writer.drain()
        assert await read_until_closed(reader) == b""
        writer.close()
        _, writer2 = await asyncio.open_connection(
            HOST, receiver.port, ssl=tls, server_hostname="localhost"
        )
        writer2.write(frame(access_message("e-2")))
        await writer2.drain()
        await wait_for_received(receiver, 2)
        writer2.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario, ssl_context=context)
        assert handler.events == ["e-2"]
        assert receiver.counters.rejected == rejected(receiver.counters, too_large=1)

    run(main())


def test_plain_tcp_client_on_tls_port(
    server_certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    handler = RecordingHandler()
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.write(frame(access_message("e-1")))
        await writer.drain()
        await read_until_closed(reader)
        writer.close()

    async def main() -> None:
        receiver = await with_receiver(handler, scenario, ssl_context=context)
        assert handler.events == []
        assert receiver.counters.received == 0

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        run(main())
    assert "TLS handshake with 127.0.0.1:" in caplog.text
    assert "failed" in caplog.text


def test_tls_peer_closing_in_handshake_logged(
    server_certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    handler = RecordingHandler()
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )

    async def scenario(receiver: SyslogReceiver) -> None:
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        writer.close()
        await wait_until(lambda: "TLS handshake with" in caplog.text)

    async def main() -> None:
        await with_receiver(handler, scenario, ssl_context=context)

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        run(main())
    [line] = [text for text in caplog.messages if "TLS handshake with" in text]
    assert line.endswith(" failed: ConnectionResetError")


def test_tls_handshake_never_started_times_out(
    server_certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    handler = RecordingHandler()
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(HOST, receiver.port)
        async with asyncio.timeout(5):
            assert await read_until_closed(reader) == b""
        writer.close()

    async def main() -> None:
        await with_receiver(
            handler,
            scenario,
            ssl_context=context,
            idle_timeout=300.0,
            handshake_timeout=0.2,
        )

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        run(main())
    [line] = [text for text in caplog.messages if "TLS handshake with" in text]
    assert line.endswith(" timed out after 0.2 seconds")
    # stop() waited for the connection to close, so asyncio.run() had no
    # task left to cancel, which it would log as an error.
    assert [record for record in caplog.records if record.name == "asyncio"] == []


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            1,
            "cancelled at stop with 1 decoded message not handled, which may "
            "have been stored",
        ),
        (
            5,
            "cancelled at stop with 5 decoded messages not handled: the first of "
            "them may have been stored, the others were not",
        ),
    ],
)
def test_stop_cancels_busy_connection_quietly(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    messages: int,
    expected: str,
) -> None:
    monkeypatch.setattr(receiver_module, "STOP_TIMEOUT", 0.1)
    entered = threading.Event()

    def slow_handler(fields: dict[str, str], message: SyslogMessage) -> None:
        entered.set()
        time.sleep(0.5)

    async def main() -> None:
        receiver = SyslogReceiver(HOST, 0, slow_handler)
        await receiver.start()
        _, writer = await asyncio.open_connection(HOST, receiver.port)
        frames = (frame(access_message(f"e-{n}")) for n in range(messages))
        writer.write(b"".join(frames))
        await writer.drain()
        await asyncio.to_thread(entered.wait)
        await receiver.stop()
        writer.close()

    with caplog.at_level(logging.INFO):
        run(main())
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == []
    assert expected in caplog.text


def test_stop_without_waiting_message_text() -> None:
    # A connection cancelled in its TLS handshake has decoded nothing yet.
    text = receiver_module._cancelled_text(0) % {"peer": "127.0.0.1:5000", "count": 0}
    assert text == (
        "syslog connection from 127.0.0.1:5000 cancelled at stop, with no "
        "decoded message waiting"
    )


def test_server_context_requires_tls_1_2(server_certificate: Certificate) -> None:
    context = build_server_ssl_context(
        server_certificate.cert_file, server_certificate.key_file
    )
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2


def test_client_certificate_required(
    tmp_path: Path, server_certificate: Certificate, caplog: pytest.LogCaptureFixture
) -> None:
    handler = RecordingHandler()
    client = make_certificate(tmp_path, "sender")
    context = build_server_ssl_context(
        server_certificate.cert_file,
        server_certificate.key_file,
        client_ca_file=client.cert_file,
    )

    async def scenario(receiver: SyslogReceiver) -> None:
        reader, writer = await asyncio.open_connection(
            HOST,
            receiver.port,
            ssl=client_context(server_certificate),
            server_hostname="localhost",
        )
        writer.write(frame(access_message("e-anonymous")))
        await read_until_closed(reader)
        writer.close()
        _, writer2 = await asyncio.open_connection(
            HOST,
            receiver.port,
            ssl=client_context(server_certificate, client),
            server_hostname="localhost",
        )
        writer2.write(frame(access_message("e-1")))
        await writer2.drain()
        await wait_for_received(receiver, 1)
        writer2.close()

    async def main() -> None:
        await with_receiver(handler, scenario, ssl_context=context)
        assert handler.events == ["e-1"]

    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        run(main())
    assert "TLS handshake with 127.0.0.1:" in caplog.text


# Construction and run_forever


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"sd_id": "bad id"}, "SD-ID"),
        ({"max_message": 479}, "max_message"),
        ({"idle_timeout": 0}, "idle_timeout"),
        ({"idle_timeout": -1.0}, "idle_timeout"),
        ({"idle_timeout": float("nan")}, "idle_timeout"),
        ({"idle_timeout": float("inf")}, "idle_timeout"),
        ({"handshake_timeout": 0}, "handshake_timeout"),
        ({"handshake_timeout": float("nan")}, "handshake_timeout"),
        ({"first_message_timeout": float("inf")}, "first_message_timeout"),
        ({"max_connections": 0}, "max_connections"),
    ],
)
def test_invalid_options(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        SyslogReceiver(HOST, 0, RecordingHandler(), **options)


def test_port_before_start() -> None:
    receiver = SyslogReceiver(HOST, 0, RecordingHandler())
    assert receiver.addresses == []
    with pytest.raises(RuntimeError, match="not started"):
        receiver.port  # noqa: B018


def readline_within(stream: Any, timeout: float = TEST_TIMEOUT) -> str:
    """Read one line from a subprocess pipe, or return "" after ``timeout``."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return str(stream.readline()) if ready else ""


RUN_FOREVER_SCRIPT = """
import logging, sys
from vigil.accesslog.syslog.receiver import SyslogReceiver

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")

def handler(fields, message):
    print("event", fields["event_id"], flush=True)

SyslogReceiver("127.0.0.1", 0, handler).run_forever()
print("exited", flush=True)
"""


def test_run_forever_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_FOREVER_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    try:
        assert process.stderr is not None
        assert process.stdout is not None
        first_line = readline_within(process.stderr)
        found = re.search(r"listening on 127\.0\.0\.1:(\d+)", first_line)
        assert found, first_line
        port = int(found.group(1))

        async def send() -> None:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.write(frame(access_message("e-1")))
            await writer.drain()
            writer.close()
            await writer.wait_closed()

        run(send())
        assert readline_within(process.stdout) == "event e-1\n"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=TEST_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert stdout == "exited\n"
    assert "stopping the syslog receiver on SIGTERM" in stderr
    assert "messages received: 1, accepted: 1, rejected: none" in stderr
