"""``vigil reminders send``: e-mail each consultant what falls due, for cron."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone, translation

from vigil.commands import Command as VigilCommand
from vigil.organisations.models import Organisation
from vigil.reminders import services


class Command(VigilCommand):
    help = (
        "Send the weekly digest of what falls due, and of a failed verification "
        "of the access log, to the consultants and deputies of every centre. "
        "Run it once a week from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        summary = (
            "Send the digests: overdue items, those due within "
            f"{services.DIGEST_DAYS} days and a failed verification of the "
            "access log."
        )
        send = commands.add_parser("send", help=summary, description=summary)
        send.add_argument("--org", help="Only this centre (its short name).")
        send.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="The address of Vigil, for the links in the e-mails.",
        )
        send.add_argument(
            "--language", choices=["nl", "fr", "en"], help="Language of the e-mails."
        )
        send.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get a digest without sending anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(
                    f"centre {options['org']!r} not found; `vigil org list` shows them"
                )
        language = options["language"] or settings.LANGUAGE_CODE
        # The deadlines' texts are written when they are collected, so they
        # are collected in the language of the e-mails.
        with translation.override(language):
            found = services.digests(timezone.localdate(), organisation=organisation)
        for digest in found:
            line = (
                f"{digest.organisation.slug}\t{digest.user.email}\t"
                f"{len(digest.overdue)} overdue\t{len(digest.coming)} coming"
            )
            if digest.failed_verification is not None:
                line += "\tverification failed"
            if not options["dry_run"]:
                services.send_digest(
                    digest,
                    base_url=options["base_url"].rstrip("/"),
                    language=language,
                )
            self.stdout.write(line)
        verb = "would send" if options["dry_run"] else "sent"
        self.stderr.write(f"{verb} {len(found)} digest(s)")
