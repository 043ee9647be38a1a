"""The access-log status page, the verifier key and the latest checkpoint."""

from typing import Any

from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse

from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.detection.models import Finding, Rule, Severity
from vigil.accesslog.models import AccessEntry, LogKeys, VerificationRun
from vigil.accesslog.views import render_page
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, scoped, tenant_view


def _open_findings(tenant: Tenant) -> list[dict[str, Any]]:
    rows = (
        scoped(Finding.objects, tenant)
        .filter(status=Finding.Status.OPEN)
        .values("rule", "severity")
        .annotate(count=Count("pk"))
        .order_by("rule", "severity")
    )
    rules = dict(Rule.choices)
    severities = dict(Severity.choices)
    return [
        {
            **row,
            "label": rules.get(row["rule"], row["rule"]),
            "severity_label": severities.get(row["severity"], row["severity"]),
        }
        for row in rows
    ]


def status_context(tenant: Tenant) -> dict[str, Any]:
    last_index = scoped(AccessEntry.objects, tenant).aggregate(last=Max("index"))
    open_findings = _open_findings(tenant)
    return {
        "entry_count": 0 if last_index["last"] is None else last_index["last"] + 1,
        "checkpoint": latest_checkpoint(tenant.organisation),
        "verification": scoped(VerificationRun.objects, tenant)
        .order_by("-finished_at")
        .first(),
        "has_keys": scoped(LogKeys.objects, tenant).exists(),
        "open_findings": open_findings,
        "open_total": sum(row["count"] for row in open_findings),
    }


@tenant_view(Capability.VIEW_ACCESS_LOG)
def status(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return render_page(
        request,
        tenant,
        "accesslog/status.html",
        status_context(tenant),
        section="status",
    )


def _text(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@tenant_view(Capability.VIEW_ACCESS_LOG)
def vkey(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Send the verifier key with which anyone can check the signed checkpoints."""
    keys = scoped(LogKeys.objects, tenant).first()
    if keys is None:
        raise Http404
    return _text(keys.verifier_key.strip() + "\n", f"{tenant.organisation.slug}.vkey")


@tenant_view(Capability.VIEW_ACCESS_LOG)
def checkpoint(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Send the latest signed checkpoint as a C2SP signed note."""
    latest = latest_checkpoint(tenant.organisation)
    if latest is None:
        raise Http404
    return _text(latest.note, f"{tenant.organisation.slug}-{latest.size}.checkpoint")
