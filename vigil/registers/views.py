"""The generic pages of every register under ``/c/<org>/registers/``.

Each view finds the register's spec from the URL, queries through the
tenancy helper and leaves the work to :mod:`vigil.registers.services`.
Reading needs ``VIEW``; every change needs the spec's edit capability and
is a POST. A deletion is confirmed first: its GET shows what it changes.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, tenant_view
from vigil.registers import deletion, evidence, queries, services, tabular
from vigil.registers.forms import RegisterForm, build_form
from vigil.registers.models import Attachment, RegisterRecord
from vigil.registers.spec import REGISTERS, RegisterSpec, get_spec

PAGE_SIZE = 50
# An import page lists at most this many errors and counts the others, as
# the access log's file report does. A file may have 20,000 rows with an
# error in each column.
MAX_LISTED_ERRORS = 1000
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def listed_errors(errors: list[services.RowError]) -> list[str]:
    """Return the first MAX_LISTED_ERRORS errors, then how many more there are."""
    listed = [str(error) for error in errors[:MAX_LISTED_ERRORS]]
    hidden = len(errors) - len(listed)
    if hidden > 0:
        listed.append(
            ngettext(
                "… and %(count)d more error", "… and %(count)d more errors", hidden
            )
            % {"count": hidden}
        )
    return listed


def _spec(tenant: Tenant, register: str, *, edit: bool = False) -> RegisterSpec:
    spec = get_spec(register)
    if spec is None:
        raise Http404
    if edit and not tenant.grants(spec.edit_capability):
        raise PermissionDenied
    return spec


def _record(tenant: Tenant, spec: RegisterSpec, pk: int) -> RegisterRecord:
    return get_scoped_or_404(spec.model._default_manager.all(), tenant, pk=pk)


def _page(
    request: HttpRequest,
    tenant: Tenant,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    spec = context.get("spec")
    can_edit = spec is not None and tenant.grants(spec.edit_capability)
    context = {"tenant": tenant, "can_edit": can_edit, **context}
    return render(request, template, context, status=status)


@require_safe
@tenant_view(Capability.VIEW)
def index(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Every register of the centre with its count and warnings."""
    overview = [
        evidence.overview(spec, tenant.organisation)
        for spec in sorted(REGISTERS.values(), key=lambda s: (str(s.group), s.slug))
    ]
    return _page(request, tenant, "registers/index.html", {"overview": overview})


@require_safe
@tenant_view(Capability.VIEW)
def record_list(request: HttpRequest, tenant: Tenant, register: str) -> HttpResponse:
    spec = _spec(tenant, register)
    everything = queries.records(spec, tenant.organisation)
    text = request.GET.get("q", "")
    found = queries.search(spec, everything, text, request.GET)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, queries.cells(spec, record)) for record in page]
    headings = queries.headings(spec)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "spec": spec,
        "page": page,
        "rows": rows,
        "headings": headings,
        "q": text,
        "filters": queries.filters(spec, everything, request.GET),
        "query": query.urlencode(),
        "overview": evidence.overview(spec, tenant.organisation),
    }
    return _page(request, tenant, "registers/list.html", context)


@require_safe
@tenant_view(Capability.VIEW)
def detail(
    request: HttpRequest, tenant: Tenant, register: str, pk: int
) -> HttpResponse:
    spec = _spec(tenant, register)
    record = _record(tenant, spec, pk)
    return _render_detail(request, tenant, spec, record)


def _render_detail(
    request: HttpRequest,
    tenant: Tenant,
    spec: RegisterSpec,
    record: RegisterRecord,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "spec": spec,
        "record": record,
        "rows": queries.detail_rows(spec, record),
        "history": services.history(record)[:200],
        "attachments": services.attachments_of(record),
    }
    return _page(request, tenant, "registers/detail.html", context, status=status)


@tenant_view(Capability.EDIT_REGISTERS)
def create(request: HttpRequest, tenant: Tenant, register: str) -> HttpResponse:
    spec = _spec(tenant, register, edit=True)
    if request.method != "POST":
        form = build_form(spec, tenant.organisation)
        return _render_form(request, tenant, spec, form, None)
    form = build_form(spec, tenant.organisation, request.POST)
    return _save(request, tenant, spec, form, None)


@tenant_view(Capability.EDIT_REGISTERS)
def edit(request: HttpRequest, tenant: Tenant, register: str, pk: int) -> HttpResponse:
    spec = _spec(tenant, register, edit=True)
    record = _record(tenant, spec, pk)
    if request.method != "POST":
        form = build_form(spec, tenant.organisation, instance=record)
        return _render_form(request, tenant, spec, form, record)
    form = build_form(spec, tenant.organisation, request.POST, instance=record)
    return _save(request, tenant, spec, form, record)


def _save(
    request: HttpRequest,
    tenant: Tenant,
    spec: RegisterSpec,
    form: RegisterForm,
    record: RegisterRecord | None,
) -> HttpResponse:
    try:
        saved = services.save_form(spec, form, actor=request.user)
    except services.RecordInvalid as error:
        for name, errors in error.errors.items():
            if name in form.fields or name == "__all__":
                field = None if name == "__all__" else name
                if field is None or field not in form.errors:
                    form.add_error(field, errors)
        return _render_form(request, tenant, spec, form, record, status=400)
    messages.success(request, _("Saved."))
    return redirect(
        "registers:detail",
        org=tenant.organisation.slug,
        register=spec.slug,
        pk=saved.pk,
    )


