"""``vigil user create`` and ``vigil user grant``: scripted set-up of logins."""

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import create_user, grant_membership
from vigil.commands import Command as VigilCommand
from vigil.isodate import date_argument
from vigil.organisations.management.commands.org import format_validation_error
from vigil.organisations.models import Organisation

# The options by the fields of users and memberships, which their errors name.
USER_OPTIONS = {
    "email": "--email",
    "full_name": "--name",
    "role": "--role",
    "valid_until": "--until",
}


class Command(VigilCommand):
    help = "Manage users and their roles."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = commands.add_parser(
            "create",
            help="Create a user who logs in with e-mail and password.",
            description="Create a user who logs in with e-mail and password.",
        )
        create.add_argument("--email", required=True, help="Login e-mail address.")
        create.add_argument("--name", required=True, help="Full name.")
        create.add_argument(
            "--password-env",
            metavar="VAR",
            help="Environment variable holding the password (default: prompt).",
        )
        create.add_argument(
            "--admin",
            action="store_true",
            help="Make the user a platform administrator.",
        )
        grant = commands.add_parser(
            "grant",
            help="Give a user a role in an organisation.",
            description="Give a user a role in an organisation.",
        )
        grant.add_argument("--email", required=True, help="The user's e-mail address.")
        grant.add_argument(
            "--org", required=True, help="The organisation's short name (slug)."
        )
        grant.add_argument(
            "--role", required=True, choices=Role.values, help="The role to give."
        )
        grant.add_argument(
            "--until",
            type=date_argument,
            help="Last day of access, YYYY-MM-DD (required for auditors).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            else:
                self._grant(options)
        except ValidationError as error:
            if options["action"] == "grant" and options["until"] is None:
                error = _with_until_format(error)
            raise CommandError(format_validation_error(error, USER_OPTIONS)) from None

    def _create(self, options: dict[str, Any]) -> None:
        variable = options["password_env"]
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"environment variable {variable} is empty or unset")
        else:
            password = getpass.getpass("Password: ")
        user = create_user(
            email=options["email"],
            full_name=options["name"],
            password=password,
            actor=None,
            is_superuser=options["admin"],
        )
        self.stdout.write(f"created user {user.email}")

    def _grant(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(
                f"no user with e-mail {options['email']}; "
                "create it with 'vigil user create'"
            )
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(
                f"no organisation {options['org']!r}; see 'vigil org list'"
            )
        membership = grant_membership(
            user=user,
            organisation=organisation,
            role=options["role"],
            valid_until=options["until"],
            actor=None,
        )
        self.stdout.write(f"{user.email} is {membership.role} of {organisation.slug}")


def _with_until_format(error: ValidationError) -> ValidationError:
    """Add the format of --until to the errors of a missing end date.

    The model's message speaks of the form's field, so the command adds how
    to give the date on the command line.
    """
    if not hasattr(error, "error_dict") or "valid_until" not in error.error_dict:
        return error
    hint = _("Give the last day of access as --until YYYY-MM-DD.")
    messages = error.message_dict
    messages["valid_until"] = [
        f"{message} {hint}" for message in messages["valid_until"]
    ]
    return ValidationError(messages)
