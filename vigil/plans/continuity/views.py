"""Pages of the continuity plan beside the generic register pages: an
overview with its warnings and contact tree, and the plan as a document."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.plans.continuity.checks import continuity_warnings, next_exercise_due
from vigil.plans.continuity.documents import (
    LANGUAGES,
    continuity_document,
    tree_rows,
)
from vigil.plans.continuity.models import CriticalProcess
from vigil.plans.continuity.specs import (
    CONTACTS,
    CRITICAL_PROCESSES,
    EXERCISES,
    FALLBACK_SITES,
    RECOVERY_STEPS,
)
from vigil.plans.risks.views import document_language, document_year
from vigil.reports.render import MEDIA_TYPES, document_response


@require_safe
@tenant_view(Capability.VIEW)
def overview(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """The continuity plan at a glance: warnings, processes, contact tree."""
    organisation = tenant.organisation
    today = timezone.localdate()
    context = {
        "tenant": tenant,
        "warnings": continuity_warnings(organisation, today),
        "next_exercise": next_exercise_due(organisation),
        "processes": CriticalProcess.objects.filter(organisation=organisation).order_by(
            "recovery_order", "id"
        ),
        "tree": tree_rows(organisation),
        "specs": (
            CRITICAL_PROCESSES,
            FALLBACK_SITES,
            CONTACTS,
            RECOVERY_STEPS,
            EXERCISES,
        ),
        "languages": LANGUAGES,
    }
    return render(request, "continuity/overview.html", context)


@require_safe
@tenant_view(Capability.VIEW)
def document(request: HttpRequest, tenant: Tenant, fmt: str) -> HttpResponse:
    """The continuity plan as PDF or ODT, in ?language=nl or fr, for ?year=."""
    if fmt not in MEDIA_TYPES:
        raise Http404
    language = document_language(request)
    if language not in LANGUAGES:
        message = _("Unknown language %(value)r; use language=nl or language=fr.")
        return HttpResponse(message % {"value": language}, status=400)
    year = document_year(request)
    if year is None:
        message = _("Invalid year %(value)r; write it as four digits, e.g. 2026.")
        return HttpResponse(message % {"value": request.GET["year"]}, status=400)
    built = continuity_document(tenant.organisation, year, language)
    filename = f"continuity-plan-{tenant.organisation.slug}-{year}-{language}"
    return document_response(built, fmt, filename)
