"""URLs of the security plan pages beside the generic register pages."""

from django.urls import path

from vigil.plans.security import views

app_name = "securityplans"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("budget/", views.budget_page, name="budget"),
    path("gaps/<int:year>/<str:code>/add/", views.add_from_gap, name="add_gap"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/new-version/", views.start_version, name="new_version"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/document.<str:fmt>", views.document, name="document"),
]