def _render_form(
    request: HttpRequest,
    tenant: Tenant,
    spec: RegisterSpec,
    form: RegisterForm,
    record: RegisterRecord | None,
    *,
    status: int = 200,
) -> HttpResponse:
    # A rejected form has already copied its values onto ``record``, so the
    # heading names the record as it is stored.
    stored = None if record is None else _record(tenant, spec, record.pk)
    context = {"spec": spec, "form": form, "record": record, "stored": stored}
    return _page(request, tenant, "registers/form.html", context, status=status)


@tenant_view(Capability.EDIT_REGISTERS)
def delete(
    request: HttpRequest, tenant: Tenant, register: str, pk: int
) -> HttpResponse:
    """Show what deleting the record changes, and delete it on POST."""
    spec = _spec(tenant, register, edit=True)
    record = _record(tenant, spec, pk)
    if request.method != "POST":
        preview = deletion.preview_deletion(spec, record)
        context = {"spec": spec, "record": record, "preview": preview}
        return _page(request, tenant, "registers/delete.html", context)
    label = str(record)
    try:
        services.delete_record(spec, record, actor=request.user)
    except services.RecordInvalid as error:
        messages.error(
            request, " ".join(m for errors in error.errors.values() for m in errors)
        )
        return redirect(
            "registers:detail",
            org=tenant.organisation.slug,
            register=spec.slug,
            pk=pk,
        )
    messages.success(request, _("“%(record)s” deleted.") % {"record": label})
    return redirect("registers:list", org=tenant.organisation.slug, register=spec.slug)


@require_safe
@tenant_view(Capability.VIEW)
def export(
    request: HttpRequest, tenant: Tenant, register: str, fmt: str
) -> HttpResponse:
    spec = _spec(tenant, register)
    if fmt not in EXPORT_TYPES:
        raise Http404
    found = queries.search(
        spec,
        queries.records(spec, tenant.organisation),
        request.GET.get("q", ""),
        request.GET,
    )
    content = services.render_export(spec, found, fmt)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    filename = f"{tenant.organisation.slug}-{spec.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@tenant_view(Capability.EDIT_REGISTERS)
def import_file(request: HttpRequest, tenant: Tenant, register: str) -> HttpResponse:
    spec = _spec(tenant, register, edit=True)
    context: dict[str, Any] = {"spec": spec, "errors": [], "fmt": ""}
    if request.method != "POST":
        return _page(request, tenant, "registers/import.html", context)
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "")
    context["fmt"] = fmt
    if upload is None:
        context["errors"] = [_("Choose a file to import.")]
        return _page(request, tenant, "registers/import.html", context, status=400)
    try:
        tabular.check_size(upload.size or 0)
        rows = services.read_rows(spec, upload.read(), fmt)
        result = services.import_rows(
            spec, tenant.organisation, rows, actor=request.user
        )
    except tabular.TableError as error:
        context["errors"] = [str(error)]
    except services.ImportRejected as error:
        context["errors"] = listed_errors(error.errors)
    else:
        messages.success(
            request,
            _("Imported: %(created)d added, %(updated)d changed.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect(
            "registers:list", org=tenant.organisation.slug, register=spec.slug
        )
    return _page(request, tenant, "registers/import.html", context, status=400)


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def attachment_add(
    request: HttpRequest, tenant: Tenant, register: str, pk: int
) -> HttpResponse:
    spec = _spec(tenant, register, edit=True)
    record = _record(tenant, spec, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.add_attachment(record, upload, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” attached.") % {"name": upload.name})
    return redirect(
        "registers:detail", org=tenant.organisation.slug, register=spec.slug, pk=pk
    )


def _attachment(
    tenant: Tenant, spec: RegisterSpec, pk: int, file_id: int
) -> Attachment:
    record = _record(tenant, spec, pk)
    found = services.attachments_of(record).filter(pk=file_id).first()
    if found is None:
        raise Http404
    return found


@require_safe
@tenant_view(Capability.VIEW)
def attachment_download(
    request: HttpRequest, tenant: Tenant, register: str, pk: int, file_id: int
) -> FileResponse:
    """Send an attached file as a download, never for display in the browser."""
    attachment = _attachment(tenant, _spec(tenant, register), pk, file_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def attachment_remove(
    request: HttpRequest, tenant: Tenant, register: str, pk: int, file_id: int
) -> HttpResponse:
    spec = _spec(tenant, register, edit=True)
    attachment = _attachment(tenant, spec, pk, file_id)
    services.remove_attachment(attachment, actor=request.user)
    messages.success(request, _("Attachment removed."))
    return redirect(
        "registers:detail", org=tenant.organisation.slug, register=spec.slug, pk=pk
    )


@require_POST
@tenant_view(Capability.EDIT_ASSESSMENT)
def attach_as_evidence(
    request: HttpRequest, tenant: Tenant, register: str, year: int, code: str
) -> HttpResponse:
    """Attach the register's current state to a norm's answer of a questionnaire."""
    spec = _spec(tenant, register)
    try:
        item = evidence.attach_snapshot(
            spec, tenant.organisation, year, code, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” attached.") % {"name": item.original_name}
        )
    return redirect(
        "assessments:norm", org=tenant.organisation.slug, year=year, code=code
    )
