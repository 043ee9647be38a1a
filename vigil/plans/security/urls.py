"""URLs of the security plan pages beside the generic register pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "securityplans"

urlpatterns: list[URLPattern] = []
