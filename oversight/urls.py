"""Every address Oversight answers, by area; each area's own urls.py lists its pages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from oversight.web.mywork import home

admin.site.site_header = "Oversight administration"
admin.site.site_title = "Oversight administration"
admin.site.index_title = "Correct organisation and case data"

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("oversight.accounts.urls")),
    path("", include("oversight.web.mywork.urls")),
    path("agreements/", include("oversight.web.agreements.urls")),
    path("records/", include("oversight.web.records.urls")),
    path("files/", include("oversight.web.files.urls")),
    path("returns/", include("oversight.web.returns.urls")),
    path("people/", include("oversight.web.people.urls")),
    path("audit/", include("oversight.web.audit_trail.urls")),
    path("calendar/", include("oversight.web.calendar.urls")),
    path("dashboards/", include("oversight.web.dashboards.urls")),
    path("reminders/", include("oversight.web.reminders.urls")),
    path("quality/", include("oversight.web.quality.urls")),
    path("chair-reviews/", include("oversight.web.chair_reviews.urls")),
    path("search/", include("oversight.web.search.urls")),
    path("data-set/", include("oversight.web.data_set.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("oversight.api.urls")),
]
