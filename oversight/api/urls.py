"""/api/: the endpoints, the OpenAPI schema and its interactive docs (served from the installed
drf-spectacular-sidecar package, nothing from a CDN). None of these need a signed-in session:
the endpoints take a token, and the schema and docs hold no data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from oversight.api import views

app_name = "api"

urlpatterns = [
    path("staff/", login_not_required(views.staff), name="staff"),
    path("teams/", login_not_required(views.teams), name="teams"),
    path("cases/", login_not_required(views.cases), name="cases"),
    path("obligations/", login_not_required(views.obligations), name="obligations"),
    path("records/", login_not_required(views.records), name="records"),
    path("indicators/", login_not_required(views.indicators), name="indicators"),
    path("sessions/", login_not_required(views.sessions), name="sessions"),
    path("allocations/", login_not_required(views.allocations), name="allocations"),
    path("case-statuses/", login_not_required(views.case_statuses), name="case_statuses"),
    path("case-events/", login_not_required(views.case_events), name="case_events"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
