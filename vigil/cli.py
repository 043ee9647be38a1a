"""The ``vigil`` console command: Django's management commands behind one name."""

import os
import sys


def main() -> None:
    """Run the management command named on the command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vigil", *sys.argv[1:]])
