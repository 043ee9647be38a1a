"""Demo records of the audits registers: one external audit with four findings.

The audit is dated four years minus eight months before today, so the next
audit falls due within twelve months and the demo shows the warning.
"""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.schedule import add_years
from vigil.plans.audits.specs import AUDITS, FINDINGS
from vigil.registers import services

MONTHS_LEFT = 8

# (severity, norm, finding, recommendation, response, status, plan action)
FINDINGS_DATA: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        Finding.Severity.HIGH,
        "4.4.2",
        "Accounts van vertrokken medewerkers blijven weken actief.",
        "Accounts afsluiten op de laatste werkdag, op basis van de lijst van HR.",
        "Procedure met de personeelsdienst afgesproken.",
        Finding.Status.RESOLVED,
        "Afsluiten van accounts bij uitdiensttreding",
    ),
    (
        Finding.Severity.CRITICAL,
        "4.7.1",
        "De back-ups worden in hetzelfde serverlokaal bewaard als de servers.",
        "Een kopie buiten de site bewaren en de terugzetting jaarlijks testen.",
        "Offsite-kopie bij het stadhuis gepland.",
        Finding.Status.IN_PROGRESS,
        "Offsite back-up bij het stadhuis",
    ),
    (
        Finding.Severity.MEDIUM,
        "4.6.1.1",
        "Het serverlokaal is niet afgesloten tijdens de kantooruren.",
        "Een badgelezer plaatsen en de toegangen registreren.",
        "",
        Finding.Status.OPEN,
        "",
    ),
    (
        Finding.Severity.LOW,
        "4.3.2",
        "Nieuwe medewerkers ondertekenen de gebruikersrichtlijnen pas na weken.",
        "Ondertekening opnemen in de onthaalprocedure.",
        "Risico aanvaard: de richtlijnen worden op de eerste dag toegelicht.",
        Finding.Status.ACCEPTED_RISK,
        "",
    ),
)


def audit_date(today: datetime.date) -> datetime.date:
    """Return the day four years minus ``MONTHS_LEFT`` months before ``today``."""
    start = add_years(today, -4)
    month = start.month + MONTHS_LEFT
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(start.day, 28)
    return datetime.date(year, month, day)


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Audit.objects.filter(organisation=organisation).exists():
        return
    date = audit_date(today)
    reference = f"AUD-{date.year}-01"
    values = {
        "reference": reference,
        "date": date.isoformat(),
        "status": Audit.Status.COMPLETED,
        "auditor_kind": Audit.AuditorKind.EXTERNAL,
        "auditor_name": "Katrien Wouters",
        "auditor_organisation": "Veiligheidsaudit Vlaanderen bv",
        "scope": Audit.Scope.BOTH,
        "scope_description": (
            "Administratief centrum, sociale dienst en serverlokaal; "
            "netwerk, toegangsbeheer en back-ups."
        ),
        "conclusion": "Goede basis; back-ups en fysieke toegang vragen actie.",
    }
    services.create_record(AUDITS, organisation, values, actor=actor)
    for severity, norm, text, advice, response, status, action in FINDINGS_DATA:
        finding = {
            "audit": reference,
            "severity": severity,
            "norm_code": norm,
            "description": text,
            "recommendation": advice,
            "response": response,
            "status": status,
            "action_ref": action,
        }
        services.create_record(FINDINGS, organisation, finding, actor=actor)
