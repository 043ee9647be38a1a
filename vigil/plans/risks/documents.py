"""The risk analysis document (minimum security norm 4.7.1) in Dutch or French.

It lists the processes and assets with their needs, the risks sorted by
current score, the heat maps of current and residual risk, and the
decisions with the dates until which risks are accepted.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigil.organisations.models import Organisation
from vigil.plans.risks.heatmap import HeatMap, heat_map
from vigil.plans.risks.models import Asset, Process, Risk, matrix_for
from vigil.plans.risks.scoring import Matrix
from vigil.registers.dates import iso_date
from vigil.reports.document import Block, Document, Heading, Paragraph, Table

LANGUAGES = ("nl", "fr")


def risks_document(organisation: Organisation, year: int, language: str) -> Document:
    """Build the risk analysis of ``organisation`` for ``year`` in ``language``."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use nl or fr")
    with translation.override(language):
        return _build(organisation, year, language)


def _build(organisation: Organisation, year: int, language: str) -> Document:
    matrix = matrix_for(organisation)
    risks = sorted(
        Risk.objects.filter(organisation=organisation).select_related(
            "process", "asset", "asset__hardware", "asset__software"
        ),
        key=lambda risk: (-risk.score, -risk.residual_score, risk.pk),
    )
    now = timezone.now()
    blocks: list[Block] = [
        Paragraph(_scoring_text(matrix)),
        Heading(_("Processes and their needs")),
        _needs_legend(),
        _processes(organisation),
        Heading(_("Information assets and their needs")),
        _assets(organisation),
        Heading(_("Risks by current score")),
        _risk_table(risks, matrix),
        Heading(_("Heat map of the current risk")),
        _grid(heat_map(matrix, risks, residual=False)),
        Heading(_("Heat map of the residual risk")),
        _grid(heat_map(matrix, risks, residual=True)),
        Heading(_("Decisions")),
        _decisions(risks),
    ]
    title = _("Risk analysis %(year)d") % {"year": year}
    return Document(
        title=title,
        language=language,
        organisation=organisation.name,
        generated_at=now,
        subtitle=_("Minimum security norm 4.7.1"),
        blocks=tuple(blocks),
        footer=f"Vigil · {organisation.name} · {iso_date(now.date())}",
    )


def _scoring_text(matrix: Matrix) -> str:
    return _(
        "Likelihood and impact are rated from 1 to %(size)d. The score is "
        "likelihood × impact. A score from %(medium)d is medium, from "
        "%(high)d high and from %(critical)d critical; below %(medium)d it "
        "is low."
    ) % {
        "size": matrix.size,
        "medium": matrix.medium_from,
        "high": matrix.high_from,
        "critical": matrix.critical_from,
    }


def _needs_header() -> tuple[str, str, str]:
    # One letter each, explained by _needs_legend, so the three columns stay
    # narrow in Dutch and French too.
    return (
        pgettext("confidentiality need", "C"),
        pgettext("integrity need", "I"),
        pgettext("availability need", "A"),
    )


def _needs_legend() -> Paragraph:
    return Paragraph(
        _(
            "C is the need for confidentiality, I for integrity and A for "
            "availability, from 1 (low) to 4 (very high)."
        )
    )


def _processes(organisation: Organisation) -> Table | Paragraph:
    found = Process.objects.filter(organisation=organisation).order_by("name", "id")
    if not found:
        return Paragraph(_("No process is recorded."))
    rows = tuple(
        (
            process.name,
            process.owner,
            str(process.confidentiality),
            str(process.integrity),
            str(process.availability),
        )
        for process in found
    )
    header = (_("Process"), pgettext("process owner", "Owner"), *_needs_header())
    return Table(header=header, rows=rows, widths=(5, 4, 1, 1, 1))


def _assets(organisation: Organisation) -> Table | Paragraph:
    found = (
        Asset.objects.filter(organisation=organisation)
        .select_related("hardware", "software", "process")
        .order_by("name", "id")
    )
    if not found:
        return Paragraph(_("No information asset is recorded."))
    rows = tuple(
        (
            str(asset),
            str(asset.process) if asset.process is not None else "",
            str(asset.confidentiality),
            str(asset.integrity),
            str(asset.availability),
        )
        for asset in found
    )
    header = (_("Asset"), _("Process"), *_needs_header())
    return Table(header=header, rows=rows, widths=(5, 4, 1, 1, 1))


def _risk_table(risks: list[Risk], matrix: Matrix) -> Table | Paragraph:
    if not risks:
        return Paragraph(_("No risk is recorded."))
    rows = tuple(
        (
            risk.threat,
            risk.subject,
            f"{risk.likelihood} × {risk.impact} = {risk.score}",
            str(risk.level(matrix).label),
            risk.existing_measures,
            f"{risk.residual_likelihood} × {risk.residual_impact} = "
            f"{risk.residual_score}",
            str(risk.residual_level(matrix).label),
        )
        for risk in risks
    )
    header = (
        _("Threat"),
        _("Process / asset"),
        _("Score"),
        _("Level"),
        _("Existing measures"),
        _("Residual score"),
        _("Residual level"),
    )
    return Table(header=header, rows=rows, widths=(3, 3, 2, 2, 3, 2, 2))


def _grid(grid: HeatMap) -> Table:
    """Return a heat map as a table: likelihood rows, highest first, impact columns."""
    header = (
        _("Likelihood / impact"),
        *(str(impact) for impact in grid.impacts),
    )
    rows = tuple(
        (
            str(likelihood),
            *(f"{cell.count} ({cell.level.label})" for cell in cells),
        )
        for likelihood, cells in grid.rows
    )
    return Table(header=header, rows=rows)


def _decisions(risks: list[Risk]) -> Table | Paragraph:
    if not risks:
        return Paragraph(_("No risk is recorded."))
    rows = tuple(
        (
            risk.threat,
            str(risk.get_decision_display()),
            risk.accepted_by,
            iso_date(risk.accepted_until),
            iso_date(risk.review_date),
        )
        for risk in risks
    )
    header = (
        _("Threat"),
        _("Decision"),
        _("Accepted by"),
        _("Accepted until"),
        _("Review date"),
    )
    return Table(header=header, rows=rows, widths=(4, 2, 3, 2, 2))
