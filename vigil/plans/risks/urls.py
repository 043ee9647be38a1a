"""URLs of the risk analysis pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "risks"

urlpatterns: list[URLPattern] = []
