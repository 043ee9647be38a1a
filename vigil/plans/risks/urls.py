"""URLs of the risk analysis pages beside the generic register pages."""

from django.urls import path

from vigil.plans.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.heatmap, name="heatmap"),
    path("matrix/", views.matrix_settings, name="matrix"),
    path("document.<str:fmt>", views.document, name="document"),
    path("<int:pk>/plan-action/", views.plan_action, name="plan_action"),
]
