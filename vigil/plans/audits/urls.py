"""URLs of the audits pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "audits"

urlpatterns: list[URLPattern] = []
