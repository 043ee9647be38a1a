"""User ids of the access log that the identity register cannot trace.

Norm 4.4.5 requires that the USERID of every KSZ message can be traced to a
natural person. An entry is untraced when no identity period of its user id
covers its time. The identity register's page and ``vigil accesslog
untraced`` list these user ids per period, so that the missing periods can
be added.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from vigil import isodate
from vigil.accesslog.models import AccessEntry, IdentityPeriod
from vigil.organisations.models import Organisation

# The days that the page and the command list by default, ending today.
DEFAULT_DAYS = 30
# A longer period makes the page read the entries of more than a year at once.
MAX_DAYS = 366
PERIOD_TOO_LONG = gettext_lazy(
    "The period from %(since)s to %(until)s has %(days)d days, but the list "
    "covers at most %(maximum)d days at a time. Enter a shorter period."
)
# The rows shown; the user ids beyond them are only counted.
MAX_ROWS = 100


@dataclass(frozen=True)
class UntracedUserId:
    """A user id and its entries in the period that no identity period covers."""

    user_id: str
    entries: int
    first: datetime.datetime
    last: datetime.datetime


@dataclass(frozen=True)
class UntracedReport:
    """The untraced user ids of ``[since, until)``, most entries first.

    ``rows`` contains at most the requested number of user ids. The others
    are counted in ``more_user_ids``, with their entries in ``more_entries``.
    """

    since: datetime.datetime
    until: datetime.datetime
    rows: list[UntracedUserId]
    more_user_ids: int = 0
    more_entries: int = 0


def default_days(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of the default period, which ends ``today``."""
    return today - datetime.timedelta(days=DEFAULT_DAYS - 1), today


def day_period(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the start of ``first_day`` and the end of ``last_day`` in local time.

    Raise ValidationError, on ``until``, when ``last_day`` comes before
    ``first_day`` or when the period has more than ``MAX_DAYS`` days.
    """
    return isodate.day_period(
        first_day, last_day, max_days=MAX_DAYS, too_long=PERIOD_TOO_LONG
    )


def _untraced_entries(
    organisation: Organisation, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[AccessEntry]:
    """Return the entries of ``[since, until)`` that no identity period covers.

    The filter on organisation and time uses the index of the unique
    constraint on (organisation, time, event_id). Each remaining entry is
    then checked with NOT EXISTS against the register's index on
    (organisation, user_id, valid_from). Expired entries, whose user id
    expiry emptied, are left out; an entry emptied without expiry stays in.
    """
    covering = IdentityPeriod.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("time")),
        organisation=organisation,
        user_id=OuterRef("user_id"),
        valid_from__lte=OuterRef("time"),
    )
    return (
        AccessEntry.objects.filter(
            organisation=organisation, time__gte=since, time__lt=until
        )
        .filter(expired_at__isnull=True)
        .filter(~Exists(covering))
    )


def untraced_user_ids(
    organisation: Organisation,
    since: datetime.datetime,
    until: datetime.datetime,
    *,
    limit: int | None = None,
) -> UntracedReport:
    """List the user ids of the entries of ``[since, until)`` that no period covers.

    Each row counts only the entries at times that no identity period of the
    user id covers, and gives the first and last of them. The rows are sorted
    by that count, descending, then by user id, and at most ``limit`` are
    returned (default ``MAX_ROWS``). Only when the limit is reached does a
    second query count the user ids and entries beyond it.
    """
    if limit is None:
        limit = MAX_ROWS
    entries = _untraced_entries(organisation, since, until)
    grouped = (
        entries.values("user_id")
        .annotate(entries=Count("id"), first=Min("time"), last=Max("time"))
        .order_by("-entries", "user_id")
    )
    rows = [UntracedUserId(**values) for values in grouped[:limit]]
    if len(rows) < limit:
        return UntracedReport(since, until, rows)
    totals = entries.aggregate(
        user_ids=Count("user_id", distinct=True), entries=Count("id")
    )
    shown_entries = sum(row.entries for row in rows)
    return UntracedReport(
        since,
        until,
        rows,
        more_user_ids=totals["user_ids"] - len(rows),
        more_entries=totals["entries"] - shown_entries,
    )
