"""URLs of the continuity plan pages beside the generic register pages."""

from django.urls import path

from vigil.plans.continuity import views

app_name = "continuity"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("document.<str:fmt>", views.document, name="document"),
]
