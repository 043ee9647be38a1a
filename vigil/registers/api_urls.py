"""URLs of the register API, included under ``/api/``."""

from django.urls import path

from vigil.registers import api

app_name = "registers_api"

urlpatterns = [
    path("v1/centres/<slug:org>/registers/", api.register_index, name="index"),
    path(
        "v1/centres/<slug:org>/registers/<slug:register>/",
        api.records,
        name="records",
    ),
    path(
        "v1/centres/<slug:org>/registers/<slug:register>/<int:pk>",
        api.record,
        name="record",
    ),
]
