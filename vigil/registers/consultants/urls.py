"""URLs of the consultant register pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "consultants"

urlpatterns: list[URLPattern] = []
