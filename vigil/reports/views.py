"""Downloads of a questionnaire in the export formats."""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.assessments.views import get_assessment
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.reports.exporters import get_exporter
from vigil.reports.questionnaire import build_document

logger = logging.getLogger(__name__)


@require_safe
@tenant_view(Capability.VIEW)
def assessment_export(
    request: HttpRequest, tenant: Tenant, year: int, fmt: str
) -> HttpResponse:
    """Send the questionnaire of ``year`` as a file in format ``fmt``.

    ``?language=nl|fr|en`` chooses the language of the file, by default the
    language of the page.
    """
    exporter = get_exporter(fmt)
    if exporter is None:
        raise Http404
    assessment = get_assessment(tenant, year)
    languages = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("language") or (get_language() or "").split("-")[0]
    if language not in languages:
        return HttpResponseBadRequest(
            _("Unknown language “%(value)s”. Use one of %(languages)s.")
            % {"value": language[:20], "languages": ", ".join(languages)},
            content_type="text/plain; charset=utf-8",
        )

    exported = exporter.render(build_document(assessment, language))
    logger.info(
        "assessment %s exported as %s in %s by user %s",
        assessment.pk,
        exporter.identifier,
        language,
        tenant.user.pk,
    )
    response = HttpResponse(exported.content, content_type=exported.media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exported.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
