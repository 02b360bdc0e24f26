from __future__ import annotations

from django.urls import path

from oversight.web.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.return_list, name="list"),
    path("<uuid:pk>/", views.return_detail, name="detail"),
    path("<uuid:pk>/workers/", views.decide_workers, name="workers"),
    path("<uuid:pk>/apply/", views.apply, name="apply"),
    path("<uuid:pk>/progress/", views.progress, name="progress"),
]
