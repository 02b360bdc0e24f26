from __future__ import annotations

from django.urls import path

from oversight.web.data_set import views

app_name = "data_set"
urlpatterns = [
    path("", views.data_set, name="page"),
    path("download/", views.download, name="download"),
]
