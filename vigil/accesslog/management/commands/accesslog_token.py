"""``vigil accesslog_token``: create, list and revoke API tokens.

A token has one scope: ``ingest`` sends access events, ``registers`` reads
and changes the centre's registers.
"""

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigil.accesslog.management.commands.accesslog import add_org_command
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import (
    active_token_named,
    checked_token_name,
    create_token,
    revoke_active_token,
)
from vigil.commands import Command as VigilCommand
from vigil.organisations.models import Organisation


class Command(VigilCommand):
    help = gettext_noop(
        "Manage the API tokens with which programs ingest access events "
        "(scope ingest) or read and change registers (scope registers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # As in ``vigil accesslog``: Django reads ``help`` untranslated.
        parser.description = _(self.help)
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = add_org_command(
            commands, "create", _("Create a token and print its secret, once.")
        )
        create.add_argument("name", help=_("The program that uses the token."))
        create.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.INGEST,
            help=_("What the token may do (default: ingest)."),
        )
        add_org_command(commands, "list", _("List an organisation's tokens."))
        revoke = add_org_command(commands, "revoke", _("Revoke a token by its prefix."))
        revoke.add_argument("prefix", help=_("The 12-character prefix of the token."))

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
        # The name is checked before the query, which could not send a name
        # that is not valid UTF-8.
        try:
            name = checked_token_name(name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        active = active_token_named(organisation, name)
        if active is not None:
            slug = organisation.slug
            raise CommandError(
                _(
                    "%(org)s already has an active token named %(name)r "
                    "(%(prefix)s…), and a name must tell the tokens apart. Choose "
                    "another name, or revoke that token first with 'vigil "
                    "accesslog_token revoke --org %(org)s %(prefix)s'. 'vigil "
                    "accesslog_token list --org %(org)s' lists the tokens"
                )
                % {"org": slug, "name": active.name, "prefix": active.prefix}
            )
        try:
            token, secret = create_token(organisation, name, actor=None, scope=scope)
        except ValueError as error:
            raise CommandError(str(error)) from None
        # The scope is shown as --scope takes it.
        self.stderr.write(
            _(
                "created %(scope)s token %(prefix)s… (%(name)s); the secret below "
                "is shown only this once"
            )
            % {"scope": token.scope, "prefix": token.prefix, "name": token.name}
        )
        self.stdout.write(secret)

    def _list(self, organisation: Organisation) -> None:
        columns = [_("prefix"), _("scope"), _("state"), _("last used"), _("name")]
        self.stdout.write("\t".join(columns))
        tokens = ApiToken.objects.filter(organisation=organisation)
        for token in tokens.order_by("created_at"):
            state = _("revoked") if token.revoked_at else _("active")
            used = _local_time(token.last_used_at) if token.last_used_at else "-"
            self.stdout.write(
                f"{token.prefix}\t{token.scope}\t{state}\t{used}\t{token.name}"
            )

    def _revoke(self, organisation: Organisation, prefix: str) -> None:
        # The service reads the token again under a row lock, as the API tokens
        # page does, so a revoke that ran after ``_token`` read the row is
        # reported as already done and writes no second audit entry.
        token, revoked = revoke_active_token(_token(organisation, prefix), actor=None)
        if not revoked and token.revoked_at is not None:
            self.stdout.write(
                _(
                    "token %(prefix)s… (%(name)s) was already revoked at %(when)s; "
                    "nothing changed"
                )
                % {
                    "prefix": token.prefix,
                    "name": token.name,
                    "when": _local_time(token.revoked_at),
                }
            )
            return
        self.stdout.write(
            _("revoked token %(prefix)s… (%(name)s)")
            % {"prefix": token.prefix, "name": token.name}
        )


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
            _(
                "no token with prefix %(prefix)r in %(org)s; `vigil accesslog_token "
                "list --org %(org)s` shows them"
            )
            % {"prefix": prefix, "org": organisation.slug}
        ) from None
