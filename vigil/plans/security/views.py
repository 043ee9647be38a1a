"""The plan pages: plans and versions, approval, diff, gaps, budget, document.

The actions, the budget and the spending are also registers, edited on the
generic register pages; these views add what is particular to the plan.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.labels import labelled
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view
from vigil.plans.security import budget, gaps, lifecycle, services
from vigil.plans.security.diff import diff_plans
from vigil.plans.security.documents import LANGUAGES, build_plan_document
from vigil.plans.security.forms import ApprovalForm, PlanForm
from vigil.plans.security.models import Expense, PlanAction, SecurityPlan
from vigil.plans.security.specs import ACTIONS, BUDGET, SPENDING
from vigil.registers.services import RecordInvalid
from vigil.reports.render import MEDIA_TYPES, document_response


def _plan(tenant: Tenant, pk: int) -> SecurityPlan:
    return get_scoped_or_404(SecurityPlan.objects.all(), tenant, pk=pk)


def _page(
    request: HttpRequest,
    tenant: Tenant,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    context = {"tenant": tenant, **context}
    return render(request, f"securityplans/{template}", context, status=status)


def _to_plan(tenant: Tenant, plan: SecurityPlan) -> HttpResponse:
    return redirect("securityplans:detail", org=tenant.organisation.slug, pk=plan.pk)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_safe
@tenant_view(Capability.VIEW)
def index(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Every version of the centre's plans, newest first."""
    plans = scoped(SecurityPlan.objects, tenant).order_by("-first_year", "-version")
    context = {
        "plans": plans,
        "current": lifecycle.current_plan(tenant.organisation),
        "form": PlanForm(initial={"first_year": timezone.localdate().year}),
    }
    return _page(request, tenant, "index.html", context)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def create(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = lifecycle.create_plan(
                tenant.organisation, **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            _error(request, error)
            return redirect("securityplans:index", org=tenant.organisation.slug)
        messages.success(request, _("Plan %(plan)s started.") % {"plan": plan})
        return _to_plan(tenant, plan)
    plans = scoped(SecurityPlan.objects, tenant)
    context = {"plans": plans, "current": None, "form": form}
    return _page(request, tenant, "index.html", context, status=400)


@require_safe
@tenant_view(Capability.VIEW)
def detail(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    plan = _plan(tenant, pk)
    actions = list(plan.actions.order_by("planned_year", "priority", "id"))
    assessment = gaps.latest_assessment(tenant.organisation)
    context = {
        "plan": plan,
        "years": [
            (year, [a for a in actions if a.planned_year == year])
            for year in plan.year_range
        ],
        "budget": budget.plan_budget(plan, [plan.first_year - 1]),
        "active_rule": budget.ACTIVE_RULE,
        "spent_by_action": budget.spent_by_action(actions),
        "assessment": assessment,
        "gaps": gaps.plan_gaps(assessment, plan) if assessment else [],
        "can_edit": tenant.grants(Capability.EDIT_PLANS),
        "can_decide": tenant.grants(Capability.RECORD_DECISIONS),
        "approval_form": ApprovalForm(initial={"date": timezone.localdate()}),
        "languages": LANGUAGES,
        "formats": list(MEDIA_TYPES),
        "actions_spec": ACTIONS,
    }
    return _page(request, tenant, "plan.html", context)


@tenant_view(Capability.EDIT_PLANS)
def edit(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    plan = _plan(tenant, pk)
    if request.method != "POST":
        return _page(
            request,
            tenant,
            "edit.html",
            {"plan": plan, "form": PlanForm(instance=plan)},
        )
    form = PlanForm(request.POST, instance=SecurityPlan.objects.get(pk=plan.pk))
    if form.is_valid():
        try:
            services.update_plan(plan, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Saved."))
            return _to_plan(tenant, plan)
    return _page(request, tenant, "edit.html", {"plan": plan, "form": form}, status=400)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def submit(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    plan = _plan(tenant, pk)
    try:
        services.submit_plan(plan, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The plan is submitted for approval and frozen."))
    return _to_plan(tenant, plan)


@require_POST
@tenant_view(Capability.RECORD_DECISIONS)
def approve(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    plan = _plan(tenant, pk)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            text = " ".join(str(error) for error in errors)
            messages.error(request, labelled(form.fields[name].label, text))
        return _to_plan(tenant, plan)
    try:
        services.approve_plan(
            plan,
            body=form.cleaned_data["body"],
            date=form.cleaned_data["date"],
            reference=form.cleaned_data["reference"],
            actor=request.user,
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The approval is recorded."))
    return _to_plan(tenant, plan)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def start_version(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    plan = _plan(tenant, pk)
    try:
        copy = services.new_version(plan, actor=request.user)
    except ValidationError as error:
        _error(request, error)
        return _to_plan(tenant, plan)
    messages.success(
        request,
        _("Version %(version)d started as a draft.") % {"version": copy.version},
    )
    return _to_plan(tenant, copy)


@require_safe
@tenant_view(Capability.VIEW)
def diff(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """What this version changes against the version it was copied from."""
    plan = _plan(tenant, pk)
    if plan.previous is None:
        raise Http404
    context = {"plan": plan, "diff": diff_plans(plan.previous, plan)}
    return _page(request, tenant, "diff.html", context)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def add_from_gap(
    request: HttpRequest, tenant: Tenant, year: int, code: str
) -> HttpResponse:
    """Add an action for a questionnaire norm in one click, then go back.

    When the plan already has an open action for the norm, nothing is added
    and the message links to that action.
    """
    try:
        result = gaps.add_action_from_gap(
            tenant.organisation, year, code, actor=request.user
        )
    except (ValidationError, RecordInvalid) as error:
        text = (
            str(error) if isinstance(error, RecordInvalid) else " ".join(error.messages)
        )
        messages.error(request, text)
    else:
        action = result.action
        if result.created:
            messages.success(
                request,
                _("“%(title)s” added to the security plan %(plan)s for %(year)d.")
                % {
                    "title": action.title,
                    "plan": action.plan,
                    "year": action.planned_year,
                },
            )
        else:
            messages.info(request, _existing_action_message(tenant, action, code))
        if request.POST.get("next") == "plan":
            return _to_plan(tenant, action.plan)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if target and safe:
        return redirect(target)
    return redirect(
        "assessments:norm", org=tenant.organisation.slug, year=year, code=code
    )


def _existing_action_message(tenant: Tenant, action: PlanAction, code: str) -> str:
    url = reverse(
        "registers:detail",
        kwargs={
            "org": tenant.organisation.slug,
            "register": ACTIONS.slug,
            "pk": action.pk,
        },
    )
    return format_html(
        '{} <a href="{}">{}</a>',
        _(
            "Nothing added: the security plan %(plan)s already has an open "
            "action for norm %(code)s:"
        )
        % {"plan": action.plan, "code": code},
        url,
        action.title,
    )


@require_safe
@tenant_view(Capability.VIEW)
def document(request: HttpRequest, tenant: Tenant, pk: int, fmt: str) -> HttpResponse:
    """The plan document as PDF or ODT, in Dutch (default) or French."""
    plan = _plan(tenant, pk)
    language = request.GET.get("language", "nl")
    if fmt not in MEDIA_TYPES or language not in LANGUAGES:
        raise Http404
    year = min(max(timezone.localdate().year, plan.first_year), plan.last_year)
    built = build_plan_document(plan, year, language)
    slug = tenant.organisation.slug
    filename = f"{slug}-security-plan-{plan.first_year}-v{plan.version}-{language}"
    return document_response(built, fmt, filename)


@require_safe
@tenant_view(Capability.VIEW)
def budget_page(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """The security budget per year against the current plan, and the spending."""
    plan = lifecycle.current_plan(tenant.organisation)
    rows = budget.plan_budget(plan, [plan.first_year - 1]) if plan else []
    context = {
        "plan": plan,
        "rows": rows,
        "active_rule": budget.ACTIVE_RULE,
        "budget_spec": BUDGET,
        "spending_spec": SPENDING,
        "expenses": scoped(Expense.objects, tenant)
        .select_related("action")
        .order_by("-year", "-date", "-id")[:200],
    }
    return _page(request, tenant, "budget.html", context)
