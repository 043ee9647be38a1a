"""Demo annual reports of the demo centre.

Last year's report is drafted from the demo records, partly rewritten by the
consultant, final in every section and noted by the permanent bureau. This
year's report is a draft with one section written.
"""

import datetime
from typing import Any

from vigil.organisations.models import Organisation
from vigil.plans.annual import services, template
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.models import AnnualReport, SectionDefinition
from vigil.registers import services as registers
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES

# Titles the demo centre gave to items 5° and 6°: (key, nl, fr, en).
ITEM_TITLES = (
    (
        "item-5",
        "Overleg en communicatie",
        "Concertation et communication",
        "Consultation and communication",
    ),
    ("item-6", "Varia", "Divers", "Other matters"),
)

LAST_YEAR_TEXTS = {
    "item-5": (
        "De consulent nam deel aan vier vergaderingen van het directiecomité en "
        "aan het regionaal overleg van de veiligheidsconsulenten.\n\n"
        "Nieuwe medewerkers krijgen bij hun indiensttreding een korte toelichting "
        "over informatieveiligheid."
    ),
    "item-6": "Geen andere punten.",
}
# Last year's activities, so that last year's report has figures:
# (month, day, kind, subject, participants, result, hours).
LAST_YEAR_ACTIVITIES: tuple[tuple[int, int, str, str, str, str, str], ...] = (
    (
        2,
        14,
        Activity.Kind.ADVICE,
        "Advies: toegang op afstand voor thuiswerk",
        "Algemeen directeur",
        "Opgevolgd: VPN met tweestapsverificatie sinds mei.",
        "3.0",
    ),
    (
        6,
        3,
        Activity.Kind.ADVICE,
        "Advies: bewaartermijn van camerabeelden",
        "Diensthoofd facility",
        "",
        "1.5",
    ),
    (
        4,
        22,
        Activity.Kind.CONTROL,
        "Controle van de back-ups van de dossierserver",
        "Diensthoofd ICT",
        "Hersteltest geslaagd; één schijf vervangen.",
        "4.0",
    ),
    (
        10,
        7,
        Activity.Kind.AWARENESS,
        "Sensibilisering: wachtwoorden en phishing",
        "Alle medewerkers",
        "Nieuwsbrief en affiches in elk gebouw.",
        "6.0",
    ),
    (
        11,
        18,
        Activity.Kind.TRAINING,
        "Opleiding veiligheidsconsulenten van de KSZ",
        "An Peeters",
        "Attest ontvangen.",
        "7.0",
    ),
    (
        9,
        12,
        Activity.Kind.MEETING,
        "Overleg informatieveiligheid met het directiecomité",
        "Algemeen directeur, consulent",
        "Verslag goedgekeurd.",
        "2.0",
    ),
)
SITUATION_ADDITION = (
    "De grootste werven voor volgend jaar blijven de risicoanalyse en de "
    "uitwijklocatie, samen met de gemeente."
)


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if AnnualReport.objects.filter(organisation=organisation).exists():
        return
    _name_items(organisation, actor)
    _add_activities(organisation, actor, today.year - 1)
    last = services.create_report(organisation, today.year - 1, actor=actor)
    _write_and_finalise(last, actor)
    noted = min(datetime.date(today.year, 2, 20), today)
    services.record_note(
        last,
        date=noted,
        body=AnnualReport.Body.BUREAU,
        reference=f"VB {today.year}/27",
        actor=actor,
    )
    current = services.create_report(organisation, today.year, actor=actor)
    services.save_text(
        current.sections.get(key="item-5"),
        "Overleg met het directiecomité: twee vergaderingen tot nu toe.",
        actor=actor,
    )


def _add_activities(organisation: Organisation, actor: Any, year: int) -> None:
    if Activity.objects.filter(organisation=organisation, date__year=year).exists():
        return
    for month, day, kind, subject, participants, result, hours in LAST_YEAR_ACTIVITIES:
        values = {
            "kind": kind,
            "date": datetime.date(year, month, day).isoformat(),
            "subject": subject,
            "participants": participants,
            "result": result,
            "status": Activity.Status.DONE,
            "hours": hours,
        }
        registers.create_record(ACTIVITIES, organisation, values, actor=actor)


def _name_items(organisation: Organisation, actor: Any) -> None:
    definitions = {d.key: d for d in template_of(organisation)}
    for key, title_nl, title_fr, title_en in ITEM_TITLES:
        definition: SectionDefinition | None = definitions.get(key)
        if definition is not None and definition.title_nl.endswith("°"):
            values = {"title_nl": title_nl, "title_fr": title_fr, "title_en": title_en}
            template.update_section(definition, values, actor=actor)


def _write_and_finalise(report: AnnualReport, actor: Any) -> None:
    for section in report.sections.all():
        if section.key in LAST_YEAR_TEXTS:
            services.save_text(section, LAST_YEAR_TEXTS[section.key], actor=actor)
        elif section.key == "situation":
            text = f"{section.drafted_text_in('nl')}\n\n{SITUATION_ADDITION}"
            services.save_text(section, text, actor=actor)
        services.mark_final(section, actor=actor)
