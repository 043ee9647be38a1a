"""``vigil setup``: create or upgrade the database and load the shipped catalogs."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.catalog.loader import CatalogError, load_catalog_file, shipped_catalog_paths
from vigil.commands import Command as VigilCommand


class Command(VigilCommand):
    help = (
        "Apply database migrations and load the shipped norm catalogs (safe to repeat)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        for path in shipped_catalog_paths():
            try:
                result = load_catalog_file(path)
            except CatalogError as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                raise CommandError(str(error)) from None
            self.stdout.write(f"catalog {result.code}: {result.outcome}")
