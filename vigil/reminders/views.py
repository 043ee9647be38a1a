"""The due list of a centre, the calendar page and the feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.accounts.models import User
from vigil.accounts.roles import Capability
from vigil.organisations.deadlines import collect
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.reminders import ical, services


@require_safe
@tenant_view(Capability.VIEW)
def due(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    today = timezone.localdate()
    items = collect(tenant.organisation, today)
    context = {"tenant": tenant, "items": items, "today": today}
    return render(request, "reminders/due.html", context)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


@require_safe
@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    secret = request.session.pop("vigil_feed_secret", None)
    context = {
        "feed": services.live_feed(_user(request)),
        "secret_url": _feed_url(request, secret) if secret else "",
    }
    return render(request, "reminders/calendar.html", context)


def _feed_url(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("reminders:feed", args=[secret]))


@require_POST
@login_required
def feed_create(request: HttpRequest) -> HttpResponse:
    _feed, secret = services.create_feed(_user(request))
    # Shown once on the next page, then gone from the session.
    request.session["vigil_feed_secret"] = secret
    return redirect("reminders:calendar")


@require_POST
@login_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.revoke_feed(_user(request)):
        messages.success(request, _("The feed address no longer works."))
    return redirect("reminders:calendar")


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Serve the iCalendar feed to a calendar program; the secret is the key."""
    found = services.feed_for_secret(secret)
    if found is None:
        raise Http404
    today = timezone.localdate()
    body = ical.calendar(
        services.user_items(found.user, today),
        name="Vigil",
        base_url=request.build_absolute_uri("/").rstrip("/"),
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="vigil.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
