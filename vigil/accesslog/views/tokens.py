"""API tokens of the organisation: list, create (secret shown once) and revoke.

Revoking is confirmed first: its GET shows the token and what revoking stops.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accesslog import tokens as token_service
from vigil.accesslog.models import ApiToken
from vigil.accesslog.openapi import EVENTS_PATH
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import TokenForm
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view

# The session key under which a new token's id and secret wait for the one
# page that shows them. The key names the centre, so that only that
# centre's token page shows the secret.
# NOTE: until that page loads, the secret is in the session store (the
# database by default), and it stays there until the session ends if the
# browser never follows the redirect.
NEW_TOKEN_SESSION_KEY = "accesslog_new_token:{organisation}"  # noqa: S105


def _keep_for_display(
    request: HttpRequest, tenant: Tenant, token: ApiToken, secret: str
) -> None:
    key = NEW_TOKEN_SESSION_KEY.format(organisation=tenant.organisation.pk)
    request.session[key] = {"token": token.pk, "secret": secret}


def _take_for_display(
    request: HttpRequest, tenant: Tenant
) -> tuple[ApiToken, str] | None:
    """Return the new token and its secret once, removing them from the session."""
    key = NEW_TOKEN_SESSION_KEY.format(organisation=tenant.organisation.pk)
    kept = request.session.pop(key, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("token"), int):
        return None
    token = scoped(ApiToken.objects, tenant).filter(pk=kept["token"]).first()
    if token is None:
        return None
    return token, str(kept.get("secret", ""))


def _render(
    request: HttpRequest,
    tenant: Tenant,
    *,
    form: TokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    created = _take_for_display(request, tenant) if status == 200 else None
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
    token, secret = token_service.create_token(
        tenant.organisation,
        form.cleaned_data["name"],
        actor=request.user,
        scope=form.cleaned_data["scope"] or ApiToken.Scope.INGEST,
    )
    # POST/redirect/GET: a reload of the page that shows the secret reloads
    # the list and does not post the form again. The secret waits in the
    # session, never in the URL, for that one page.
    _keep_for_display(request, tenant, token, secret)
    url = reverse("accesslog:tokens", kwargs={"org": tenant.organisation.slug})
    return HttpResponseRedirect(url, status=303)


@tenant_view(Capability.MANAGE_ACCESS_LOG)
def revoke(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    """Show what revoking the token stops, and revoke it on POST."""
    token = get_scoped_or_404(ApiToken.objects.all(), tenant, pk=pk)
    if request.method != "POST":
        context = {"token": token}
        return render_page(
            request, tenant, "accesslog/token_revoke.html", context, section="tokens"
        )
    token, revoked = token_service.revoke_active_token(token, actor=request.user)
    if not revoked and token.revoked_at is not None:
        # A second POST, such as a resubmitted form or a second tab, which
        # changes nothing and writes no audit entry.
        when = formats.date_format(timezone.localtime(token.revoked_at), "Y-m-d H:i")
        messages.info(
            request,
            _(
                "The token “%(name)s” was already revoked on %(when)s, so "
                "nothing changed."
            )
            % {"name": token.name, "when": when},
        )
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accesslog:tokens", org=tenant.organisation.slug)
