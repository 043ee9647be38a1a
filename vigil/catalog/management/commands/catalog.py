"""``vigil catalog``: validate, load, list and show norm catalogs."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from vigil.catalog.export import catalog_as_data, catalog_as_text
from vigil.catalog.loader import CatalogError, load_catalog_file, load_mapping_file
from vigil.catalog.models import CatalogVersion
from vigil.catalog.validation import validate_catalog_file, validate_mapping_file
from vigil.commands import Command as VigilCommand


class Command(VigilCommand):
    help = "Validate, load, list and show norm catalogs and mappings."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = commands.add_parser(
            "validate",
            help="Check a catalog or mapping file and list every problem.",
            description="Check a catalog or mapping file and list every problem.",
        )
        validate.add_argument("file", type=Path, help="Catalog (or mapping) JSON file.")
        validate.add_argument(
            "--mapping",
            action="store_true",
            help="The file is a mapping between versions.",
        )
        load = commands.add_parser(
            "load",
            help="Load a catalog or mapping file (idempotent).",
            description="Load a catalog or mapping file (idempotent).",
        )
        load.add_argument("file", type=Path, help="Catalog (or mapping) JSON file.")
        load.add_argument(
            "--mapping",
            action="store_true",
            help="The file is a mapping between versions.",
        )
        commands.add_parser(
            "list",
            help="List the loaded catalog versions.",
            description="List the loaded catalog versions.",
        )
        show = commands.add_parser(
            "show",
            help="Print a loaded catalog version.",
            description="Print a loaded catalog version.",
        )
        show.add_argument("version", help="Version id, e.g. ksz-mn-2005.")
        show.add_argument(
            "--format", choices=["json", "text"], default="text", help="Output format."
        )
        show.add_argument(
            "--language",
            choices=["nl", "fr", "en"],
            default="en",
            help="Language of the text format.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "validate":
            self._validate(options["file"], options["mapping"])
        elif action == "load":
            self._load(options["file"], options["mapping"])
        elif action == "list":
            for version in CatalogVersion.objects.order_by("code"):
                count = version.norms.count()
                title = version.title.get("en", "")
                self.stdout.write(
                    f"{version.code}\t{version.issued}\t{count} norms\t{title}"
                )
        else:
            self._show(options["version"], options["format"], options["language"])

    def _validate(self, path: Path, mapping: bool) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file; give the path of a JSON file")
        validate = validate_mapping_file if mapping else validate_catalog_file
        _, problems = validate(path)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{path}: {len(problems)} problem(s)")
        self.stdout.write(f"{path}: valid")

    def _load(self, path: Path, mapping: bool) -> None:
        try:
            result = load_mapping_file(path) if mapping else load_catalog_file(path)
        except CatalogError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error)) from None
        self.stdout.write(f"{result.code}: {result.outcome}")

    def _show(self, code: str, fmt: str, language: str) -> None:
        version = CatalogVersion.objects.filter(code=code).first()
        if version is None:
            known = (
                ", ".join(CatalogVersion.objects.values_list("code", flat=True))
                or "none"
            )
            raise CommandError(
                f"catalog version {code!r} is not loaded (loaded: {known})"
            )
        if fmt == "json":
            self.stdout.write(
                json.dumps(catalog_as_data(version), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(catalog_as_text(version, language))
