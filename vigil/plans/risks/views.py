"""Pages of the risk analysis beside the generic register pages: the heat
maps, the centre's matrix, the document and a risk's plan action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.integers import ascii_integer
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, tenant_view
from vigil.plans.risks import services
from vigil.plans.risks.documents import LANGUAGES, risks_document
from vigil.plans.risks.heatmap import heat_map
from vigil.plans.risks.models import Risk, RiskMatrix, matrix_for
from vigil.plans.risks.scoring import Level, Matrix
from vigil.plans.risks.specs import RISKS
from vigil.registers.services import RecordInvalid
from vigil.reports.render import MEDIA_TYPES, document_response


def document_language(request: HttpRequest) -> str:
    """Return the language asked for with ?language=, else the page's, else nl."""
    asked = request.GET.get("language", "")
    if asked:
        return asked
    current = (get_language() or "nl")[:2]
    return current if current in LANGUAGES else "nl"


def document_year(request: HttpRequest) -> int | None:
    asked = request.GET.get("year", "")
    if not asked:
        return timezone.localdate().year
    year = ascii_integer(asked)
    return year if year is not None and 2000 <= year <= 2100 else None


@require_safe
@tenant_view(Capability.VIEW)
def heatmap(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """The current and residual heat maps, each count linking to the risk list."""
    matrix = matrix_for(tenant.organisation)
    risks = list(Risk.objects.filter(organisation=tenant.organisation))
    context = {
        "tenant": tenant,
        "matrix": matrix,
        "levels": [(level, matrix_range(matrix, level)) for level in Level],
        "grids": [
            (_("Current risk"), "", heat_map(matrix, risks, residual=False)),
            (_("Residual risk"), "residual_", heat_map(matrix, risks, residual=True)),
        ],
        "can_edit": tenant.grants(Capability.EDIT_PLANS),
        "languages": LANGUAGES,
    }
    return render(request, "risks/heatmap.html", context)


def matrix_range(matrix: Matrix, level: Level) -> str:
    """Return the scores of a level as text, such as 4–7."""
    top = matrix.size * matrix.size
    bounds = {
        Level.LOW: (1, matrix.medium_from - 1),
        Level.MEDIUM: (matrix.medium_from, matrix.high_from - 1),
        Level.HIGH: (matrix.high_from, matrix.critical_from - 1),
        Level.CRITICAL: (matrix.critical_from, top),
    }
    low, high = bounds[level]
    return str(low) if low == high else f"{low}–{high}"


@tenant_view(Capability.VIEW)
def matrix_settings(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """The centre's matrix: shown to every member, changed by EDIT_PLANS."""
    can_edit = tenant.grants(Capability.EDIT_PLANS)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        try:
            services.set_matrix(
                tenant.organisation, request.POST.dict(), actor=request.user
            )
        except RecordInvalid as error:
            errors = error.errors
        else:
            messages.success(request, _("Risk matrix saved."))
            return redirect("risks:heatmap", org=tenant.organisation.slug)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    matrix = matrix_for(tenant.organisation)
    stored = RiskMatrix.objects.filter(organisation=tenant.organisation).exists()
    values = request.POST.dict() if errors else _matrix_fields(matrix)
    context = {
        "tenant": tenant,
        "matrix": matrix,
        "stored": stored,
        "values": values,
        "errors": errors,
        "can_edit": can_edit,
    }
    return render(request, "risks/matrix.html", context, status=400 if errors else 200)


def _matrix_fields(matrix: Matrix) -> dict[str, str]:
    return {
        "size": str(matrix.size),
        "medium_from": str(matrix.medium_from),
        "high_from": str(matrix.high_from),
        "critical_from": str(matrix.critical_from),
    }


@require_safe
@tenant_view(Capability.VIEW)
def document(request: HttpRequest, tenant: Tenant, fmt: str) -> HttpResponse:
    """The risk analysis as PDF or ODT, in ?language=nl or fr, for ?year=."""
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
    built = risks_document(tenant.organisation, year, language)
    filename = f"risk-analysis-{tenant.organisation.slug}-{year}-{language}"
    return document_response(built, fmt, filename)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def plan_action(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """Add an action that treats the risk to the draft security plan."""
    risk = get_scoped_or_404(Risk.objects.all(), tenant, pk=pk)
    try:
        action = services.create_plan_action(risk, actor=request.user)
    except RecordInvalid as error:
        for items in error.errors.values():
            for item in items:
                messages.error(request, item)
    except ValidationError as error:
        for item in error.messages:
            messages.error(request, item)
    else:
        messages.success(
            request,
            _("Action “%(title)s” added to the security plan.")
            % {"title": action.title},
        )
    return redirect(
        "registers:detail",
        org=tenant.organisation.slug,
        register=RISKS.slug,
        pk=risk.pk,
    )
