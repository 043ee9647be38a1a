"""Thin views of the access-log pages under ``/c/<org>/accesslog/``.

Reading needs ``VIEW_ACCESS_LOG``; every change (tokens, identity register,
detection settings, triage) needs ``MANAGE_ACCESS_LOG`` and is a POST to its
own URL, so that each URL declares exactly one capability.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.integers import ascii_integer
from vigil.organisations.tenancy import Tenant


def render_page(
    request: HttpRequest,
    tenant: Tenant,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status: int = 200,
) -> HttpResponse:
    """Render an access-log page with the tenant and the active sub-navigation."""
    context = {"tenant": tenant, "section": section, **context}
    return render(request, template, context, status=status)


def cursor(request: HttpRequest, name: str) -> int | None:
    """Return a non-negative integer query parameter, or None if absent or bad."""
    return ascii_integer(request.GET.get(name, ""))
