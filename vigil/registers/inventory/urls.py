"""URLs of the inventory pages beside the generic register pages."""

from django.urls import path

from vigil.registers.inventory import views

app_name = "inventory"

urlpatterns = [
    path("attention/", views.attention, name="attention"),
]
