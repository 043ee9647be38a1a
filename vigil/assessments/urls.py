from django.urls import path

from vigil.assessments.views import (
    dashboard,
    evidence,
    questionnaire,
    submission,
    transfer,
)

app_name = "assessments"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("questionnaires/start/", dashboard.start, name="start"),
    path(
        "questionnaires/<int:year>/", questionnaire.questionnaire, name="questionnaire"
    ),
    path(
        "questionnaires/<int:year>/norms/<str:code>/", questionnaire.norm, name="norm"
    ),
    path(
        "questionnaires/<int:year>/norms/<str:code>/evidence/",
        evidence.upload,
        name="evidence_upload",
    ),
    path(
        "questionnaires/<int:year>/evidence/<int:evidence_id>/",
        evidence.download,
        name="evidence_download",
    ),
    path(
        "questionnaires/<int:year>/evidence/<int:evidence_id>/delete/",
        evidence.delete,
        name="evidence_delete",
    ),
    path("questionnaires/<int:year>/submit/", submission.submit, name="submit"),
    path("questionnaires/<int:year>/reopen/", submission.reopen, name="reopen"),
    path("questionnaires/<int:year>/diff/", submission.diff, name="diff"),
    path("questionnaires/<int:year>/import/", transfer.import_xlsx, name="import"),
]
