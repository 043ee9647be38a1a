"""URLs of the physical security pages beside the generic register pages."""

from django.urls import path

from vigil.registers.sites import views

app_name = "physical"

urlpatterns = [path("", views.overview, name="overview")]
