"""The annual report pages: reports, sections, took note, document, template."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.labels import labelled
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view
from vigil.plans.annual import services, template
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.documents import annual_document
from vigil.plans.annual.forms import (
    NewReportForm,
    NoteForm,
    RegenerateForm,
    SectionDefinitionForm,
    SectionTextForm,
)
from vigil.plans.annual.models import AnnualReport, ReportSection, SectionDefinition
from vigil.reports.render import MEDIA_TYPES, document_response


def _page(
    request: HttpRequest,
    tenant: Tenant,
    name: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    context = {"tenant": tenant, **context}
    return render(request, f"annualreports/{name}", context, status=status)


def _report(tenant: Tenant, pk: int) -> AnnualReport:
    return get_scoped_or_404(AnnualReport.objects.all(), tenant, pk=pk)


def _section(tenant: Tenant, pk: int) -> ReportSection:
    return get_scoped_or_404(
        ReportSection.objects.select_related("report"), tenant, pk=pk
    )


def _definition(tenant: Tenant, pk: int) -> SectionDefinition:
    return get_scoped_or_404(SectionDefinition.objects.all(), tenant, pk=pk)


def _to_report(tenant: Tenant, report: AnnualReport, anchor: str = "") -> HttpResponse:
    response = redirect(
        "annualreports:detail", org=tenant.organisation.slug, pk=report.pk
    )
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _to_template(tenant: Tenant) -> HttpResponse:
    return redirect("annualreports:template", org=tenant.organisation.slug)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _draft_language() -> str:
    language = (get_language() or "nl")[:2]
    return language if language in services.DRAFT_LANGUAGES else "nl"


@require_safe
@tenant_view(Capability.VIEW)
def index(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """List the reports of the centre, newest first, with the form to start one."""
    reports = scoped(AnnualReport.objects.prefetch_related("sections"), tenant)
    rows = [(report, services.is_final(report)) for report in reports]
    form = NewReportForm(initial={"year": timezone.localdate().year - 1})
    context = {
        "rows": rows,
        "form": form,
        "can_edit": tenant.grants(Capability.EDIT_PLANS),
    }
    return _page(request, tenant, "index.html", context)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def create(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = NewReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("annualreports:index", org=tenant.organisation.slug)
    try:
        report = services.create_report(
            tenant.organisation, form.cleaned_data["year"], actor=request.user
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("annualreports:index", org=tenant.organisation.slug)
    messages.success(
        request, _("Annual report %(year)d drafted.") % {"year": report.year}
    )
    return _to_report(tenant, report)


@require_safe
@tenant_view(Capability.VIEW)
def detail(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    report = _report(tenant, pk)
    language = _draft_language()
    sections = [
        {
            "section": section,
            "drafted_text": section.drafted_text_in(language),
            "tables": [
                services.table_from_json(t) for t in section.drafted_tables_in(language)
            ],
            "form": SectionTextForm(initial={"text": section.text_in(language)}),
        }
        for section in report.sections.all()
    ]
    context = {
        "report": report,
        "sections": sections,
        "final": services.is_final(report),
        "can_edit": tenant.grants(Capability.EDIT_PLANS) and not report.is_noted,
        "can_decide": tenant.grants(Capability.RECORD_DECISIONS),
        "note_form": NoteForm(initial={"date": timezone.localdate()}),
        "regenerate_form": RegenerateForm(),
        "languages": services.LANGUAGES,
        "formats": list(MEDIA_TYPES),
    }
    return _page(request, tenant, "report.html", context)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def regenerate(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    report = _report(tenant, pk)
    form = RegenerateForm(request.POST)
    replace = form.is_valid() and form.cleaned_data["replace_edited"]
    try:
        drafted = services.regenerate(
            report, replace_edited=replace, actor=request.user
        )
    except ValidationError as error:
        _error(request, error)
    else:
        text = ngettext(
            "%(count)d section drafted again.",
            "%(count)d sections drafted again.",
            len(drafted),
        )
        messages.success(request, text % {"count": len(drafted)})
    return _to_report(tenant, report)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def section_regenerate(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    section = _section(tenant, pk)
    form = RegenerateForm(request.POST)
    replace = form.is_valid() and form.cleaned_data["replace_edited"]
    try:
        services.regenerate(
            section.report,
            sections=[section],
            replace_edited=replace,
            actor=request.user,
        )
    except ValidationError as error:
        _error(request, error)
    return _to_report(tenant, section.report, f"section-{section.pk}")


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def section_text(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    section = _section(tenant, pk)
    form = SectionTextForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        # The textarea shows the draft when nothing is edited; saving it
        # unchanged keeps the section following the draft.
        if text.strip() == section.drafted_text_in(_draft_language()).strip():
            text = ""
        try:
            services.save_text(section, text, actor=request.user)
        except ValidationError as error:
            _error(request, error)
    return _to_report(tenant, section.report, f"section-{section.pk}")


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def section_final(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    section = _section(tenant, pk)
    try:
        services.mark_final(section, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    return _to_report(tenant, section.report, f"section-{section.pk}")


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def section_reopen(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    section = _section(tenant, pk)
    try:
        services.reopen_section(section, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    return _to_report(tenant, section.report, f"section-{section.pk}")


@require_POST
@tenant_view(Capability.RECORD_DECISIONS)
def note(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    report = _report(tenant, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            text = " ".join(str(error) for error in errors)
            messages.error(request, labelled(form.fields[field].label, text))
        return _to_report(tenant, report, "note")
    try:
        services.record_note(report, **form.cleaned_data, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("Recorded that management took note of the report.")
        )
    return _to_report(tenant, report, "note")


@require_safe
@tenant_view(Capability.VIEW)
def document(request: HttpRequest, tenant: Tenant, pk: int, fmt: str) -> HttpResponse:
    report = _report(tenant, pk)
    language = request.GET.get("language", "nl")
    if fmt not in MEDIA_TYPES or language not in services.LANGUAGES:
        raise Http404
    built = annual_document(tenant.organisation, report.year, language)
    return document_response(built, fmt, f"annual-report-{report.year}-{language}")


@require_safe
@tenant_view(Capability.VIEW)
def template_page(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Show the centre's report template and the form to add a section."""
    context = {
        "definitions": template_of(tenant.organisation),
        "form": SectionDefinitionForm(organisation=tenant.organisation),
        "can_edit": tenant.grants(Capability.EDIT_PLANS),
    }
    return _page(request, tenant, "template.html", context)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def template_add(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    # The default template comes first, so the key check finds its sections.
    template_of(tenant.organisation)
    form = SectionDefinitionForm(request.POST, organisation=tenant.organisation)
    if form.is_valid():
        try:
            definition = template.add_section(
                tenant.organisation, _definition_values(form), actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Section “%(section)s” added.") % {"section": definition}
            )
            return _to_template(tenant)
    context = {
        "definitions": template_of(tenant.organisation),
        "form": form,
        "can_edit": True,
    }
    return _page(request, tenant, "template.html", context, status=400)


def _definition_values(form: SectionDefinitionForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in template.EDITABLE_FIELDS}


@tenant_view(Capability.EDIT_PLANS)
def template_edit(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    definition = _definition(tenant, pk)
    if request.method == "POST":
        unchanged = SectionDefinition.objects.get(pk=definition.pk)
        form = SectionDefinitionForm(
            request.POST, instance=unchanged, organisation=tenant.organisation
        )
        if form.is_valid():
            try:
                template.update_section(
                    definition, _definition_values(form), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _to_template(tenant)
        return _page(
            request,
            tenant,
            "section_edit.html",
            {"definition": definition, "form": form},
            400,
        )
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    form = SectionDefinitionForm(instance=definition, organisation=tenant.organisation)
    return _page(
        request, tenant, "section_edit.html", {"definition": definition, "form": form}
    )


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def template_move(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    definition = _definition(tenant, pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    try:
        template.move_section(definition, step, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    return _to_template(tenant)


@require_POST
@tenant_view(Capability.EDIT_PLANS)
def template_remove(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    definition = _definition(tenant, pk)
    template.remove_section(definition, actor=request.user)
    messages.success(
        request, _("Section “%(section)s” removed.") % {"section": definition}
    )
    return _to_template(tenant)
