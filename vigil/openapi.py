"""The one OpenAPI 3.1 document of Vigil's REST API.

The access-log ingestion part describes itself in
``vigil.accesslog.openapi``; the registers add their paths from their specs.
Both use the same bearer tokens, each with its own scope.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from vigil.accesslog.api import ApiError
from vigil.accesslog.openapi import build_document as accesslog_document
from vigil.registers.openapi import extend


def build_document() -> dict[str, Any]:
    document = extend(accesslog_document())
    document["info"]["title"] = "Vigil API"
    document["info"]["description"] = (
        "Programs of a social-welfare centre send access events to the "
        "tamper-evident access log (tokens with scope 'ingest') and read and "
        "change the centre's registers (tokens with scope 'registers')."
    )
    return document


def document(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI document; it needs no authentication."""
    if request.method not in ("GET", "HEAD"):
        method = str(request.method)
        return ApiError(
            405,
            "method_not_allowed",
            lambda: (
                _("%(method)s is not allowed here. Use %(allowed)s.")
                % {"method": method, "allowed": "GET"}
            ),
            headers={"Allow": "GET, HEAD"},
        ).response()
    return JsonResponse(build_document(), json_dumps_params={"indent": 2})


@csrf_exempt
def unknown_endpoint(request: HttpRequest, path: str) -> JsonResponse:
    """Return a JSON 404 for a path under /api/ that names no endpoint.

    Without it, such a path got the HTML page of the web interface, which a
    program cannot read. A path that lacks only its final slash gets the
    path to use, rather than Django's redirect, which a client would follow
    with a GET. Programs send no CSRF token, so a POST to a mistyped path
    would otherwise get the HTML page of the CSRF check.
    """
    added = f"{request.path}/"
    removed = request.path.removesuffix("/")
    if _is_endpoint(added):
        message = _(
            "No API endpoint is at %(path)s. Add the final slash: %(fixed)s"
        ) % {
            "path": request.path,
            "fixed": added,
        }
    elif removed != request.path and _is_endpoint(removed):
        message = _(
            "No API endpoint is at %(path)s. Remove the final slash: %(fixed)s"
        ) % {"path": request.path, "fixed": removed}
    else:
        message = _(
            "No API endpoint is at %(path)s. The endpoints are listed in "
            "/api/v1/openapi.json"
        ) % {"path": request.path}
    return JsonResponse({"error": "not_found", "message": message}, status=404)


def _is_endpoint(path: str) -> bool:
    """Tell whether ``path`` names an endpoint other than the catch-all."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not unknown_endpoint
