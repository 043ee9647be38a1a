"""URLs of the audits pages beside the generic register pages."""

from django.urls import path

from vigil.plans.audits import views

app_name = "audits"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("<int:pk>/report.<str:fmt>", views.report, name="report"),
]
