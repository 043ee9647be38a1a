from django.http import Http404, HttpRequest, HttpResponse

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, tenant_view


@tenant_view(Capability.VIEW)
def assessment_export(
    request: HttpRequest, tenant: Tenant, year: int, fmt: str
) -> HttpResponse:
    raise Http404
