"""The audits and findings registers, described for the generic register pages."""

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accounts.roles import Capability
from vigil.labels import labelled
from vigil.organisations.models import Organisation
from vigil.plans.audits.forms import (
    AUDIT_FIELDS,
    FINDING_FIELDS,
    AuditForm,
    FindingForm,
)
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.schedule import audit_due, planned_audits
from vigil.registers import services
from vigil.registers.spec import RegisterSpec, register

OPEN_STATUSES = (Finding.Status.OPEN, Finding.Status.IN_PROGRESS)
SERIOUS = (Finding.Severity.HIGH, Finding.Severity.CRITICAL)


def _audit_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "reference": "AUD-2024-01",
        "date": "2024-05-17",
        "status": Audit.Status.COMPLETED,
        "auditor_kind": Audit.AuditorKind.EXTERNAL,
        "auditor_name": "An Peeters",
        "auditor_organisation": "Audit & Veiligheid bv",
        "scope": Audit.Scope.BOTH,
        "scope_description": "Administrative centre and the social service",
    }


def _finding_example(organisation: Organisation) -> dict[str, str]:
    """Return a finding of the example audit, which is created if missing."""
    example = _audit_example(organisation)
    reference = example["reference"]
    if not Audit.objects.filter(
        organisation=organisation, reference=reference
    ).exists():
        services.create_record(AUDITS, organisation, example, actor=None)
    return {
        "audit": reference,
        "severity": Finding.Severity.HIGH,
        "norm_code": "4.4.2",
        "description": "Accounts of staff who left stay active for weeks.",
        "recommendation": "Close accounts on the last working day.",
        "status": Finding.Status.OPEN,
    }


def _audit_summary(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    state = audit_due(organisation, today)
    # A due date that needs attention is shown once, by _audit_warnings.
    lines = [] if state.is_warning else [state.text]
    lines.extend(
        _("Audit %(reference)s planned on %(date)s.")
        % {"reference": audit.reference, "date": audit.date.isoformat()}
        for audit in planned_audits(organisation, today)
    )
    return lines


def _audit_warnings(organisation: Organisation) -> list[str]:
    state = audit_due(organisation, timezone.localdate())
    return [state.text] if state.is_warning else []


def _open_findings(organisation: Organisation) -> "QuerySet[Finding]":
    return Finding.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)


def _finding_summary(organisation: Organisation) -> list[str]:
    counts = dict(
        _open_findings(organisation)
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    if not counts:
        return [_("No open findings.")]
    labels = dict(Finding.Severity.choices)
    parts = [
        labelled(labels[severity], counts[severity])
        for severity in reversed(Finding.Severity)
        if severity in counts
    ]
    return [labelled(_("Open findings"), ", ".join(parts))]


def _finding_warnings(organisation: Organisation) -> list[str]:
    warnings: list[str] = []
    serious = _open_findings(organisation).filter(severity__in=SERIOUS).count()
    if serious:
        warnings.append(
            ngettext(
                "%(count)d high or critical finding is still open.",
                "%(count)d high or critical findings are still open.",
                serious,
            )
            % {"count": serious}
        )
    unplanned = _open_findings(organisation).filter(action_ref="").count()
    if unplanned:
        warnings.append(
            ngettext(
                "%(count)d open finding has no action in the security plan.",
                "%(count)d open findings have no action in the security plan.",
                unplanned,
            )
            % {"count": unplanned}
        )
    return warnings


AUDITS = RegisterSpec(
    slug="audits",
    model=Audit,
    title=gettext_lazy("Security audits"),
    description=gettext_lazy(
        "Audits of the logical and physical security, at least once every four "
        "years, with the auditor, the scope and the report."
    ),
    group=gettext_lazy("Plans and audits"),
    fields=AUDIT_FIELDS,
    columns=("reference", "date", "status", "auditor_kind", "auditor_name", "scope"),
    catalog_keys=("audits",),
    example=_audit_example,
    search=("reference", "auditor_name", "auditor_organisation", "scope_description"),
    filters=("status", "auditor_kind", "scope"),
    ordering=("-date", "-id"),
    form=AuditForm,
    summary=_audit_summary,
    warnings=_audit_warnings,
    detail_template="audits/_audit_detail.html",
    edit_capability=Capability.EDIT_PLANS,
)

FINDINGS = RegisterSpec(
    slug="audit-findings",
    model=Finding,
    title=gettext_lazy("Audit findings"),
    description=gettext_lazy(
        "Findings of the audits with the recommendation, the centre's response, "
        "the follow-up and the action of the security plan."
    ),
    group=gettext_lazy("Plans and audits"),
    fields=FINDING_FIELDS,
    columns=("audit", "severity", "norm_code", "description", "status", "action_ref"),
    catalog_keys=("audits",),
    example=_finding_example,
    search=("norm_code", "description", "recommendation", "response", "action_ref"),
    filters=("status", "severity"),
    ordering=("-audit__date", "-audit_id", "id"),
    lookups={"audit": "reference"},
    form=FindingForm,
    summary=_finding_summary,
    warnings=_finding_warnings,
    detail_template="audits/_finding_detail.html",
    edit_capability=Capability.EDIT_PLANS,
)


def connect() -> None:
    register(AUDITS)
    register(FINDINGS)
