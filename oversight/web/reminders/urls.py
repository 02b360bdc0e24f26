from __future__ import annotations

from django.urls import path

from oversight.web.reminders import notifications, views

app_name = "reminders"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notifications.open_notification, name="open_notification"),
    path("notifications/read/", notifications.mark_all_read, name="mark_all_read"),
]
