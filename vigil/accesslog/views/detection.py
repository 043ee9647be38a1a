"""Detection settings, the list of open case files and the watch list."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vigil.accesslog.detection import lists, services
from vigil.accesslog.detection.models import (
    DetectionSettings,
    OpenCase,
    WatchedSubject,
)
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import (
    DetectionSettingsForm,
    OpenCasesForm,
    WatchedSubjectForm,
)
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view

SHOWN_CASE_REFS = 200
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An error lists at most this many bad line numbers.
LISTED_LINES = 20


def _settings_initial(current: DetectionSettings) -> dict[str, Any]:
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    initial["exempt_user_ids"] = "\n".join(current.exempt_user_ids)
    return initial


def _render(
    request: HttpRequest,
    tenant: Tenant,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    current = services.get_settings(tenant.organisation)
    open_cases = scoped(OpenCase.objects, tenant)
    case_ref_count = open_cases.filter(kind=OpenCase.Kind.CASE_REF).count()
    can_manage = tenant.grants(Capability.MANAGE_ACCESS_LOG)
    context: dict[str, Any] = {
        "settings": current,
        "can_manage": can_manage,
        "case_refs": open_cases.filter(kind=OpenCase.Kind.CASE_REF)[:SHOWN_CASE_REFS],
        "case_ref_count": case_ref_count,
        "open_case_counts": _open_case_counts(
            case_ref_count, open_cases.filter(kind=OpenCase.Kind.SUBJECT).count()
        ),
        "watch_list": scoped(WatchedSubject.objects, tenant),
    }
    if can_manage:
        context["settings_form"] = DetectionSettingsForm(
            initial=_settings_initial(current)
        )
        context["open_cases_form"] = OpenCasesForm()
        context["watch_form"] = WatchedSubjectForm()
        context.update(forms or {})
    return render_page(
        request,
        tenant,
        "accesslog/detection.html",
        context,
        section="detection",
        status=status,
    )


@tenant_view(Capability.VIEW_ACCESS_LOG)
def overview(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return _render(request, tenant)


def _back(tenant: Tenant) -> HttpResponse:
    return redirect("accesslog:detection", org=tenant.organisation.slug)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def change_settings(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = DetectionSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_settings(
                tenant.organisation, form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Detection settings saved."))
            return _back(tenant)
    return _render(request, tenant, forms={"settings_form": form}, status=400)


def _uploaded_text(form: OpenCasesForm) -> str:
    upload = form.cleaned_data.get("csv_file")
    if upload is None:
        return ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"csv_file": _("The file exceeds 5 MiB; split it into smaller files.")}
        )
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValidationError(
            {"csv_file": _("The file is not UTF-8 text; save it as CSV UTF-8.")}
        ) from error


def _national_numbers(form: OpenCasesForm) -> list[str]:
    pasted = lists.read_national_numbers(form.cleaned_data["national_numbers"])
    uploaded = lists.read_national_numbers(_uploaded_text(form))
    errors = {}
    if pasted.invalid_lines:
        errors["national_numbers"] = _lines_error(pasted)
    if uploaded.invalid_lines:
        errors["csv_file"] = _lines_error(uploaded)
    if errors:
        raise ValidationError(errors)
    return pasted.numbers + uploaded.numbers


def _listed(lines: list[int]) -> dict[str, str]:
    listed = ", ".join(str(line) for line in lines[:LISTED_LINES])
    return {"lines": listed, "more": "…" if len(lines) > LISTED_LINES else ""}


def _lines_error(read: lists.NationalNumbers) -> str:
    lines = read.invalid_lines
    error = ngettext(
        "Line %(lines)s%(more)s contains no valid national or BIS number, so "
        "nothing was saved.",
        "Lines %(lines)s%(more)s contain no valid national or BIS number, so "
        "nothing was saved.",
        len(lines),
    ) % _listed(lines)
    short = read.ten_digit_lines
    if not short:
        return error
    hint = ngettext(
        "Line %(lines)s%(more)s has 10 digits: if a spreadsheet dropped the "
        "leading 0, put it back and store the column as text.",
        "Lines %(lines)s%(more)s have 10 digits: if a spreadsheet dropped their "
        "leading 0, put it back and store the column as text.",
        len(short),
    ) % _listed(short)
    return f"{error} {hint}"


def _open_case_counts(references: int, subjects: int) -> str:
    return _("%(references)s and %(subjects)s.") % {
        "references": ngettext(
            "%(count)s case file reference",
            "%(count)s case file references",
            references,
        )
        % {"count": references},
        "subjects": ngettext(
            "%(count)s data subject with an open case",
            "%(count)s data subjects with an open case",
            subjects,
        )
        % {"count": subjects},
    }


def _change_message(change: lists.OpenCaseChange) -> str:
    return _("%(added)s, %(removed)s; %(total)s.") % {
        "added": ngettext("%(count)s added", "%(count)s added", change.added)
        % {"count": change.added},
        "removed": ngettext("%(count)s removed", "%(count)s removed", change.removed)
        % {"count": change.removed},
        "total": ngettext(
            "%(count)s open case file", "%(count)s open case files", change.total
        )
        % {"count": change.total},
    }


def _cleared_message(removed: int) -> str:
    if not removed:
        return _("The list of open case files was already empty.")
    return ngettext(
        "%(count)s open case file removed; the list is empty.",
        "%(count)s open case files removed; the list is empty.",
        removed,
    ) % {"count": removed}


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def change_open_cases(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = OpenCasesForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["empty_list"]:
        change = lists.clear_open_cases(tenant.organisation, actor=request.user)
        messages.success(request, _cleared_message(change.removed))
        return _back(tenant)
    if form.is_valid():
        try:
            change = lists.change_open_cases(
                tenant.organisation,
                case_refs=form.cleaned_data["case_refs"],
                national_numbers=_national_numbers(form),
                replace=form.cleaned_data["replace"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _change_message(change))
            return _back(tenant)
    return _render(request, tenant, forms={"open_cases_form": form}, status=400)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def watch(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = WatchedSubjectForm(request.POST)
    if form.is_valid():
        try:
            lists.add_watched_subject(
                tenant.organisation,
                form.cleaned_data["national_number"],
                form.cleaned_data["label"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Data subject added to the watch list."))
            return _back(tenant)
    return _render(request, tenant, forms={"watch_form": form}, status=400)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def unwatch(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    watched = get_scoped_or_404(WatchedSubject.objects.all(), tenant, pk=pk)
    lists.remove_watched_subject(watched, actor=request.user)
    messages.success(
        request,
        _("“%(label)s” removed from the watch list.") % {"label": watched.label},
    )
    return _back(tenant)
