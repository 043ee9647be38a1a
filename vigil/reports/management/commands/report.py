"""``vigil report annual|plan|continuity|risks``: a centre's document as a file.

An administrator's command: it finds the centre by slug, builds the document
of the year in Dutch or French and writes it as PDF/A or ODT. For the
security plan, ``--plan-version`` or ``--draft`` choose the version. Each
kind of document comes from the app that owns it, imported when the command
runs.
"""

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from vigil.commands import Command as VigilCommand
from vigil.organisations.models import Organisation
from vigil.reports.document import Document
from vigil.reports.render import MEDIA_TYPES, render_document

FIRST_YEAR = 2000
LAST_YEAR = 2100
LANGUAGES = ("nl", "fr")

# Document kind: (app package, function) building it from (organisation, year,
# language). The function is looked up in the package's ``documents`` module,
# then in the package itself.
BUILDERS: dict[str, tuple[str, str]] = {
    "annual": ("vigil.plans.annual", "annual_document"),
    "plan": ("vigil.plans.security", "plan_document"),
    "continuity": ("vigil.plans.continuity", "continuity_document"),
    "risks": ("vigil.plans.risks", "risks_document"),
}

# A builder takes (organisation, year, language); the plan builder also takes
# the keyword arguments ``version`` and ``draft`` that choose the plan version.
type Builder = Callable[..., Document]


class Command(VigilCommand):
    help = (
        "Write a centre's annual report, security plan, continuity plan or "
        "risk analysis of one year as PDF/A or ODT, in Dutch or French."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            metavar="KIND",
            help="Document to write: " + ", ".join(BUILDERS) + ".",
        )
        parser.add_argument(
            "--org",
            required=True,
            help="Short name (slug) of the centre, e.g. ocmw-gent.",
        )
        parser.add_argument(
            "--year",
            required=True,
            help=f"Year of the document, from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026.",
        )
        parser.add_argument(
            "--format",
            default="pdf",
            help="File format: pdf (PDF/A-2b) or odt (default: pdf).",
        )
        parser.add_argument(
            "--language",
            default="nl",
            help="Language of the document: nl or fr (default: nl).",
        )
        parser.add_argument(
            "--output", required=True, type=Path, help="Path of the file to write."
        )
        plan_version = parser.add_mutually_exclusive_group()
        plan_version.add_argument(
            "--plan-version",
            type=int,
            metavar="N",
            help="For KIND plan: write version N of the security plan covering "
            "--year, e.g. 2 (default: the approved version, else the latest). "
            "Not to be confused with --version, which prints Django's version.",
        )
        plan_version.add_argument(
            "--draft",
            action="store_true",
            help="For KIND plan: write the draft version of the security plan "
            "covering --year.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, fmt, language = options["kind"], options["format"], options["language"]
        _check_choice("document kind", kind, list(BUILDERS))
        _check_choice("--format", fmt, list(MEDIA_TYPES))
        _check_choice("--language", language, list(LANGUAGES))
        year = _parse_year(options["year"])
        organisation = _find_centre(options["org"])
        choice = _plan_choice(kind, options["plan_version"], options["draft"])
        builder = _builder(kind)
        try:
            document = builder(organisation, year, language, **choice)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        content = render_document(document, fmt)
        output: Path = options["output"]
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(
                f"Cannot write {output}: {error.strerror}. Choose a writable path."
            ) from None
        self.stdout.write(f"wrote {output} ({len(content)} bytes)")


def _check_choice(name: str, value: str, choices: list[str]) -> None:
    if value not in choices:
        raise CommandError(
            f"Invalid {name} “{value}”: use one of {', '.join(choices)}."
        )


def _parse_year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CommandError(
            f"Invalid --year “{text}”: give a year from {FIRST_YEAR} to {LAST_YEAR}."
        )
    return year


def _plan_choice(kind: str, version: int | None, draft: bool) -> dict[str, Any]:
    if version is None and not draft:
        return {}
    if kind != "plan":
        raise CommandError(
            f"--plan-version and --draft apply to KIND plan only, not “{kind}”: "
            "leave them out."
        )
    if version is not None and version < 1:
        raise CommandError(
            f"Invalid --plan-version {version}: give a version number from 1."
        )
    return {"version": version, "draft": draft}


def _find_centre(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not organisation.is_centre:
        raise CommandError(
            f"No centre with slug “{slug}” found. Check the slug with “vigil org list”."
        )
    return organisation


def _builder(kind: str) -> Builder:
    package, function_name = BUILDERS[kind]
    for module_name in (f"{package}.documents", package):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            # Only the module itself may be missing; a missing import inside
            # it is a bug to show.
            if error.name is None or not module_name.startswith(error.name):
                raise
            continue
        builder = getattr(module, function_name, None)
        if callable(builder):
            return builder  # type: ignore[no-any-return]
    raise CommandError(
        f"The {kind} document is not available in this installation: no function "
        f"{function_name} in {package}.documents or {package}."
    )
