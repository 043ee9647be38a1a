"""The ``vigil`` console command: Django's management commands behind one name."""

import os
import sys


def main() -> None:
    """Run the management command named on the command line.

    A setting from the environment that is invalid stops the command with the
    reader's message and exit status 2, without a traceback.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from django.core.management import execute_from_command_line

    from vigil.environment import ConfigurationError

    try:
        execute_from_command_line(["vigil", *sys.argv[1:]])
    except ConfigurationError as error:
        print(f"vigil: invalid setting: {error}", file=sys.stderr)
        sys.exit(2)
