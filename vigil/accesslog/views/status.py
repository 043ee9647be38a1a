"""The access-log status page, the verifier key and the latest checkpoint.

The page's actions, "Verify now" and the export for an auditor, are in
``log_actions``.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.detection.models import Finding, Rule, Severity
from vigil.accesslog.models import AccessEntry, LogKeys
from vigil.accesslog.verification_alert import FAILURE_NEXT_STEP, latest_run
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import BundleExportForm
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


def entry_count(tenant: Tenant) -> int:
    """Return the number of entries of the tenant's log: its highest index plus one."""
    last_index = scoped(AccessEntry.objects, tenant).aggregate(last=Max("index"))
    return 0 if last_index["last"] is None else last_index["last"] + 1


def status_context(tenant: Tenant) -> dict[str, Any]:
    open_findings = _open_findings(tenant)
    return {
        "entry_count": entry_count(tenant),
        "checkpoint": latest_checkpoint(tenant.organisation),
        "verification": latest_run(tenant),
        "failure_next_step": FAILURE_NEXT_STEP,
        "has_keys": scoped(LogKeys.objects, tenant).exists(),
        "open_findings": open_findings,
        "open_total": sum(row["count"] for row in open_findings),
    }


def _last_month() -> dict[str, datetime.date]:
    first_of_this_month = timezone.localdate().replace(day=1)
    last_day = first_of_this_month - datetime.timedelta(days=1)
    return {"since": last_day.replace(day=1), "until": last_day}


# Shown in place of the export form, and as its error if posted all the same.
NO_CHECKPOINT_TO_EXPORT = _(
    "The log has no checkpoint yet, because it has received no event, so there "
    "is nothing to export. Export once events have arrived."
)


def verify_too_large(tenant: Tenant, size: int) -> str | None:
    """Return why "Verify now" leaves a log of ``size`` entries to the command.

    Returns None when the log has at most
    ``VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES`` entries.
    """
    limit = settings.VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES
    if size <= limit:
        return None
    return gettext(
        "The log has %(size)s entries, more than the %(limit)s that this page "
        "verifies in one request. Run %(command)s on the server instead, for "
        "example every night from cron. Its runs appear on this page."
    ) % {
        "size": size,
        "limit": limit,
        "command": f"vigil accesslog verify --org {tenant.organisation.slug}",
    }


def render_status(
    request: HttpRequest,
    tenant: Tenant,
    *,
    export_form: BundleExportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the status page, with the actions for those who manage the log."""
    context = status_context(tenant)
    if tenant.grants(Capability.MANAGE_ACCESS_LOG):
        context["verify_too_large"] = verify_too_large(tenant, context["entry_count"])
        context["export_form"] = export_form or BundleExportForm(initial=_last_month())
        context["no_checkpoint_to_export"] = NO_CHECKPOINT_TO_EXPORT
    return render_page(
        request,
        tenant,
        "accesslog/status.html",
        context,
        section="status",
        status=status,
    )


@tenant_view(Capability.VIEW_ACCESS_LOG)
def status(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return render_status(request, tenant)


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
