"""``vigil org``: create, change and list organisations from the command line."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from vigil.commands import Command as VigilCommand
from vigil.organisations.models import Organisation
from vigil.organisations.services import (
    UPDATABLE_FIELDS,
    create_organisation,
    update_organisation,
)


class Command(VigilCommand):
    help = "Manage organisations (centres and the supervisor)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = commands.add_parser(
            "create",
            help="Create an organisation.",
            description="Create an organisation.",
        )
        create.add_argument(
            "--slug", required=True, help="Short name used in URLs, e.g. ocmw-gent."
        )
        create.add_argument(
            "--kind",
            choices=[k.value for k in Organisation.Kind],
            default="centre",
            help="centre (default) or supervisor.",
        )
        create.add_argument("--name-nl", required=True, help="Name in Dutch.")
        create.add_argument(
            "--name-fr", help="Name in French (defaults to the Dutch name)."
        )
        create.add_argument(
            "--language",
            choices=[language.value for language in Organisation.Language],
            default=Organisation.Language.DUTCH.value,
            help=(
                "Language of the text Vigil writes into the centre's records: "
                "nl (default) or fr."
            ),
        )
        create.add_argument(
            "--enterprise-number",
            required=True,
            help="KBO/BCE enterprise number, 10 digits, e.g. 0212.345.668.",
        )
        create.add_argument("--street", default="", help="Street and number.")
        create.add_argument(
            "--postcode",
            default="",
            help="Belgian postcode, 4 digits from 1000 to 9999, e.g. 9000.",
        )
        create.add_argument("--municipality", default="", help="Municipality.")
        create.add_argument(
            "--site",
            action="append",
            default=[],
            help="A building of the centre; repeat for several (default: one site).",
        )
        update = commands.add_parser(
            "update",
            help="Change an organisation's names, language or address.",
            description="Change an organisation's names, language or address.",
            epilog="Options left out keep their value.",
        )
        update.add_argument(
            "--slug", required=True, help="Short name of the organisation."
        )
        update.add_argument("--name-nl", help="Name in Dutch.")
        update.add_argument("--name-fr", help="Name in French.")
        update.add_argument(
            "--language",
            choices=[language.value for language in Organisation.Language],
            help="Language of the text Vigil writes into the centre's records.",
        )
        update.add_argument("--street", help="Street and number.")
        update.add_argument("--postcode", help="Postcode, 4 digits.")
        update.add_argument("--municipality", help="Municipality.")
        commands.add_parser(
            "list", help="List organisations.", description="List organisations."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for org in Organisation.objects.order_by("slug"):
                self.stdout.write(
                    f"{org.slug}\t{org.kind}\t{org.enterprise_number_display}\t{org.name_nl}"
                )
            return
        if options["action"] == "update":
            self._update(options)
            return
        try:
            org = create_organisation(
                slug=options["slug"],
                kind=options["kind"],
                name_nl=options["name_nl"],
                name_fr=options["name_fr"] or options["name_nl"],
                language=options["language"],
                enterprise_number=options["enterprise_number"],
                street=options["street"],
                postcode=options["postcode"],
                municipality=options["municipality"],
                sites=options["site"],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(format_validation_error(error)) from None
        self.stdout.write(
            f"created {org.kind} {org.slug} ({org.enterprise_number_display})"
        )

    def _update(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["slug"]).first()
        if organisation is None:
            raise CommandError(
                f"organisation {options['slug']!r} not found; "
                "`vigil org list` shows the short names"
            )
        changes = {
            field: options[field]
            for field in UPDATABLE_FIELDS
            if options.get(field) is not None
        }
        if not changes:
            raise CommandError(
                "nothing to change: give at least one of --name-nl, --name-fr, "
                "--language, --street, --postcode, --municipality"
            )
        try:
            update_organisation(organisation, actor=None, **changes)
        except ValidationError as error:
            raise CommandError(format_validation_error(error)) from None
        self.stdout.write(f"updated {organisation.slug}: {', '.join(sorted(changes))}")


def format_validation_error(
    error: ValidationError, options: Mapping[str, str] | None = None
) -> str:
    """Render a ValidationError as ``field: message`` lines for the console.

    ``options`` maps model field names to the command's options, such as
    ``{"valid_until": "--until"}``, so that a line names what the user typed.
    A field without an option keeps its own name.
    """
    names = options or {}
    if hasattr(error, "error_dict"):
        return "\n".join(
            f"{names.get(field, field)}: {message}"
            for field, errors in error.message_dict.items()
            for message in errors
        )
    return "\n".join(error.messages)
