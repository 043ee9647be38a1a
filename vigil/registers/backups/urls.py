"""URLs of the backups pages beside the generic register pages."""

from django.urls import URLPattern, path

from vigil.registers.backups import views

app_name = "backups"

urlpatterns: list[URLPattern] = [
    path("media/", views.media, name="media"),
]
