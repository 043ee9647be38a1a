"""The backup registers, described for the generic register pages."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.organisations.models import Organisation
from vigil.registers.backups import parsers, services
from vigil.registers.backups.forms import RUN_FIELDS, BackupRunForm
from vigil.registers.backups.models import (
    BackupCheck,
    BackupRun,
    BackupScheme,
    RestoreTest,
    Result,
)
from vigil.registers.spec import ImportFormat, RegisterSpec, register

CATALOG_KEYS = ("backups",)
GROUP = gettext_lazy("Backups")


def _scheme_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "GFS server room",
        "kind": BackupScheme.Kind.GFS,
        "daily_media": "4",
        "weekly_media": "4",
        "monthly_media": "12",
        "weekday": "friday",
        "in_use": "false",
        "restore_test_days": "90",
        "check_days": "30",
    }


def _run_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "started_at": "2026-11-20T22:00:00+01:00",
        "scope": BackupRun.Scope.DATA,
        "kind": BackupRun.Kind.FULL,
        "medium": "5",
        "result": Result.SUCCESS,
        "size": "48318382080",
        "tool": "manual",
    }


def _check_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "date": "2026-11-21",
        "repository": "restic 3f2a1b4c",
        "kind": BackupCheck.Kind.STRUCTURE,
        "result": Result.SUCCESS,
        "tool": "restic",
        "checked_by": "ICT department",
    }


def _restore_test_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "date": "2026-11-14",
        "restored": "Social file of one client, all documents",
        "target": "Test server TST-01",
        "result": Result.SUCCESS,
        "checked_by": "Head of the social service",
    }


def _scheme_summary(organisation: Organisation) -> list[str]:
    scheme = services.scheme_in_use(organisation)
    return [
        _(
            "Scheme in use: %(name)s; restore test every %(tests)d days, "
            "check every %(checks)d days."
        )
        % {
            "name": scheme.name,
            "tests": scheme.restore_test_days,
            "checks": scheme.check_days,
        }
    ]


def _run_summary(organisation: Organisation) -> list[str]:
    since = timezone.localdate() - datetime.timedelta(days=30)
    runs = BackupRun.objects.filter(
        organisation=organisation, started_at__date__gte=since
    )
    failed = runs.filter(result=Result.FAILED).count()
    return [
        _("Last 30 days: %(runs)d backup runs, %(failed)d failed.")
        % {"runs": runs.count(), "failed": failed}
    ]


SCHEMES = RegisterSpec(
    slug="backup-schemes",
    model=BackupScheme,
    title=gettext_lazy("Backup schemes"),
    description=gettext_lazy(
        "Media rotation schemes besides the built-in ksz-2005, and the periods "
        "of the backup warnings. The scheme in use is checked against the runs."
    ),
    group=GROUP,
    fields=(
        "name",
        "kind",
        "daily_media",
        "weekly_media",
        "monthly_media",
        "weekday",
        "hanoi_media",
        "in_use",
        "restore_test_days",
        "check_days",
        "notes",
    ),
    columns=("name", "kind", "in_use", "restore_test_days", "check_days"),
    catalog_keys=CATALOG_KEYS,
    example=_scheme_example,
    search=("name", "notes"),
    filters=("kind",),
    ordering=("name", "id"),
    summary=_scheme_summary,
)

RUNS = RegisterSpec(
    slug="backup-runs",
    model=BackupRun,
    title=gettext_lazy("Backup runs"),
    description=gettext_lazy(
        "Every backup that ran, on which medium and with which result, entered "
        "by hand or imported from restic or borg."
    ),
    group=GROUP,
    fields=RUN_FIELDS,
    columns=("started_at", "kind", "medium", "result", "tool", "scope"),
    catalog_keys=CATALOG_KEYS,
    example=_run_example,
    search=("medium", "reference", "notes"),
    filters=("kind", "result", "tool", "scope"),
    ordering=("-started_at", "-id"),
    form=BackupRunForm,
    summary=_run_summary,
    warnings=services.run_warnings,
    import_formats=(
        ImportFormat(
            "restic-snapshots",
            gettext_lazy("restic snapshots --json"),
            parsers.parse_restic_snapshots,
            gettext_lazy(
                "restic 0.14 to 0.17. Tags kind=..., medium=... and scope=... "
                "set those fields; a snapshot without a kind tag is a full backup."
            ),
        ),
        ImportFormat(
            "borg-list",
            gettext_lazy("borg list --json"),
            parsers.parse_borg_list,
            gettext_lazy(
                "borg 1.2 and 1.4. Times without a time zone are read as "
                "Brussels time. Words in the archive name such as full or "
                "medium=5 set the kind and the medium."
            ),
        ),
        ImportFormat(
            "borg-info",
            gettext_lazy("borg info --json"),
            parsers.parse_borg_info,
            gettext_lazy(
                "borg 1.2 and 1.4, with the original size of each archive. "
                "Times are read as Brussels time."
            ),
        ),
    ),
)

CHECKS = RegisterSpec(
    slug="backup-checks",
    model=BackupCheck,
    title=gettext_lazy("Backup checks"),
    description=gettext_lazy(
        "Checks of the backup repositories: restore tests, full data checks "
        "(restic check --read-data, borg check --verify-data) and structure "
        "checks, which do not read the stored data."
    ),
    group=GROUP,
    fields=("date", "repository", "kind", "result", "tool", "checked_by", "notes"),
    columns=("date", "kind", "repository", "result", "checked_by"),
    catalog_keys=CATALOG_KEYS,
    example=_check_example,
    search=("repository", "checked_by", "notes"),
    filters=("kind", "result", "tool"),
    ordering=("-date", "-id"),
    warnings=services.check_warnings,
    import_formats=(
        ImportFormat(
            "restic-check",
            gettext_lazy("restic check (text or --json)"),
            parsers.parse_restic_check,
            gettext_lazy(
                "restic 0.14 to 0.17. The check is dated today. It is a full "
                "data check when the text output shows 'read all data'; JSON "
                "output does not say, so change the kind after the import if "
                "you ran --read-data."
            ),
        ),
    ),
)

RESTORE_TESTS = RegisterSpec(
    slug="restore-tests",
    model=RestoreTest,
    title=gettext_lazy("Restore tests"),
    description=gettext_lazy(
        "Data restored from a backup, where it was restored and who checked the result."
    ),
    group=GROUP,
    fields=("date", "restored", "target", "result", "checked_by", "notes"),
    columns=("date", "restored", "target", "result", "checked_by"),
    catalog_keys=CATALOG_KEYS,
    example=_restore_test_example,
    search=("restored", "target", "checked_by", "notes"),
    filters=("result",),
    ordering=("-date", "-id"),
    warnings=services.restore_test_warnings,
)


def connect() -> None:
    for spec in (SCHEMES, RUNS, CHECKS, RESTORE_TESTS):
        register(spec)
