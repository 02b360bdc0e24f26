from __future__ import annotations

from django.urls import path

from oversight.web.audit_trail import views

app_name = "audit_trail"
urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
    path("mine/", views.mine, name="mine"),
]
