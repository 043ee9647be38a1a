"""The review campaign pages under ``/c/<org>/authorisations/reviews/``.

Reading needs ``VIEW``; starting, deciding and closing need
``EDIT_REGISTERS``; attaching a result to a questionnaire needs
``EDIT_ASSESSMENT``. The work is done in :mod:`.reviews` and :mod:`.results`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view
from vigil.registers.authorisations import results, reviews
from vigil.registers.authorisations.forms import DecisionForm, StartReviewForm
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
)
from vigil.registers.authorisations.specs import AUTHORISATIONS
from vigil.reports.render import document_response

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DOCUMENT_TYPES = ("pdf", "odt")


def _page(
    request: HttpRequest,
    tenant: Tenant,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    can_edit = tenant.grants(Capability.EDIT_REGISTERS)
    context = {
        "tenant": tenant,
        "can_edit": can_edit,
        "spec": AUTHORISATIONS,
        **context,
    }
    return render(request, template, context, status=status)


def _campaign(tenant: Tenant, pk: int) -> ReviewCampaign:
    return get_scoped_or_404(ReviewCampaign.objects.all(), tenant, pk=pk)


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_of_field in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_of_field)
    else:
        form.add_error(None, error.messages)


@require_safe
@tenant_view(Capability.VIEW)
def campaign_list(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    campaigns = scoped(ReviewCampaign.objects.all(), tenant).order_by(
        "-started_on", "-id"
    )
    rows = [(campaign, reviews.result(campaign)) for campaign in campaigns]
    return _page(request, tenant, "authorisations/reviews.html", {"rows": rows})


def _applications(tenant: Tenant) -> list[str]:
    names = scoped(Authorisation.objects.all(), tenant).values_list(
        "application", flat=True
    )
    return sorted(set(names))


@tenant_view(Capability.EDIT_REGISTERS)
def start(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    context: dict[str, Any] = {"applications": _applications(tenant)}
    if request.method != "POST":
        context["form"] = StartReviewForm()
        return _page(request, tenant, "authorisations/start.html", context)
    form = StartReviewForm(request.POST)
    if form.is_valid():
        try:
            campaign = reviews.start_review(
                tenant.organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Review started."))
            return redirect(
                "authorisations:review", org=tenant.organisation.slug, pk=campaign.pk
            )
    context["form"] = form
    return _page(request, tenant, "authorisations/start.html", context, status=400)


@require_safe
@tenant_view(Capability.VIEW)
def detail(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    campaign = _campaign(tenant, pk)
    return _render_detail(request, tenant, campaign)


def _render_detail(
    request: HttpRequest,
    tenant: Tenant,
    campaign: ReviewCampaign,
    *,
    failed: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    outcome = reviews.result(campaign)
    editable = tenant.grants(Capability.EDIT_REGISTERS) and not campaign.is_closed
    lines = []
    for line in outcome.lines:
        form = None
        if editable and line.is_open:
            form = failed[1] if failed and failed[0] == line.pk else None
            form = form or DecisionForm(prefix=f"line-{line.pk}")
        lines.append((line, form))
    context = {"campaign": campaign, "outcome": outcome, "lines": lines}
    return _page(request, tenant, "authorisations/review.html", context, status=status)


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def decide(request: HttpRequest, tenant: Tenant, pk: int, line: int) -> HttpResponse:
    campaign = _campaign(tenant, pk)
    found = get_scoped_or_404(
        ReviewLine.objects.filter(campaign=campaign), tenant, pk=line
    )
    form = DecisionForm(request.POST, prefix=f"line-{found.pk}")
    decided = form.is_valid() and _decide(request, found, form)
    if request.headers.get("HX-Request"):
        return _render_line(request, tenant, campaign, found, None if decided else form)
    if decided:
        messages.success(request, _("Decision recorded."))
        return redirect(
            "authorisations:review", org=tenant.organisation.slug, pk=campaign.pk
        )
    return _render_detail(
        request, tenant, campaign, failed=(found.pk, form), status=400
    )


def _decide(request: HttpRequest, line: ReviewLine, form: DecisionForm) -> bool:
    """Record the form's decision; on failure put the errors on the form."""
    try:
        reviews.decide(
            line,
            form.cleaned_data["decision"],
            actor=request.user,
            decided_on=form.cleaned_data["decided_on"],
            note=form.cleaned_data["note"],
            changes=form.changes(),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _render_line(
    request: HttpRequest,
    tenant: Tenant,
    campaign: ReviewCampaign,
    line: ReviewLine,
    form: DecisionForm | None,
) -> HttpResponse:
    """Return one line's row for an in-place update, with the counts out of band.

    htmx 2.0 (the bundled js_lib_htmx) swaps no 4xx response by default, so a
    rejected decision is returned with status 200 and its errors inside the row.
    """
    line.refresh_from_db()
    context = {
        "campaign": campaign,
        "line": line,
        "form": form,
        "outcome": reviews.result(campaign),
        "oob": True,
    }
    return _page(request, tenant, "authorisations/_line_update.html", context)


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def close(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    campaign = _campaign(tenant, pk)
    try:
        reviews.close_review(campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review closed; its result is kept as evidence."))
    return redirect("authorisations:review", org=tenant.organisation.slug, pk=pk)


@require_safe
@tenant_view(Capability.VIEW)
def export(request: HttpRequest, tenant: Tenant, pk: int, fmt: str) -> HttpResponse:
    """Send the result of a campaign as CSV or XLSX, or its report as PDF or ODT."""
    campaign = _campaign(tenant, pk)
    filename = results.result_filename(campaign, fmt)
    if fmt in DOCUMENT_TYPES:
        document = results.result_document(campaign, get_language() or "nl")
        return document_response(document, fmt, filename)
    if fmt not in EXPORT_TYPES:
        raise Http404
    content = results.render_result(campaign, fmt)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@tenant_view(Capability.EDIT_ASSESSMENT)
def attach(
    request: HttpRequest, tenant: Tenant, pk: int, year: int, code: str
) -> HttpResponse:
    """Attach a closed campaign's result to a norm's answer of a questionnaire."""
    campaign = _campaign(tenant, pk)
    try:
        item = results.attach_result(campaign, year, code, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” attached.") % {"name": item.original_name}
        )
    return redirect(
        "assessments:norm", org=tenant.organisation.slug, year=year, code=code
    )
