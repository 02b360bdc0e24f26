from __future__ import annotations

from django.urls import path

from oversight.web.people import appraisal, kss, views

app_name = "people"

urlpatterns = [
    path("<str:staff_id>/caseload/", views.caseload, name="caseload"),
    path("teams/<int:pk>/caseloads/", views.team_caseloads, name="team_caseloads"),
    path("<str:staff_id>/reassign/", views.reassign, name="reassign"),
    path("<str:staff_id>/reassign/done/", views.reassigned, name="reassigned"),
    path("<str:staff_id>/leaver/", views.leaver, name="leaver"),
    path("<str:staff_id>/deputy/", views.cover, name="cover"),
    path("<str:staff_id>/deputy/<int:pk>/end/", views.cover_end, name="cover_end"),
    path("<str:staff_id>/evidence/", views.evidence, name="evidence"),
    path("<str:staff_id>/appraisal/", appraisal.appraisal, name="appraisal"),
    path("<str:staff_id>/appraisal/pdf/", appraisal.appraisal_pdf, name="appraisal_pdf"),
    path("<str:staff_id>/kss/", kss.coverage, name="kss"),
]
