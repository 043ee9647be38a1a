"""URLs of the consultant register pages beside the generic register pages."""

from django.urls import path

from vigil.registers.consultants import views

app_name = "consultants"

urlpatterns = [
    path(
        "<int:pk>/notification.<str:fmt>",
        views.notification_document,
        name="notification_document",
    ),
    path(
        "<int:pk>/notifications/",
        views.notification_add,
        name="notification_add",
    ),
    path(
        "notifications/<int:pk>/acknowledge/",
        views.notification_acknowledge,
        name="notification_acknowledge",
    ),
]
