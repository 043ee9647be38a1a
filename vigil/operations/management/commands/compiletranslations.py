"""``vigil compiletranslations``: build the .mo files without GNU gettext."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from vigil.commands import Command as VigilCommand
from vigil.operations.translations import compile_catalogues


class Command(VigilCommand):
    help = (
        "Compile every Dutch and French catalogue (locale/*/LC_MESSAGES/django.po) "
        "whose .mo file is missing or older than the .po file."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Compile every catalogue, also those whose .mo file is up to date.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.BASE_DIR)
        written = compile_catalogues(root, force=options["force"])
        if options["verbosity"] == 0:
            return
        for mo in written:
            self.stdout.write(f"compiled {mo.relative_to(root.parent)}")
        if not written:
            self.stdout.write("every catalogue is up to date")
