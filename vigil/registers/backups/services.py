"""The scheme a centre uses, the media of a date, and the backup warnings."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.backups import schemes
from vigil.registers.backups.models import (
    BackupCheck,
    BackupRun,
    BackupScheme,
    RestoreTest,
    Result,
    rotation,
)

DEFAULT_RESTORE_TEST_DAYS = 90
DEFAULT_CHECK_DAYS = 30
# Runs older than this are not checked for media used out of turn, so the
# warning is about the current rotation and not about last year's mistakes.
OUT_OF_TURN_DAYS = 35
MAX_LISTED = 5


class UnknownScheme(LookupError):
    """A scheme name that is neither built in nor stored by the centre."""


@dataclass(frozen=True)
class SchemeInUse:
    """A scheme by name with the periods its centre's warnings use."""

    name: str
    rotation: schemes.Scheme
    restore_test_days: int = DEFAULT_RESTORE_TEST_DAYS
    check_days: int = DEFAULT_CHECK_DAYS


@dataclass(frozen=True)
class MediaDay:
    """The media a scheme gives for one date."""

    day: datetime.date
    slots: tuple[schemes.Slot, ...]
    week: schemes.MonthWeek


def scheme_names(organisation: Organisation) -> list[str]:
    """Return the built-in scheme names, then the centre's, in name order."""
    stored = BackupScheme.objects.filter(organisation=organisation)
    return [*schemes.BUILT_IN, *stored.values_list("name", flat=True)]


def find_scheme(organisation: Organisation, name: str) -> SchemeInUse:
    """Return the built-in or stored scheme called ``name``; raise UnknownScheme."""
    built_in = schemes.BUILT_IN.get(name)
    if built_in is not None:
        return SchemeInUse(name, built_in)
    stored = BackupScheme.objects.filter(organisation=organisation, name=name).first()
    if stored is None:
        raise UnknownScheme(name)
    return _from_record(stored)


def scheme_in_use(organisation: Organisation) -> SchemeInUse:
    """Return the centre's scheme in use, or ``ksz-2005`` with the default periods."""
    stored = BackupScheme.objects.filter(organisation=organisation, in_use=True)
    record = stored.first()
    if record is None:
        return SchemeInUse(schemes.KSZ_2005, schemes.BUILT_IN[schemes.KSZ_2005])
    return _from_record(record)


def _from_record(record: BackupScheme) -> SchemeInUse:
    return SchemeInUse(
        record.name, rotation(record), record.restore_test_days, record.check_days
    )


def media_days(
    scheme: schemes.Scheme, start: datetime.date, count: int
) -> list[MediaDay]:
    """Return the media of ``count`` dates from ``start`` on."""
    days = (start + datetime.timedelta(days=offset) for offset in range(count))
    return [MediaDay(day, scheme.media(day), schemes.month_week(day)) for day in days]


def run_warnings(
    organisation: Organisation, today: datetime.date | None = None
) -> list[str]:
    """Warn about a missing recent backup and about media used out of turn."""
    today = today or timezone.localdate()
    scheme = scheme_in_use(organisation)
    return [
        *_missing_backup(organisation, scheme, today),
        *_out_of_turn(organisation, scheme, today),
    ]


def check_warnings(
    organisation: Organisation, today: datetime.date | None = None
) -> list[str]:
    """Warn when the last check of any kind, or restore test, is too old."""
    today = today or timezone.localdate()
    scheme = scheme_in_use(organisation)
    last_check = (
        BackupCheck.objects.filter(organisation=organisation)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    last_test = last_restore_test(organisation)
    dates = [day for day in (last_check, last_test) if day is not None]
    if not dates:
        return [_("No check of the backups has been recorded (norm 4.4.2).")]
    last = max(dates)
    if (today - last).days <= scheme.check_days:
        return []
    return [
        _(
            "The last check of the backups was on %(date)s, more than %(days)d "
            "days ago (norm 4.4.2)."
        )
        % {"date": last.isoformat(), "days": scheme.check_days}
    ]


def restore_test_warnings(
    organisation: Organisation, today: datetime.date | None = None
) -> list[str]:
    """Warn when no restore test without failure falls within the scheme's period."""
    today = today or timezone.localdate()
    scheme = scheme_in_use(organisation)
    last = last_restore_test(organisation)
    if last is not None and (today - last).days <= scheme.restore_test_days:
        return []
    return [
        _("No restore test in the last %(days)d days (norm 4.4.2).")
        % {"days": scheme.restore_test_days}
    ]


def last_restore_test(organisation: Organisation) -> datetime.date | None:
    """Return the date of the last restore test that did not fail, if any."""
    tests = RestoreTest.objects.filter(organisation=organisation).exclude(
        result=Result.FAILED
    )
    checks = BackupCheck.objects.filter(
        organisation=organisation, kind=BackupCheck.Kind.RESTORE_TEST
    ).exclude(result=Result.FAILED)
    dates = [
        tests.order_by("-date").values_list("date", flat=True).first(),
        checks.order_by("-date").values_list("date", flat=True).first(),
    ]
    known = [day for day in dates if day is not None]
    return max(known) if known else None


def _missing_backup(
    organisation: Organisation, scheme: SchemeInUse, today: datetime.date
) -> list[str]:
    due = schemes.previous_working_day(today, scheme.rotation.interval_working_days)
    successes = BackupRun.objects.filter(
        organisation=organisation, result=Result.SUCCESS
    ).order_by("-started_at")
    last = successes.values_list("started_at", flat=True).first()
    if last is not None and timezone.localtime(last).date() >= due:
        return []
    if last is None:
        return [_("No successful backup has been recorded (norm 4.4.2).")]
    return [
        _(
            "No successful backup since %(date)s; the scheme %(scheme)s expects "
            "one every working day (norm 4.4.2)."
        )
        % {"date": timezone.localtime(last).date().isoformat(), "scheme": scheme.name}
    ]


def out_of_turn(run: BackupRun, scheme: schemes.Scheme) -> str | None:
    """Return why a run's medium is out of turn for its date and kind, or None."""
    if not run.medium:
        return None
    day = timezone.localtime(run.started_at).date()
    planned = [slot.medium for slot in scheme.media(day) if slot.kind == run.kind]
    if run.medium in planned:
        return None
    values = {
        "date": day.isoformat(),
        "kind": run.get_kind_display(),
        "medium": run.medium,
        "planned": ", ".join(planned),
    }
    if not planned:
        return (
            _(
                "The %(kind)s backup of %(date)s went on medium %(medium)s, but the "
                "scheme plans no %(kind)s backup that day."
            )
            % values
        )
    return (
        _(
            "The %(kind)s backup of %(date)s went on medium %(medium)s; the scheme "
            "gives medium %(planned)s."
        )
        % values
    )


def _out_of_turn(
    organisation: Organisation, scheme: SchemeInUse, today: datetime.date
) -> list[str]:
    since = today - datetime.timedelta(days=OUT_OF_TURN_DAYS)
    runs = BackupRun.objects.filter(
        organisation=organisation, started_at__date__gte=since
    ).exclude(medium="")
    found = [
        message
        for run in runs.order_by("started_at", "id")
        if (message := out_of_turn(run, scheme.rotation)) is not None
    ]
    if len(found) <= MAX_LISTED:
        return found
    more = _("%(count)d more runs used a medium out of turn.") % {
        "count": len(found) - MAX_LISTED
    }
    return [*found[:MAX_LISTED], more]
