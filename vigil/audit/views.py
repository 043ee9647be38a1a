from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.audit.models import AuditEntry
from vigil.organisations.tenancy import Tenant, scoped, tenant_view


@require_safe
@tenant_view(Capability.VIEW_AUDIT_TRAIL)
def trail(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    entries = scoped(AuditEntry.objects.select_related("actor"), tenant)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"tenant": tenant, "page": page})
