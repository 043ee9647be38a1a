"""Audits and findings created through the register services."""

from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.specs import AUDITS, FINDINGS
from vigil.registers import services


def add_audit(organisation: Organisation, **values: Any) -> Audit:
    data = {
        "reference": "AUD-2022-01",
        "date": "2022-06-15",
        "status": Audit.Status.COMPLETED,
        "auditor_kind": Audit.AuditorKind.EXTERNAL,
        "auditor_name": "Katrien Wouters",
        "scope": Audit.Scope.BOTH,
    }
    data.update(values)
    record = services.create_record(AUDITS, organisation, data, actor=None)
    assert isinstance(record, Audit)
    return record


def add_finding(organisation: Organisation, audit: Audit, **values: Any) -> Finding:
    data = {
        "audit": audit.reference,
        "severity": Finding.Severity.HIGH,
        "norm_code": "4.4.2",
        "description": "Accounts of staff who left stay active.",
    }
    data.update(values)
    record = services.create_record(FINDINGS, organisation, data, actor=None)
    assert isinstance(record, Finding)
    return record
