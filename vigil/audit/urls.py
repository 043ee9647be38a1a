from django.urls import path

from vigil.audit import views

app_name = "audit"

urlpatterns = [path("", views.trail, name="trail")]
