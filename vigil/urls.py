from django.urls import include, path

urlpatterns = [
    path("accounts/", include("vigil.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vigil.organisations.urls")),
    path("c/<slug:org>/", include("vigil.assessments.urls")),
    path("c/<slug:org>/", include("vigil.reports.urls")),
    path("c/<slug:org>/audit/", include("vigil.audit.urls")),
]
