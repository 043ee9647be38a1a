"""Misuse findings: list, detail with the flagged entries, triage and runs."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_POST

from vigil.accesslog.detection import evidence, services
from vigil.accesslog.detection.models import Finding, Rule
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import (
    BulkTriageForm,
    FindingFilterForm,
    RunDetectionForm,
    TriageForm,
)
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view

ENTRIES_PER_PAGE = 50


def _run_form() -> RunDetectionForm:
    today = timezone.localdate()
    since = today - datetime.timedelta(days=services.DEFAULT_RUN_DAYS - 1)
    return RunDetectionForm(initial={"since": since, "until": today})


def _render_list(
    request: HttpRequest,
    tenant: Tenant,
    *,
    run_form: RunDetectionForm | None = None,
    triage_form: BulkTriageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = FindingFilterForm(request.GET or {"status": Finding.Status.OPEN})
    findings = scoped(Finding.objects, tenant)
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
        findings = findings.filter(**chosen)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    can_manage = tenant.grants(Capability.MANAGE_ACCESS_LOG)
    if triage_form is None and can_manage:
        triage_form = _bulk_form(tenant)
    context = {
        "page": page,
        "filters": filters,
        "can_manage": can_manage,
        "run_form": run_form or (_run_form() if can_manage else None),
        "triage_form": triage_form,
        "selected": triage_form.selected_ids() if triage_form else set(),
    }
    return render_page(
        request,
        tenant,
        "accesslog/findings.html",
        context,
        section="findings",
        status=status,
    )


def _bulk_form(tenant: Tenant, data: QueryDict | None = None) -> BulkTriageForm:
    return BulkTriageForm(data, findings=scoped(Finding.objects, tenant))


@tenant_view(Capability.VIEW_ACCESS_LOG)
def finding_list(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return _render_list(request, tenant)


def _run_message(result: services.DetectionRun) -> str:
    """Return the summary of a detection run, each count in its own plural form."""
    entries = result.entries
    findings = len(result.findings)
    total = result.total()
    # Translators: each placeholder is a count with its noun or adjective, such
    # as "1 entry", "2 findings" or "1 new", translated with its own plural.
    return _(
        "Detection done over %(entries)s: %(findings)s in the period, of which "
        "%(created)s, %(updated)s and %(reopened)s."
    ) % {
        "entries": npgettext(
            "detection run", "%(count)s entry", "%(count)s entries", entries
        )
        % {"count": entries},
        "findings": npgettext(
            "detection run", "%(count)s finding", "%(count)s findings", findings
        )
        % {"count": findings},
        "created": npgettext(
            "detection run", "%(count)s new", "%(count)s new", total.created
        )
        % {"count": total.created},
        "updated": npgettext(
            "detection run", "%(count)s updated", "%(count)s updated", total.updated
        )
        % {"count": total.updated},
        "reopened": npgettext(
            "detection run", "%(count)s reopened", "%(count)s reopened", total.reopened
        )
        % {"count": total.reopened},
    }


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def run(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = RunDetectionForm(request.POST)
    if not form.is_valid():
        return _render_list(request, tenant, run_form=form, status=400)
    since, until = services.day_period(
        form.cleaned_data["since"], form.cleaned_data["until"]
    )
    result = services.detect(
        tenant.organisation, since=since, until=until, actor=request.user
    )
    messages.success(request, _run_message(result))
    for rule in result.skipped():
        messages.warning(
            request,
            _(
                "%(rule)s: skipped, because %(reason)s. Fill in the list on the "
                "detection settings page, or turn the rule off there."
            )
            % {"rule": Rule(rule).label, "reason": services.SKIP_REASONS[rule]},
        )
    return redirect("accesslog:findings", org=tenant.organisation.slug)


def _render_detail(
    request: HttpRequest,
    tenant: Tenant,
    finding: Finding,
    *,
    form: TriageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    indexes = evidence.linked_indexes(finding)
    page = Paginator(indexes, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = tenant.grants(Capability.MANAGE_ACCESS_LOG)
    if form is None and can_manage:
        initial = {"status": finding.status, "note": finding.note}
        form = TriageForm(initial=initial, offer_incident=_offers_incident(finding))
    triaged_by = finding.triaged_by
    context = {
        "finding": finding,
        "page": page,
        "rows": evidence.entry_rows(finding, list(page.object_list)),
        "can_manage": can_manage,
        "form": form,
        "own_periods": services.own_user_id_periods(finding, request.user),
        "triaged_own": triaged_by is not None
        and bool(services.own_user_id_periods(finding, triaged_by)),
    }
    return render_page(
        request,
        tenant,
        "accesslog/finding.html",
        context,
        section="findings",
        status=status,
    )


def _offers_incident(finding: Finding) -> bool:
    return finding.status == Finding.Status.INCIDENT or services.has_incident(finding)


def _get_finding(tenant: Tenant, pk: int) -> Finding:
    return get_scoped_or_404(
        Finding.objects.select_related("organisation", "triaged_by"), tenant, pk=pk
    )


@tenant_view(Capability.VIEW_ACCESS_LOG)
def detail(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    return _render_detail(request, tenant, _get_finding(tenant, pk))


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def triage(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    finding = _get_finding(tenant, pk)
    form = TriageForm(request.POST, offer_incident=_offers_incident(finding))
    if form.is_valid():
        try:
            triaged = services.triage_finding(
                finding,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if triaged is None:
                messages.info(
                    request,
                    _("Nothing changed: the finding already has this status and note."),
                )
            else:
                messages.success(request, _("Finding updated."))
            return redirect(
                "accesslog:finding", org=tenant.organisation.slug, pk=finding.pk
            )
    return _render_detail(request, tenant, finding, form=form, status=400)


def _list_url(request: HttpRequest, tenant: Tenant) -> str:
    """Return the list's URL with the filters and page that the form came from."""
    url = reverse("accesslog:findings", kwargs={"org": tenant.organisation.slug})
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _report_bulk_triage(request: HttpRequest, result: services.BulkTriage) -> None:
    triaged = len(result.triaged)
    unchanged = len(result.unchanged)
    skipped = len(result.skipped)
    if triaged:
        messages.success(
            request,
            ngettext(
                "%(count)s finding updated.", "%(count)s findings updated.", triaged
            )
            % {"count": triaged},
        )
    if unchanged:
        messages.info(
            request,
            ngettext(
                "%(count)s finding already had this status and note, so it did "
                "not change.",
                "%(count)s findings already had this status and note, so they did "
                "not change.",
                unchanged,
            )
            % {"count": unchanged},
        )
    if skipped:
        messages.warning(
            request,
            # Translators: %(findings)s lists the skipped findings, each as its
            # rule, user id and day.
            ngettext(
                "%(count)s finding skipped because it has a security incident: "
                "%(findings)s. Triage it on its own page.",
                "%(count)s findings skipped because they have a security "
                "incident: %(findings)s. Triage each on its own page.",
                skipped,
            )
            % {
                "count": skipped,
                "findings": ", ".join(str(finding) for finding in result.skipped),
            },
        )


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def bulk_triage(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Triage the findings ticked in the list, then return to the same list page.

    The form posts to this URL with the list's query string, so a rejected
    form is shown again with the same filters and page.
    """
    form = _bulk_form(tenant, request.POST)
    if form.is_valid():
        try:
            result = services.triage_findings(
                tenant.organisation,
                [finding.pk for finding in form.cleaned_data["findings"]],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _report_bulk_triage(request, result)
            return redirect(_list_url(request, tenant))
    return _render_list(request, tenant, triage_form=form, status=400)
