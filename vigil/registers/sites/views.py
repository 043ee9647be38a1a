"""The physical security overview: per site, what each register holds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.registers import evidence
from vigil.registers.sites import overview as site_overview
from vigil.registers.sites.specs import SPECS


@require_safe
@tenant_view(Capability.VIEW)
def overview(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    organisation = tenant.organisation
    context = {
        "tenant": tenant,
        "registers": [evidence.overview(spec, organisation) for spec in SPECS],
        "sites": site_overview.site_rows(organisation),
    }
    return render(request, "physical/overview.html", context)
