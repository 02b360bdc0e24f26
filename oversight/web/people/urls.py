from __future__ import annotations

from django.urls import path

from oversight.web.people import views

app_name = "people"

urlpatterns = [
    path("<str:staff_id>/reassign/", views.reassign, name="reassign"),
    path("<str:staff_id>/reassign/done/", views.reassigned, name="reassigned"),
    path("<str:staff_id>/leaver/", views.leaver, name="leaver"),
]
