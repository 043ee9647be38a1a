"""Audit-trail display of the entries of annual reports and their template.

The entries store section keys such as ``item-5``. The trail shows them as
the sections' titles in the reader's language: a report's own section, else
the section of the centre's template, else the built-in default section.
"""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigil.audit.display import (
    Subject,
    current_text,
    register_key_fields,
    register_key_texts,
    register_labels,
    register_object_label,
)
from vigil.integers import ascii_integer
from vigil.plans.annual.default_template import DEFAULT_SECTIONS
from vigil.plans.annual.models import AnnualReport, ReportSection, SectionDefinition

REPORT = "annualreports.annualreport"
TEMPLATE = "annualreports.sectiondefinition"


def connect() -> None:
    """Register the labels and texts of the annual report's audit entries."""
    sections = ReportSection._meta
    report = AnnualReport._meta
    register_labels(REPORT, {"replace_edited": _("edited texts replaced")})
    for object_type in (REPORT, TEMPLATE):
        register_labels(
            object_type,
            {
                "section": sections.verbose_name,
                "sections": sections.verbose_name_plural,
            },
        )
        register_key_texts(
            object_type, {"section": section_title, "sections": section_titles}
        )
    register_key_fields(
        REPORT,
        {
            "text": sections.get_field("edited_text"),
            "final": sections.get_field("is_final"),
            "date": report.get_field("noted_at"),
            "body": report.get_field("noted_by_body"),
            "reference": report.get_field("noted_reference"),
        },
    )
    register_object_label(TEMPLATE, template_label)


def template_label(subject: Subject) -> str | None:
    """Return the label of a template entry: a section's title, or the template's."""
    if subject.action == "annualreport.template_created":
        return str(_("default report template"))
    return current_text(subject)


def section_title(key: Any, subject: Subject) -> str:
    """Return the title of the section ``key`` in the active language."""
    return _titles([str(key)], subject)[0]


def section_titles(keys: Any, subject: Subject) -> str:
    """Return the titles of the sections ``keys`` in the active language."""
    if not isinstance(keys, list):
        return str(keys)
    return ", ".join(_titles([str(key) for key in keys], subject))


def _titles(keys: list[str], subject: Subject) -> list[str]:
    language = get_language() or "nl"
    organisation_id = subject.organisation_id
    titles = {
        default.key: _default_title(default, language) for default in DEFAULT_SECTIONS
    }
    if organisation_id is None:
        return [titles.get(key, key) for key in keys]
    definitions = SectionDefinition.objects.filter(
        organisation_id=organisation_id, key__in=keys
    )
    titles.update({d.key: d.title_in(language) for d in definitions})
    report_id = ascii_integer(subject.object_id)
    if subject.object_type == REPORT and report_id is not None:
        report_sections = ReportSection.objects.filter(
            report_id=report_id,
            report__organisation_id=organisation_id,
            key__in=keys,
        )
        titles.update({s.key: str(s) for s in report_sections})
    return [titles.get(key, key) for key in keys]


def _default_title(default: Any, language: str) -> str:
    by_language = {
        "nl": default.title_nl,
        "fr": default.title_fr,
        "en": default.title_en,
    }
    return str(by_language.get(language[:2]) or default.title_nl)
