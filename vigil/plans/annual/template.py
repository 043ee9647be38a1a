"""The editing of a centre's report template.

A change to the template reaches every report of the centre that
management has not taken note of yet.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vigil.audit.services import record
from vigil.organisations.models import Organisation
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.models import SectionDefinition
from vigil.plans.annual.services import sync_open_reports

EDITABLE_FIELDS = (
    "key",
    "title_nl",
    "title_fr",
    "title_en",
    "decree_item",
    "item_number",
    "source",
)


def _values(definition: SectionDefinition) -> dict[str, Any]:
    return {name: getattr(definition, name) for name in EDITABLE_FIELDS}


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
        sync_open_reports(organisation)
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
        sync_open_reports(definition.organisation)
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
        sync_open_reports(organisation)


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
        sync_open_reports(organisation)
