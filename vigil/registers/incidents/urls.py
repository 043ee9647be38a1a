"""URLs of the incidents pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "incidents"

urlpatterns: list[URLPattern] = []
