"""URLs of the annual report pages."""

from django.urls import path

from vigil.plans.annual import views

app_name = "annualreports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("template/", views.template_page, name="template"),
    path("template/add/", views.template_add, name="template_add"),
    path("template/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("template/<int:pk>/move/", views.template_move, name="template_move"),
    path("template/<int:pk>/remove/", views.template_remove, name="template_remove"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/document.<str:fmt>", views.document, name="document"),
    path("sections/<int:pk>/text/", views.section_text, name="section_text"),
    path(
        "sections/<int:pk>/regenerate/",
        views.section_regenerate,
        name="section_regenerate",
    ),
    path("sections/<int:pk>/final/", views.section_final, name="section_final"),
    path("sections/<int:pk>/reopen/", views.section_reopen, name="section_reopen"),
]
