"""A person's appraisal page (issue 16): the year's evidence from supervision, the form that
records the appraisal and its Personal Development Plan, the appraisals before, and the evidence
pack as a PDF.

Who reads and who records is decided in `access/appraisals.py`; the evidence is gathered by
`appraisals.evidence.gather`; the appraisal is written by `appraisals.recording.record_appraisal`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.access.appraisals import (
    appraisee_for_user,
    can_record_appraisal,
    require_record_appraisal,
)
from oversight.access.staff import staff_of
from oversight.appraisals.evidence import Evidence, gather
from oversight.appraisals.models import Appraisal
from oversight.appraisals.recording import record_appraisal
from oversight.audit.actor import Actor
from oversight.facts.live import council_name
from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.transitions import WorkflowError
from oversight.web.paper import pdf_response, render_pdf
from oversight.web.people.forms import AppraisalForm
from oversight.web.requests import AuthenticatedHttpRequest


def _appraisals(staff: Staff) -> list[Appraisal]:
    return list(
        Appraisal.objects.of_staff(staff)
        .latest_first()
        .select_related("appraiser")
        .prefetch_related("development_plan")
    )


def _context(evidence: Evidence, staff: Staff, day: dt.date) -> dict[str, Any]:
    return {
        "staff": staff,
        "evidence": evidence,
        "appraisals": _appraisals(staff),
        "line_manager": staff.line_manager_on(day),
        "today": day,
    }


@require_http_methods(["GET", "POST"])
def appraisal(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = timezone.localdate()
    staff = appraisee_for_user(request.user, staff_id, day)
    may_record = can_record_appraisal(request.user, staff, day)
    actor = Actor.from_request(request)
    form = AppraisalForm(request.POST or None, initial={"held_on": day})
    if request.method == "POST" and may_record and form.is_valid():
        data = form.cleaned_data
        try:
            record_appraisal(
                actor,
                staff,
                kind=data["kind"],
                held_on=data["held_on"],
                summary=data["summary"],
                outcome=data["outcome"],
                plan=form.plan(),
                today=day,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Recorded {staff.name}\N{RIGHT SINGLE QUOTATION MARK}s appraisal: it is in "
                "section 3 of their supervision file",
            )
            return redirect(reverse("people:appraisal", args=[staff.staff_id]) + "#appraisals")
    elif request.method == "POST":
        # Someone who may only read: refused with the domain operation's words.
        require_record_appraisal(request.user, staff, day)
    evidence = gather(request.user, staff, day)
    actor.audit(
        "view",
        staff,
        detail={
            "page": "appraisal evidence",
            "sessions": [s.session_id for s in evidence.sessions],
        },
    )
    return render(
        request,
        "people/appraisal.html",
        {
            **_context(evidence, staff, day),
            "form": form,
            "plan_rows": form.plan_rows(),
            "may_record": may_record,
        },
    )


def appraisal_pdf(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    """The evidence pack on paper: the year's evidence and the appraisals recorded."""
    day = timezone.localdate()
    staff = appraisee_for_user(request.user, staff_id, day)
    evidence = gather(request.user, staff, day)
    me = staff_of(request.user)
    title = f"Appraisal evidence: {staff.name}, {long_date(day)}"
    context = {
        **_context(evidence, staff, day),
        "title": title,
        "council": council_name(),
        "produced_by": me.name if me else request.user.get_username(),
        "produced_at": timezone.localtime(),
    }
    pdf = render_pdf("people/appraisal_paper.html", context, request)
    # Handing out the evidence is a look at it: audited as the page is, saying it was the PDF.
    with transaction.atomic():
        Actor.from_request(request).audit(
            "download",
            staff,
            detail={
                "page": "appraisal evidence",
                "format": "pdf",
                "sessions": [s.session_id for s in evidence.sessions],
            },
        )
    return pdf_response(pdf, title)
