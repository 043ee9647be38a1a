"""The one OpenAPI 3.1 document of Vigil's REST API.

The access-log ingestion part describes itself in
``vigil.accesslog.openapi``; the registers add their paths from their specs.
Both use the same bearer tokens, each with its own scope.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse

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
        response = JsonResponse(
            {"error": "method_not_allowed", "message": "use GET"}, status=405
        )
        response["Allow"] = "GET, HEAD"
        return response
    return JsonResponse(build_document(), json_dumps_params={"indent": 2})
