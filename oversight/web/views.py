from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.organisation.models import Staff


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    staff = Staff.objects.select_related("team").filter(user=request.user).first()
    supervisees = (
        staff.supervisees_on(today).select_related("team").order_by("name")
        if staff
        else Staff.objects.none()
    )
    return render(
        request,
        "web/home.html",
        {
            "staff": staff,
            "line_manager": staff.line_manager_on(today) if staff else None,
            "supervisees": supervisees,
        },
    )
