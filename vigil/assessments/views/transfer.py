"""Import of answers from an XLSX workbook exported by Vigil."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from vigil.accounts.roles import Capability
from vigil.assessments.forms import ImportForm
from vigil.assessments.importing import (
    ImportInvalid,
    ImportResult,
    import_assessment_xlsx,
)
from vigil.assessments.models import Assessment
from vigil.assessments.services import AssessmentLocked
from vigil.assessments.views import get_assessment
from vigil.organisations.tenancy import Tenant, tenant_view


@tenant_view(Capability.EDIT_ASSESSMENT)
def import_xlsx(request: HttpRequest, tenant: Tenant, year: int) -> HttpResponse:
    """Show the upload form (GET) or apply an uploaded workbook (POST)."""
    assessment = get_assessment(tenant, year)
    if request.method != "POST":
        return _render(request, tenant, assessment, ImportForm())

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, tenant, assessment, form, status=400)
    try:
        result = import_assessment_xlsx(
            assessment,
            form.cleaned_data["file"],
            actor=request.user,
            overwrite_newer=form.cleaned_data["overwrite_newer"],
        )
    except AssessmentLocked as error:
        form.add_error(None, error)
        return _render(request, tenant, assessment, form, status=400)
    except ImportInvalid as error:
        errors = [str(row_error) for row_error in error.errors]
        return _render(
            request,
            tenant,
            assessment,
            form,
            errors,
            has_stale_rows=error.has_stale_rows,
            status=400,
        )

    messages.success(request, _result_message(result))
    return redirect(
        "assessments:questionnaire", org=tenant.organisation.slug, year=year
    )


def _result_message(result: ImportResult) -> str:
    message = ngettext(
        "%(count)s answer changed.", "%(count)s answers changed.", result.changed
    ) % {"count": result.changed}
    if result.overwritten:
        message += " " + ngettext(
            "%(count)s of them had changed after the export and was overwritten.",
            "%(count)s of them had changed after the export and were overwritten.",
            result.overwritten,
        ) % {"count": result.overwritten}
    return message


def _render(
    request: HttpRequest,
    tenant: Tenant,
    assessment: Assessment,
    form: ImportForm,
    errors: list[str] | None = None,
    *,
    has_stale_rows: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "tenant": tenant,
        "assessment": assessment,
        "form": form,
        "errors": errors or [],
        "has_stale_rows": has_stale_rows,
    }
    return render(request, "assessments/import.html", context, status=status)
