from django.urls import include, path

from vigil.accesslog.urls import api_patterns as accesslog_api_patterns

urlpatterns = [
    path("accounts/", include("vigil.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vigil.organisations.urls")),
    path("c/<slug:org>/", include("vigil.assessments.urls")),
    path("c/<slug:org>/", include("vigil.reports.urls")),
    path("c/<slug:org>/audit/", include("vigil.audit.urls")),
    path("c/<slug:org>/accesslog/", include("vigil.accesslog.urls")),
    path("api/", include(accesslog_api_patterns)),
]
