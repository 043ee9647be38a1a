"""The default report template, which every centre gets on first use.

It has the items 1° to 8° of article 8 of the Royal Decree of 12 August 1993,
with 5° and 6° as empty free-text sections whose titles the administrator
sets. Four more sections are drafted from the registers.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from vigil.audit.services import record
from vigil.organisations.models import Organisation
from vigil.plans.annual.models import SectionDefinition, Source


@dataclass(frozen=True)
class DefaultSection:
    key: str
    item: int | None
    source: str
    title_nl: str
    title_fr: str
    title_en: str


# The titles are the report's wording in each language, not interface texts.
DEFAULT_SECTIONS: tuple[DefaultSection, ...] = (
    DefaultSection(
        "situation",
        1,
        Source.SITUATION,
        "Algemeen overzicht van de veiligheidssituatie, de evolutie ervan en "
        "de nog te bereiken doelstellingen",
        "Aperçu général de la situation de sécurité, de son évolution et des "
        "objectifs encore à atteindre",
        "General security situation, its evolution and the goals still to reach",
    ),
    DefaultSection(
        "advices",
        2,
        Source.ADVICES,
        "Samenvatting van de schriftelijke adviezen en het gevolg dat eraan "
        "gegeven werd",
        "Résumé des avis écrits et de la suite qui y a été donnée",
        "Written advices and the follow-up given",
    ),
    DefaultSection(
        "activities",
        3,
        Source.ACTIVITIES,
        "Overzicht van de activiteiten",
        "Aperçu des activités",
        "Overview of the activities",
    ),
    DefaultSection(
        "controls",
        4,
        Source.CONTROLS,
        "Overzicht van de resultaten van de controles en audits",
        "Aperçu des résultats des contrôles et audits",
        "Results of the controls and audits",
    ),
    DefaultSection("item-5", 5, "", "5°", "5°", "5°"),
    DefaultSection("item-6", 6, "", "6°", "6°", "6°"),
    DefaultSection(
        "awareness",
        7,
        Source.AWARENESS,
        "Overzicht van de gevoerde sensibiliseringscampagnes",
        "Aperçu des campagnes de sensibilisation menées",
        "Awareness campaigns held",
    ),
    DefaultSection(
        "trainings",
        8,
        Source.TRAININGS,
        "Overzicht van de gevolgde en geplande opleidingen",
        "Aperçu des formations suivies et prévues",
        "Trainings followed and planned",
    ),
    DefaultSection(
        "incidents",
        None,
        Source.INCIDENTS,
        "Veiligheidsincidenten",
        "Incidents de sécurité",
        "Security incidents",
    ),
    DefaultSection(
        "backups",
        None,
        Source.BACKUPS,
        "Back-ups en hersteltests",
        "Sauvegardes et tests de restauration",
        "Backups and restore tests",
    ),
    DefaultSection(
        "access-log",
        None,
        Source.ACCESS_LOG,
        "Controle van de toegangslog en bevindingen",
        "Vérification du journal des accès et constats",
        "Access-log verification and findings",
    ),
    DefaultSection(
        "budget",
        None,
        Source.BUDGET,
        "Budget voor informatieveiligheid",
        "Budget de la sécurité de l'information",
        "Information security budget",
    ),
)


def template_of(organisation: Organisation) -> list[SectionDefinition]:
    """Return the centre's template, creating the default one on first use."""
    sections = list(SectionDefinition.objects.filter(organisation=organisation))
    if sections:
        return sections
    with transaction.atomic():
        for position, default in enumerate(DEFAULT_SECTIONS, start=1):
            SectionDefinition.objects.create(
                organisation=organisation,
                key=default.key,
                position=position,
                title_nl=default.title_nl,
                title_fr=default.title_fr,
                title_en=default.title_en,
                decree_item=default.item is not None,
                item_number=default.item,
                source=default.source,
            )
        record(
            "annualreport.template_created",
            actor=None,
            organisation=organisation,
            object_type="annualreports.sectiondefinition",
            object_label=_("default report template"),
            new={"sections": [d.key for d in DEFAULT_SECTIONS]},
        )
    return list(SectionDefinition.objects.filter(organisation=organisation))
