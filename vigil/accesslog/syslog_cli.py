"""``vigil accesslog syslog``: receive access events over syslog.

The subcommand runs ``vigil.accesslog.syslog.SyslogReceiver`` with a handler
that ingests each message as a batch of one, and translates the receiver's
log lines into the command's language. The receiver package itself does
not import Django, and this module imports it only when the receiver runs.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from vigil.accesslog.ingestion import BatchRejected, ingest_events
from vigil.commands import USAGE_ERROR_STATUS
from vigil.integers import ascii_integer
from vigil.organisations.models import Organisation


@dataclass(frozen=True)
class TimeoutOption:
    """A command-line option that sets one of the receiver's timeouts."""

    flag: str
    # The keyword argument of SyslogReceiver, and the key in the options.
    name: str
    # As typed on the command line. It repeats the receiver's DEFAULT_*
    # constant because building the parser does not import the receiver,
    # and a test checks that the two agree.
    default: str
    maximum: int
    # Marked with gettext_noop and translated when the parser is built.
    help: str


# The upper bounds, in seconds. Until a timeout ends, a peer that went silent
# or vanished without closing its connection (a crashed host, a firewall that
# dropped the connection) keeps one of the receiver's 256 connection slots.
# A day covers a sender that is quiet all night, and with longer timeouts
# such peers could fill the slots over days. A TLS handshake takes two or
# three round trips, so a minute is ample even on a slow link.
TIMEOUT_OPTIONS = (
    TimeoutOption(
        "--idle-timeout",
        "idle_timeout",
        "300",
        86_400,
        gettext_noop(
            "Seconds that a connection may send nothing after its first message "
            "before the receiver closes it (default %(default)s, at most "
            "%(maximum)d)."
        ),
    ),
    TimeoutOption(
        "--handshake-timeout",
        "handshake_timeout",
        "10",
        60,
        gettext_noop(
            "Seconds that a TLS handshake may take before the receiver closes the "
            "connection (default %(default)s, at most %(maximum)d)."
        ),
    ),
    TimeoutOption(
        "--first-message-timeout",
        "first_message_timeout",
        "10",
        86_400,
        gettext_noop(
            "Seconds within which a new connection must deliver its first complete "
            "message, counted from the end of any TLS handshake, before the "
            "receiver closes it (default %(default)s, at most %(maximum)d)."
        ),
    ),
)
# Decimal seconds in ASCII, such as 300, 0.5 or .5. float() would also take
# "nan", "inf", "1e3", "1_000" and non-ASCII digits.
SECONDS = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def add_syslog_options(parser: CommandParser) -> None:
    """Add the options of ``vigil accesslog syslog`` to its ``parser``."""
    parser.add_argument(
        "--listen", required=True, metavar="HOST:PORT", help=_("Address to listen on.")
    )
    parser.add_argument(
        "--tls-cert", metavar="FILE", help=_("Server certificate (PEM).")
    )
    parser.add_argument("--tls-key", metavar="FILE", help=_("Private key (PEM)."))
    parser.add_argument(
        "--tls-client-ca",
        metavar="FILE",
        help=_("CA certificates (PEM) that senders' certificates must chain to."),
    )
    parser.add_argument(
        "--sd-id",
        default="access@32473",
        help=_(
            "SD-ID of the structured-data element with the event (default "
            "access@32473)."
        ),
    )
    for option in TIMEOUT_OPTIONS:
        # Formatted here, so the text that argparse gets has no % left.
        help_text = _(option.help) % {
            "default": option.default,
            "maximum": option.maximum,
        }
        parser.add_argument(
            option.flag,
            dest=option.name,
            default=option.default,
            metavar="SECONDS",
            help=help_text,
        )


