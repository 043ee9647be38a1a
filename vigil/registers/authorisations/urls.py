"""URLs of the authorisations pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "authorisations"

urlpatterns: list[URLPattern] = []
