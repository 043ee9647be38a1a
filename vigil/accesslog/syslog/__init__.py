"""Access events over syslog: RFC 5424 messages, RFC 6587 and RFC 5425 transport.

- ``parser``: strict RFC 5424 parser that extracts the access element.
- ``framing``: incremental decoder for octet-counting framing (RFC 6587, 3.4.1).
- ``receiver``: asyncio TCP and TLS server that passes valid events to a handler.

This package does not import Django, so the receiver can be tested and run
without settings. The handler that the receiver calls may use Django.
"""

from vigil.accesslog.syslog.framing import (
    FrameTooLargeError,
    FramingError,
    OctetCountingDecoder,
)
from vigil.accesslog.syslog.parser import (
    DEFAULT_SD_ID,
    KNOWN_FIELDS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    AccessElementError,
    SyslogMessage,
    SyslogParseError,
    SyslogUtf8Error,
    parse_message,
    validate_sd_id,
)
from vigil.accesslog.syslog.receiver import (
    AccessEventHandler,
    EventRejected,
    ReceiverCounters,
    RejectReason,
    SyslogReceiver,
    build_server_ssl_context,
    format_address,
)

__all__ = [
    "DEFAULT_SD_ID",
    "KNOWN_FIELDS",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "AccessElementError",
    "AccessEventHandler",
    "EventRejected",
    "FrameTooLargeError",
    "FramingError",
    "OctetCountingDecoder",
    "ReceiverCounters",
    "RejectReason",
    "SyslogMessage",
    "SyslogParseError",
    "SyslogReceiver",
    "SyslogUtf8Error",
    "build_server_ssl_context",
    "format_address",
    "parse_message",
    "validate_sd_id",
]
