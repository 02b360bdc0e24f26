"""My work's own pages; My work itself is the home page (`home.py`)."""

from __future__ import annotations

from django.urls import path

from oversight.web.mywork import views

app_name = "mywork"
urlpatterns = [
    path("children/<str:case_id>/", views.child, name="child"),
    path("actions/", views.actions, name="actions"),
    path("team/<int:pk>/", views.team, name="team"),
]
