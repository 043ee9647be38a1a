"""``vigil backup``: the media a backup scheme gives for a date."""

import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser

from vigil.commands import Command as VigilCommand
from vigil.isodate import date_argument
from vigil.organisations.models import Organisation
from vigil.registers.backups import schemes, services


class Command(VigilCommand):
    help = "Show which backup media a centre's rotation scheme gives for a date."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        media = commands.add_parser(
            "media",
            help="Print the media of a scheme for one date.",
            description="Print the media of a scheme for one date.",
        )
        media.add_argument("--org", required=True, help="Slug of the centre.")
        media.add_argument(
            "--scheme",
            default=schemes.KSZ_2005,
            help="Scheme name: ksz-2005 (built in) or a scheme of the centre.",
        )
        media.add_argument(
            "--date", required=True, type=date_argument, help="The date, as YYYY-MM-DD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(
                f"no centre with slug {options['org']!r}; give the slug in the "
                "centre's URL, /c/<slug>/"
            )
        day = options["date"]
        try:
            scheme = services.find_scheme(organisation, options["scheme"])
        except services.UnknownScheme:
            known = ", ".join(services.scheme_names(organisation))
            raise CommandError(
                f"no backup scheme {options['scheme']!r} in centre "
                f"{organisation.slug}; use one of: {known}"
            ) from None
        self.stdout.write(_heading(scheme.name, day))
        slots = scheme.rotation.media(day)
        if not slots:
            self.stdout.write("no backup on this date")
        for slot in slots:
            self.stdout.write(f"{slot.kind:<12} {slot.medium}")


def _heading(name: str, day: datetime.date) -> str:
    week = schemes.month_week(day)
    parity = "odd" if week.odd else "even"
    heading = f"{name}, {day:%A} {day.isoformat()}, ISO week {week.iso_week} ({parity})"
    if name == schemes.KSZ_2005:
        month = datetime.date(week.year, week.month, 1)
        heading += f", week {week.week_in_month} of {month:%B %Y}"
    return heading
