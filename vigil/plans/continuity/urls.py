"""URLs of the continuity plan pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "continuity"

urlpatterns: list[URLPattern] = []
