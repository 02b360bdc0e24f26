"""One-to-one and case discussion records, and the record page every record type shares."""

from __future__ import annotations

from django.urls import path

from oversight.web.records import views, writing

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", writing.book, name="book"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agenda/", writing.agenda, name="agenda"),
    path("<int:pk>/write/", writing.edit, name="edit"),
    path("<int:pk>/write/professional/", writing.professional, name="professional"),
    path("<int:pk>/write/cases/", writing.choose_cases, name="cases"),
    path("<int:pk>/write/cases/<int:case_pk>/", writing.case_note, name="case_note"),
    path(
        "<int:pk>/write/cases/<int:case_pk>/copy/",
        writing.copy_to_siblings,
        name="copy_to_siblings",
    ),
    path("<int:pk>/write/cases/<int:case_pk>/remove/", writing.remove_case, name="remove_case"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/agree/", views.agree, name="agree"),
    path("<int:pk>/return/", views.return_to_supervisor, name="return"),
    path("<int:pk>/addenda/", views.add_addendum, name="add_addendum"),
    path("<int:pk>/disagreements/", views.add_disagreement, name="add_disagreement"),
    path(
        "<int:pk>/disagreements/<int:number>/escalate/",
        views.escalate_disagreement,
        name="escalate_disagreement",
    ),
    path(
        "<int:pk>/disagreements/<int:number>/resolve/",
        views.resolve_disagreement,
        name="resolve_disagreement",
    ),
]
