"""URLs of the access-log pages (``/c/<org>/accesslog/``) and of its API.

``urlpatterns`` is included under the organisation prefix, ``api_patterns``
under ``/api/``.
"""

from django.urls import path

from vigil.accesslog import api
from vigil.accesslog.views import (
    detection,
    entries,
    findings,
    identities,
    log_actions,
    status,
    tokens,
)

app_name = "accesslog"

urlpatterns = [
    path("", status.status, name="status"),
    path("vkey/", status.vkey, name="vkey"),
    path("checkpoint/", status.checkpoint, name="checkpoint"),
    path("verify/", log_actions.verify, name="verify"),
    path("bundle/", log_actions.export, name="bundle"),
    path("entries/", entries.search, name="search"),
    path("entries/export.csv", entries.export, name="export"),
    path("entries/export-excel.csv", entries.export_excel, name="export_excel"),
    path("entries/<int:index>/proof.json", entries.proof, name="proof"),
    path("identities/", identities.register, name="identities"),
    path("identities/add/", identities.add, name="identity_add"),
    path("identities/<int:pk>/end/", identities.end, name="identity_end"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/create/", tokens.create, name="token_create"),
    path("tokens/<int:pk>/revoke/", tokens.revoke, name="token_revoke"),
    path("findings/", findings.finding_list, name="findings"),
    path("findings/run/", findings.run, name="detection_run"),
    path("findings/triage/", findings.bulk_triage, name="findings_triage"),
    path("findings/<int:pk>/", findings.detail, name="finding"),
    path("findings/<int:pk>/triage/", findings.triage, name="finding_triage"),
    path("detection/", detection.overview, name="detection"),
    path("detection/settings/", detection.change_settings, name="detection_settings"),
    path("detection/open-cases/", detection.change_open_cases, name="open_cases"),
    path("detection/watch-list/", detection.watch, name="watch"),
    path("detection/watch-list/<int:pk>/remove/", detection.unwatch, name="unwatch"),
]

api_patterns = (
    [
        path("v1/accesslog/events", api.ingest, name="events"),
    ],
    "accesslog_api",
)
