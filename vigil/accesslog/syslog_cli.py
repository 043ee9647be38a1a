"""``vigil accesslog syslog``: receive access events over syslog.

The subcommand runs ``vigil.accesslog.syslog.SyslogReceiver`` with a handler
that ingests each message as a batch of one, and translates the receiver's
log lines into the command's language. The receiver package itself does
not import Django, and this module imports it only when the receiver runs.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigil.accesslog.ingestion import BatchRejected, ingest_events
from vigil.integers import ascii_integer
from vigil.organisations.models import Organisation


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


def run_syslog(
    command: BaseCommand, organisation: Organisation, options: dict[str, Any]
) -> None:
    """Receive events for ``organisation`` over syslog until SIGINT or SIGTERM."""
    # The receiver imports asyncio and ssl, which the other subcommands of
    # ``vigil accesslog`` do not need at start-up.
    from vigil.accesslog.syslog import (
        SyslogReceiver,
        build_server_ssl_context,
        format_address,
    )

    host, port = listen_address(options["listen"])
    context = None
    if options["tls_cert"] or options["tls_key"]:
        if not (options["tls_cert"] and options["tls_key"]):
            raise CommandError(
                _(
                    "--tls-cert and --tls-key go together: pass both, or "
                    "neither to receive over plain TCP"
                )
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
            % {"value": text}
        )
    return host, number


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
