"""URLs of the register pages, included under ``/c/<org>/registers/``."""

from django.urls import path

from vigil.registers import views

app_name = "registers"

_RECORD = "<slug:register>/<int:pk>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:register>/", views.record_list, name="list"),
    path("<slug:register>/new/", views.create, name="create"),
    path("<slug:register>/import/", views.import_file, name="import"),
    path("<slug:register>/export.<str:fmt>", views.export, name="export"),
    path(
        "<slug:register>/evidence/<int:year>/<str:code>/",
        views.attach_as_evidence,
        name="attach",
    ),
    path(_RECORD, views.detail, name="detail"),
    path(_RECORD + "edit/", views.edit, name="edit"),
    path(_RECORD + "delete/", views.delete, name="delete"),
    path(_RECORD + "files/", views.attachment_add, name="attachment_add"),
    path(
        _RECORD + "files/<int:file_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        _RECORD + "files/<int:file_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
