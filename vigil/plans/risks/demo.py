"""Demo risk analysis of a small centre: three processes, their assets and
the risks to them, one of them accepted by the general director."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.risks.models import Process, Risk
from vigil.plans.risks.specs import ASSETS, PROCESSES, RISKS
from vigil.registers import services

# (name, owner, description, confidentiality, integrity, availability)
PROCESS_ROWS: tuple[tuple[str, str, str, int, int, int], ...] = (
    (
        "Sociale dienst",
        "Hoofd sociale dienst",
        "Onthaal, sociaal onderzoek, leefloon en begeleiding van cliënten.",
        4,
        3,
        3,
    ),
    (
        "Schuldbemiddeling",
        "Coördinator schuldbemiddeling",
        "Budgetbeheer en collectieve schuldenregeling voor cliënten.",
        4,
        4,
        2,
    ),
    (
        "Betalingen aan cliënten",
        "Financieel directeur",
        "Uitbetaling van leefloon en steun via de bank.",
        3,
        4,
        4,
    ),
)

# (name, process, confidentiality, integrity, availability)
ASSET_ROWS: tuple[tuple[str, str, int, int, int], ...] = (
    ("Sociale dossiers (dossierpakket)", "Sociale dienst", 4, 3, 3),
    ("Dossiers schuldbemiddeling", "Schuldbemiddeling", 4, 4, 2),
    ("Betaalbestanden voor de bank", "Betalingen aan cliënten", 3, 4, 4),
    ("Dossierserver in het serverlokaal", "Sociale dienst", 3, 3, 4),
)


def _risk_rows(today: datetime.date) -> list[dict[str, str]]:
    review = (today + datetime.timedelta(days=120)).isoformat()
    return [
        {
            "process": "Sociale dienst",
            "asset": "Dossierserver in het serverlokaal",
            "threat": "Ransomware via een phishingmail",
            "vulnerability": "Bijlagen worden geopend; beheerrechten op werkposten.",
            "likelihood": "3",
            "impact": "4",
            "existing_measures": "Antivirus, dagelijkse back-up, sensibilisering.",
            "residual_likelihood": "2",
            "residual_impact": "3",
            "decision": Risk.Decision.REDUCE,
            "review_date": review,
        },
        {
            "process": "Betalingen aan cliënten",
            "asset": "Betaalbestanden voor de bank",
            "threat": "Gewijzigd rekeningnummer in een betaalbestand",
            "vulnerability": "Eén persoon maakt en verstuurt het bestand.",
            "likelihood": "2",
            "impact": "4",
            "existing_measures": "Controle van het totaalbedrag door de financieel "
            "directeur.",
            "residual_likelihood": "1",
            "residual_impact": "4",
            "decision": Risk.Decision.REDUCE,
            "review_date": review,
        },
        {
            "process": "Schuldbemiddeling",
            "asset": "Dossiers schuldbemiddeling",
            "threat": "Inzage in een dossier door een onbevoegde collega",
            "vulnerability": "Gedeelde netwerkmap zonder rechten per dossier.",
            "likelihood": "3",
            "impact": "3",
            "existing_measures": "Discretieplicht in het arbeidsreglement.",
            "residual_likelihood": "2",
            "residual_impact": "2",
            "decision": Risk.Decision.REDUCE,
            "review_date": review,
        },
        {
            "process": "Sociale dienst",
            "asset": "Dossierserver in het serverlokaal",
            "threat": "Brand in het serverlokaal",
            "vulnerability": "Geen automatische blussing.",
            "likelihood": "1",
            "impact": "4",
            "existing_measures": "Rookmelder, externe kopie van de back-up.",
            "residual_likelihood": "1",
            "residual_impact": "3",
            "decision": Risk.Decision.TRANSFER,
            "review_date": review,
        },
        {
            "process": "Sociale dienst",
            "asset": "",
            "threat": "Uitval van de internetverbinding met de KSZ",
            "vulnerability": "Eén verbinding zonder back-uplijn.",
            "likelihood": "2",
            "impact": "2",
            "existing_measures": "Contract met hersteltijd van 8 uur.",
            "residual_likelihood": "2",
            "residual_impact": "2",
            "decision": Risk.Decision.ACCEPT,
            "accepted_by": "Algemeen directeur",
            "accepted_until": (today + datetime.timedelta(days=45)).isoformat(),
            "review_date": (today + datetime.timedelta(days=45)).isoformat(),
        },
    ]


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Process.objects.filter(organisation=organisation).exists():
        return
    for name, owner, description, conf, integ, avail in PROCESS_ROWS:
        services.create_record(
            PROCESSES,
            organisation,
            {
                "name": name,
                "owner": owner,
                "description": description,
                "confidentiality": conf,
                "integrity": integ,
                "availability": avail,
            },
            actor=actor,
        )
    for name, process, conf, integ, avail in ASSET_ROWS:
        services.create_record(
            ASSETS,
            organisation,
            {
                "name": name,
                "process": process,
                "confidentiality": conf,
                "integrity": integ,
                "availability": avail,
            },
            actor=actor,
        )
    for values in _risk_rows(today):
        services.create_record(RISKS, organisation, values, actor=actor)
