from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.assessments.forms import EvidenceForm
from vigil.assessments.models import Evidence
from vigil.assessments.services import add_evidence, remove_evidence
from vigil.assessments.views import get_assessment
from vigil.assessments.views.questionnaire import _get_answer, _render_norm
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, tenant_view


@require_POST
@tenant_view(Capability.EDIT_ASSESSMENT)
def upload(request: HttpRequest, tenant: Tenant, year: int, code: str) -> HttpResponse:
    assessment = get_assessment(tenant, year)
    answer = _get_answer(tenant, assessment, code)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = add_evidence(
                answer, form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(
                "file" if hasattr(error, "error_dict") else None, error.messages
            )
        else:
            messages.success(
                request, _("“%(name)s” attached.") % {"name": evidence.original_name}
            )
            return redirect(
                "assessments:norm", org=tenant.organisation.slug, year=year, code=code
            )
    return _render_norm(request, tenant, answer, evidence_form=form, status=400)


def _get_evidence(tenant: Tenant, year: int, evidence_id: int) -> Evidence:
    assessment = get_assessment(tenant, year)
    return get_scoped_or_404(
        Evidence.objects.select_related(
            "answer__norm", "answer__assessment__organisation"
        ),
        tenant,
        pk=evidence_id,
        answer__assessment=assessment,
    )


@require_safe
@tenant_view(Capability.VIEW)
def download(
    request: HttpRequest, tenant: Tenant, year: int, evidence_id: int
) -> FileResponse:
    """Send an evidence file as an attachment, never for display in the browser."""
    evidence = _get_evidence(tenant, year, evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@tenant_view(Capability.EDIT_ASSESSMENT)
def delete(
    request: HttpRequest, tenant: Tenant, year: int, evidence_id: int
) -> HttpResponse:
    evidence = _get_evidence(tenant, year, evidence_id)
    code = evidence.answer.norm.code
    try:
        remove_evidence(evidence, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” removed.") % {"name": evidence.original_name}
        )
    return redirect(
        "assessments:norm", org=tenant.organisation.slug, year=year, code=code
    )
