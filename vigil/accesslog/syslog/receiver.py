"""asyncio receiver for access events sent as syslog over TCP or TLS.

Transport is syslog over TCP (RFC 6587) or over TLS (RFC 5425), both with
octet-counting framing (``framing``). Each frame must be an RFC 5424 message with
one access element (``parser``).

API::

    receiver = SyslogReceiver(
        "127.0.0.1", 6514, handler,
        sd_id="access@32473",
        ssl_context=build_server_ssl_context("cert.pem", "key.pem"),
        max_message=65536,          # octets of SYSLOG-MSG
        idle_timeout=300.0,         # seconds without data before closing
        handshake_timeout=10.0,     # seconds for a TLS handshake
        first_message_timeout=10.0, # seconds until the first message is read
        max_connections=256,
        validation_errors=(),       # handler exceptions counted as invalid_fields
    )
    receiver.run_forever()          # blocks until SIGINT or SIGTERM

or, inside a running event loop, ``await receiver.start()``, then
``receiver.port`` (the bound port, useful with port 0), ``receiver.counters``
and ``await receiver.stop()``.

``handler(fields, message)`` is called with the access element's SD-PARAMs and
the parsed ``SyslogMessage``. It runs in one worker thread, never in the event
loop, so it may block and may use the Django ORM. Like Django's request handling,
it should call ``django.db.close_old_connections()`` before each use so that a
database connection that was closed meanwhile is replaced. Calls are serialised
across connections, and frames of one connection reach it in stream order. Only
messages that parse reach it.

Rejections, by ``RejectReason``:

- ``framing``: invalid MSG-LEN, or the stream ended inside a frame.
- ``too_large``: MSG-LEN above ``max_message``.
- ``utf8``: invalid UTF-8 in a PARAM-VALUE or in a MSG after a BOM.
- ``parse``: any other violation of RFC 5424.
- ``invalid_fields``: access element missing, or with unknown, repeated or
  missing parameters, or the handler raised ``EventRejected`` or one of
  ``validation_errors``.
- ``handler_error``: the handler raised any other ``Exception``.

A framing or too_large rejection closes that connection, because octet counting
cannot resynchronise. Every other rejection keeps it open. Each rejection is
logged once as a warning with the peer address, the number of the message on
that connection (``message 3``, from 1), the category and the reason. Log lines
contain no message content (so no national number) beyond the single octet
values and parameter names that parse reasons name. For an ``EventRejected``
they give its message, which the handler writes without field values. For other
handler errors they name only the exception class, because an exception message
may quote field values. ``stop()`` logs the counts, such as ``rejected:
3 framing, 1 invalid_fields``.

The format strings of the info, warning and error lines are marked with
``gettext_noop`` and take their arguments by name, so that a logging filter of
the caller can replace ``record.msg`` with its translation, as ``vigil
accesslog syslog`` does. The reasons of the parser and the framing decoder are
English.

``counters.received`` counts every frame and every framing error, so it equals
``accepted`` plus the sum of ``rejected`` unless stop() had to cancel a handler
call.
"""

import asyncio
import functools
import logging
import math
import os
import signal
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vigil.accesslog.syslog.framing import (
    DEFAULT_MAX_MESSAGE,
    FrameTooLargeError,
    FramingError,
    OctetCountingDecoder,
)
from vigil.accesslog.syslog.parser import (
    DEFAULT_SD_ID,
    AccessElementError,
    SyslogMessage,
    SyslogParseError,
    SyslogUtf8Error,
    parse_message,
    validate_sd_id,
)

