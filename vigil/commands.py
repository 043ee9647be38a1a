"""The base class of Vigil's management commands."""

import sys
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
