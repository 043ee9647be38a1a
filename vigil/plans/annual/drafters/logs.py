"""Drafter of the access-log section: verifications and detection findings.

A verification recomputes the log from storage (vigil.accesslog.verification)
and writes an audit entry "accesslog.verified" whose new values carry the
outcome: ok, size, the message in English and the reason, from which the
message is shown in the report's language. Findings are what the detection rules
flagged in the year, counted by rule and triage status.
"""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accesslog.detection.models import Finding, Rule
from vigil.accesslog.verification_messages import stored_text
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.plans.annual.drafters.figures import table
from vigil.reports.document import Table

VERIFIED = "accesslog.verified"


def draft_access_log(
    organisation: Organisation, year: int, language: str
) -> tuple[list[str], list[Table]]:
    verification_text, verifications = _verifications(organisation, year)
    finding_text, findings = _findings(organisation, year)
    return [verification_text, finding_text], verifications + findings


def _verifications(organisation: Organisation, year: int) -> tuple[str, list[Table]]:
    entries = list(
        AuditEntry.objects.filter(
            organisation=organisation, action=VERIFIED, created_at__year=year
        ).order_by("created_at", "id")
    )
    if not entries:
        return _("The access log was not verified in %(year)d.") % {"year": year}, []
    passed = sum(1 for e in entries if e.new_values.get("ok") is True)
    text = ngettext(
        "The access log was verified %(count)d time in %(year)d; without "
        "divergence: %(passed)d; with a divergence: %(failed)d.",
        "The access log was verified %(count)d times in %(year)d; without "
        "divergence: %(passed)d; with a divergence: %(failed)d.",
        len(entries),
    ) % {
        "count": len(entries),
        "year": year,
        "passed": passed,
        "failed": len(entries) - passed,
    }
    rows = [
        (
            timezone.localtime(e.created_at).date().isoformat(),
            str(e.new_values.get("size", "")),
            _("no divergence") if e.new_values.get("ok") is True else _("divergence"),
            stored_text(
                e.new_values.get("reason"), str(e.new_values.get("message", ""))
            ),
        )
        for e in entries
    ]
    header = (_("Date"), _("Entries"), _("Result"), _("Message"))
    return text, [table(header, rows, widths=(1, 1, 1, 5))]


def _findings(organisation: Organisation, year: int) -> tuple[str, list[Table]]:
    findings = list(
        Finding.objects.filter(
            organisation=organisation, period_start__year=year
        ).values_list("rule", "status")
    )
    if not findings:
        return (
            _("The detection rules flagged no access in %(year)d.") % {"year": year},
            [],
        )
    counts = Counter(findings)
    statuses = list(Finding.Status)
    rows = []
    for rule in Rule:
        total = sum(counts[(rule.value, status.value)] for status in statuses)
        if total:
            by_status = [str(counts[(rule.value, status.value)]) for status in statuses]
            rows.append((str(rule.label), str(total), *by_status))
    still_open = sum(1 for _rule, status in findings if status == Finding.Status.OPEN)
    text = ngettext(
        "The detection rules raised %(count)d finding in %(year)d; still to "
        "triage: %(open)d.",
        "The detection rules raised %(count)d findings in %(year)d; still to "
        "triage: %(open)d.",
        len(findings),
    ) % {"count": len(findings), "year": year, "open": still_open}
    header = (_("Rule"), _("Findings"), *(str(status.label) for status in statuses))
    return text, [table(header, rows, widths=(3, 1, *(1 for _s in statuses)))]