logger = logging.getLogger(__name__)


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged, marking it for the translation catalogues."""
    return message


AccessEventHandler = Callable[[dict[str, str], SyslogMessage], None]

DEFAULT_IDLE_TIMEOUT = 300.0
# A TLS handshake takes a few round trips. A peer that opens a connection and
# never starts one keeps a connection slot only this long, so that 256 such
# peers cannot keep the senders out for the whole idle timeout.
DEFAULT_HANDSHAKE_TIMEOUT = 10.0
# Seconds from the start of reading (after any TLS handshake) until the first
# whole frame has arrived. A peer that opens a connection and sends nothing, or
# only part of a frame, keeps a connection slot only this long. From the first
# frame on, the idle timeout applies between reads.
DEFAULT_FIRST_MESSAGE_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 256
# RFC 5424, section 6.1: every receiver must accept messages of 480 octets.
MIN_MAX_MESSAGE = 480
READ_SIZE = 64 * 1024
# Seconds that stop() waits for open connections to finish their frames.
STOP_TIMEOUT = 10.0
CLOSE_TIMEOUT = 5.0


class EventRejected(Exception):
    """An event that the handler rejects, with a reason that is safe to log.

    The receiver counts it as ``invalid_fields`` and logs its message as the
    reason, so the message must not contain field values.
    """


class RejectReason(StrEnum):
    """Category of a rejected frame, the key of ``ReceiverCounters.rejected``."""

    FRAMING = "framing"
    TOO_LARGE = "too_large"
    UTF8 = "utf8"
    PARSE = "parse"
    INVALID_FIELDS = "invalid_fields"
    HANDLER_ERROR = "handler_error"


def _zero_rejections() -> dict[str, int]:
    return {reason.value: 0 for reason in RejectReason}


@dataclass
class ReceiverCounters:
    """Frame counts since the receiver was created."""

    received: int = 0
    accepted: int = 0
    rejected: dict[str, int] = field(default_factory=_zero_rejections)

    def snapshot(self) -> "ReceiverCounters":
        """Return a copy that later frames do not change."""
        return ReceiverCounters(self.received, self.accepted, dict(self.rejected))


@dataclass
class _Connection:
    peer: str
    # Messages read on the connection, including one with a framing error.
    messages: int = 0
    # Frames decoded from the last read and not yet handled.
    unhandled: int = 0


def build_server_ssl_context(
    cert_file: str | os.PathLike[str],
    key_file: str | os.PathLike[str],
    *,
    client_ca_file: str | os.PathLike[str] | None = None,
) -> ssl.SSLContext:
    """Create a TLS 1.2+ server context for RFC 5425.

    With ``client_ca_file``, senders must present a certificate that the CA
    certificates in that PEM file verify (mutual authentication).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    if client_ca_file is not None:
        context.load_verify_locations(cafile=client_ca_file)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


