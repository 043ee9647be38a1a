"""The base class of Vigil's management commands and the actor they record."""

import os
import pwd
import sys
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, SystemCheckError


class Command(BaseCommand):
    """A management command whose errors read as messages, not as exceptions.

    Run from the command line, Django writes a ``CommandError`` as
    ``CommandError: message``, which reads like a crash to someone who only
    mistyped an option. This class writes the message alone and exits with
    the error's status. ``--traceback`` and ``call_command`` still get the
    exception, and system check errors keep Django's own form.
    """

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
