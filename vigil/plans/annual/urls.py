"""URLs of the annual report pages."""

from django.urls import URLPattern

app_name = "annualreports"

urlpatterns: list[URLPattern] = []