class SyslogReceiver:
    """TCP or TLS server that passes each valid access event to ``handler``."""

    def __init__(
        self,
        host: str,
        port: int,
        handler: AccessEventHandler,
        *,
        sd_id: str = DEFAULT_SD_ID,
        ssl_context: ssl.SSLContext | None = None,
        max_message: int = DEFAULT_MAX_MESSAGE,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        handshake_timeout: float = DEFAULT_HANDSHAKE_TIMEOUT,
        first_message_timeout: float = DEFAULT_FIRST_MESSAGE_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        validation_errors: tuple[type[Exception], ...] = (),
    ) -> None:
        validate_sd_id(sd_id)
        if max_message < MIN_MAX_MESSAGE:
            raise ValueError(
                f"max_message must be at least {MIN_MAX_MESSAGE} octets (RFC 5424),"
                f" not {max_message}"
            )
        _check_timeout("idle_timeout", idle_timeout)
        _check_timeout("handshake_timeout", handshake_timeout)
        _check_timeout("first_message_timeout", first_message_timeout)
        if max_connections < 1:
            raise ValueError(
                f"max_connections must be at least 1, not {max_connections}"
            )
        self.host = host
        self.requested_port = port
        self.sd_id = sd_id
        self.counters = ReceiverCounters()
        self._handler = handler
        self._ssl_context = ssl_context
        self._max_message = max_message
        self._idle_timeout = idle_timeout
        self._handshake_timeout = handshake_timeout
        self._first_message_timeout = first_message_timeout
        self._max_connections = max_connections
        self._validation_errors = validation_errors
        self._server: asyncio.Server | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """Bound (host, port) pairs, empty while the receiver is not started."""
        if self._server is None:
            return []
        return [
            (str(name[0]), int(name[1]))
            for name in (sock.getsockname() for sock in self._server.sockets)
        ]

    @property
    def port(self) -> int:
        """Port of the first bound socket, the actual port when 0 was requested."""
        addresses = self.addresses
        if not addresses:
            raise RuntimeError("the syslog receiver is not started")
        return addresses[0][1]

    async def start(self) -> None:
        """Bind the listening sockets and start accepting connections."""
        if self._server is not None:
            raise RuntimeError("the syslog receiver is already started")
        self._stopping = False
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="syslog-handler"
        )
        try:
            # TLS starts in _serve_connection, where a failed handshake is logged.
            self._server = await asyncio.start_server(
                self._serve_connection, self.host, self.requested_port
            )
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        if self._ssl_context:
            message = gettext_noop(
                "syslog receiver listening on %(addresses)s (TLS, SD-ID %(sd_id)s)"
            )
        else:
            message = gettext_noop(
                "syslog receiver listening on %(addresses)s (plain TCP, SD-ID "
                "%(sd_id)s)"
            )
        addresses = ", ".join(format_address(address) for address in self.addresses)
        logger.info(message, {"addresses": addresses, "sd_id": self.sd_id})

    async def stop(self) -> None:
        """Stop accepting, close open connections and wait for their handlers.

        Frames already read are still handled. Connections still busy after
        STOP_TIMEOUT seconds are cancelled, and each logs how many decoded
        frames it did not handle. Data that the peers sent but the
        receiver had not read yet is lost, as syslog over TCP has no
        acknowledgements.

        NOTE: a cancelled handler call goes on in the worker thread, and stop()
        waits for it to return, so a handler that never returns blocks stop().
        """
        server = self._server
        if server is None:
            return
        self._stopping = True
        server.close()
        for writer in list(self._writers):
            writer.close()
        await self._wait_for_connections()
        await server.wait_closed()
        executor = self._executor
        self._server = None
        self._executor = None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True)
        counters = self.counters
        values = {
            "received": counters.received,
            "accepted": counters.accepted,
            "rejected": describe_rejections(counters.rejected),
        }
        if any(counters.rejected.values()):
            message = gettext_noop(
                "syslog receiver stopped: messages received: %(received)d, "
                "accepted: %(accepted)d, rejected: %(rejected)s"
            )
        else:
            message = gettext_noop(
                "syslog receiver stopped: messages received: %(received)d, "
                "accepted: %(accepted)d, rejected: none"
            )
        logger.info(message, values)

    def run_forever(self) -> None:
        """Serve until SIGINT or SIGTERM, then stop gracefully.

        Call it from the main thread of a process without a running event loop.
        """
        asyncio.run(self._run_until_signal())

    async def _run_until_signal(self) -> None:
        loop = asyncio.get_running_loop()
        stop_requested = asyncio.Event()
        signals = (signal.SIGINT, signal.SIGTERM)
        for signum in signals:
            loop.add_signal_handler(
                signum, functools.partial(_request_stop, stop_requested, signum)
            )
        try:
            await self.start()
            await stop_requested.wait()
        finally:
            for signum in signals:
                loop.remove_signal_handler(signum)
            await self.stop()

    async def _wait_for_connections(self) -> None:
        tasks = list(self._tasks)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=STOP_TIMEOUT)
        if pending:
            logger.warning(
                gettext_noop(
                    "syslog connections still busy after %(seconds)s seconds: "
                    "%(count)d, which are cancelled"
                ),
                {"seconds": STOP_TIMEOUT, "count": len(pending)},
            )
            for task in pending:
                task.cancel()
            await asyncio.wait(pending)

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # stop() waits for the tasks of this set, so a task leaves it only
        # once its connection is closed. A task that asyncio.run() cancels
        # while it closes would log a traceback.
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        connection = _Connection(peer=_format_peer(writer.get_extra_info("peername")))
        if self._stopping:
            logger.info(
                gettext_noop(
                    "rejected syslog connection from %(peer)s: the receiver is stopping"
                ),
                {"peer": connection.peer},
            )
            await _close_writer(writer)
            return
        if len(self._writers) >= self._max_connections:
            logger.warning(
                gettext_noop(
                    "rejected syslog connection from %(peer)s: %(open)d connections "
                    "open, maximum %(maximum)d"
                ),
                {
                    "peer": connection.peer,
                    "open": len(self._writers),
                    "maximum": self._max_connections,
                },
            )
            await _close_writer(writer)
            return
        self._writers.add(writer)
        logger.debug("syslog connection from %s opened", connection.peer)
        handshake_failed = False
        try:
            if await self._start_tls(writer, connection):
                await self._read_frames(reader, connection)
            else:
                handshake_failed = True
        except asyncio.CancelledError:
            # stop() cancels a connection still busy after STOP_TIMEOUT. The task
            # ends normally, because asyncio 3.12.1 logs a traceback for a
            # cancelled connection task of start_server.
            logger.warning(
                _cancelled_text(connection.unhandled),
                {"peer": connection.peer, "count": connection.unhandled},
            )
        except Exception as error:
            logger.error(
                gettext_noop("syslog connection from %(peer)s failed: %(error)s"),
                {"peer": connection.peer, "error": type(error).__name__},
            )
        finally:
            self._writers.discard(writer)
            if handshake_failed:
                # The failed handshake left the socket to a TLS protocol that
                # never reports the end of the connection to the stream, so
                # waiting for the close would last until CLOSE_TIMEOUT.
                writer.transport.abort()
            else:
                await _close_writer(writer)
            logger.debug(
                "syslog connection from %s closed after %d messages",
                connection.peer,
                connection.messages,
            )

    async def _start_tls(
        self, writer: asyncio.StreamWriter, connection: _Connection
    ) -> bool:
        """Run the TLS handshake if TLS is configured, and return False if it failed."""
        if self._ssl_context is None:
            return True
        try:
            async with asyncio.timeout(self._handshake_timeout):
                await writer.start_tls(self._ssl_context)
        except TimeoutError:
            logger.warning(
                gettext_noop(
                    "TLS handshake with %(peer)s timed out after %(seconds)s seconds"
                ),
                {"peer": connection.peer, "seconds": self._handshake_timeout},
            )
            return False
        except OSError as error:
            logger.warning(
                gettext_noop("TLS handshake with %(peer)s failed: %(error)s"),
                {"peer": connection.peer, "error": describe_os_error(error)},
            )
            return False
        return True

    async def _read_frames(
        self, reader: asyncio.StreamReader, connection: _Connection
    ) -> None:
        decoder = OctetCountingDecoder(self._max_message)
        loop = asyncio.get_running_loop()
        first_message_deadline = loop.time() + self._first_message_timeout
        while True:
            if connection.messages == 0:
                data = await self._read_chunk(
                    reader, connection, first_message_deadline, first_message=True
                )
            else:
                deadline = loop.time() + self._idle_timeout
                data = await self._read_chunk(
                    reader, connection, deadline, first_message=False
                )
            if not data:
                error = decoder.finish()
                if error is not None:
                    self._reject_framing(connection, error)
                return
            items = decoder.feed(data)
            connection.unhandled = len(items)
            for item in items:
                if isinstance(item, FramingError):
                    self._reject_framing(connection, item)
                    return
                await self._process_frame(connection, item)
                connection.unhandled -= 1

    async def _read_chunk(
        self,
        reader: asyncio.StreamReader,
        connection: _Connection,
        deadline: float,
        *,
        first_message: bool,
    ) -> bytes:
        """Return the next data, or b"" at the end of the stream, the deadline or error.

        Before the first message, one ``deadline`` (event loop time) bounds all
        reads, so a peer that sends a frame one octet at a time cannot stretch
        it. After it, each read gets the idle timeout.
        """
        try:
            async with asyncio.timeout_at(deadline):
                return await reader.read(READ_SIZE)
        except TimeoutError:
            if first_message:
                logger.info(
                    gettext_noop(
                        "closing syslog connection from %(peer)s: no complete "
                        "message within %(seconds)s seconds"
                    ),
                    {"peer": connection.peer, "seconds": self._first_message_timeout},
                )
            else:
                logger.info(
                    gettext_noop(
                        "closing syslog connection from %(peer)s: no data for "
                        "%(seconds)s seconds"
                    ),
                    {"peer": connection.peer, "seconds": self._idle_timeout},
                )
        except OSError as error:
            logger.warning(
                gettext_noop("syslog connection from %(peer)s failed: %(error)s"),
                {"peer": connection.peer, "error": describe_os_error(error)},
            )
        return b""

    async def _process_frame(self, connection: _Connection, frame: bytes) -> None:
        connection.messages += 1
        self.counters.received += 1
        try:
            message = parse_message(frame, self.sd_id)
        except SyslogParseError as error:
            self._reject(connection, _parse_reject_reason(error), str(error))
            return
        except Exception as error:
            # The parser raises only SyslogParseError, so this branch only keeps a
            # defect in it from closing the connection.
            self._reject(
                connection,
                RejectReason.PARSE,
                type(error).__name__,
                gettext_noop(
                    "rejected syslog message %(number)d from %(peer)s (%(reason)s): "
                    "parser failed with %(detail)s"
                ),
            )
            return
        try:
            await self._call_handler(message)
        except EventRejected as error:
            self._reject(connection, RejectReason.INVALID_FIELDS, str(error))
            return
        except Exception as error:
            reason = (
                RejectReason.INVALID_FIELDS
                if isinstance(error, self._validation_errors)
                else RejectReason.HANDLER_ERROR
            )
            self._reject(
                connection,
                reason,
                type(error).__name__,
                gettext_noop(
                    "rejected syslog message %(number)d from %(peer)s (%(reason)s): "
                    "handler raised %(detail)s"
                ),
            )
            return
        self.counters.accepted += 1

    async def _call_handler(self, message: SyslogMessage) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(
            self._executor, self._handler, message.event_fields, message
        )

    def _reject(
        self,
        connection: _Connection,
        reason: RejectReason,
        detail: str,
        message: str = gettext_noop(
            "rejected syslog message %(number)d from %(peer)s (%(reason)s): %(detail)s"
        ),
    ) -> None:
        """Count a rejected message and log ``message`` with the rejection."""
        self.counters.rejected[reason.value] += 1
        values = {
            "number": connection.messages,
            "peer": connection.peer,
            "reason": reason.value,
            "detail": detail,
        }
        logger.warning(message, values)

    def _reject_framing(self, connection: _Connection, error: FramingError) -> None:
        connection.messages += 1
        self.counters.received += 1
        reason = (
            RejectReason.TOO_LARGE
            if isinstance(error, FrameTooLargeError)
            else RejectReason.FRAMING
        )
        self._reject(
            connection,
            reason,
            str(error),
            gettext_noop(
                "rejected syslog message %(number)d from %(peer)s (%(reason)s): "
                "%(detail)s, so the connection is closed"
            ),
        )


