"""URLs of the reminders: the centre's due list and the user's calendar."""

from django.urls import path

from vigil.reminders import views

app_name = "reminders"

urlpatterns = [
    path("c/<slug:org>/due/", views.due, name="due"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new/", views.feed_create, name="feed_create"),
    path("calendar/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:secret>.ics", views.feed, name="feed"),
]