def run_syslog(
    command: BaseCommand, organisation: Organisation, options: dict[str, Any]
) -> None:
    """Receive events for ``organisation`` over syslog until SIGINT or SIGTERM."""
    # The other subcommands of ``vigil accesslog`` do not need the receiver
    # package, so only this one imports it.
    from vigil.accesslog.syslog import (
        SyslogReceiver,
        build_server_ssl_context,
        format_address,
    )

    host, port = listen_address(options["listen"])
    timeouts = {
        option.name: timeout_seconds(option, options) for option in TIMEOUT_OPTIONS
    }
    context = None
    if options["tls_cert"] or options["tls_key"]:
        if not (options["tls_cert"] and options["tls_key"]):
            raise CommandError(
                _(
                    "--tls-cert and --tls-key go together: pass both, or "
                    "neither to receive over plain TCP"
                ),
                returncode=USAGE_ERROR_STATUS,
            )
        context = build_server_ssl_context(
            options["tls_cert"],
            options["tls_key"],
            client_ca_file=options["tls_client_ca"],
        )
    receiver = SyslogReceiver(
        host,
        port,
        syslog_handler(organisation),
        sd_id=options["sd_id"],
        ssl_context=context,
        idle_timeout=timeouts["idle_timeout"],
        handshake_timeout=timeouts["handshake_timeout"],
        first_message_timeout=timeouts["first_message_timeout"],
    )
    transport = "TLS" if context else "TCP"
    command.stderr.write(
        _(
            "receiving access events of %(org)s over syslog (%(transport)s) on "
            "%(address)s. Stop with Ctrl-C."
        )
        % {
            "org": organisation.slug,
            "transport": transport,
            "address": format_address((host, port)),
        }
    )
    # The receiver logs English format strings. The filter translates them
    # into the command's language, as the handler does with its rejections.
    receiver_logger = logging.getLogger(SyslogReceiver.__module__)
    log_filter = TranslatedLogRecords(translation.get_language())
    receiver_logger.addFilter(log_filter)
    try:
        receiver.run_forever()
    finally:
        receiver_logger.removeFilter(log_filter)


class TranslatedLogRecords(logging.Filter):
    """Replace the format string of each log record with its translation.

    The syslog receiver marks its format strings with gettext_noop and gives
    their arguments by name, so a translation may reorder them. Django keeps
    the active language per thread and asyncio context, so the filter keeps
    the command's language and applies it to every record, whichever thread
    or task logs it.
    """

    def __init__(self, language: str | None) -> None:
        super().__init__()
        self.language = language

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            with translation.override(self.language):
                record.msg = _(record.msg)
        return True


def listen_address(text: str) -> tuple[str, int]:
    """Return the host and port of ``--listen HOST:PORT``, or raise CommandError."""
    host, separator, port = text.rpartition(":")
    host = host.strip("[]")
    number = ascii_integer(port)
    if not host or not separator or number is None or not 0 < number < 65536:
        raise CommandError(
            _(
                "--listen %(value)r is not HOST:PORT, e.g. 127.0.0.1:6514 (0.0.0.0 "
                "listens on every interface)"
            )
            % {"value": text},
            returncode=USAGE_ERROR_STATUS,
        )
    return host, number


def timeout_seconds(option: TimeoutOption, options: dict[str, Any]) -> float:
    """Parse the seconds of ``option``, or raise a usage CommandError.

    A whole number comes back as an int, so that the receiver's log lines
    read "10 seconds" and not "10.0 seconds".
    """
    text = str(options[option.name])
    seconds = float(text) if SECONDS.fullmatch(text) else None
    if seconds is None or not 0 < seconds <= option.maximum:
        raise CommandError(
            _(
                "%(option)s %(value)r is not a number of seconds greater than 0 "
                "and at most %(maximum)d, e.g. %(default)s (the default)"
            )
            % {
                "option": option.flag,
                "value": text,
                "maximum": option.maximum,
                "default": option.default,
            },
            returncode=USAGE_ERROR_STATUS,
        )
    return int(seconds) if seconds.is_integer() else seconds


def syslog_handler(
    organisation: Organisation,
) -> Callable[[dict[str, str], Any], None]:
    """Return the receiver's handler, which ingests each event as a batch of one."""
    from vigil.accesslog.syslog import EventRejected

    # The handler runs in a worker thread of the receiver, where the language
    # that vigil.cli activated in the main thread is not active.
    language = translation.get_language()

    # NOTE: every message is its own durable transaction and checkpoint, which
    # bench/accesslog_ingest.py --batch 1 measured at about 420 events/s on
    # SQLite. Syslog over TCP or TLS acknowledges nothing, so a batch held
    # back for a joint commit could be lost without the sender knowing.
    def handle(fields: dict[str, str], message: Any) -> None:
        close_old_connections()
        with translation.override(language):
            try:
                ingest_events(
                    organisation, [(1, fields)], source="syslog", origin="program"
                )
            except BatchRejected as rejected:
                # Only field names and reasons: the values may be personal
                # data. The receiver logs the rejection with this text.
                whole = pgettext("the whole event, in place of a field name", "record")
                problems = "; ".join(
                    f"{error.field or whole}: {error.reason}"
                    for error in rejected.errors
                )
                raise EventRejected(
                    _("event for %(org)s rejected: %(problems)s")
                    % {"org": organisation.slug, "problems": problems}
                ) from None

    return handle