def _check_timeout(name: str, seconds: float) -> None:
    """Raise ValueError unless ``seconds`` is positive and finite.

    A NaN passes a plain ``<= 0`` check, and asyncio.timeout (Python 3.12)
    expires a NaN deadline at once. Infinity would turn the timeout off,
    so silent peers would keep their connection slots for ever.
    """
    if not 0 < seconds < math.inf:
        raise ValueError(
            f"{name} must be a positive, finite number of seconds, not {seconds}"
        )


def _cancelled_text(unhandled: int) -> str:
    """Return the log format of a connection cancelled at stop.

    The receiver does not import Django, so it picks the plural form itself.
    """
    if unhandled == 0:
        return gettext_noop(
            "syslog connection from %(peer)s cancelled at stop, with no decoded "
            "message waiting"
        )
    if unhandled == 1:
        return gettext_noop(
            "syslog connection from %(peer)s cancelled at stop with 1 decoded "
            "message not handled, which may have been stored"
        )
    return gettext_noop(
        "syslog connection from %(peer)s cancelled at stop with %(count)d decoded "
        "messages not handled: the first of them may have been stored, the "
        "others were not"
    )


def describe_os_error(error: OSError) -> str:
    """Return the text of a connection error, or its class name when it has none.

    A peer that closes the connection during the TLS handshake makes asyncio
    raise ConnectionResetError without a message.
    """
    return str(error) or type(error).__name__


