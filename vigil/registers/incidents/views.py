"""Incident pages beside the generic register pages: from a finding, notification."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accesslog.detection.models import Finding
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, tenant_view
from vigil.registers.incidents import services
from vigil.registers.incidents.deadlines import notification_state
from vigil.registers.incidents.models import Incident
from vigil.registers.incidents.specs import INCIDENTS
from vigil.registers.services import RecordInvalid


def _incident_url(tenant: Tenant, incident: Incident) -> str:
    return reverse(
        "registers:detail",
        kwargs={
            "org": tenant.organisation.slug,
            "register": INCIDENTS.slug,
            "pk": incident.pk,
        },
    )


@require_POST
@tenant_view(Capability.EDIT_REGISTERS)
def from_finding(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """Create an incident of misuse of access from a finding of the centre."""
    finding = get_scoped_or_404(Finding.objects.all(), tenant, pk=pk)
    try:
        incident = services.create_from_finding(finding, actor=request.user)
    except services.FindingHasIncident as error:
        url = _incident_url(tenant, error.existing)
        messages.error(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("This finding is already recorded as an incident:"),
                url,
                error.existing.title,
            ),
        )
        return redirect(url)
    except RecordInvalid as error:
        messages.error(request, str(error))
        return redirect("accesslog:finding", org=tenant.organisation.slug, pk=pk)
    messages.success(
        request, _("Incident created from the finding; complete it below.")
    )
    return redirect(_incident_url(tenant, incident))


@tenant_view(Capability.EDIT_REGISTERS)
def notification(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """Record the notification to the GBA/APD or the decision not to notify."""
    incident = get_scoped_or_404(Incident.objects.all(), tenant, pk=pk)
    status = 200
    if request.method == "POST":
        form = services.notification_form(incident, request.POST)
        try:
            services.record_notification(form, actor=request.user)
        except RecordInvalid as error:
            if not form.errors:
                form.add_error(None, [m for ms in error.errors.values() for m in ms])
            incident.refresh_from_db()
            status = 400
        else:
            messages.success(request, _("Notification saved."))
            return redirect(_incident_url(tenant, incident))
    else:
        form = services.notification_form(incident)
    context = {
        "tenant": tenant,
        "spec": INCIDENTS,
        "record": incident,
        "form": form,
        "state": notification_state(incident, timezone.now()),
    }
    return render(request, "incidents/notification.html", context, status=status)
