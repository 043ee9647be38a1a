"""URLs of the inventory pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "inventory"

urlpatterns: list[URLPattern] = []
