"""Backup records for the tests, created through the register services."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.backups.models import (
    BackupCheck,
    BackupRun,
    BackupScheme,
    RestoreTest,
)
from vigil.registers.backups.specs import CHECKS, RESTORE_TESTS, RUNS, SCHEMES

BRUSSELS = ZoneInfo("Europe/Brussels")


def run(
    organisation: Organisation,
    day: datetime.date,
    kind: str,
    medium: str,
    **values: Any,
) -> BackupRun:
    started = datetime.datetime.combine(day, datetime.time(22), tzinfo=BRUSSELS)
    data = {
        "started_at": started.isoformat(),
        "kind": kind,
        "medium": medium,
        "result": "success",
        **values,
    }
    record = services.create_record(RUNS, organisation, data, actor=None)
    assert isinstance(record, BackupRun)
    return record


def check(organisation: Organisation, day: datetime.date, **values: Any) -> BackupCheck:
    data = {"date": day.isoformat(), "kind": "structure", "result": "success", **values}
    record = services.create_record(CHECKS, organisation, data, actor=None)
    assert isinstance(record, BackupCheck)
    return record


def restore_test(
    organisation: Organisation, day: datetime.date, **values: Any
) -> RestoreTest:
    data = {
        "date": day.isoformat(),
        "restored": "Sociaal dossier 2026/0412",
        "target": "TST-01",
        "result": "success",
        "checked_by": "Diensthoofd ICT",
        **values,
    }
    record = services.create_record(RESTORE_TESTS, organisation, data, actor=None)
    assert isinstance(record, RestoreTest)
    return record


def scheme(organisation: Organisation, **values: Any) -> BackupScheme:
    data = {"name": "Serverlokaal", "kind": "ksz-2005", **values}
    record = services.create_record(SCHEMES, organisation, data, actor=None)
    assert isinstance(record, BackupScheme)
    return record
