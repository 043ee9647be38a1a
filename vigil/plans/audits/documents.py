"""The follow-up report of one audit as a :class:`~vigil.reports.document.Document`."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.labels import labelled
from vigil.plans.audits.models import Audit, Finding
from vigil.reports.document import Document, Facts, Heading, Paragraph, Table

DASH = "—"


def audit_report(
    audit: Audit, language: str, generated_at: datetime.datetime | None = None
) -> Document:
    """Build the follow-up of ``audit`` in ``language``: its facts and findings."""
    generated_at = generated_at or timezone.now()
    with translation.override(language):
        organisation = audit.organisation.name
        title = _("Follow-up of audit %(reference)s") % {"reference": audit.reference}
        footer = f"Vigil · {organisation} · {audit.reference}"
        return Document(
            title=title,
            language=language,
            organisation=organisation,
            generated_at=generated_at,
            subtitle=audit.get_scope_display(),
            footer=footer,
            blocks=(
                _facts(audit),
                Heading(_("Findings")),
                *_findings(audit),
            ),
        )


def _facts(audit: Audit) -> Facts:
    auditor = audit.auditor_name
    if audit.auditor_organisation:
        auditor = f"{auditor} ({audit.auditor_organisation})"
    return Facts(
        (
            (_("Reference"), audit.reference),
            (_("Date"), audit.date.isoformat()),
            (_("Status"), audit.get_status_display()),
            (_("Auditor"), labelled(audit.get_auditor_kind_display(), auditor)),
            (_("Scope"), audit.scope_description or audit.get_scope_display()),
            (_("Conclusion"), audit.conclusion or DASH),
        )
    )


def _findings(audit: Audit) -> tuple[Table | Paragraph, ...]:
    findings = list(audit.findings.order_by("id"))
    if not findings:
        return (Paragraph(_("The audit recorded no findings.")),)
    header = (
        _("Norm"),
        _("Severity"),
        _("Finding and recommendation"),
        _("Response of the centre"),
        _("Status"),
        _("Action of the security plan"),
    )
    rows = tuple(_row(finding) for finding in findings)
    return (Table(header=header, rows=rows, widths=(2, 2, 6, 5, 2, 3)),)


def _row(finding: Finding) -> tuple[str, ...]:
    text = finding.description
    if finding.recommendation:
        text += "\n" + _("Recommendation: %(text)s") % {"text": finding.recommendation}
    return (
        finding.norm_code,
        finding.get_severity_display(),
        text,
        finding.response or DASH,
        finding.get_status_display(),
        finding.action_ref or DASH,
    )