def describe_rejections(rejected: dict[str, int]) -> str:
    """Return the rejection counts as text, such as ``3 framing, 1 invalid_fields``.

    Each count is followed by its category as the rejection lines name it,
    which no translation changes. Categories without rejections are left
    out, so no rejections give an empty string.
    """
    parts = [f"{count} {reason}" for reason, count in rejected.items() if count]
    return ", ".join(parts)


def _parse_reject_reason(error: SyslogParseError) -> RejectReason:
    if isinstance(error, SyslogUtf8Error):
        return RejectReason.UTF8
    if isinstance(error, AccessElementError):
        return RejectReason.INVALID_FIELDS
    return RejectReason.PARSE


def _request_stop(stop_requested: asyncio.Event, signum: signal.Signals) -> None:
    logger.info(
        gettext_noop("stopping the syslog receiver on %(signal)s"),
        {"signal": signum.name},
    )
    stop_requested.set()


async def _close_writer(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await writer.wait_closed()
    except TimeoutError:
        logger.debug("aborting a syslog connection that did not close in time")
        writer.transport.abort()
    except OSError as error:
        # The peer may already have reset the connection or broken TLS.
        logger.debug("closing a syslog connection failed: %s", error)


def format_address(address: tuple[str, int]) -> str:
    """Format a (host, port) pair as HOST:PORT, with an IPv6 host in brackets."""
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _format_peer(peername: object) -> str:
    if isinstance(peername, tuple) and len(peername) >= 2:
        return format_address((str(peername[0]), int(peername[1])))
    return "unknown peer"
