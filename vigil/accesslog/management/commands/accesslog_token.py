"""``vigil accesslog_token``: create, list and revoke API tokens.

A token has one scope: ``ingest`` sends access events, ``registers`` reads
and changes the centre's registers.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accesslog.management.commands.accesslog import add_org_command
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import active_token_named, create_token, revoke_token
from vigil.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Manage the API tokens with which programs ingest access events "
        "(scope ingest) or read and change registers (scope registers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = add_org_command(
            commands, "create", "Create a token and print its secret, once."
        )
        create.add_argument("name", help="The program that uses the token.")
        create.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.INGEST,
            help="What the token may do (default: ingest).",
        )
        add_org_command(commands, "list", "List an organisation's tokens.")
        revoke = add_org_command(commands, "revoke", "Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The 12-character prefix of the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = _organisation(options["org"])
        action = options["action"]
        if action == "create":
            self._create(organisation, options["name"], options["scope"])
        elif action == "list":
            self._list(organisation)
        else:
            self._revoke(organisation, options["prefix"])

    def _create(self, organisation: Organisation, name: str, scope: str) -> None:
        active = active_token_named(organisation, name)
        if active is not None:
            slug = organisation.slug
            raise CommandError(
                f"{slug} already has an active token named {active.name!r} "
                f"({active.prefix}…), and a name must tell the tokens apart. Choose "
                f"another name, or revoke that token first with 'vigil "
                f"accesslog_token revoke --org {slug} {active.prefix}'. 'vigil "
                f"accesslog_token list --org {slug}' lists the tokens"
            )
        try:
            token, secret = create_token(organisation, name, actor=None, scope=scope)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"created {token.scope} token {token.prefix}… ({token.name}); the "
            "secret below is shown only this once"
        )
        self.stdout.write(secret)

    def _list(self, organisation: Organisation) -> None:
        self.stdout.write("prefix\tscope\tstate\tlast used\tname")
        tokens = ApiToken.objects.filter(organisation=organisation)
        for token in tokens.order_by("created_at"):
            state = "revoked" if token.revoked_at else "active"
            used = _local_time(token.last_used_at) if token.last_used_at else "-"
            self.stdout.write(
                f"{token.prefix}\t{token.scope}\t{state}\t{used}\t{token.name}"
            )

    def _revoke(self, organisation: Organisation, prefix: str) -> None:
        token = _token(organisation, prefix)
        if token.revoked_at is not None:
            self.stdout.write(
                f"token {token.prefix}… ({token.name}) was already revoked at "
                f"{_local_time(token.revoked_at)}; nothing changed"
            )
            return
        revoke_token(token, actor=None)
        self.stdout.write(f"revoked token {token.prefix}… ({token.name})")


def _local_time(moment: datetime.datetime) -> str:
    """Format ``moment`` in local time with its offset, as ``identity list`` does."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise CommandError(
            _("no organisation '%(slug)s'. 'vigil org list' shows the short names")
            % {"slug": slug}
        ) from None


def _token(organisation: Organisation, prefix: str) -> ApiToken:
    try:
        return ApiToken.objects.get(organisation=organisation, prefix=prefix)
    except ApiToken.DoesNotExist:
        raise CommandError(
            f"no token with prefix {prefix!r} in {organisation.slug}; "
            f"`vigil accesslog_token list --org {organisation.slug}` shows them"
        ) from None
