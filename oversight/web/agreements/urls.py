from __future__ import annotations

from django.urls import path

from oversight.web.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("staff/<int:staff_pk>/", views.staff_agreements, name="staff"),
    path("new/<int:staff_pk>/", views.new_agreement, name="new"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="pdf"),
    path("<int:pk>/edit/", views.edit_agreement, name="edit"),
    path("<int:pk>/confirm/", views.confirm_agreement, name="confirm"),
]
