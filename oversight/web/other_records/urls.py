"""Pages for management oversight, group supervision, practice observations and conference chair
supervision, under /records/ beside the one-to-one records."""

from __future__ import annotations

from django.urls import path

from oversight.web.other_records import views

app_name = "other_records"
urlpatterns = [
    path("oversight/new/", views.oversight_new, name="oversight_new"),
    path("group/new/", views.group_new, name="group_new"),
    path("observation/new/", views.observation_new, name="observation_new"),
    path("chair/new/", views.chair_new, name="chair_new"),
    path("other/<int:pk>/", views.view, name="view"),
    path("other/<int:pk>/edit/", views.edit, name="edit"),
]
