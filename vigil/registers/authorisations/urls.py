"""URLs of the review campaign pages beside the generic register pages."""

from django.urls import path

from vigil.registers.authorisations import views

app_name = "authorisations"

_REVIEW = "reviews/<int:pk>/"

urlpatterns = [
    path("reviews/", views.campaign_list, name="reviews"),
    path("reviews/new/", views.start, name="review_start"),
    path(_REVIEW, views.detail, name="review"),
    path(_REVIEW + "lines/<int:line>/", views.decide, name="review_decide"),
    path(_REVIEW + "close/", views.close, name="review_close"),
    path(_REVIEW + "result.<str:fmt>", views.export, name="review_export"),
    path(
        _REVIEW + "evidence/<int:year>/<str:code>/",
        views.attach,
        name="review_attach",
    ),
]
