"""URLs of the physical security pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "physical"

urlpatterns: list[URLPattern] = []
