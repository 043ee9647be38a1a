from django.urls import include, path, re_path

from vigil import openapi
from vigil.accesslog.urls import api_patterns as accesslog_api_patterns

urlpatterns = [
    path("accounts/", include("vigil.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vigil.organisations.urls")),
    path("c/<slug:org>/", include("vigil.assessments.urls")),
    path("c/<slug:org>/", include("vigil.reports.urls")),
    path("c/<slug:org>/audit/", include("vigil.audit.urls")),
    path("c/<slug:org>/accesslog/", include("vigil.accesslog.urls")),
    path("c/<slug:org>/registers/", include("vigil.registers.urls")),
    path("c/<slug:org>/consultants/", include("vigil.registers.consultants.urls")),
    path("c/<slug:org>/physical/", include("vigil.registers.sites.urls")),
    path("c/<slug:org>/inventory/", include("vigil.registers.inventory.urls")),
    path(
        "c/<slug:org>/authorisations/", include("vigil.registers.authorisations.urls")
    ),
    path("c/<slug:org>/incidents/", include("vigil.registers.incidents.urls")),
    path("c/<slug:org>/backups/", include("vigil.registers.backups.urls")),
    path("c/<slug:org>/plan/", include("vigil.plans.security.urls")),
    path("c/<slug:org>/audits/", include("vigil.plans.audits.urls")),
    path("c/<slug:org>/risks/", include("vigil.plans.risks.urls")),
    path("c/<slug:org>/continuity/", include("vigil.plans.continuity.urls")),
    path("c/<slug:org>/annual-report/", include("vigil.plans.annual.urls")),
    path("", include("vigil.reminders.urls")),
    path("api/v1/openapi.json", openapi.document, name="openapi"),
    path("api/", include(accesslog_api_patterns)),
    path("api/", include("vigil.registers.api_urls")),
    re_path(r"^api/(?P<path>.*)$", openapi.unknown_endpoint),
]
