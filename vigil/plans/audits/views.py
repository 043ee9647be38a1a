"""Audit pages beside the generic register pages: the schedule and the report."""

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view
from vigil.plans.audits.documents import audit_report
from vigil.plans.audits.models import Audit
from vigil.plans.audits.schedule import audit_due, planned_audits
from vigil.plans.audits.specs import AUDITS, FINDINGS, OPEN_STATUSES
from vigil.reports.render import MEDIA_TYPES, document_response


@require_safe
@tenant_view(Capability.VIEW)
def schedule(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """When the next audit is due, with every audit and its open findings."""
    organisation = tenant.organisation
    today = timezone.localdate()
    audits = scoped(Audit.objects.all(), tenant).annotate(
        finding_count=Count("findings"),
        open_count=Count("findings", filter=Q(findings__status__in=OPEN_STATUSES)),
    )
    context = {
        "tenant": tenant,
        "due": audit_due(organisation, today),
        "planned": planned_audits(organisation, today),
        "audits": audits.order_by("-date", "-id"),
        "audits_spec": AUDITS,
        "findings_spec": FINDINGS,
        "can_edit": tenant.grants(AUDITS.edit_capability),
    }
    return render(request, "audits/schedule.html", context)


@require_safe
@tenant_view(Capability.VIEW)
def report(request: HttpRequest, tenant: Tenant, pk: int, fmt: str) -> HttpResponse:
    """Download the follow-up of one audit's findings as PDF or ODT."""
    if fmt not in MEDIA_TYPES:
        raise Http404
    audit = get_scoped_or_404(Audit.objects.all(), tenant, pk=pk)
    document = audit_report(audit, _language(request))
    filename = f"vigil-{tenant.organisation.slug}-audit-{audit.pk}-{document.language}"
    return document_response(document, fmt, filename)


def _language(request: HttpRequest) -> str:
    languages = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("language") or (get_language() or "").split("-")[0]
    return language if language in languages else languages[0]
