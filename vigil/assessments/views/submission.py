from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.assessments.diff import diff_assessments
from vigil.assessments.forms import ReopenForm
from vigil.assessments.services import (
    SubmissionIncomplete,
    find_gaps,
    find_warnings,
    reopen_assessment,
    submit_assessment,
)
from vigil.assessments.views import get_assessment
from vigil.integers import ascii_integer
from vigil.organisations.tenancy import Tenant, tenant_view


@tenant_view(Capability.VIEW)
def submit(request: HttpRequest, tenant: Tenant, year: int) -> HttpResponse:
    """Show what is missing (GET) or submit the questionnaire (POST)."""
    assessment = get_assessment(tenant, year)
    if request.method == "POST":
        if not tenant.grants(Capability.SUBMIT_ASSESSMENT):
            raise PermissionDenied
        try:
            submission = submit_assessment(assessment, actor=request.user)
        except SubmissionIncomplete as error:
            gaps = error.gaps
            messages.error(
                request,
                ngettext(
                    "Not submitted: %(count)s item is missing, see the list below.",
                    "Not submitted: %(count)s items are missing, see the list below.",
                    len(gaps),
                )
                % {"count": len(gaps)},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(
                "assessments:questionnaire", org=tenant.organisation.slug, year=year
            )
        else:
            messages.success(
                request,
                _("Questionnaire %(year)s submitted. SHA-256: %(digest)s")
                % {"year": year, "digest": submission.digest},
            )
            return redirect(
                "assessments:questionnaire", org=tenant.organisation.slug, year=year
            )
    else:
        gaps = find_gaps(assessment) if assessment.is_draft else []
    context = {
        "tenant": tenant,
        "assessment": assessment,
        "gaps": gaps,
        "warnings": find_warnings(assessment) if assessment.is_draft else [],
        "submissions": list(
            assessment.submissions.select_related("submitted_by", "reopened_by")
        ),
        "reopen_form": ReopenForm(),
    }
    return render(
        request,
        "assessments/submit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@tenant_view(Capability.REOPEN_ASSESSMENT)
def reopen(request: HttpRequest, tenant: Tenant, year: int) -> HttpResponse:
    assessment = get_assessment(tenant, year)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            reopen_assessment(
                assessment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Questionnaire %(year)s reopened.") % {"year": year}
            )
    else:
        messages.error(request, _("Give the reason for reopening."))
    return redirect("assessments:submit", org=tenant.organisation.slug, year=year)


@require_safe
@tenant_view(Capability.VIEW)
def diff(request: HttpRequest, tenant: Tenant, year: int) -> HttpResponse:
    """Compare a year with another, by default the year it started from."""
    assessment = get_assessment(tenant, year)
    other_year = ascii_integer(request.GET.get("against", ""))
    if other_year is not None:
        other = get_assessment(tenant, other_year)
    elif assessment.started_from is not None:
        other = get_assessment(tenant, assessment.started_from.year)
    else:
        other = None
    changes = diff_assessments(other, assessment) if other else []
    context = {
        "tenant": tenant,
        "assessment": assessment,
        "other": other,
        "changes": changes,
    }
    return render(request, "assessments/diff.html", context)
