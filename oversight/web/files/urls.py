from __future__ import annotations

from django.urls import path

from oversight.web.files import views

app_name = "files"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("retention/", views.retention_list, name="retention"),
    path("retention/<str:staff_id>/destroy/", views.destroy, name="destroy"),
    path("document/<int:pk>/download/", views.download, name="download"),
    path("<str:staff_id>/", views.file_detail, name="detail"),
    path("<str:staff_id>/upload/", views.upload, name="upload"),
]
