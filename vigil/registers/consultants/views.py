"""Pages of the consultant register beside the generic register pages:
the notification document and recording its sending and acknowledgement."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, tenant_view
from vigil.registers.consultants import services
from vigil.registers.consultants.models import Consultant, Notification
from vigil.registers.consultants.notification import LANGUAGES, build_notification
from vigil.registers.consultants.specs import CONSULTANTS
from vigil.registers.services import RecordInvalid
from vigil.reports.render import MEDIA_TYPES, document_response


def _detail(tenant: Tenant, consultant: Consultant) -> HttpResponse:
    return redirect(
        "registers:detail",
        org=tenant.organisation.slug,
        register=CONSULTANTS.slug,
        pk=consultant.pk,
    )


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("language", "")
    if asked:
        return asked
    current = (get_language() or "nl")[:2]
    return current if current in LANGUAGES else "nl"


@require_safe
@tenant_view(Capability.VIEW)
def notification_document(
    request: HttpRequest, tenant: Tenant, pk: int, fmt: str
) -> HttpResponse:
    """The notification of the consultant's identity and hours, as PDF or ODT."""
    consultant = get_scoped_or_404(Consultant.objects.all(), tenant, pk=pk)
    if fmt not in MEDIA_TYPES or consultant.role != Consultant.Role.CONSULTANT:
        raise Http404
    language = _language(request)
    if language not in LANGUAGES:
        message = _("Unknown language %(value)r; use language=nl or language=fr.")
        return HttpResponse(message % {"value": language}, status=400)
    document = build_notification(consultant, language)
    filename = f"notification-consultant-{tenant.organisation.slug}-{language}"
    return document_response(document, fmt, filename)


def _field_label(name: str) -> str:
    if name == "__all__":
        return ""
    field = Notification._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _invalid(
    request: HttpRequest,
    tenant: Tenant,
    consultant: Consultant,
    error: RecordInvalid,
) -> HttpResponse:
    errors = [
        (_field_label(name), messages_of_field)
        for name, messages_of_field in error.errors.items()
    ]
    context = {
        "tenant": tenant,
        "spec": CONSULTANTS,
        "record": consultant,
        "errors": errors,
    }
    return render(request, "consultants/notification_invalid.html", context, status=400)


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def notification_add(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    consultant = get_scoped_or_404(Consultant.objects.all(), tenant, pk=pk)
    try:
        services.record_sent(consultant, request.POST.dict(), actor=request.user)
    except RecordInvalid as error:
        return _invalid(request, tenant, consultant, error)
    messages.success(request, _("Notification recorded."))
    return _detail(tenant, consultant)


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def notification_acknowledge(
    request: HttpRequest, tenant: Tenant, pk: int
) -> HttpResponse:
    queryset = Notification.objects.select_related("consultant", "organisation")
    notification = get_scoped_or_404(queryset, tenant, pk=pk)
    consultant = notification.consultant
    try:
        services.record_acknowledged(
            notification, request.POST.dict(), actor=request.user
        )
    except RecordInvalid as error:
        return _invalid(request, tenant, consultant, error)
    messages.success(request, _("Acknowledgement recorded."))
    return _detail(tenant, consultant)
