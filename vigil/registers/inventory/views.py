"""The inventory page that lists what needs attention across its registers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.registers.inventory import checks, specs


@require_safe
@tenant_view(Capability.VIEW)
def attention(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Software past or near end of support, cards and UPS units to act on."""
    organisation = tenant.organisation
    today = timezone.localdate()
    context = {
        "tenant": tenant,
        "today": today,
        "days": checks.SUPPORT_NOTICE_DAYS,
        "slugs": {spec.model.__name__.lower(): spec.slug for spec in specs.SPECS},
        "past_support": checks.software_past_support(
            organisation, today
        ).prefetch_related("installed_on"),
        "ending_support": checks.software_ending_support(
            organisation, today
        ).prefetch_related("installed_on"),
        "cards_expired": checks.cards_expired(organisation, today),
        "cards_unsafe": checks.cards_without_safe_storage(organisation),
        "ups_overdue": checks.ups_test_overdue(organisation, today),
        "ups_failed": checks.ups_test_failed(organisation),
    }
    return render(request, "inventory/attention.html", context)
