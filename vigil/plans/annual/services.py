"""State changes of an annual report: create, draft, edit, final, took note.

Each function opens a transaction and writes its audit entry in it. A report
that management took note of no longer changes; a final section changes only
after the consultant reopens it.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.audit.services import record
from vigil.organisations.models import Organisation
from vigil.plans.annual import drafters
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.models import (
    FIRST_YEAR,
    LAST_YEAR,
    AnnualReport,
    ReportSection,
    SectionDefinition,
)
from vigil.reports.document import Table

# The languages a report is printed in.
LANGUAGES = ("nl", "fr")
# The languages a section is drafted in: the printed ones, and English for
# the pages of users who read English.
DRAFT_LANGUAGES = (*LANGUAGES, "en")


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Invalid year %(value)d: give a year from %(first)d to %(last)d.")
            % {"value": year, "first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )


def table_json(table: Table) -> dict[str, Any]:
    return {
        "header": list(table.header),
        "rows": [list(row) for row in table.rows],
        "footer": [list(row) for row in table.footer],
        "widths": list(table.widths),
    }


def table_from_json(data: dict[str, Any]) -> Table:
    return Table(
        header=tuple(data.get("header", ())),
        rows=tuple(tuple(row) for row in data.get("rows", ())),
        footer=tuple(tuple(row) for row in data.get("footer", ())),
        widths=tuple(data.get("widths", ())),
    )


def draft_content(source: str, organisation: Organisation, year: int) -> dict[str, Any]:
    """Draft a section of ``source`` in every report language, as stored JSON."""
    content = {}
    for language in DRAFT_LANGUAGES:
        paragraphs, tables = drafters.draft(source, organisation, year, language)
        content[language] = {
            "text": "\n\n".join(paragraphs),
            "tables": [table_json(t) for t in tables],
        }
    return content


def _ensure_open(report: AnnualReport) -> None:
    if report.noted_at is not None:
        raise ValidationError(
            _(
                "Management took note of the report %(year)d on %(date)s; it can "
                "no longer change."
            )
            % {"year": report.year, "date": report.noted_at.isoformat()},
            code="noted",
        )


def _ensure_not_final(section: ReportSection) -> None:
    _ensure_open(section.report)
    if section.is_final:
        raise ValidationError(
            _("The section “%(section)s” is final: reopen it to change it.")
            % {"section": section},
            code="final",
        )


def _copy_definition(section: ReportSection, definition: SectionDefinition) -> None:
    section.key = definition.key
    section.position = definition.position
    section.title_nl = definition.title_nl
    section.title_fr = definition.title_fr
    section.title_en = definition.title_en
    section.item_number = definition.item_number if definition.decree_item else None
    section.source = definition.source


def _sync_report(report: AnnualReport) -> None:
    """Make the sections of a report not yet noted follow the template."""
    definitions = template_of(report.organisation)
    existing = {s.definition_id: s for s in report.sections.all()}
    report.sections.exclude(definition__in=definitions).delete()
    for definition in definitions:
        section = existing.get(definition.pk)
        if section is None:
            section = ReportSection(report=report, definition=definition)
            _copy_definition(section, definition)
            section.drafted = draft_content(
                section.source, report.organisation, report.year
            )
            section.drafted_at = timezone.now()
        else:
            _copy_definition(section, definition)
        section.save()


def sync_open_reports(organisation: Organisation) -> None:
    """Apply the template to every report of the centre not yet noted."""
    for report in AnnualReport.objects.filter(organisation=organisation, noted_at=None):
        _sync_report(report)


def create_report(organisation: Organisation, year: int, *, actor: Any) -> AnnualReport:
    """Start the report of ``year``, with every section of the template drafted."""
    check_year(year)
    if AnnualReport.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError(
            _("The centre already has an annual report for %(year)d: open it.")
            % {"year": year},
            code="exists",
        )
    with transaction.atomic():
        report = AnnualReport.objects.create(organisation=organisation, year=year)
        _sync_report(report)
        record(
            "annualreport.created",
            actor=actor,
            target=report,
            organisation=organisation,
            new={
                "year": year,
                "sections": list(report.sections.values_list("key", flat=True)),
            },
        )
    return report


def regenerate(
    report: AnnualReport,
    *,
    actor: Any,
    sections: list[ReportSection] | None = None,
    replace_edited: bool = False,
) -> list[ReportSection]:
    """Draft the sections again from the records; return those drafted.

    Final sections are left as they are. The consultant's edited text stays
    unless ``replace_edited`` is true, which clears it so that the new draft
    is the section's text.
    """
    _ensure_open(report)
    chosen = sections if sections is not None else list(report.sections.all())
    drafted = []
    with transaction.atomic():
        for section in chosen:
            if section.is_final:
                continue
            section.drafted = draft_content(
                section.source, report.organisation, report.year
            )
            section.drafted_at = timezone.now()
            fields = ["drafted", "drafted_at"]
            if replace_edited and section.is_edited:
                section.edited_text = ""
                fields.append("edited_text")
            section.save(update_fields=fields)
            drafted.append(section)
        record(
            "annualreport.drafted",
            actor=actor,
            target=report,
            organisation=report.organisation,
            new={
                "sections": [s.key for s in drafted],
                "replace_edited": replace_edited,
            },
        )
    return drafted


def save_text(section: ReportSection, text: str, *, actor: Any) -> ReportSection:
    """Store the consultant's text of a section; an empty text means the draft."""
    _ensure_not_final(section)
    with transaction.atomic():
        old = section.edited_text
        section.edited_text = text.strip()
        section.save(update_fields=["edited_text"])
        record(
            "annualreport.section_edited",
            actor=actor,
            target=section.report,
            organisation=section.report.organisation,
            old={"section": section.key, "text": old},
            new={"section": section.key, "text": section.edited_text},
        )
    return section


