"""Demo records of the backup registers: two weeks of runs on ksz-2005."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.backups import schemes
from vigil.registers.backups.models import BackupRun, BackupScheme, Result
from vigil.registers.backups.specs import CHECKS, RESTORE_TESTS, RUNS, SCHEMES

BRUSSELS = ZoneInfo("Europe/Brussels")
SCHEME_NAME = "Serverlokaal (KSZ-schema)"
FULL_SIZE = 48_318_382_080
INCREMENTAL_SIZE = 2_147_483_648


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if BackupScheme.objects.filter(organisation=organisation).exists():
        return
    services.create_record(
        SCHEMES,
        organisation,
        {
            "name": SCHEME_NAME,
            "kind": BackupScheme.Kind.KSZ_2005,
            "in_use": "true",
            "restore_test_days": "90",
            "check_days": "30",
            "notes": "Tapes in de brandkast van het administratief centrum.",
        },
        actor=actor,
    )
    _runs(organisation, actor, today)
    services.create_record(
        CHECKS,
        organisation,
        {
            "date": (today - datetime.timedelta(days=6)).isoformat(),
            "repository": "restic 3f2a1b4c (NAS kelder)",
            "kind": "structure",
            "result": Result.SUCCESS,
            "tool": "restic",
            "checked_by": "Diensthoofd ICT",
            "notes": (
                "restic check zonder --read-data: de gegevens zelf zijn niet gelezen."
            ),
        },
        actor=actor,
    )
    services.create_record(
        RESTORE_TESTS,
        organisation,
        {
            "date": (today - datetime.timedelta(days=100)).isoformat(),
            "restored": "Sociaal dossier van één cliënt met alle documenten",
            "target": "Testserver TST-01",
            "result": Result.SUCCESS,
            "checked_by": "Diensthoofd sociale dienst",
        },
        actor=actor,
    )


def _runs(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    """Add the runs of the last two weeks; one Wednesday went on a wrong medium."""
    rotation = schemes.Ksz2005Scheme()
    wrong_day = _last_weekday(today - datetime.timedelta(days=7), weekday=2)
    for offset in range(14, 0, -1):
        day = today - datetime.timedelta(days=offset)
        for slot in rotation.media(day):
            medium = slot.medium
            if day == wrong_day:
                medium = str(int(medium) + 1)
            full = slot.kind != schemes.SlotKind.INCREMENTAL
            values = {
                "started_at": datetime.datetime.combine(
                    day, datetime.time(22), tzinfo=BRUSSELS
                ).isoformat(),
                "scope": _scope(slot.kind),
                "kind": str(slot.kind),
                "medium": medium,
                "result": Result.SUCCESS,
                "size": str(FULL_SIZE if full else INCREMENTAL_SIZE),
                "tool": "manual",
            }
            services.create_record(RUNS, organisation, values, actor=actor)


def _scope(kind: str) -> str:
    if kind == schemes.SlotKind.ENVIRONMENT:
        return BackupRun.Scope.ENVIRONMENT
    return BackupRun.Scope.DATA


def _last_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)
