"""Demo records of the incident register: a lost laptop, phishing, an outage."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.incidents.deadlines import BRUSSELS
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS


def _at(today: datetime.date, days_before: int, hour: int, minute: int = 0) -> str:
    day = today - datetime.timedelta(days=days_before)
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), BRUSSELS)
    return moment.isoformat()


def _entries(today: datetime.date) -> list[dict[str, str]]:
    return [
        {
            "title": "Laptop van een maatschappelijk werker gestolen uit de wagen",
            "detected_at": _at(today, 60, 8, 30),
            "reported_at": _at(today, 60, 9, 5),
            "reported_by": "Maatschappelijk werker, dienst schuldbemiddeling",
            "category": Incident.Category.LOSS_THEFT,
            "affected_systems": "Laptop LT-017 (Windows 11)",
            "affected_data": "Lokale kopieën van 14 dossiers schuldbemiddeling",
            "impact_confidentiality": Incident.Impact.HIGH,
            "impact_availability": Incident.Impact.LOW,
            "personal_data": "true",
            "status": Incident.Status.CLOSED,
            "actions_taken": (
                "Aangifte bij de politie, account geblokkeerd, laptop op afstand "
                "gewist via het beheerplatform."
            ),
            "follow_up": "Betrokken cliënten op de hoogte gebracht.",
            "root_cause": (
                "Schijfversleuteling stond niet aan op deze laptop; dossiers "
                "werden lokaal bewaard."
            ),
            "lessons_learned": (
                "Versleuteling verplicht en gecontroleerd op alle laptops; "
                "dossiers enkel nog op de server."
            ),
            "closed_at": _at(today, 40, 16),
            "notification": Incident.Notification.NOTIFIED,
            "notified_at": _at(today, 59, 14, 20),
            "notification_reference": "DOS-2026-01842",
        },
        {
            "title": "Phishingmail met valse aanmeldpagina van de mailbox",
            "detected_at": _at(today, 4, 10, 15),
            "reported_at": _at(today, 4, 10, 40),
            "reported_by": "Onthaalmedewerker",
            "category": Incident.Category.INTRUSION,
            "affected_systems": "Mailbox van twee medewerkers",
            "impact_confidentiality": Incident.Impact.LOW,
            "status": Incident.Status.CONTAINED,
            "actions_taken": (
                "Wachtwoorden gewijzigd, sessies afgesloten, mail overal verwijderd "
                "en afzender geblokkeerd."
            ),
            "follow_up": "Aanmeldingen van beide accounts twee weken opvolgen.",
        },
        {
            "title": "Sociaal dossier een halve dag onbereikbaar",
            "detected_at": _at(today, 120, 8, 45),
            "reported_at": _at(today, 120, 8, 50),
            "reported_by": "Diensthoofd ICT",
            "category": Incident.Category.AVAILABILITY,
            "affected_systems": "Toepassing sociaal dossier, databankserver",
            "impact_availability": Incident.Impact.MEDIUM,
            "status": Incident.Status.CLOSED,
            "actions_taken": "Schijf vervangen en databank hersteld uit de back-up.",
            "root_cause": "Defecte schijf in de databankserver zonder reserve.",
            "lessons_learned": (
                "Schijven in RAID-1 geplaatst; monitoring meldt nu schijffouten."
            ),
            "closed_at": _at(today, 119, 17),
        },
    ]


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Incident.objects.filter(organisation=organisation).exists():
        return
    for values in _entries(today):
        services.create_record(INCIDENTS, organisation, values, actor=actor)