def mark_final(section: ReportSection, *, actor: Any) -> ReportSection:
    """Mark a section final; it needs a text, drafted or edited."""
    _ensure_not_final(section)
    if not any(section.text_in(language).strip() for language in LANGUAGES):
        raise ValidationError(
            _(
                "The section “%(section)s” has no text yet: write it before "
                "marking it final."
            )
            % {"section": section},
            code="empty",
        )
    return _set_final(section, True, "annualreport.section_final", actor)


def reopen_section(section: ReportSection, *, actor: Any) -> ReportSection:
    """Take the final mark off a section so that it can change again."""
    _ensure_open(section.report)
    return _set_final(section, False, "annualreport.section_reopened", actor)


def _set_final(
    section: ReportSection, final: bool, action: str, actor: Any
) -> ReportSection:
    with transaction.atomic():
        section.is_final = final
        section.save(update_fields=["is_final"])
        record(
            action,
            actor=actor,
            target=section.report,
            organisation=section.report.organisation,
            new={"section": section.key, "final": final},
        )
    return section


def is_final(report: AnnualReport) -> bool:
    """Return whether the report has sections and every one of them is final."""
    sections = list(report.sections.all())
    return bool(sections) and all(s.is_final for s in sections)


def record_note(
    report: AnnualReport,
    *,
    date: datetime.date,
    body: str,
    reference: str = "",
    actor: Any,
) -> AnnualReport:
    """Record that management took note of a final report."""
    _ensure_open(report)
    open_sections = [str(s) for s in report.sections.all() if not s.is_final]
    if open_sections or not report.sections.exists():
        raise ValidationError(
            _(
                "The report is not final: mark every section final first. Not final: "
                "%(sections)s."
            )
            % {"sections": "; ".join(open_sections) or "—"},
            code="not_final",
        )
    if body not in AnnualReport.Body.values:
        raise ValidationError(
            _(
                "Unknown body %(value)r: choose the council, the permanent bureau "
                "or the secretary-general."
            )
            % {"value": body},
            code="body",
        )
    if date > timezone.localdate():
        raise ValidationError(
            _("The date %(value)s is in the future: give the date of the meeting.")
            % {"value": date.isoformat()},
            code="date",
        )
    with transaction.atomic():
        report.noted_at = date
        report.noted_by_body = body
        report.noted_reference = reference.strip()
        report.save(
            update_fields=["noted_at", "noted_by_body", "noted_reference", "updated_at"]
        )
        record(
            "annualreport.noted",
            actor=actor,
            target=report,
            organisation=report.organisation,
            new={"date": date, "body": body, "reference": report.noted_reference},
        )
    return report
