"""The base class of Vigil's management commands and the actor they record."""

import os
import pwd
import sys
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, SystemCheckError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils.translation import gettext as _

# The text of the OperationalError that Python's sqlite3 raises when another
# connection held the write lock for longer than the connection's timeout.
SQLITE_LOCKED = "database is locked"
# The timeout in seconds of Python's sqlite3 when the settings give none.
SQLITE_DEFAULT_TIMEOUT = 5
# The exit status of a usage error, the one that argparse exits with for an
# invalid option. A CommandError with it separates wrong input from a failed
# operation.
USAGE_ERROR_STATUS = 2


class Command(BaseCommand):
    """A management command whose errors read as messages, not as exceptions.

    Run from the command line, Django writes a ``CommandError`` as
    ``CommandError: message``, which reads like a crash to someone who only
    mistyped an option. This class writes the message alone and exits with
    the error's status. A SQLite database that another process kept locked
    gives a message and status 1 in the same way. ``--traceback`` and
    ``call_command`` still get the exception, and system check errors keep
    Django's own form.
    """

    def check(self, *args: Any, **kwargs: Any) -> None:
        probe_sqlite_json()
        super().check(*args, **kwargs)

    def execute(self, *args: Any, **options: Any) -> Any:
        called = getattr(self, "_called_from_command_line", False)
        if not called or options.get("traceback"):
            return super().execute(*args, **options)
        try:
            return super().execute(*args, **options)
        except SystemCheckError:
            raise
        except CommandError as error:
            self.stderr.write(str(error))
            sys.exit(error.returncode)
        except OperationalError as error:
            if str(error) != SQLITE_LOCKED:
                raise
            self.stderr.write(locked_database_message())
            sys.exit(1)


def probe_sqlite_json() -> None:
    """Record that SQLite has its JSON functions, probing without the write lock.

    Django's own probe runs in a transaction, which the IMMEDIATE mode of
    the settings starts by taking the write lock. While another process
    writes for longer than the timeout, that probe fails, and the system
    checks then report that SQLite does not support JSONFields. A probe that
    fails here too is left to Django's.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("""SELECT JSON('{"a": "b"}')""")
    except OperationalError:
        return
    connection.features.supports_json_field = True


def locked_database_message() -> str:
    """Return the message for a SQLite database that another process kept locked."""
    options = connections[DEFAULT_DB_ALIAS].settings_dict.get("OPTIONS", {})
    seconds = options.get("timeout", SQLITE_DEFAULT_TIMEOUT)
    return _(
        "the database is locked: another process kept a write transaction open "
        "for longer than the %(seconds)s seconds that SQLite waits, for example "
        "a long 'vigil accesslog expire' or a large ingestion. The transaction "
        "that failed was rolled back. Run the command again when the other "
        "process has finished"
    ) % {"seconds": seconds}


@dataclass(frozen=True)
class CommandActor:
    """The operating-system user who runs a command, as the audit trail names them.

    ``login`` comes from the process's user id, which the caller cannot
    change through the environment. ``sudo_user`` is the ``SUDO_USER``
    variable that sudo sets. Any user can set that variable, so the label
    calls it a claim ("sudo from").
    """

    login: str
    sudo_user: str = ""

    @property
    def audit_label(self) -> str:
        label = f"OS user {self.login}"
        if self.sudo_user and self.sudo_user != self.login:
            label += f" (sudo from {self.sudo_user})"
        return f"{label}, vigil command"


def command_actor() -> CommandActor:
    """Return the operating-system user of this process as a CommandActor."""
    try:
        login = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        # A container may run under a user id without a passwd entry.
        login = f"uid {os.getuid()}"
    return CommandActor(login=login, sudo_user=os.environ.get("SUDO_USER", ""))
