from __future__ import annotations

from django.urls import path

from oversight.web.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("samples/new/", views.new_sample, name="new_sample"),
    path("samples/<int:pk>/", views.sample, name="sample"),
    path("audits/<int:pk>/", views.audit, name="audit"),
    path("teams/<int:pk>/", views.team_results, name="team_results"),
    path("results/", views.organisation_results, name="results"),
    path("drift/", views.drift, name="drift"),
    path("framework/", views.framework_page, name="framework"),
    path("prompts/<int:pk>/", views.prompts, name="prompts"),
]
