"""The search: one box for a child, a person or a record, among what the user may see."""

from __future__ import annotations

from django.urls import path

from oversight.web.search import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
]
