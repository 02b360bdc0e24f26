"""The compliance dashboards and their downloads."""

from __future__ import annotations

from django.urls import path

from oversight.web.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisation/", views.organisation, name="organisation"),
    path("services/<int:pk>/", views.service, name="service"),
    path("teams/<int:pk>/", views.team, name="team"),
    path(
        "organisation/<str:what>.<str:fmt>",
        views.download,
        {"kind": "organisation"},
        name="organisation_download",
    ),
    path(
        "services/<int:pk>/<str:what>.<str:fmt>",
        views.download,
        {"kind": "service"},
        name="service_download",
    ),
    path(
        "teams/<int:pk>/<str:what>.<str:fmt>",
        views.download,
        {"kind": "team"},
        name="team_download",
    ),
]
