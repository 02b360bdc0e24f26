from __future__ import annotations

from django.urls import path

from oversight.web.chair_reviews import views

app_name = "chair_reviews"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="pdf"),
    path("<str:what>.<str:fmt>", views.download, name="download"),
]
