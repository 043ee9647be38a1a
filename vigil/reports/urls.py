from django.urls import path

from vigil.reports import views

app_name = "reports"

urlpatterns = [
    path(
        "questionnaires/<int:year>/export/<str:fmt>/",
        views.assessment_export,
        name="assessment_export",
    ),
]
