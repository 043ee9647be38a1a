"""URLs of the incidents pages beside the generic register pages."""

from django.urls import path

from vigil.registers.incidents import views

app_name = "incidents"

urlpatterns = [
    path("from-finding/<int:pk>/", views.from_finding, name="from_finding"),
    path("<int:pk>/notification/", views.notification, name="notification"),
]
