"""The annual report as a document, in Dutch or French.

A stored report prints each section's text (the consultant's, else the
drafted one) and the tables drafted with it. For a year without a stored
report the sections of the template are drafted on the fly, and the
document is marked as a draft.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.plans.annual import drafters
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.models import AnnualReport
from vigil.plans.annual.services import LANGUAGES, check_year, is_final, table_from_json
from vigil.reports.document import (
    Block,
    Document,
    Facts,
    Heading,
    Paragraph,
    Signature,
    Table,
)


@dataclass(frozen=True)
class PrintedSection:
    """The heading, text and tables of one section in a document."""

    item_label: str
    title: str
    text: str
    tables: tuple[Table, ...]


def annual_document(organisation: Organisation, year: int, language: str) -> Document:
    """Build the annual report of ``year`` of the centre in ``language``.

    Raise ValidationError for a language other than Dutch or French and for
    a year out of range.
    """
    if language not in LANGUAGES:
        raise ValidationError(
            _("Unknown language %(value)r: use nl or fr.") % {"value": language},
            code="language",
        )
    check_year(year)
    report = AnnualReport.objects.filter(organisation=organisation, year=year).first()
    with translation.override(language):
        if report is None:
            sections = _drafted_now(organisation, year, language)
        else:
            sections = _stored(report, language)
        return _document(organisation, year, language, report, sections)


def _stored(report: AnnualReport, language: str) -> list[PrintedSection]:
    return [
        PrintedSection(
            item_label=section.item_label,
            title=section.title_in(language),
            text=section.text_in(language),
            tables=tuple(
                table_from_json(t) for t in section.drafted_tables_in(language)
            ),
        )
        for section in report.sections.all()
    ]


def _drafted_now(
    organisation: Organisation, year: int, language: str
) -> list[PrintedSection]:
    printed = []
    for definition in template_of(organisation):
        paragraphs, tables = drafters.draft(
            definition.source, organisation, year, language
        )
        printed.append(
            PrintedSection(
                item_label=definition.item_label,
                title=definition.title_in(language),
                text="\n\n".join(paragraphs),
                tables=tuple(tables),
            )
        )
    return printed


def status_text(report: AnnualReport | None) -> str:
    if report is None:
        return _("draft made by Vigil, not saved")
    if report.is_noted:
        return _("final, management took note")
    if is_final(report):
        return _("final")
    return _("draft")


def _document(
    organisation: Organisation,
    year: int,
    language: str,
    report: AnnualReport | None,
    sections: list[PrintedSection],
) -> Document:
    name = organisation.name
    blocks: list[Block] = [
        Facts(
            (
                (_("Centre"), name),
                (_("Enterprise number"), organisation.enterprise_number_display),
                (_("Year"), str(year)),
                (_("Status"), status_text(report)),
            )
        ),
        Paragraph(
            _(
                "Report of the information security consultant under article 8 "
                "of the Royal Decree of 12 August 1993."
            )
        ),
    ]
    for section in sections:
        title = (
            f"{section.item_label} {section.title}"
            if section.item_label
            else section.title
        )
        blocks.append(Heading(title))
        paragraphs = [p.strip() for p in section.text.split("\n\n") if p.strip()]
        blocks += [Paragraph(p) for p in paragraphs] or [Paragraph(_("No text yet."))]
        blocks += section.tables
    blocks += _note(report)
    now = timezone.now()
    return Document(
        title=_("Annual report of the security consultant %(year)d") % {"year": year},
        language=language,
        organisation=name,
        generated_at=now,
        blocks=tuple(blocks),
        footer=f"Vigil · {name} · {timezone.localdate(now).isoformat()}",
    )


def _note(report: AnnualReport | None) -> list[Block]:
    blocks: list[Block] = [Heading(_("Management took note"))]
    if report is not None and report.noted_at is not None:
        rows = (
            (_("Body"), report.get_noted_by_body_display()),
            (_("Date"), report.noted_at.isoformat()),
            (_("Decision reference"), report.noted_reference),
        )
    else:
        blocks.append(Paragraph(_("Management has not taken note of this report yet.")))
        rows = ((_("Body"), ""), (_("Date"), ""), (_("Decision reference"), ""))
    blocks.append(Signature(rows))
    return blocks
