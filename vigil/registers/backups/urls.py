"""URLs of the backups pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "backups"

urlpatterns: list[URLPattern] = []
