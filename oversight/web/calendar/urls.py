from __future__ import annotations

from django.urls import path

from oversight.web.calendar import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("feed/", views.make_feed, name="make"),
    path("feed/stop/", views.stop_feed, name="stop"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("sessions/<int:pk>.ics", views.one_session, name="session"),
]
