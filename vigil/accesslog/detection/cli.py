"""``vigil accesslog detect``: misuse detection from the command line, e.g. cron.

The subcommand runs ``services.detect``, the service behind the Run button
of the findings page, for one organisation or for every centre. It acts as
the system (no user) in the audit trail, as the other commands that change
the log do. Every line it prints is in the active language, which the
``vigil`` command sets from VIGIL_CLI_LANGUAGE.
"""

import datetime
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.detection import services
from vigil.accesslog.detection.models import Rule
from vigil.isodate import add_day_range_options
from vigil.organisations.models import Organisation

logger = logging.getLogger(__name__)


def add_detect_command(commands: Any) -> None:
    """Add the ``detect`` subcommand and its options to ``commands``."""
    text = _(
        "Run misuse detection over whole days, as the Run button of the findings "
        "page does, and print what each rule found."
    )
    parser: CommandParser = commands.add_parser("detect", help=text, description=text)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--org", metavar="SLUG", help=_("Short name of the organisation.")
    )
    target.add_argument(
        "--all",
        action="store_true",
        help=_("Every centre, one after the other, in the order of their short names."),
    )
    add_day_range_options(parser, default_days=services.DEFAULT_RUN_DAYS)


def handle_detect(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run detection for the organisations of ``options`` and print the report.

    Raise CommandError, so that the command exits with status 1, when the
    days or the organisation are invalid, or when detection failed for any
    organisation. With ``--all`` a failure does not stop the other centres.
    """
    since, until = _period(options["from_date"], options["to_date"])
    organisations = _organisations(options["org"], all_centres=options["all"])
    today = timezone.localdate()
    if options["to_date"] is not None and options["to_date"] > today:
        command.stderr.write(_future_days_note(options["to_date"], today))
    if not organisations:
        command.stdout.write(_("There is no centre to run misuse detection for."))
        return
    failed = []
    for organisation in organisations:
        try:
            result = services.detect(organisation, since=since, until=until, actor=None)
        except DatabaseError as error:
            logger.exception("Misuse detection for %s failed", organisation.slug)
            message = _(
                "%(slug)s: misuse detection failed and stored nothing: %(error)s"
            )
            command.stderr.write(message % {"slug": organisation.slug, "error": error})
            failed.append(organisation.slug)
            continue
        for line in report_lines(organisation, result):
            command.stdout.write(line)
    if failed:
        raise CommandError(
            ngettext(
                "misuse detection failed for %(count)d organisation: %(slugs)s",
                "misuse detection failed for %(count)d organisations: %(slugs)s",
                len(failed),
            )
            % {"count": len(failed), "slugs": ", ".join(failed)}
        )


def report_lines(
    organisation: Organisation, result: services.DetectionRun
) -> Iterator[str]:
    """Yield the summary of one run: the period, the totals and each rule."""
    zone = timezone.get_default_timezone()
    first_day = result.since.astimezone(zone).date()
    last_day = (result.until - datetime.timedelta(microseconds=1)).astimezone(zone)
    yield ngettext(
        "%(slug)s: %(entries)s entry from %(first)s to %(last)s (days included, "
        "in %(zone)s): %(counts)s",
        "%(slug)s: %(entries)s entries from %(first)s to %(last)s (days included, "
        "in %(zone)s): %(counts)s",
        result.entries,
    ) % {
        "slug": organisation.slug,
        "entries": result.entries,
        "first": first_day.isoformat(),
        "last": last_day.date().isoformat(),
        "zone": settings.TIME_ZONE,
        "counts": _counts_text(result.total()),
    }
    for rule in Rule:
        yield "  " + _rule_line(rule, result)


def _rule_line(rule: Rule, result: services.DetectionRun) -> str:
    name = str(rule.label)
    if rule not in result.rules:
        return _("%(rule)s: off in the detection settings") % {"rule": name}
    counts = result.rules[rule]
    if counts is None:
        return _("%(rule)s: skipped, because %(reason)s") % {
            "rule": name,
            "reason": services.SKIP_REASONS[rule],
        }
    return _("%(rule)s: %(counts)s") % {"rule": name, "counts": _counts_text(counts)}


def _future_days_note(last_day: datetime.date, today: datetime.date) -> str:
    """Return the note for a period that runs past today."""
    return _(
        "note: --to %(last)s is after today, %(today)s. The log has no entries "
        "of those days yet, unless a sender's clock runs ahead, so run detection "
        "again once they are over."
    ) % {"last": last_day.isoformat(), "today": today.isoformat()}


def _counts_text(counts: services.RuleCounts) -> str:
    return ngettext(
        "%(findings)s finding, %(created)s new, %(updated)s updated, "
        "%(reopened)s reopened",
        "%(findings)s findings, %(created)s new, %(updated)s updated, "
        "%(reopened)s reopened",
        counts.findings,
    ) % {
        "findings": counts.findings,
        "created": counts.created,
        "updated": counts.updated,
        "reopened": counts.reopened,
    }


def _period(
    first_day: datetime.date | None, last_day: datetime.date | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the run's period from ``--from`` and ``--to``, with their defaults."""
    last_day = last_day or timezone.localdate()
    if first_day is None:
        first_day = last_day - datetime.timedelta(days=services.DEFAULT_RUN_DAYS - 1)
    try:
        return services.day_period(first_day, last_day)
    except ValidationError as error:
        reasons = " ".join(error.message_dict.get("until", error.messages))
        raise CommandError(f"--to {last_day.isoformat()}: {reasons}") from None


def _organisations(slug: str | None, *, all_centres: bool) -> list[Organisation]:
    if all_centres:
        centres = Organisation.objects.filter(kind=Organisation.Kind.CENTRE)
        return list(centres.order_by("slug"))
    try:
        return [Organisation.objects.get(slug=slug)]
    except Organisation.DoesNotExist:
        raise CommandError(
            _("no organisation '%(slug)s'. 'vigil org list' shows the short names")
            % {"slug": slug}
        ) from None
