"""API tokens of the organisation: list, create (secret shown once) and revoke.

Revoking is confirmed first: its GET shows the token and what revoking stops.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accesslog import tokens as token_service
from vigil.accesslog.models import ApiToken
from vigil.accesslog.openapi import EVENTS_PATH
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import TokenForm
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view


def _render(
    request: HttpRequest,
    tenant: Tenant,
    *,
    form: TokenForm | None = None,
    created: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "tokens": scoped(
            ApiToken.objects.select_related("created_by"), tenant
        ).order_by("revoked_at", "-created_at"),
        "form": form or TokenForm(),
        "created": created[0] if created else None,
        "secret": created[1] if created else None,
        "endpoint": request.build_absolute_uri(EVENTS_PATH),
        "openapi_url": reverse("openapi"),
    }
    response = render_page(
        request,
        tenant,
        "accesslog/tokens.html",
        context,
        section="tokens",
        status=status,
    )
    # The page may show a secret once: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(Capability.MANAGE_ACCESS_LOG)
def token_list(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return _render(request, tenant)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def create(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        active = token_service.active_token_named(
            tenant.organisation, form.cleaned_data["name"]
        )
        if active is not None:
            form.add_error(
                "name",
                _(
                    "An active token is already named “%(name)s” (%(prefix)s…). "
                    "Choose another name, or revoke that token first."
                )
                % {"name": active.name, "prefix": active.prefix},
            )
    if not form.is_valid():
        return _render(request, tenant, form=form, status=400)
    created = token_service.create_token(
        tenant.organisation,
        form.cleaned_data["name"],
        actor=request.user,
        scope=form.cleaned_data["scope"] or ApiToken.Scope.INGEST,
    )
    return _render(request, tenant, created=created)


@tenant_view(Capability.MANAGE_ACCESS_LOG)
def revoke(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """Show what revoking the token stops, and revoke it on POST."""
    token = get_scoped_or_404(ApiToken.objects.all(), tenant, pk=pk)
    if request.method != "POST":
        context = {"token": token}
        return render_page(
            request, tenant, "accesslog/token_revoke.html", context, section="tokens"
        )
    token_service.revoke_token(token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accesslog:tokens", org=tenant.organisation.slug)
