"""Thin views of the questionnaire: parse input, check the role, call a service."""

from django.db.models import QuerySet

from vigil.assessments.models import Assessment
from vigil.organisations.tenancy import Tenant, get_scoped_or_404


def get_assessment(tenant: Tenant, year: int) -> Assessment:
    """Return the tenant's assessment of ``year`` or raise Http404."""
    queryset: QuerySet[Assessment] = Assessment.objects.select_related(
        "catalog", "organisation"
    )
    return get_scoped_or_404(queryset, tenant, year=year)
