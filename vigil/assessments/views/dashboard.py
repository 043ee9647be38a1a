from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.assessments.dashboard import dashboard_context
from vigil.assessments.forms import StartForm
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment
from vigil.organisations.tenancy import Tenant, scoped, tenant_view


@require_safe
@tenant_view(Capability.VIEW)
def dashboard(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    context = dashboard_context(tenant)
    if tenant.grants(Capability.EDIT_ASSESSMENT):
        context["start_form"] = StartForm(assessments=_assessments(tenant))
    return render(request, "assessments/dashboard.html", context)


def _assessments(tenant: Tenant) -> "object":
    return scoped(Assessment.objects, tenant).order_by("-year")


@require_POST
@tenant_view(Capability.EDIT_ASSESSMENT)
def start(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = StartForm(request.POST, assessments=_assessments(tenant))
    if form.is_valid():
        try:
            assessment = create_assessment(
                tenant.organisation,
                form.cleaned_data["year"],
                actor=request.user,
                copy_from=form.cleaned_data["copy_from"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Questionnaire %(year)s started.") % {"year": assessment.year},
            )
            return redirect(
                "assessments:questionnaire",
                org=tenant.organisation.slug,
                year=assessment.year,
            )
    context = dashboard_context(tenant)
    context["start_form"] = form
    return render(request, "assessments/dashboard.html", context, status=400)
