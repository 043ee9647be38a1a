"""The report template of a centre: the default sections and their editing.

Every centre gets the default template on first use. It has the items 1° to
8° of article 8 of the Royal Decree of 12 August 1993, with 5° and 6° as
empty free-text sections whose titles the administrator sets. Four more
sections are drafted from the registers. A change to the template reaches every report
of the centre that management has not taken note of yet.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
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

EDITABLE_FIELDS = (
    "key",
    "title_nl",
    "title_fr",
    "title_en",
    "decree_item",
    "item_number",
    "source",
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


def _values(definition: SectionDefinition) -> dict[str, Any]:
    return {name: getattr(definition, name) for name in EDITABLE_FIELDS}


def _sync(organisation: Organisation) -> None:
    # Imported here because the report services import this module.
    from vigil.plans.annual.services import sync_open_reports

    sync_open_reports(organisation)


def add_section(
    organisation: Organisation, values: dict[str, Any], *, actor: Any
) -> SectionDefinition:
    """Append a section to the template and to the reports not yet noted."""
    template_of(organisation)
    with transaction.atomic():
        last = SectionDefinition.objects.filter(organisation=organisation).aggregate(
            last=Max("position")
        )["last"]
        definition = SectionDefinition(
            organisation=organisation, position=(last or 0) + 1, **values
        )
        definition.full_clean()
        definition.save()
        record(
            "annualreport.template_section_added",
            actor=actor,
            target=definition,
            organisation=organisation,
            new=_values(definition),
        )
        _sync(organisation)
    return definition


def update_section(
    definition: SectionDefinition, values: dict[str, Any], *, actor: Any
) -> SectionDefinition:
    """Rename or change a template section; reports not yet noted follow."""
    with transaction.atomic():
        old = _values(definition)
        for name, value in values.items():
            setattr(definition, name, value)
        definition.full_clean()
        definition.save()
        new = _values(definition)
        record(
            "annualreport.template_section_changed",
            actor=actor,
            target=definition,
            organisation=definition.organisation,
            old={k: v for k, v in old.items() if new[k] != v},
            new={k: v for k, v in new.items() if old[k] != v},
        )
        _sync(definition.organisation)
    return definition


def move_section(definition: SectionDefinition, step: int, *, actor: Any) -> None:
    """Swap the section with its neighbour above (``step`` -1) or below (+1)."""
    if step not in (-1, 1):
        raise ValidationError(
            _("Invalid direction %(value)r: move the section up or down.")
            % {"value": step},
            code="step",
        )
    organisation = definition.organisation
    with transaction.atomic():
        sections = list(SectionDefinition.objects.filter(organisation=organisation))
        index = next(i for i, s in enumerate(sections) if s.pk == definition.pk)
        other = index + step
        if not 0 <= other < len(sections):
            return
        sections[index], sections[other] = sections[other], sections[index]
        for position, section in enumerate(sections, start=1):
            if section.position != position:
                section.position = position
                section.save(update_fields=["position", "updated_at"])
        record(
            "annualreport.template_section_moved",
            actor=actor,
            target=definition,
            organisation=organisation,
            old={"position": index + 1},
            new={"position": other + 1},
        )
        _sync(organisation)


def remove_section(definition: SectionDefinition, *, actor: Any) -> None:
    """Remove a section from the template and from the reports not yet noted.

    Reports that management took note of keep their copy of the section.
    """
    organisation = definition.organisation
    with transaction.atomic():
        record(
            "annualreport.template_section_removed",
            actor=actor,
            target=definition,
            organisation=organisation,
            old=_values(definition),
        )
        definition.delete()
        _sync(organisation)
