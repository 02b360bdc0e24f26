"""Supervision records of every type: the list, the record page and its moves, the one-to-one
pages written part by part, and the one-page forms of the other types."""

from __future__ import annotations

from django.urls import path

from oversight.web.records import month, one_to_one, pages, paper, views

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", one_to_one.book, name="book"),
    path("month/", month.month, name="month"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", paper.record_pdf, name="pdf"),
    path("<int:pk>/agenda/", one_to_one.agenda, name="agenda"),
    path("<int:pk>/write/", one_to_one.edit, name="edit"),
    path("<int:pk>/write/professional/", one_to_one.professional, name="professional"),
    path("<int:pk>/write/cases/", one_to_one.choose_cases, name="cases"),
    path("<int:pk>/write/joint/", one_to_one.joint, name="joint"),
    path("<int:pk>/write/cases/<int:case_pk>/", one_to_one.case_note, name="case_note"),
    path(
        "<int:pk>/write/cases/<int:case_pk>/copy/",
        one_to_one.copy_to_siblings,
        name="copy_to_siblings",
    ),
    path("<int:pk>/write/cases/<int:case_pk>/remove/", one_to_one.remove_case, name="remove_case"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/held/", views.confirm_held, name="held"),
    path("<int:pk>/move/", views.move_session, name="move"),
    path("<int:pk>/cancel/", views.cancel_session, name="cancel"),
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
    # The other types, each written on one page.
    path("oversight/new/", pages.new, {"kind": "oversight"}, name="oversight_new"),
    path("group/new/", pages.new, {"kind": "group"}, name="group_new"),
    path("observation/new/", pages.new, {"kind": "observation"}, name="observation_new"),
    path("chair/new/", pages.new, {"kind": "chair"}, name="chair_new"),
    path("other/<int:pk>/edit/", pages.edit, name="edit_other"),
]
