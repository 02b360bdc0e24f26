from __future__ import annotations

from django.urls import path

from oversight.web.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.preferences, name="preferences"),
]
