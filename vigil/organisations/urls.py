from django.urls import path

from vigil.organisations import views

app_name = "organisations"

urlpatterns = [path("", views.choose, name="choose")]
