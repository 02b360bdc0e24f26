from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.obligations.live import staff_obligations
from oversight.organisation.models import Staff
from oversight.policy.engine import Obligation


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    staff = Staff.objects.select_related("team__service").filter(user=request.user).first()
    if staff is None:
        return render(request, "web/home.html", {"staff": None})
    supervisees = list(staff.supervisees_on(today).select_related("team").order_by("name"))
    due = staff_obligations([staff, *supervisees], today)
    return render(
        request,
        "web/home.html",
        {
            "staff": staff,
            "line_manager": staff.line_manager_on(today),
            "my_supervision": _professional_supervision(due[staff.staff_id]),
            "supervisees": [
                (person, _professional_supervision(due[person.staff_id])) for person in supervisees
            ],
        },
    )


def _professional_supervision(obligations: list[Obligation]) -> Obligation | None:
    return next((o for o in obligations if o.obligation == "professional_supervision"), None)
