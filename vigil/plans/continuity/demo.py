"""Demo continuity plan of a small centre.

It has three critical processes, a fallback agreement with the
municipality's administrative centre, a contact tree and recovery steps for
ransomware and the loss of the server room. The last exercise was fourteen
months ago, so the overdue warning shows."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.continuity.checks import add_months
from vigil.plans.continuity.models import CriticalProcess, Exercise, Scenario
from vigil.plans.continuity.specs import (
    CONTACTS,
    CRITICAL_PROCESSES,
    EXERCISES,
    FALLBACK_SITES,
    RECOVERY_STEPS,
)
from vigil.plans.risks.models import Process
from vigil.registers import services

# (recovery order, name, maximum outage in days, minimum service)
PROCESS_ROWS: tuple[tuple[int, str, int, str], ...] = (
    (1, "Betalingen aan cliënten", 2, "Leefloon en dringende steun uitbetalen."),
    (2, "Sociale dienst", 3, "Onthaal, dringende aanvragen, KSZ-raadplegingen."),
    (3, "Schuldbemiddeling", 10, "Afspraken verplaatsen, dringende betalingen."),
)

# (name, role in the crisis, phone, called by)
CONTACT_ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Katrien Wouters",
        "Crisiscoördinator (algemeen directeur)",
        "+32 475 12 34 56",
        "",
    ),
    ("Pieter De Smet", "Veiligheidsconsulent", "+32 476 22 33 44", "Katrien Wouters"),
    ("Tom Janssens", "ICT-verantwoordelijke", "+32 477 55 66 77", "Katrien Wouters"),
    ("Ilse Peeters", "Hoofd sociale dienst", "+32 478 88 99 00", "Katrien Wouters"),
    (
        "Bart Hermans",
        "ICT-leverancier (wachtdienst)",
        "+32 50 44 90 90",
        "Tom Janssens",
    ),
    ("Nadia El Amrani", "Financieel directeur", "+32 479 10 20 30", "Ilse Peeters"),
)

# (scenario, step, action, responsible role, target hours)
STEP_ROWS: tuple[tuple[str, int, str, str, int], ...] = (
    (Scenario.RANSOMWARE, 1, "Getroffen werkposten van het netwerk halen.", "ICT", 1),
    (Scenario.RANSOMWARE, 2, "Crisiscoördinator en consulent verwittigen.", "ICT", 1),
    (
        Scenario.RANSOMWARE,
        3,
        "Melding aan de KSZ en de politie.",
        "Veiligheidsconsulent",
        24,
    ),
    (
        Scenario.RANSOMWARE,
        4,
        "Dossierserver herstellen uit de externe back-up.",
        "ICT-leverancier",
        48,
    ),
    (
        Scenario.SERVER_ROOM,
        1,
        "Uitwijk naar het administratief centrum melden.",
        "Crisiscoördinator",
        4,
    ),
    (
        Scenario.SERVER_ROOM,
        2,
        "Reserveserver in het uitwijkcentrum opstarten.",
        "ICT-leverancier",
        24,
    ),
    (
        Scenario.BUILDING,
        1,
        "Personeel naar het administratief centrum sturen.",
        "Crisiscoördinator",
        4,
    ),
)


def _process_of(organisation: Organisation, name: str) -> str:
    found = Process.objects.filter(organisation=organisation, name=name).exists()
    return name if found else ""


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if CriticalProcess.objects.filter(organisation=organisation).exists():
        return
    for order, name, days, service in PROCESS_ROWS:
        services.create_record(
            CRITICAL_PROCESSES,
            organisation,
            {
                "name": name,
                "process": _process_of(organisation, name),
                "max_outage_days": days,
                "recovery_order": order,
                "minimum_service": service,
            },
            actor=actor,
        )
    agreement = add_months(today, -20)
    services.create_record(
        FALLBACK_SITES,
        organisation,
        {
            "partner": "Gemeente, administratief centrum De Brug",
            "address": "Stationsstraat 12, 8000 Brugge",
            "contact_person": "Jan Claes, diensthoofd ICT van de gemeente",
            "contact_phone": "+32 50 44 80 00",
            "workstations": 8,
            "network": "true",
            "printers": 2,
            "other_facilities": "Vergaderzaal, beveiligde VPN naar het OCMW.",
            "agreement_date": agreement.isoformat(),
            "review_date": add_months(agreement, 24).isoformat(),
        },
        actor=actor,
    )
    for name, role, phone, parent in CONTACT_ROWS:
        services.create_record(
            CONTACTS,
            organisation,
            {"name": name, "crisis_role": role, "phone": phone, "parent": parent},
            actor=actor,
        )
    for scenario, order, action, role, hours in STEP_ROWS:
        services.create_record(
            RECOVERY_STEPS,
            organisation,
            {
                "scenario": scenario,
                "order": order,
                "action": action,
                "responsible_role": role,
                "target_hours": hours,
            },
            actor=actor,
        )
    services.create_record(
        EXERCISES,
        organisation,
        {
            "date": add_months(today, -14).isoformat(),
            "scenario": Scenario.SERVER_ROOM,
            "result": Exercise.Result.PARTLY,
            "findings": "Herstel van de dossierserver duurde 9 uur in plaats van 4; "
            "de telefoonlijst was niet actueel.",
            "follow_up": "Herstelprocedure bijgewerkt; contactboom herzien.",
        },
        actor=actor,
    )
